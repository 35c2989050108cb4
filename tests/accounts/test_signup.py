import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.forms import SignUpForm

URL = reverse("accounts:signup")
User = get_user_model()


def _data(**overrides) -> dict:
    return {
        "username": "carol",
        "email": "carol@example.com",
        "password1": "a-long-and-unusual-passphrase-7",
        "password2": "a-long-and-unusual-passphrase-7",
        **overrides,
    }


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
def test_it_creates_the_account_logs_in_and_lands_on_home(client):
    response = client.post(URL, _data())

    assert response.status_code == 302
    assert response.url == reverse("questions:home")
    user = User.objects.get(username="carol")
    assert user.email == "carol@example.com"
    assert user.check_password("a-long-and-unusual-passphrase-7")
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get(response.url)
    assert "Welcome, carol! Your account is ready." in home.content.decode()


def test_it_refuses_a_username_taken_in_another_case(client, user):
    response = client.post(URL, _data(username="ALICE"))

    assert response.status_code == 200
    assert "That username is taken" in response.content.decode()
    assert not User.objects.filter(username="ALICE").exists()


def test_it_refuses_an_email_taken_in_another_case(client, user):
    response = client.post(URL, _data(email="Alice@EXAMPLE.com"))

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_it_refuses_a_weak_password_and_keeps_the_other_input(client):
    response = client.post(URL, _data(password1="password", password2="password"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common." in html
    assert 'value="carol"' in html
    assert 'value="carol@example.com"' in html
    assert 'value="password"' not in html
    assert not User.objects.exists()


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


def test_it_reports_a_username_taken_between_validation_and_saving(client, user, monkeypatch):
    # Simulate the race: validation passes, the database's unique constraint refuses.
    monkeypatch.setattr(SignUpForm, "clean_username", lambda form: form.cleaned_data["username"])
    monkeypatch.setattr(SignUpForm, "validate_unique", lambda form: None)
    monkeypatch.setattr(User, "validate_constraints", lambda instance, exclude=None: None)

    response = client.post(URL, _data(username="Alice"))

    assert response.status_code == 200
    assert "was taken a moment ago" in response.content.decode()
    assert User.objects.count() == 1


def test_it_sends_a_logged_in_user_home(client_logged_in):
    response = client_logged_in.get(URL)

    assert response.status_code == 302
    assert response.url == reverse("questions:home")
