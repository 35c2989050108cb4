"""The "Question editors" group: exactly the bank permissions, enough to edit the bank."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from questions.admin_editors import EDITOR_GROUP_NAME, editor_group_sync
from questions.models import Question
from tests.factories import UserFactory
from tests.questions.editors import make_editor, question_form_data

pytestmark = pytest.mark.django_db

EXPECTED = {
    "add_question", "change_question", "view_question", "delete_question",
    "add_tag", "change_tag", "view_tag", "delete_tag",
    "add_bank", "change_bank", "view_bank", "delete_bank",
    "view_historicalquestion",
}  # fmt: skip


def test_the_migration_creates_the_group_with_only_the_bank_permissions():
    group = Group.objects.get(name=EDITOR_GROUP_NAME)

    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert permissions == {("questions", codename) for codename in EXPECTED}


def test_syncing_again_removes_permissions_added_by_hand():
    group = Group.objects.get(name=EDITOR_GROUP_NAME)
    group.permissions.add(Permission.objects.get(codename="delete_user"))

    editor_group_sync()

    assert set(group.permissions.values_list("codename", flat=True)) == EXPECTED


def test_an_editor_can_reach_and_edit_the_bank_in_the_admin(client, question):
    client.force_login(make_editor())

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:questions_question_changelist") in index.content.decode()
    assert reverse("admin:accounts_user_changelist") not in index.content.decode()

    response = client.post(
        reverse("admin:questions_question_change", args=[question.pk]),
        question_form_data(question, answer="An edited answer."),
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "An edited answer."


def test_an_editor_can_add_a_question(client, bank, tag):
    client.force_login(make_editor())

    response = client.post(
        reverse("admin:questions_question_add"),
        {
            "bank": bank.pk,
            "number": 61,
            "level": "senior",
            "slug": "new-question",
            "is_active": "on",
            "prompt": "A new question?",
            "answer": "A new answer.",
            "tags": [tag.pk],
            "talking_points": "",
        },
    )

    assert response.status_code == 302
    assert Question.objects.get(slug="new-question").tags.get() == tag


def test_an_editor_cannot_manage_users(client):
    client.force_login(make_editor())

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_staff_outside_the_group_cannot_edit_questions(client, question):
    client.force_login(UserFactory(username="helpdesk", is_staff=True))

    url = reverse("admin:questions_question_change", args=[question.pk])
    assert client.get(url).status_code == 403


def test_a_normal_user_cannot_reach_the_admin(client, user, question):
    client.force_login(user)

    for url in (
        reverse("admin:index"),
        reverse("admin:questions_question_changelist"),
        reverse("admin:questions_question_change", args=[question.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("admin:questions_question_changelist"))

    assert response.status_code == 302
    assert "login/?next=/admin/questions/question/" in response["Location"]
