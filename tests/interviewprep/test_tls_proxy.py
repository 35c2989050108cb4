"""Behind a TLS-terminating proxy (SECURE_SSL=1): redirects, HSTS and secure cookies."""

import pytest
from django.urls import reverse

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def behind_tls_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_plain_http_is_redirected_to_https(client, db, behind_tls_proxy):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_healthz_answers_over_plain_http_for_the_load_balancer(client, behind_tls_proxy):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_https_requests_get_hsts(client, db, behind_tls_proxy):
    response = client.get(reverse("accounts:login"), headers=HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_cookies_are_secure_over_https(client, user, password, behind_tls_proxy):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}, headers=HTTPS
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True
    assert response.cookies["csrftoken"]["secure"] is True


def test_a_spoofed_header_is_ignored_when_the_proxy_switch_is_off(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None

    response = client.get(reverse("accounts:login"), headers=HTTPS)

    assert response.status_code == 301
