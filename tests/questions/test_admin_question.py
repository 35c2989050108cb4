"""The question admin: list, search, filters, editing talking points, preview, actions, delete."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from questions.admin_forms import talking_points_from_text, talking_points_to_text
from questions.models import Level, Question
from tests.factories import AttemptFactory, BankFactory, QuestionFactory, TagFactory
from tests.questions.editors import make_editor, question_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:questions_question_changelist")


def change_url(question: Question) -> str:
    return reverse("admin:questions_question_change", args=[question.pk])


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_list_shows_prompt_level_tags_active_and_updated(editor_client, question):
    response = editor_client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    for column in ("column-prompt_excerpt", "column-number", "column-level", "column-tag_list"):
        assert column in content
    assert "column-is_active" in content and "column-updated" in content
    assert question.prompt in content
    assert "Compute" in content  # the question's tag


def test_the_list_queries_stay_constant(editor_client, bank, tag, django_assert_max_num_queries):
    QuestionFactory.create_batch(3, bank=bank, tags=[tag])
    with django_assert_max_num_queries(14):
        editor_client.get(CHANGELIST)
    QuestionFactory.create_batch(40, bank=bank, tags=[tag])
    with django_assert_max_num_queries(14):
        editor_client.get(CHANGELIST)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Lambda", {"lambda-q"}),  # prompt
        ("cold starts", {"lambda-q"}),  # answer
        ("s3-durability", {"s3-durability"}),  # slug
    ],
)
def test_search_covers_prompt_answer_and_slug(editor_client, bank, query, expected):
    QuestionFactory(bank=bank, slug="lambda-q", prompt="What is Lambda?", answer="cold starts")
    QuestionFactory(bank=bank, slug="s3-q", prompt="Storage?", answer="eleven nines")
    QuestionFactory(bank=bank, slug="s3-durability", prompt="Other?", answer="none")

    response = editor_client.get(CHANGELIST, {"q": query})

    assert {q.slug for q in response.context["cl"].result_list} == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level__exact": "senior"}, {"senior-one"}),
        ({"is_active__exact": "0"}, {"inactive-one"}),
        ({"tags__id__exact": "TAG"}, {"tagged-one"}),
        ({"bank__id__exact": "OTHER"}, {"other-bank-one"}),
    ],
)
def test_filters_by_level_active_tag_and_bank(editor_client, bank, tag, params, expected):
    QuestionFactory(bank=bank, slug="senior-one", level=Level.SENIOR)
    QuestionFactory(bank=bank, slug="inactive-one", is_active=False)
    QuestionFactory(bank=bank, slug="tagged-one", tags=[tag])
    other = BankFactory(slug="k8s", name="Kubernetes")
    QuestionFactory(bank=other, slug="other-bank-one")
    params = {k: {"TAG": str(tag.pk), "OTHER": str(other.pk)}.get(v, v) for k, v in params.items()}

    response = editor_client.get(CHANGELIST, params)

    assert {q.slug for q in response.context["cl"].result_list} == expected


def test_the_change_form_shows_talking_points_one_per_line(editor_client, question):
    response = editor_client.get(change_url(question))

    assert response.status_code == 200
    assert "Availability Zone | AZ\nRegion</textarea>" in response.content.decode()


def test_editing_talking_points_as_text_saves_the_json_list(editor_client, question):
    text = "Availability Zone | AZ | availability zones\n\n  Region  \nVPC|virtual private cloud"

    response = editor_client.post(
        change_url(question), question_form_data(question, talking_points=text)
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.talking_points == [
        {"term": "Availability Zone", "synonyms": ["AZ", "availability zones"]},
        {"term": "Region", "synonyms": []},
        {"term": "VPC", "synonyms": ["virtual private cloud"]},
    ]


def test_a_bad_talking_point_line_is_explained_and_the_input_kept(editor_client, question):
    text = "Region\n | orphan synonym\nregion | again"

    response = editor_client.post(
        change_url(question), question_form_data(question, talking_points=text)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["talking_points"]
    assert "Line 2: the term before the first “|” is missing." in errors
    assert "Line 3: “region” is already on line 1." in errors
    assert text in response.content.decode()
    question.refresh_from_db()
    assert question.talking_points[0]["term"] == "Availability Zone"


def test_talking_points_text_round_trips():
    points = [
        {"term": "Availability Zone", "synonyms": ["AZ", "availability zones"]},
        {"term": "IAM role", "synonyms": []},
    ]

    assert talking_points_from_text(talking_points_to_text(points)) == points


def test_editing_the_answer_rerenders_it(editor_client, question):
    response = editor_client.post(
        change_url(question), question_form_data(question, answer="Use **Auto Scaling**.")
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_html == "<p>Use <strong>Auto Scaling</strong>.</p>"


def test_the_answer_preview_is_rendered_and_sanitized(editor_client, bank):
    question = QuestionFactory(
        bank=bank,
        answer="**Bold** <script>alert('x')</script> [link](javascript:alert(1))\n\n"
        '<img src=x onerror="alert(2)">',
    )

    content = editor_client.get(change_url(question)).content.decode()

    assert '<div class="answer-preview prose"><p><strong>Bold</strong>' in content
    assert "<script>alert" not in content
    assert "javascript:alert" not in content.split('class="answer-preview')[1].split("</div>")[0]
    assert "onerror" not in content.split('class="answer-preview')[1].split("</div>")[0]


def test_the_change_page_links_to_the_candidate_preview(editor_client, bank):
    question = QuestionFactory(bank=bank, is_active=False)

    content = editor_client.get(change_url(question)).content.decode()
    preview = question.get_absolute_url() + "?preview=1"
    assert f'href="{preview}"' in content
    assert "Preview as candidate" in content

    page = editor_client.get(preview)
    assert page.status_code == 200
    assert question.prompt in page.content.decode()


def test_tags_must_belong_to_the_question_bank(editor_client, question):
    foreign = TagFactory(bank=BankFactory(slug="k8s", name="Kubernetes"), name="Pods")

    response = editor_client.post(
        change_url(question), question_form_data(question, tags=[foreign.pk])
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tags"]


@pytest.mark.parametrize("field", ["bank", "tags"])
def test_an_id_no_table_can_hold_is_not_a_choice(editor_client, question, field):
    huge = str(2**63)
    value = [huge] if field == "tags" else huge

    response = editor_client.post(
        change_url(question), question_form_data(question, **{field: value})
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]


def test_bulk_activate_and_deactivate(editor_client, bank):
    active = QuestionFactory(bank=bank, is_active=True)
    inactive = QuestionFactory(bank=bank, is_active=False)
    ids = [str(active.pk), str(inactive.pk)]

    response = editor_client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": ids}, follow=True
    )
    assert "1 question(s) deactivated." in messages_of(response)
    assert not Question.objects.filter(is_active=True).exists()
    assert active.history.first().history_change_reason == "Deactivated"

    response = editor_client.post(
        CHANGELIST, {"action": "activate", "_selected_action": ids}, follow=True
    )
    assert "2 question(s) activated." in messages_of(response)
    assert Question.objects.filter(is_active=True).count() == 2


def test_deleting_a_question_with_attempts_is_refused_in_favour_of_deactivating(
    editor_client, bank
):
    question = QuestionFactory(bank=bank)
    AttemptFactory(question=question, interview__bank=bank)
    url = reverse("admin:questions_question_delete", args=[question.pk])

    for response in (editor_client.get(url), editor_client.post(url, {"post": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == change_url(question)
    messages = messages_of(editor_client.get(change_url(question)))
    assert any("Deactivate it instead" in m for m in messages)
    assert Question.objects.filter(pk=question.pk).exists()


def test_bulk_delete_of_answered_questions_is_refused(editor_client, bank):
    answered = QuestionFactory(bank=bank)
    unanswered = QuestionFactory(bank=bank)
    AttemptFactory(question=answered, interview__bank=bank)

    response = editor_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "_selected_action": [answered.pk, unanswered.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert any(
        "has been answered" in m and "Deactivate it instead" in m for m in messages_of(response)
    )
    assert Question.objects.count() == 2


def test_a_question_without_attempts_can_be_deleted(editor_client, bank):
    question = QuestionFactory(bank=bank)
    url = reverse("admin:questions_question_delete", args=[question.pk])

    response = editor_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_bulk_delete_without_attempts_still_works(editor_client, bank):
    questions = QuestionFactory.create_batch(2, bank=bank)

    editor_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [q.pk for q in questions], "post": "yes"},
    )

    assert not Question.objects.exists()


def test_tag_and_bank_admin_pages_work(editor_client, question):
    tags = editor_client.get(reverse("admin:questions_tag_changelist"))
    banks = editor_client.get(reverse("admin:questions_bank_changelist"))

    assert tags.status_code == 200 and "Compute" in tags.content.decode()
    assert banks.status_code == 200
    export = reverse("admin:questions_question_export")
    assert f"{export}?bank=aws&amp;format=json" in banks.content.decode()


def test_the_changelist_links_to_import_and_export(editor_client, question):
    content = editor_client.get(CHANGELIST).content.decode()

    assert reverse("admin:questions_question_import") in content
    assert reverse("admin:questions_question_export") in content


def test_an_add_form_explains_the_preview_comes_after_saving(editor_client, bank):
    response = editor_client.get(reverse("admin:questions_question_add"))

    assert response.status_code == 200
    assert "Save to see the answer as candidates will see it." in response.content.decode()


def test_the_change_form_shows_the_points_derived_from_the_model_answer(editor_client, bank):
    question = QuestionFactory(
        bank=bank,
        prompt="What does a read replica do?",
        answer="It serves read-heavy reporting queries so the primary handles writes.",
        talking_points=[],
    )

    response = editor_client.get(change_url(question))

    content = response.content.decode()
    assert "Used now: answers to this question are scored against these claims" in content
    assert "It serves read-heavy reporting queries so the primary handles writes." in content


def test_ticking_use_derived_points_makes_them_curated(editor_client, bank):
    question = QuestionFactory(
        bank=bank,
        prompt="What does a read replica do?",
        answer="It serves read-heavy reporting queries so the primary handles writes.",
        talking_points=[],
    )
    data = question_form_data(question, talking_points="", use_derived_points="on")

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.talking_points == [
        {
            "term": "It serves read-heavy reporting queries so the primary handles writes.",
            "synonyms": [],
            "claim": True,
        }
    ]
    text = talking_points_to_text(question.talking_points)
    assert text.startswith("claim: It serves")
    assert talking_points_from_text(text) == question.talking_points


def test_use_derived_points_refuses_to_overwrite_curated_points(editor_client, question):
    data = question_form_data(question, use_derived_points="on")

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 200
    assert "The talking points are not empty" in response.content.decode()
