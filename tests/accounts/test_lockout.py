from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("accounts:login")


def _fail(client, times: int, username: str = "alice"):
    response = None
    for _ in range(times):
        response = client.post(URL, {"username": username, "password": "wrong"})
    return response


def test_four_failures_still_show_the_form(client, user):
    response = _fail(client, 4)

    assert response.status_code == 200
    assert "That username and password do not match an account." in response.content.decode()


def test_the_fifth_failure_shows_the_lockout_page(client, user):
    response = _fail(client, 5)

    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Logging in is paused" in html
    assert "There were 5 failed attempts to log in as <strong>alice</strong>" in html
    assert "Try again in 15 minutes." in html
    assert reverse("accounts:password_reset") in html
    assert 'class="site-header"' in html


def test_the_right_password_is_refused_while_locked_out(client, user):
    _fail(client, 5)

    response = client.post(URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(client, user, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    _fail(client, 5)

    time_machine.move_to("2030-01-01 12:16:00+00:00", tick=False)
    response = client.post(URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_lockout_of_one_account_leaves_others_alone(client, user, other_user):
    _fail(client, 5, username="alice")

    response = client.post(URL, {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == other_user.pk


def test_a_success_before_the_limit_resets_the_count(client, user):
    _fail(client, 4)
    client.post(URL, {"username": "alice", "password": PASSWORD})
    client.post(reverse("accounts:logout"))

    response = _fail(client, 4)

    assert response.status_code == 200
