"""The emailed sign-up link: it creates the account, once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.models import PendingSignup
from tests.factories import UserFactory

SIGNUP = reverse("accounts:signup")
PASSWORD = "a-long-and-unusual-passphrase-7"
LINK = re.compile(r"https?://[^/\s]+(/accounts/signup/confirm/[^\s]+/)")
User = get_user_model()

pytestmark = pytest.mark.django_db


def _sign_up(client, mailoutbox, username="carol", email="carol@example.com") -> str:
    client.post(
        SIGNUP,
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    return LINK.search(mailoutbox[-1].body).group(1)


def test_the_link_asks_before_it_creates_anything(client, mailoutbox):
    link = _sign_up(client, mailoutbox)

    response = client.get(link)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Finish creating your account" in html
    assert "carol@example.com" in html
    assert 'value="carol"' in html
    assert not User.objects.exists()


def test_it_creates_the_account_logs_in_and_lands_on_home(client, mailoutbox):
    link = _sign_up(client, mailoutbox)

    response = client.post(link, {"username": "carol"})

    assert response.status_code == 302
    assert response.url == reverse("questions:home")
    user = User.objects.get(username="carol")
    assert user.email == "carol@example.com"
    assert user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get(response.url)
    assert "Welcome, carol! Your account is ready." in home.content.decode()
    assert not PendingSignup.objects.exists()


def test_the_link_works_once(client, mailoutbox):
    link = _sign_up(client, mailoutbox)
    client.post(link, {"username": "carol"})
    client.post(reverse("accounts:logout"))

    again = client.post(link, {"username": "carol2"})

    assert "Sign-up link not valid" in again.content.decode()
    assert User.objects.count() == 1


def test_a_tampered_link_is_not_valid(client, mailoutbox):
    link = _sign_up(client, mailoutbox)

    response = client.get(link[:-5] + "xxxx/")

    assert response.status_code == 200
    assert "Sign-up link not valid" in response.content.decode()
    assert "Create my account" not in response.content.decode()


def test_the_link_expires_after_three_days(client, mailoutbox):
    link = _sign_up(client, mailoutbox)

    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        response = client.post(link, {"username": "carol"})

    assert "Sign-up link not valid" in response.content.decode()
    assert not User.objects.exists()


def test_a_username_taken_meanwhile_can_be_changed(client, mailoutbox):
    link = _sign_up(client, mailoutbox)
    UserFactory(username="Carol", email="someone@example.com")

    refused = client.post(link, {"username": "carol"})
    created = client.post(link, {"username": "carol-2"})

    assert refused.status_code == 200
    assert "That username is taken" in refused.content.decode()
    assert created.status_code == 302
    assert User.objects.get(username="carol-2").email == "carol@example.com"


def test_an_address_taken_meanwhile_creates_no_second_account(client, mailoutbox):
    first = _sign_up(client, mailoutbox, username="carol")
    second = _sign_up(client, mailoutbox, username="caroline")
    client.post(first, {"username": "carol"})
    client.post(reverse("accounts:logout"))

    response = client.post(second, {"username": "caroline"})

    assert "Sign-up link not valid" in response.content.decode()
    assert list(User.objects.values_list("username", flat=True)) == ["carol"]


def test_an_address_registered_by_another_route_meanwhile_is_explained(client, mailoutbox):
    link = _sign_up(client, mailoutbox)
    UserFactory(username="other", email="CAROL@example.com")

    response = client.post(link, {"username": "carol"})

    assert "You already have an account" in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_a_username_taken_between_validation_and_saving_is_explained(
    client, mailoutbox, monkeypatch
):
    from accounts.forms import SignupConfirmForm

    link = _sign_up(client, mailoutbox)
    UserFactory(username="carol", email="someone@example.com")
    monkeypatch.setattr(SignupConfirmForm, "clean_username", lambda form: "carol")

    response = client.post(link, {"username": "carol"})

    assert response.status_code == 200
    assert "That username was taken a moment ago." in response.content.decode()
    assert User.objects.filter(email="carol@example.com").count() == 0
