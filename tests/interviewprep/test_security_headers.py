import re

import pytest
from django.urls import reverse

from tests.interviewprep.pages import SIGNED_IN_PAGES, main_page_urls, page_parts, public_page_urls


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]


def assert_scripts_carry_the_nonce(response) -> None:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match, "the CSP has no nonce"
    nonce = match.group(1)
    parts = page_parts(response.content.decode())
    assert parts.scripts, "the page loads no script"
    for script in parts.scripts:
        assert script.src, f"inline script: {script.body[:80]!r}"
        assert not script.body.strip()
        assert script.nonce == nonce
    assert parts.event_handlers == []
    assert parts.inline_styles == 0


@pytest.mark.parametrize("name", list(public_page_urls()))
def test_public_pages_carry_the_security_headers(client, db, name):
    response = client.get(public_page_urls()[name])

    assert response.status_code == 200
    assert_security_headers(response)
    assert_scripts_carry_the_nonce(response)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_carry_the_security_headers(client_logged_in, question, name):
    response = client_logged_in.get(main_page_urls(question=question)[name])

    assert response.status_code == 200
    assert_security_headers(response)
    assert_scripts_carry_the_nonce(response)


def test_each_response_gets_a_fresh_nonce(client, db):
    first = client.get(reverse("accounts:login"))
    second = client.get(reverse("accounts:login"))

    assert csp_directives(first)["script-src"] != csp_directives(second)["script-src"]


def test_the_404_page_carries_the_security_headers(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert_security_headers(response)
    assert_scripts_carry_the_nonce(response)


def test_an_htmx_partial_carries_the_security_headers(client_logged_in, question):
    url = reverse("questions:answer", args=[question.bank.slug, question.slug])

    response = client_logged_in.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert_security_headers(response)
    assert page_parts(response.content.decode()).scripts == []


def test_a_redirect_carries_the_security_headers(client, db):
    response = client.get(reverse("questions:history"))

    assert response.status_code == 302
    assert_security_headers(response)


def test_healthz_carries_the_security_headers(client):
    response = client.get("/healthz/")

    assert_security_headers(response)


def test_the_csrf_cookie_is_not_readable_by_scripts_only_by_the_page_header(client, user):
    response = client.get(reverse("accounts:login"))
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()

    client.force_login(user)
    response = client.get(reverse("accounts:settings"))
    html = response.content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert response.cookies["csrftoken"]["samesite"] == "Lax"
