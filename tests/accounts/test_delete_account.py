from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from questions.models import Attempt, MockInterview, ReviewCard
from tests.factories import PASSWORD

URL = reverse("accounts:delete")
User = get_user_model()


def _history(owner, question) -> MockInterview:
    interview = MockInterview.objects.create(
        owner=owner, bank=question.bank, mode="mock", status="completed", question_count=1
    )
    Attempt.objects.create(
        interview=interview,
        owner=owner,
        question=question,
        position=1,
        prompt=question.prompt,
        model_answer=question.answer,
        model_answer_html=question.answer_html,
        level=question.level,
        answer="EC2 runs in an Availability Zone.",
    )
    ReviewCard.objects.create(owner=owner, question=question, due=timezone.now())
    return interview


def test_it_says_what_will_be_deleted(client_logged_in, user, question):
    _history(user, question)

    response = client_logged_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 interview<" in html
    assert "1 answer," in html
    assert "1 review schedule<" in html
    assert 'autocomplete="current-password"' in html


def test_a_wrong_password_deletes_nothing(client_logged_in, user, question):
    _history(user, question)

    response = client_logged_in.post(URL, {"password": "not-it"})

    assert response.status_code == 200
    assert "That is not your current password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert MockInterview.objects.filter(owner=user).count() == 1
    assert "_auth_user_id" in client_logged_in.session


def test_an_empty_password_deletes_nothing(client_logged_in, user):
    response = client_logged_in.post(URL, {"password": ""})

    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


def test_the_right_password_deletes_the_user_and_all_their_data(
    client_logged_in, user, other_user, question
):
    _history(user, question)
    _history(other_user, question)

    response = client_logged_in.post(URL, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("questions:home"), 302)]
    assert "Your account and all its data were deleted" in response.content.decode()
    assert "_auth_user_id" not in client_logged_in.session
    assert not User.objects.filter(pk=user.pk).exists()
    assert not MockInterview.objects.filter(owner_id=user.pk).exists()
    assert not Attempt.objects.filter(owner_id=user.pk).exists()
    assert not ReviewCard.objects.filter(owner_id=user.pk).exists()
    # Another user's account and data are untouched; the bank too.
    assert User.objects.filter(pk=other_user.pk).exists()
    assert MockInterview.objects.filter(owner=other_user).count() == 1
    assert Attempt.objects.filter(owner=other_user).count() == 1
    assert ReviewCard.objects.filter(owner=other_user).count() == 1
    question.refresh_from_db()


def test_it_removes_the_login_records_of_the_account(client, user, password):
    from axes.models import AccessAttempt, AccessLog

    client.post(reverse("accounts:login"), {"username": "alice", "password": password})
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert AccessLog.objects.filter(username="alice").exists()
    assert AccessAttempt.objects.filter(username="alice").exists()

    client.force_login(user)
    client.post(URL, {"password": password})

    assert not AccessLog.objects.filter(username="alice").exists()
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_it_requires_login(client, user):
    response = client.post(URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert User.objects.filter(pk=user.pk).exists()


def test_settings_link_to_it_from_the_danger_zone(client_logged_in):
    html = client_logged_in.get(reverse("accounts:settings")).content.decode()

    danger_zone = html[html.index("Danger zone") :]
    assert f'href="{URL}"' in danger_zone
