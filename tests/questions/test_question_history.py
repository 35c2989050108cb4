"""Question history in the admin: what changed, by whom, when; and reverting to a version."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from questions.models import Question
from tests.factories import QuestionFactory, TagFactory
from tests.questions.editors import make_editor, question_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def edit(client, question: Question, **changes):
    question.refresh_from_db()
    data = question_form_data(question, **changes)
    response = client.post(reverse("admin:questions_question_change", args=[question.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def edited_question(editor_client, bank, tag):
    ec2 = TagFactory(bank=bank, slug="ec2", name="EC2")
    question = QuestionFactory(bank=bank, answer="The first answer.", tags=[tag])
    edit(
        editor_client,
        question,
        answer="The second answer.",
        tags=[ec2.pk],
        talking_points="Availability Zone | AZ\nAuto Scaling",
    )
    question.refresh_from_db()
    return question


def test_every_admin_edit_is_kept_with_its_author(edited_question, editor):
    latest = edited_question.history.order_by("-history_id").first()

    assert latest.history_user == editor
    assert latest.answer == "The second answer."
    assert edited_question.history.filter(answer="The first answer.").exists()


def test_one_admin_save_is_one_history_record_with_its_tags(editor_client, bank, tag):
    ec2 = TagFactory(bank=bank, slug="ec2", name="EC2")
    question = QuestionFactory(bank=bank, tags=[tag])
    before = question.history.count()

    edit(editor_client, question, answer="Changed.", tags=[ec2.pk, tag.pk])

    assert question.history.count() == before + 1
    latest = question.history.order_by("-history_id").first()
    assert latest.answer == "Changed."
    assert sorted(row.tag.slug for row in latest.tags.all()) == ["compute", "ec2"]


def test_the_history_page_shows_what_changed_by_whom(editor_client, edited_question):
    url = reverse("admin:questions_question_history", args=[edited_question.pk])

    response = editor_client.get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "editor" in content
    assert "<strong>Model answer:</strong> <del>The first answer.</del>" in content
    assert "<ins>The second answer.</ins>" in content
    assert "<strong>Talking points:</strong>" in content
    assert "Availability Zone | AZ; Auto Scaling" in content
    assert "<strong>Tags:</strong>" in content and "EC2" in content


def test_reverting_through_the_admin_restores_answer_tags_and_points(
    editor_client, edited_question, tag
):
    first = (
        edited_question.history.filter(answer="The first answer.").order_by("-history_id").first()
    )
    url = reverse(
        "admin:questions_question_simple_history", args=[edited_question.pk, first.history_id]
    )

    page = editor_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.initial["answer"] == "The first answer."
    assert list(form.initial["tags"]) == [tag.pk]
    assert 'value="Revert"' in page.content.decode()
    assert '<div class="answer-preview prose"><p>The first answer.</p>' in page.content.decode()

    data = {
        "bank": first.bank_id,
        "number": first.number,
        "level": first.level,
        "slug": first.slug,
        "is_active": "on",
        "prompt": first.prompt,
        "answer": form.initial["answer"],
        "tags": form.initial["tags"],
        "talking_points": form["talking_points"].value(),
        "_save": "Revert",
    }
    response = editor_client.post(url, data)

    assert response.status_code == 302
    edited_question.refresh_from_db()
    assert edited_question.answer == "The first answer."
    assert edited_question.answer_html == "<p>The first answer.</p>"
    assert list(edited_question.tags.all()) == [tag]
    assert edited_question.talking_points == first.talking_points
    assert edited_question.history.count() >= 3


def test_the_history_of_an_imported_question_names_the_file(tmp_path, editor_client):
    path = tmp_path / "bank.json"
    path.write_text(
        '{"format": "interviewprep-questions", "version": 1,'
        ' "bank": {"slug": "b", "name": "B"},'
        ' "questions": [{"slug": "q", "level": "junior", "prompt": "P?", "answer": "A."}]}',
        encoding="utf-8",
    )
    call_command("import_questions", str(path), verbosity=0)
    question = Question.objects.get(slug="q")

    response = editor_client.get(reverse("admin:questions_question_history", args=[question.pk]))

    assert "Imported from bank.json" in response.content.decode()


def test_a_user_without_view_permission_cannot_see_history(client, user, question):
    client.force_login(user)

    response = client.get(reverse("admin:questions_question_history", args=[question.pk]))

    assert response.status_code == 302
