import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from accounts.models import PendingSignup

URL = reverse("accounts:signup")
SENT = reverse("accounts:signup_sent")
User = get_user_model()
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/signup/confirm/[^\s]+/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)")


def _data(**overrides) -> dict:
    return {
        "username": "carol",
        "email": "carol@example.com",
        "password1": "a-long-and-unusual-passphrase-7",
        "password2": "a-long-and-unusual-passphrase-7",
        **overrides,
    }


def _answer(client, data: dict) -> tuple[int, str, str, set[str]]:
    """Everything a visitor can see of a sign-up: status, redirect, the page it leads to
    (less the tokens that differ on every page) and the cookies set."""
    response = client.post(URL, data)
    page = client.get(response["Location"]).content.decode()
    page = re.sub(r'"X-CSRFToken": "[^"]+"|value="[^"]{64}"|nonce="[^"]+"', "", page)
    return response.status_code, response["Location"], page, set(response.cookies)


@pytest.mark.django_db
def test_it_shows_the_form_with_autocomplete_hints(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="username"' in html
    assert 'autocomplete="email"' in html
    assert html.count('autocomplete="new-password"') == 2
    for label in ("Username", "Email address", "Password", "Confirm password"):
        assert f">{label}</label>" in html


@pytest.mark.django_db
def test_it_emails_a_link_and_creates_no_account_yet(client, mailoutbox):
    response = client.post(URL, _data())

    assert response.status_code == 302
    assert response.url == SENT
    assert "Check your email" in client.get(SENT).content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    pending = PendingSignup.objects.get()
    assert (pending.username, pending.email) == ("carol", "carol@example.com")
    assert pending.password.startswith("md5$")  # hashed, never the password itself
    [message] = mailoutbox
    assert message.to == ["carol@example.com"]
    assert message.subject == "Finish creating your interviewprep account"
    assert CONFIRM_LINK.search(message.body)
    assert "expires in 3 days" in message.body


def test_a_taken_address_gets_the_same_answer_as_a_free_one(client, user, mailoutbox):
    free = _answer(client, _data(username="carol", email="carol@example.com"))
    taken = _answer(client, _data(username="dave", email="Alice@EXAMPLE.com"))

    assert taken == free
    assert taken[:2] == (302, SENT)
    assert "An account with this email address already exists" not in taken[2]
    assert not User.objects.filter(username="dave").exists()
    assert len(mailoutbox) == 2


def test_the_owner_of_a_taken_address_is_told_and_offered_a_reset(client, user, mailoutbox):
    client.post(URL, _data(username="dave", email="ALICE@example.com"))

    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Someone tried to sign up to interviewprep with your email address"
    assert "Your username: alice" in message.body
    assert "no new account was made" in message.body
    assert reverse("accounts:login") in message.body
    assert not PendingSignup.objects.exists()
    link = RESET_LINK.search(message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()


def test_a_taken_address_holds_no_username(client, user, mailoutbox):
    # Were "dave" held by the first sign-up, a second one would tell whether the
    # address of the first had an account.
    client.post(URL, _data(username="dave", email="alice@example.com"))
    client.post(URL, _data(username="erin", email="erin@example.com"))

    again = client.post(URL, _data(username="dave", email="dave@example.com"))
    other = client.post(URL, _data(username="erin", email="erin2@example.com"))

    assert again.status_code == other.status_code == 302


def test_it_refuses_a_username_taken_in_another_case(client, user, mailoutbox):
    response = client.post(URL, _data(username="ALICE"))

    assert response.status_code == 200
    assert "That username is taken" in response.content.decode()
    assert not User.objects.filter(username="ALICE").exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_it_refuses_a_weak_password_and_keeps_the_other_input(client, mailoutbox):
    response = client.post(URL, _data(password1="password", password2="password"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common." in html
    assert 'value="carol"' in html
    assert 'value="carol@example.com"' in html
    assert 'value="password"' not in html
    assert not User.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_it_refuses_passwords_that_do_not_match(client):
    response = client.post(URL, _data(password2="a-different-passphrase-8"))

    assert response.status_code == 200
    assert "The two passwords do not match." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_requires_every_field(client):
    response = client.post(URL, {})

    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 4


def test_it_sends_a_logged_in_user_home(client_logged_in):
    response = client_logged_in.get(URL)

    assert response.status_code == 302
    assert response.url == reverse("questions:home")


@pytest.mark.django_db
@override_settings(SIGNUP_LIMIT_PER_ADDRESS=3, SIGNUP_LIMIT_PER_IP=100)
def test_it_limits_the_emails_to_one_address(client, mailoutbox):
    answers = [client.post(URL, _data(username=f"carol{n}")) for n in range(5)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert len(mailoutbox) == 3
    refused = answers[3]
    assert "Too many requests" in refused.content.decode()
    assert "Try again in" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert PendingSignup.objects.count() == 3
    # Another address is still welcome.
    assert client.post(URL, _data(username="dora", email="dora@example.com")).status_code == 302


def test_the_limit_counts_a_taken_address_like_a_free_one(client, user, mailoutbox):
    with override_settings(SIGNUP_LIMIT_PER_ADDRESS=1, SIGNUP_LIMIT_PER_IP=100):
        free = [client.post(URL, _data(email="carol@example.com")).status_code for _ in range(2)]
        taken = [client.post(URL, _data(email="alice@example.com")).status_code for _ in range(2)]

    assert free == taken == [302, 429]
    assert len(mailoutbox) == 2


@pytest.mark.django_db
@override_settings(SIGNUP_LIMIT_PER_ADDRESS=100, SIGNUP_LIMIT_PER_IP=2)
def test_it_limits_sign_ups_from_one_client_address(client, mailoutbox):
    codes = [
        client.post(URL, _data(username=f"u{n}", email=f"u{n}@example.com")).status_code
        for n in range(4)
    ]
    elsewhere = client.post(
        URL, _data(username="far", email="far@example.com"), REMOTE_ADDR="203.0.113.9"
    )

    assert codes == [302, 302, 429, 429]
    assert elsewhere.status_code == 302
    assert len(mailoutbox) == 3
