"""Friendly error pages that look like the app, with the right status codes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults
from django.views.csrf import csrf_failure

from tests.interviewprep.pages import page_parts


def test_an_unknown_url_gets_the_friendly_404(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'aria-label="Main"' in html
    assert reverse("questions:bank_index") in html


def test_an_unknown_question_gets_the_friendly_404(client_logged_in, bank):
    response = client_logged_in.get(reverse("questions:detail", args=[bank.slug, "no-such"]))

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_404_page_shows_the_signed_in_navigation(client_logged_in):
    response = client_logged_in.get("/no/such/page/")

    assert response.status_code == 404
    assert "Log out" in response.content.decode()


def test_the_404_page_for_visitors_offers_login(client, db):
    response = client.get("/no/such/page/")

    assert reverse("accounts:login") in response.content.decode()


def test_the_500_page_renders_without_request_database_or_scripts():
    # No `db` fixture: any database access fails the test.
    request = RequestFactory().get("/")

    response = defaults.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="/static/css/app.css"' in html
    assert page_parts(html).scripts == []


def test_a_crash_in_a_view_shows_the_friendly_500(db, settings):
    settings.ROOT_URLCONF = "tests.interviewprep.crashing_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/crash/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_the_500_page_falls_back_to_plain_html_when_it_cannot_render(db, settings, tmp_path):
    # Manifest storage without a collected manifest: every {% static %} fails.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.ROOT_URLCONF = "tests.interviewprep.crashing_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/crash/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "<script" not in html and "<link" not in html


def test_permission_denied_gets_the_friendly_403(rf, db):
    request = rf.get("/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    html = response.content.decode()
    assert "You are not allowed to do that" in html
    assert reverse("accounts:login") in html


def test_a_bad_request_gets_the_friendly_400(rf, db):
    request = rf.get("/")
    request.user = AnonymousUser()

    response = defaults.bad_request(request, SuspiciousOperation())

    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


def test_a_disallowed_host_gets_the_friendly_400(client, db):
    response = client.get("/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


@pytest.mark.parametrize("reason", ["CSRF token missing.", "Referer checking failed"])
def test_a_failed_csrf_check_gets_the_friendly_page_without_scripts(rf, reason):
    response = csrf_failure(rf.post("/"), reason=reason)

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert page_parts(html).scripts == []
    assert page_parts(html).inline_styles == 0


def test_a_post_without_csrf_token_gets_the_friendly_403(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
