"""The bank list's facet counts are cached, and every change to the bank's questions or
tags (admin edits, tag changes, imports) is seen on the next request."""

import json

import pytest
from django.urls import reverse

from questions.models import Bank, Level
from questions.selectors.bank import bank_facets
from questions.services.importing import parse_questions_json, questions_import
from tests.factories import BankFactory, QuestionFactory, TagFactory


def bank_page(client, bank) -> str:
    response = client.get(reverse("questions:bank", kwargs={"bank_slug": bank.slug}))
    assert response.status_code == 200
    return response.content.decode()


def label_text(page: str, box_id: str) -> str:
    """The text of the label of one filter box, e.g. "Storage (2)"."""
    start = page.index(f'for="{box_id}">')
    label = page[start:].split(">", 1)[1].split("</label>", 1)[0]
    label = label.replace('<span class="facet-count">', "").replace("</span>", "")
    return " ".join(label.split())


def level_count(page: str, level: str) -> int:
    return int(label_text(page, f"level-{level}").rsplit("(", 1)[1].rstrip(")"))


def tag_label(page: str, slug: str) -> str:
    return label_text(page, f"tag-{slug}")


@pytest.fixture
def listed(client_logged_in, bank):
    """A bank with two junior questions under one tag, its list already viewed (cached)."""
    tag = TagFactory(bank=bank, name="Storage", slug="storage")
    questions = QuestionFactory.create_batch(2, bank=bank, level=Level.JUNIOR, tags=[tag])
    page = bank_page(client_logged_in, bank)
    assert level_count(page, Level.JUNIOR) == 2
    assert tag_label(page, "storage") == "Storage (2)"
    return tag, questions


def test_a_second_view_of_the_bank_list_reads_the_facets_from_the_cache(
    client_logged_in, bank, listed, django_assert_max_num_queries
):
    bank.refresh_from_db()
    first_read = bank_facets(bank=bank)
    assert [t.slug for t in first_read.tags] == ["storage"]
    with django_assert_max_num_queries(0):
        cached = bank_facets(bank=bank)
    assert cached.level_counts == first_read.level_counts


def test_changing_a_questions_level_updates_the_level_counts(client_logged_in, bank, listed):
    _tag, (first, _second) = listed
    first.level = Level.SENIOR
    first.save()

    page = bank_page(client_logged_in, bank)

    assert level_count(page, Level.JUNIOR) == 1
    assert level_count(page, Level.SENIOR) == 1


def test_deactivating_a_question_updates_every_count(client_logged_in, bank, listed):
    _tag, (first, _second) = listed
    first.is_active = False
    first.save()

    page = bank_page(client_logged_in, bank)

    assert level_count(page, Level.JUNIOR) == 1
    assert tag_label(page, "storage") == "Storage (1)"


def test_deleting_a_question_updates_the_counts(client_logged_in, bank, listed):
    _tag, (first, _second) = listed
    first.delete()

    page = bank_page(client_logged_in, bank)

    assert level_count(page, Level.JUNIOR) == 1


def test_adding_and_removing_tags_of_a_question_updates_the_topics(client_logged_in, bank, listed):
    tag, (first, second) = listed
    network = TagFactory(bank=bank, name="Networking", slug="networking")
    first.tags.add(network)
    page = bank_page(client_logged_in, bank)
    assert tag_label(page, "networking") == "Networking (1)"

    second.tags.remove(tag)
    page = bank_page(client_logged_in, bank)
    assert tag_label(page, "storage") == "Storage (1)"

    first.tags.clear()
    page = bank_page(client_logged_in, bank)
    assert 'for="tag-storage"' not in page
    assert 'for="tag-networking"' not in page


def test_renaming_a_tag_shows_the_new_name(client_logged_in, bank, listed):
    tag, _questions = listed
    tag.name = "Object storage"
    tag.save()

    page = bank_page(client_logged_in, bank)

    assert tag_label(page, "storage") == "Object storage (2)"


def test_deleting_a_tag_removes_it_from_the_filters(client_logged_in, bank, listed):
    tag, _questions = listed
    tag.delete()

    page = bank_page(client_logged_in, bank)

    assert 'for="tag-storage"' not in page


def test_an_import_updates_the_counts(client_logged_in, bank, listed):
    document = {
        "format": "interviewprep-questions",
        "version": 1,
        "bank": {"slug": bank.slug, "name": bank.name},
        "tags": [{"slug": "storage", "name": "Storage", "kind": "domain"}],
        "questions": [
            {
                "number": 3,
                "slug": "objects-safe-from-deletion",
                "prompt": "How do you keep objects safe from deletion?",
                "answer": "Versioning and **Object Lock**.",
                "level": "senior",
                "tags": ["storage"],
                "talking_points": [{"term": "versioning", "synonyms": []}],
            }
        ],
    }
    questions_import(document=parse_questions_json(json.dumps(document)), bank_slug=bank.slug)

    page = bank_page(client_logged_in, bank)

    assert level_count(page, Level.SENIOR) == 1
    assert tag_label(page, "storage") == "Storage (3)"


def test_a_change_in_one_bank_leaves_the_other_banks_version_alone(bank, listed):
    other = BankFactory(name="Kubernetes", slug="kubernetes")
    before = Bank.objects.get(pk=other.pk).content_version
    _tag, (first, _second) = listed
    first.prompt = "Reworded"
    first.save()

    assert Bank.objects.get(pk=other.pk).content_version == before
    assert Bank.objects.get(pk=bank.pk).content_version > 0


def test_saving_a_bank_loaded_before_a_change_keeps_the_newer_version(bank, listed):
    stale = Bank.objects.get(pk=bank.pk)
    _tag, (first, _second) = listed
    first.level = Level.SENIOR
    first.save()
    newer = Bank.objects.get(pk=bank.pk).content_version

    stale.description = "Edited in another tab"
    stale.save()

    saved = Bank.objects.get(pk=bank.pk)
    assert saved.content_version == newer
    assert saved.description == "Edited in another tab"


def test_the_checked_filters_are_not_shared_between_requests(client_logged_in, bank, listed):
    url = reverse("questions:bank", kwargs={"bank_slug": bank.slug})
    filtered = client_logged_in.get(url, {"tag": "storage", "level": Level.JUNIOR})
    plain = client_logged_in.get(url)

    assert 'value="storage" id="tag-storage" checked' in filtered.content.decode()
    assert 'value="storage" id="tag-storage" checked' not in plain.content.decode()
    assert 'id="level-junior" checked' not in plain.content.decode()
