import re

import pytest
from django.urls import reverse

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
