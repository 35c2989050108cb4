from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("accounts:password_change")
NEW = "a-brand-new-passphrase-91"


def test_it_shows_the_form_with_autocomplete_hints(client_logged_in):
    response = client_logged_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2


def test_it_changes_the_password_and_keeps_the_user_logged_in(client_logged_in, user):
    response = client_logged_in.post(
        URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    done = client_logged_in.get(response.url)
    assert done.status_code == 200
    assert "Password changed" in done.content.decode()


def test_it_refuses_a_wrong_current_password(client_logged_in, user):
    response = client_logged_in.post(
        URL, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 200
    assert "That is not your current password." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_refuses_a_weak_new_password(client_logged_in, user):
    response = client_logged_in.post(
        URL, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_requires_login(client, user):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
