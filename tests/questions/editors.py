"""Helpers for the question admin tests: an editor, and a question's change-form data."""

from django.contrib.auth.models import Group

from questions.admin_editors import EDITOR_GROUP_NAME, editor_group_sync
from questions.admin_forms import talking_points_to_text
from questions.models import Question
from tests.factories import UserFactory


def make_editor(username: str = "editor"):
    """A staff member in the "Question editors" group, as the data migration sets it up."""
    group = Group.objects.filter(name=EDITOR_GROUP_NAME).first() or editor_group_sync()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


def question_form_data(question: Question, **changes) -> dict:
    """What the admin change form posts for ``question`` as it is, with ``changes``."""
    data = {
        "bank": question.bank_id,
        "number": question.number,
        "level": question.level,
        "slug": question.slug,
        "is_active": "on" if question.is_active else "",
        "prompt": question.prompt,
        "answer": question.answer,
        "tags": [t.pk for t in question.tags.all()],
        "talking_points": talking_points_to_text(question.talking_points),
        **changes,
    }
    return {k: v for k, v in data.items() if v != ""}
