import re
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

URL = reverse("accounts:password_reset")
NEW = "a-brand-new-passphrase-91"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)")


def _reset_link(mailoutbox) -> str:
    assert len(mailoutbox) == 1
    match = LINK.search(mailoutbox[0].body)
    assert match, mailoutbox[0].body
    return match.group(1)


def _lock_out(client, username: str) -> None:
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"})


@pytest.mark.django_db
def test_the_form_is_open_to_visitors(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'autocomplete="email"' in response.content.decode()


def test_it_emails_a_link_that_sets_a_new_password(client, user, mailoutbox):
    response = client.post(URL, {"email": "ALICE@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert "Check your email" in client.get(response.url).content.decode()
    message = mailoutbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Choose a new interviewprep password"
    assert "alice" in message.body
    assert "expires in 3 days" in message.body

    form_page = client.get(_reset_link(mailoutbox), follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    assert "Password set" in client.get(done.url).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_the_link_works_only_once(client, user, mailoutbox):
    client.post(URL, {"email": "alice@example.com"})
    link = _reset_link(mailoutbox)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})

    again = client.get(link, follow=True)

    assert "Reset link not valid" in again.content.decode()


def test_an_invalid_link_says_so_and_offers_a_new_one(client, user):
    response = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reset link not valid" in html
    assert URL in html
    assert "new_password1" not in html


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_email(client, mailoutbox):
    response = client.post(URL, {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_malformed_address_is_explained(client, mailoutbox):
    response = client.post(URL, {"email": "not an email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_a_mismatched_new_password_is_refused(client, user, mailoutbox):
    client.post(URL, {"email": "alice@example.com"})
    set_password_url = client.get(_reset_link(mailoutbox), follow=True).redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW + "x"})

    assert response.status_code == 200
    assert "The two new passwords do not match." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_setting_a_new_password_ends_a_lockout(client, user, mailoutbox):
    _lock_out(client, "alice")
    assert (
        client.post(
            reverse("accounts:login"), {"username": "alice", "password": PASSWORD}
        ).status_code
        == 429
    )

    client.post(URL, {"email": "alice@example.com"})
    set_password_url = client.get(_reset_link(mailoutbox), follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": NEW})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=3, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_it_limits_the_emails_to_one_address(client, user, mailoutbox):
    answers = [client.post(URL, {"email": "alice@example.com"}) for _ in range(16)]

    assert [a.status_code for a in answers] == [302] * 3 + [429] * 13
    assert len(mailoutbox) == 3
    refused = answers[-1].content.decode()
    assert "Too many requests" in refused
    assert "Try again in" in refused
    assert 0 < int(answers[-1]["Retry-After"]) <= 3600


@pytest.mark.django_db
@override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=3, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_the_limit_does_not_tell_which_addresses_have_accounts(client, user, mailoutbox):
    known = [client.post(URL, {"email": "alice@example.com"}).status_code for _ in range(4)]
    unknown = [client.post(URL, {"email": "nobody@example.com"}).status_code for _ in range(4)]

    assert known == unknown == [302, 302, 302, 429]


@override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=100, PASSWORD_RESET_LIMIT_PER_IP=2)
def test_it_limits_the_requests_from_one_client_address(client, user, other_user, mailoutbox):
    codes = [
        client.post(URL, {"email": email}).status_code
        for email in ("alice@example.com", "nobody@example.com", "bob@example.com")
    ]
    elsewhere = client.post(URL, {"email": "bob@example.com"}, REMOTE_ADDR="203.0.113.9")

    assert codes == [302, 302, 429]
    assert elsewhere.status_code == 302
    assert [m.to for m in mailoutbox] == [["alice@example.com"], ["bob@example.com"]]


@override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=1, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_the_limit_starts_again_in_the_next_window(client, user, mailoutbox):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        first = client.post(URL, {"email": "alice@example.com"}).status_code
        second = client.post(URL, {"email": "alice@example.com"})
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        later = client.post(URL, {"email": "alice@example.com"}).status_code

    assert (first, second.status_code, later) == (302, 429, 302)
    assert second["Retry-After"] == str(55 * 60)
    assert "Try again in 55 minutes." in second.content.decode()
    assert len(mailoutbox) == 2
