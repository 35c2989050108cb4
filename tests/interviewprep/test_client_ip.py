import pytest
from django.urls import reverse

from interviewprep.client_ip import client_ip


def test_without_proxies_it_is_the_connecting_address(rf, settings):
    settings.PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert client_ip(request) == "203.0.113.7"


def test_behind_one_proxy_it_is_the_address_the_proxy_saw(rf, settings):
    settings.PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


def test_behind_two_proxies_it_skips_the_inner_proxy(rf, settings):
    settings.PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2")

    assert client_ip(request) == "203.0.113.7"


def test_a_short_forwarded_header_falls_back_to_the_connecting_address(rf, settings):
    settings.PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert client_ip(request) == "10.0.0.3"


@pytest.fixture
def behind_one_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    return settings


def failed_login(client, username: str, address: str):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": "wrong"},
        headers={"X-Forwarded-For": f"198.51.100.99, {address}"},
    )


def test_the_lockout_tells_clients_behind_the_proxy_apart(client, user, behind_one_proxy):
    for _ in range(2):
        failed_login(client, user.username, "203.0.113.7")

    locked = failed_login(client, user.username, "203.0.113.7")
    other_client = failed_login(client, user.username, "203.0.113.8")

    assert locked.status_code == 429
    assert other_client.status_code == 200


def test_a_spoofed_forwarded_address_does_not_escape_the_lockout(client, user, behind_one_proxy):
    for spoofed in ("192.0.2.1", "192.0.2.2"):
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": "wrong"},
            headers={"X-Forwarded-For": f"{spoofed}, 203.0.113.7"},
        )

    response = failed_login(client, user.username, "203.0.113.7")

    assert response.status_code == 429
