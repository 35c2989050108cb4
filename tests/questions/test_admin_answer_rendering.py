"""The question change form: an answer Markdown cannot render is a form error, and the
answer is rendered before the admin opens the transaction it saves in."""

import time

import markdown
import pytest
from django.db import connection
from django.urls import reverse

from questions.models import Question
from questions.rendering import MAX_MARKDOWN_LENGTH, MAX_NESTING
from tests.questions.editors import make_editor, question_form_data

pytestmark = pytest.mark.django_db


def change_url(question: Question) -> str:
    return reverse("admin:questions_question_change", args=[question.pk])


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def answer_errors(response) -> list[str]:
    return response.context["adminform"].form.errors.get("answer", [])


def test_an_answer_too_long_for_its_markup_is_refused_quickly(editor_client, question):
    before = question.answer_html
    started = time.process_time()

    response = editor_client.post(
        change_url(question), question_form_data(question, answer="[" * 20_000)
    )

    assert time.process_time() - started < 3
    assert response.status_code == 200
    [error] = answer_errors(response)
    assert error.startswith("The model answer has a paragraph too long for the markup in it")
    question.refresh_from_db()
    assert question.answer_html == before


def test_an_answer_nested_deeper_than_markdown_renders_is_refused(editor_client, question):
    answer = "".join("    " * depth + "- level\n" for depth in range(MAX_NESTING + 1))

    response = editor_client.post(change_url(question), question_form_data(question, answer=answer))

    assert answer_errors(response) == [
        f"The model answer nests lists or quotes more than {MAX_NESTING} levels deep "
        f"(line {MAX_NESTING + 1}), deeper than Markdown can render."
    ]


def test_an_answer_too_long_is_refused(editor_client, question):
    answer = "a" * (MAX_MARKDOWN_LENGTH + 1)

    response = editor_client.post(change_url(question), question_form_data(question, answer=answer))

    assert answer_errors(response) == [
        f"The model answer is longer than {MAX_MARKDOWN_LENGTH:,} characters."
    ]


def test_the_answer_is_rendered_before_the_admin_opens_its_transaction(
    editor_client, question, monkeypatch
):
    depths = []
    convert = markdown.Markdown.convert

    def spy(md, text):
        depths.append(len(connection.atomic_blocks))
        return convert(md, text)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    outside = len(connection.atomic_blocks)
    answer = f"Use **Auto Scaling** ({time.perf_counter()})."

    response = editor_client.post(change_url(question), question_form_data(question, answer=answer))

    assert response.status_code == 302
    assert depths == [outside]
    question.refresh_from_db()
    assert question.answer_html.startswith("<p>Use <strong>Auto Scaling</strong>")
