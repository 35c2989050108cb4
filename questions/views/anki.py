"""Questions to take away as Anki decks: a whole bank, or the signed-in user's weakest
topics or questions due for review in one bank."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from questions.models import Bank, Question
from questions.selectors.interviews import candidate_questions
from questions.selectors.progress import tag_mastery, weakest_tags
from questions.selectors.reviews import due_questions
from questions.services.anki import anki_deck_export

CONTENT_TYPE = "application/apkg"
DECK_PREFIX = "InterviewPrep"


def _with_tags(questions: QuerySet[Question]) -> list[Question]:
    """The questions with what a note needs (bank and tags), in two queries."""
    return list(questions.select_related("bank").prefetch_related("tags"))


def _deck_response(
    questions: list[Question], *, bank: Bank, deck_name: str, deck_key: str, filename: str
) -> HttpResponse:
    content = anki_deck_export(questions=questions, deck_name=deck_name, deck_key=deck_key)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    # Bank slugs are [-a-zA-Z0-9_], so the filename needs no quoting beyond the quotes.
    response["Content-Disposition"] = f'attachment; filename="{bank.slug}-{filename}.apkg"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def bank_deck(request: HttpRequest, bank_slug: str) -> HttpResponse:
    """Every active question of the bank as one deck."""
    bank = get_object_or_404(Bank, slug=bank_slug)
    questions = _with_tags(Question.objects.active().filter(bank=bank).order_by("number", "pk"))
    if not questions:
        messages.info(request, f"{bank.name} has no questions to put in a deck yet.")
        return redirect(bank)
    return _deck_response(
        questions,
        bank=bank,
        deck_name=f"{DECK_PREFIX}::{bank.name}",
        deck_key=bank.slug,
        filename="questions",
    )


def _weakest_questions(request: HttpRequest, bank: Bank) -> tuple[QuerySet[Question], str]:
    """The active questions of the user's weakest topics (those "Practise my weakest
    topics" draws from), and what to say when there are none."""
    weakest = weakest_tags(tag_mastery(user=request.user, bank=bank))
    if not weakest:
        return Question.objects.none(), (
            f"Practise a few questions in {bank.name} first, so we can tell your weakest topics."
        )
    questions = candidate_questions(bank=bank, tag_slugs=[tag.slug for tag in weakest])
    return questions, "No active question matches your weakest topics."


def _due_questions(request: HttpRequest, bank: Bank) -> tuple[QuerySet[Question], str]:
    """The user's questions due for review today, most overdue first."""
    return due_questions(user=request.user, bank=bank), (
        f"Nothing in {bank.name} is due for review today."
    )


PROGRESS_DECKS = {
    "weakest": (_weakest_questions, "Weakest topics", "weakest-topics"),
    "due": (_due_questions, "Due for review", "due-for-review"),
}


@require_GET
def progress_deck(request: HttpRequest, which: str) -> HttpResponse:
    """The user's weakest topics or due questions in ``?bank=<slug>`` as a deck; back to
    the progress page with a message when there is nothing to put in it."""
    if which not in PROGRESS_DECKS:
        raise Http404("No such deck.")
    select, title, filename = PROGRESS_DECKS[which]
    bank = get_object_or_404(Bank, slug=request.GET.get("bank", ""))
    selection, nothing = select(request, bank)
    questions = _with_tags(selection)
    if not questions:
        messages.info(request, nothing)
        return redirect(f"{reverse('questions:progress')}?bank={bank.slug}")
    return _deck_response(
        questions,
        bank=bank,
        deck_name=f"{DECK_PREFIX}::{bank.name}::{title}",
        deck_key=f"{bank.slug}:{which}",
        filename=filename,
    )
