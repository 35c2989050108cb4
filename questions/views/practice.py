"""The practice page: choose what to practise and start an interview; and the one-click
interview on a single question, offered wherever a question is shown."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from interviewprep.page_cache import cached_page
from questions.interview_forms import PracticeForm
from questions.models import Bank, InterviewMode, Question, TagKind
from questions.selectors.bank import level_counts, tags_with_counts
from questions.selectors.interviews import due_count, running_interview
from questions.services.interviews import (
    InterviewInProgress,
    NoQuestionsMatch,
    interview_start,
    interview_start_for_question,
)
from questions.views.interview import HtmxHttpRequest, remember_return

TAG_GROUP_LABELS = {TagKind.DOMAIN: "Areas", TagKind.SERVICE: "Services"}
NOTHING_MATCHES = (
    "No active question matches these choices. Tick more levels or topics, or none to "
    "include them all."
)
QUESTION_RETIRED = (
    "This question has been retired from the bank, so it cannot be practised any more. "
    "Your answers to it are kept in your history."
)
CHOOSE_MODE = "Choose timed or untimed practice."
RUNNING_ELSEWHERE = (
    "You have an interview in progress. Resume it, or press the button again to end it "
    "and practise this question: the answers you gave are kept."
)
MAX_NEXT_LENGTH = 2000


def _chosen_bank(request: HtmxHttpRequest, banks: list[Bank]) -> Bank:
    slug = request.POST.get("bank") or request.GET.get("bank")
    by_slug = {bank.slug: bank for bank in banks}
    return by_slug.get(slug, banks[0])


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@cached_page
def practice(request: HtmxHttpRequest) -> HttpResponse:
    """Settings for a new interview; a valid POST starts it and opens its first question."""
    banks = list(Bank.objects.order_by("name"))
    if not banks:
        return render(request, "questions/practice.html", {"banks": banks})
    bank = _chosen_bank(request, banks)
    tags = list(tags_with_counts(bank=bank))
    counts = level_counts(bank=bank)
    user = request.user
    form = PracticeForm(request.POST or None, user=user, tags=tags, level_counts=counts)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview = interview_start(
                user=user,
                bank=bank,
                mode=data["mode"],
                count=data["count"],
                levels=data["levels"],
                tag_slugs=data["tags"],
                seconds_junior=data["seconds_junior"],
                seconds_senior=data["seconds_senior"],
                include_due=data["include_due"],
            )
        except NoQuestionsMatch:
            form.add_error(None, NOTHING_MATCHES)
        else:
            return redirect(interview)

    kinds = {tag.slug: tag.kind for tag in tags}
    tag_groups = [
        (
            TAG_GROUP_LABELS.get(kind, label),
            [box for box in form["tags"] if kinds[box.data["value"]] == kind],
        )
        for kind, label in sorted(TagKind.choices)
    ]
    context = {
        "banks": banks,
        "bank": bank,
        "form": form,
        "question_total": sum(counts.values()),
        "tag_groups": [(label, boxes) for label, boxes in tag_groups if boxes],
        "modes": InterviewMode,
        "due": due_count(user=user, bank=bank),
        "running": running_interview(user=user),
        "extra_time": user.extra_time_factor,
        "extra_time_label": user.get_extra_time_display(),
    }
    template = "questions/practice.html"
    if request.htmx and not request.htmx.boosted and request.method == "GET":
        template += "#practice-form"
    return render(request, template, context)


def _safe_next(request: HtmxHttpRequest) -> str | None:
    """The ``next`` address posted with the form, if it is a page of this site."""
    url = request.POST.get("next", "")
    if not url or len(url) > MAX_NEXT_LENGTH or not url.startswith("/"):
        return None
    if not url.isprintable() or " " in url:  # what browsers drop or change in a URL
        return None
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return url


def _replacing(request: HtmxHttpRequest) -> int | None:
    """The interview in progress the user agreed to end (shown on the page they came from)."""
    value = request.POST.get("replace", "")
    return int(value) if value.isascii() and value.isdigit() else None


def _retired(request: HtmxHttpRequest, question: Question, back: str | None) -> HttpResponse:
    """Say why a retired question cannot be practised, on the page the button was on (or
    the bank, when that page was the question's own, which is gone)."""
    messages.error(request, QUESTION_RETIRED)
    if back is None or back.split("?", 1)[0] == question.get_absolute_url():
        back = question.bank.get_absolute_url()
    return redirect(back)


@require_POST
def practise_question(request: HtmxHttpRequest, question_id: int) -> HttpResponse:
    """Start a one-question interview on one question (timed or untimed, with the user's
    usual time); finishing it leads back to the page the button was on."""
    question = get_object_or_404(Question.objects.select_related("bank"), pk=question_id)
    back = _safe_next(request)
    if not question.is_active:
        return _retired(request, question, back)
    back = back or question.get_absolute_url()
    mode = request.POST.get("mode")
    if mode not in InterviewMode.values:
        messages.error(request, CHOOSE_MODE)
        return redirect(back)
    try:
        interview = interview_start_for_question(
            user=request.user, question=question, mode=mode, replacing=_replacing(request)
        )
    except InterviewInProgress:
        messages.warning(request, RUNNING_ELSEWHERE)
        return redirect(back)
    except NoQuestionsMatch:  # retired between the check and the start
        return _retired(request, question, back)
    remember_return(request, interview, back)
    return redirect(interview)
