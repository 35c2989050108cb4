import pytest
from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("accounts:login")


@pytest.mark.django_db
def test_it_shows_the_form_with_autocomplete_hints(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert reverse("accounts:password_reset") in html


def test_it_logs_in_and_goes_home(client, user):
    response = client.post(URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("questions:home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_explains_a_wrong_password_and_keeps_the_username(client, user):
    response = client.post(URL, {"username": "alice", "password": "not-the-password"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "That username and password do not match an account." in html
    assert 'value="alice"' in html
    assert "_auth_user_id" not in client.session


def test_it_honours_next(client, user):
    response = client.post(
        URL, {"username": "alice", "password": PASSWORD, "next": "/accounts/settings/"}
    )

    assert response.status_code == 302
    assert response.url == "/accounts/settings/"


def test_it_keeps_next_through_the_form(client, user):
    response = client.get(URL, {"next": "/accounts/settings/"})

    assert 'name="next" value="/accounts/settings/"' in response.content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/", "https:evil.example.com"]
)
def test_it_refuses_an_open_redirect(client, user, target):
    response = client.post(URL, {"username": "alice", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.url == reverse("questions:home")


def test_it_sends_an_anonymous_visitor_of_a_private_page_to_log_in(client, user):
    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 302
    assert response.url == f"{URL}?next=/accounts/settings/"


def test_it_sends_a_logged_in_user_on(client_logged_in):
    response = client_logged_in.get(URL)

    assert response.status_code == 302
    assert response.url == reverse("questions:home")
