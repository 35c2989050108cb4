"""A NUL character in a URL is a bad request (400, the friendly page), never a server error
(PostgreSQL refuses NUL in text); a NUL in a form field is a form error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/progress/anki/weakest.apkg?bank=%00",
        "/progress/anki/due.apkg?bank=aws%00",
        "/bank/aws/?q=%00",
        "/progress/?bank=%00",
        "/admin/autocomplete/?term=%00&app_label=questions&model_name=question&field_name=tags",
        "/bank/aws/?%00=1",
    ],
)
def test_a_nul_in_the_query_string_is_a_bad_request(client_logged_in, bank, url):
    response = client_logged_in.get(url)

    assert response.status_code == 400
    assert b"Traceback" not in response.content


def test_a_nul_in_the_path_is_a_bad_request(client_logged_in):
    assert client_logged_in.get("/bank/a%00b/").status_code == 400


def test_a_nul_in_the_login_form_is_a_form_error(client, user):
    response = client.post(reverse("accounts:login"), {"username": "al\x00ice", "password": "x"})

    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


def test_a_username_longer_than_any_account_is_refused_before_authentication(client, db):
    response = client.post(reverse("accounts:login"), {"username": "u" * 256, "password": "x"})

    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
