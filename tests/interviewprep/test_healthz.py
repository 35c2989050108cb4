from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


def test_it_answers_ok_as_plain_text(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_it_needs_no_login(client):
    # No `db` fixture: pytest-django fails the test on any database access.
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_it_runs_no_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")

    assert response.status_code == 200


def test_it_answers_while_the_database_is_down(client):
    down = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down) as connect:
        response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"
    connect.assert_not_called()


def test_it_answers_head_for_load_balancers(client):
    response = client.head("/healthz/")

    assert response.status_code == 200


def test_it_requires_a_safe_method(client):
    response = client.post("/healthz/")

    assert response.status_code == 405


def test_it_is_never_cached(client):
    response = client.get("/healthz/")

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
