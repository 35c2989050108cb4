import json
import sqlite3
import zipfile
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import genanki
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from questions.models import ReviewCard
from questions.services.anki import anki_deck_export
from tests.factories import (
    AttemptFactory,
    BankFactory,
    MockInterviewFactory,
    QuestionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

BANK_URL = reverse("questions:anki_bank", kwargs={"bank_slug": "aws"})
WEAKEST_URL = reverse("questions:anki_progress", kwargs={"which": "weakest"}) + "?bank=aws"
DUE_URL = reverse("questions:anki_progress", kwargs={"which": "due"}) + "?bank=aws"
PROGRESS_URL = reverse("questions:progress") + "?bank=aws"


def read_apkg(content: bytes, tmp_path: Path) -> dict:
    """The notes, cards, decks and note types of an ``.apkg``, read as Anki would."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        assert "collection.anki2" in archive.namelist()
        assert json.loads(archive.read("media")) == {}
        path = tmp_path / "collection.anki2"
        path.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(path)
    try:
        notes = [
            {"guid": guid, "mid": mid, "tags": tags.split(), "fields": flds.split("\x1f")}
            for guid, mid, tags, flds in connection.execute(
                "SELECT guid, mid, tags, flds FROM notes ORDER BY id"
            )
        ]
        card_decks = [did for (did,) in connection.execute("SELECT did FROM cards")]
        decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
    finally:
        connection.close()
    decks = {int(key): deck["name"] for key, deck in json.loads(decks_json).items()}
    return {
        "notes": notes,
        "card_decks": card_decks,
        "decks": decks,
        "models": json.loads(models_json),
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def deck_id(deck: dict, name: str) -> int:
    return next(key for key, deck_name in deck["decks"].items() if deck_name == name)


def download(client, url: str, tmp_path: Path) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    return read_apkg(response.content, tmp_path)


@pytest.fixture
def topics(bank):
    return [
        TagFactory(bank=bank, name=name, slug=slug)
        for name, slug in (("EC2 Auto Scaling", "ec2-auto-scaling"), ("S3", "s3"))
    ]


# --- the whole bank -----------------------------------------------------------------


def test_bank_deck_holds_one_note_per_active_question(client_logged_in, bank, topics, tmp_path):
    first = QuestionFactory(bank=bank, tags=topics, prompt="What is an Auto Scaling group?")
    second = QuestionFactory(bank=bank, tags=[topics[1]], prompt="What is S3 versioning?")
    QuestionFactory(bank=bank, is_active=False, prompt="A retired question")

    response = client_logged_in.get(BANK_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"] == 'attachment; filename="aws-questions.apkg"'
    deck = read_apkg(response.content, tmp_path)
    assert [note["fields"] for note in deck["notes"]] == [
        [first.prompt, first.answer_html],
        [second.prompt, second.answer_html],
    ]
    assert "<strong>things</strong>" in deck["notes"][0]["fields"][1]
    assert [sorted(note["tags"]) for note in deck["notes"]] == [["ec2-auto-scaling", "s3"], ["s3"]]
    assert deck["card_decks"] == [deck_id(deck, "InterviewPrep::AWS")] * 2


def test_back_is_the_sanitized_answer_html(client_logged_in, bank, tmp_path):
    question = QuestionFactory(
        bank=bank,
        answer='Use **IAM**.<script>alert("x")</script><img src="https://cdn.example/x.png">',
    )

    deck = download(client_logged_in, BANK_URL, tmp_path)

    back = deck["notes"][0]["fields"][1]
    assert back == question.answer_html
    assert "<strong>IAM</strong>" in back
    assert "<script" not in back
    assert "<img" not in back


def test_the_prompt_is_text_on_the_front(client_logged_in, bank, tmp_path):
    QuestionFactory(bank=bank, prompt="When is <div> better than <span>?\nSay why.")

    deck = download(client_logged_in, BANK_URL, tmp_path)

    assert deck["notes"][0]["fields"][0] == (
        "When is &lt;div&gt; better than &lt;span&gt;?<br>Say why."
    )


def test_the_note_type_loads_nothing_from_outside(client_logged_in, bank, tmp_path):
    QuestionFactory(bank=bank)

    deck = download(client_logged_in, BANK_URL, tmp_path)

    (model,) = deck["models"].values()
    assert [field["name"] for field in model["flds"]] == ["Prompt", "Answer"]
    text = json.dumps(model)
    assert "http" not in text
    assert "<script" not in text
    assert "@import" not in text


def test_ids_are_stable_so_a_new_download_updates_the_deck(client_logged_in, bank, tmp_path):
    question = QuestionFactory(bank=bank, slug="what-is-ec2")
    first = download(client_logged_in, BANK_URL, tmp_path)
    question.prompt = "What is Amazon EC2?"
    question.save()
    QuestionFactory(bank=bank)

    second = download(client_logged_in, BANK_URL, tmp_path)

    assert deck_id(first, "InterviewPrep::AWS") == deck_id(second, "InterviewPrep::AWS")
    assert first["models"].keys() == second["models"].keys()
    assert first["notes"][0]["guid"] == second["notes"][0]["guid"]
    assert first["notes"][0]["guid"] == genanki.guid_for("aws", "what-is-ec2")
    assert second["notes"][0]["fields"][0] == "What is Amazon EC2?"
    assert second["notes"][0]["guid"] != second["notes"][1]["guid"]


def test_another_bank_gets_its_own_deck_and_note_type(client_logged_in, bank, tmp_path):
    QuestionFactory(bank=bank, slug="same-slug")
    kubernetes = BankFactory(name="Kubernetes", slug="kubernetes")
    QuestionFactory(bank=kubernetes, slug="same-slug")

    aws = download(client_logged_in, BANK_URL, tmp_path)
    k8s = download(client_logged_in, reverse("questions:anki_bank", args=["kubernetes"]), tmp_path)

    assert deck_id(aws, "InterviewPrep::AWS") != deck_id(k8s, "InterviewPrep::Kubernetes")
    assert aws["models"].keys() != k8s["models"].keys()
    assert aws["notes"][0]["guid"] != k8s["notes"][0]["guid"]


def test_a_bank_without_active_questions_says_so(client_logged_in, bank):
    QuestionFactory(bank=bank, is_active=False)

    response = client_logged_in.get(BANK_URL, follow=True)

    assertRedirects(response, bank.get_absolute_url())
    assertContains(response, "AWS has no questions to put in a deck yet.")


def test_an_unknown_bank_is_404(client_logged_in, bank):
    assert client_logged_in.get("/bank/nope/anki.apkg").status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_bank_deck_queries_do_not_grow_with_questions(
    client_logged_in, bank, topics, count, django_assert_max_num_queries, tmp_path
):
    for _ in range(count):
        QuestionFactory(bank=bank, tags=topics)

    with django_assert_max_num_queries(5):
        response = client_logged_in.get(BANK_URL)

    assert len(read_apkg(response.content, tmp_path)["notes"]) == count


def test_the_bank_page_links_to_the_deck(client_logged_in, bank):
    QuestionFactory(bank=bank)

    response = client_logged_in.get(bank.get_absolute_url())

    assertContains(response, f'<a href="{BANK_URL}">Download as an Anki deck</a>', html=True)


# --- the user's weakest topics and due questions ------------------------------------


def practise(user, bank, scores: dict) -> None:
    """One finished answer by ``user`` to each question, at the given coverage."""
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=len(scores))
    for question, coverage in scores.items():
        AttemptFactory(interview=interview, question=question, coverage=coverage)


@pytest.fixture
def four_topics(bank):
    """Four topics of two questions each."""
    tags = [TagFactory(bank=bank, name=name, slug=name.lower()) for name in ("A", "B", "C", "D")]
    return {tag.slug: [QuestionFactory(bank=bank, tags=[tag]) for _ in range(2)] for tag in tags}


def test_weakest_deck_holds_the_questions_of_the_three_weakest_topics(
    client_logged_in, user, bank, four_topics, tmp_path
):
    scores = zip("abcd", (20, 40, 60, 90), strict=True)
    practise(user, bank, {four_topics[topic][0]: coverage for topic, coverage in scores})

    response = client_logged_in.get(WEAKEST_URL)

    assert response["Content-Disposition"] == 'attachment; filename="aws-weakest-topics.apkg"'
    deck = read_apkg(response.content, tmp_path)
    expected = [q.prompt for t in "abc" for q in four_topics[t]]
    assert sorted(note["fields"][0] for note in deck["notes"]) == sorted(expected)
    assert sorted({tag for note in deck["notes"] for tag in note["tags"]}) == ["a", "b", "c"]
    name = "InterviewPrep::AWS::Weakest topics"
    assert deck["card_decks"] == [deck_id(deck, name)] * 6


def test_weakest_deck_is_built_from_the_users_own_answers(
    client, user, other_user, bank, four_topics, tmp_path
):
    practise(user, bank, {four_topics["a"][0]: 10, four_topics["b"][0]: 95})
    practise(other_user, bank, {four_topics["c"][0]: 5, four_topics["d"][0]: 95})
    client.force_login(user)

    mine = download(client, WEAKEST_URL, tmp_path)
    client.force_login(other_user)
    theirs = download(client, WEAKEST_URL, tmp_path)

    assert {tag for note in mine["notes"] for tag in note["tags"]} == {"a", "b"}
    assert {tag for note in theirs["notes"] for tag in note["tags"]} == {"c", "d"}


def test_weakest_deck_without_practice_says_so(client, user, other_user, bank, four_topics):
    practise(other_user, bank, {four_topics["a"][0]: 10})
    client.force_login(user)

    response = client.get(WEAKEST_URL)

    assertRedirects(response, PROGRESS_URL, fetch_redirect_response=False)
    assert messages_of(response) == [
        "Practise a few questions in AWS first, so we can tell your weakest topics."
    ]


def due_card(user, question, days: int) -> ReviewCard:
    return ReviewCard.objects.create(
        owner=user, question=question, due=timezone.now() + timedelta(days=days), card={}
    )


def test_due_deck_holds_only_the_users_questions_due_today(
    client_logged_in, user, other_user, bank, tmp_path
):
    overdue, due_today, later, theirs, retired = QuestionFactory.create_batch(5, bank=bank)
    retired.is_active = False
    retired.save()
    due_card(user, overdue, -3)
    due_card(user, due_today, 0)
    due_card(user, later, 7)
    due_card(user, retired, -1)
    due_card(other_user, theirs, -1)
    due_card(other_user, later, -1)

    response = client_logged_in.get(DUE_URL)

    assert response["Content-Disposition"] == 'attachment; filename="aws-due-for-review.apkg"'
    deck = read_apkg(response.content, tmp_path)
    assert [note["fields"][0] for note in deck["notes"]] == [overdue.prompt, due_today.prompt]
    name = "InterviewPrep::AWS::Due for review"
    assert deck["card_decks"] == [deck_id(deck, name)] * 2


def test_due_deck_with_nothing_due_says_so(client_logged_in, user, other_user, bank):
    question, other = QuestionFactory.create_batch(2, bank=bank)
    due_card(user, question, 5)
    due_card(other_user, other, -1)

    response = client_logged_in.get(DUE_URL)

    assertRedirects(response, PROGRESS_URL, fetch_redirect_response=False)
    assert messages_of(response) == ["Nothing in AWS is due for review today."]


def test_progress_decks_are_named_for_their_bank(client_logged_in, user, bank, tmp_path):
    kubernetes = BankFactory(name="Kubernetes", slug="kubernetes")
    aws_question = QuestionFactory(bank=bank)
    k8s_question = QuestionFactory(bank=kubernetes)
    due_card(user, aws_question, -1)
    due_card(user, k8s_question, -1)
    url = reverse("questions:anki_progress", args=["due"]) + "?bank=kubernetes"

    deck = download(client_logged_in, url, tmp_path)

    assert [note["fields"][0] for note in deck["notes"]] == [k8s_question.prompt]
    assert deck_id(deck, "InterviewPrep::Kubernetes::Due for review")


@pytest.mark.parametrize(
    "url",
    [
        reverse("questions:anki_progress", args=["everything"]) + "?bank=aws",
        reverse("questions:anki_progress", args=["due"]) + "?bank=nope",
        reverse("questions:anki_progress", args=["due"]),
    ],
)
def test_an_unknown_deck_or_bank_is_404(client_logged_in, bank, url):
    assert client_logged_in.get(url).status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_progress_deck_queries_do_not_grow_with_questions(
    client_logged_in, user, bank, count, django_assert_max_num_queries, tmp_path
):
    tags = [TagFactory(bank=bank, name=name, slug=name.lower()) for name in ("A", "B")]
    questions = QuestionFactory.create_batch(count, bank=bank, tags=tags)
    practise(user, bank, dict.fromkeys(questions, 30))
    for question in questions:
        due_card(user, question, -1)

    with django_assert_max_num_queries(5):
        due = client_logged_in.get(DUE_URL)
    with django_assert_max_num_queries(6):
        weakest = client_logged_in.get(WEAKEST_URL)

    assert len(read_apkg(due.content, tmp_path)["notes"]) == count
    assert len(read_apkg(weakest.content, tmp_path)["notes"]) == count


def test_the_progress_page_links_to_both_decks(client_logged_in, user, bank, four_topics):
    practise(user, bank, {four_topics["a"][0]: 20})
    due_card(user, four_topics["a"][0], -1)

    response = client_logged_in.get(reverse("questions:progress"))

    assertContains(
        response, f'<a href="{WEAKEST_URL}">Weakest questions as an Anki deck</a>', html=True
    )
    assertContains(response, f'<a href="{DUE_URL}">Due questions as an Anki deck</a>', html=True)


# --- rules for every deck -----------------------------------------------------------


@pytest.mark.parametrize("url", [BANK_URL, WEAKEST_URL, DUE_URL])
def test_it_requires_login(client, bank, url):
    QuestionFactory(bank=bank)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [BANK_URL, WEAKEST_URL, DUE_URL])
def test_it_requires_get(client_logged_in, bank, url):
    assert client_logged_in.post(url).status_code == 405


def test_the_service_writes_a_deck_of_the_given_questions(bank, topics, tmp_path):
    questions = QuestionFactory.create_batch(3, bank=bank, tags=topics)

    content = anki_deck_export(questions=questions, deck_name="My deck", deck_key="mine")

    deck = read_apkg(content, tmp_path)
    assert [note["fields"][0] for note in deck["notes"]] == [q.prompt for q in questions]
    assert deck["card_decks"] == [deck_id(deck, "My deck")] * 3
