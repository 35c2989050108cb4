"""The user's own record: interview history, one question's history, the progress
dashboard, and the two one-click interviews it offers (due reviews, weakest topics)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from interviewprep.page_cache import cached_page
from questions.charts import (
    bar_chart,
    line_chart,
    mastery_band,
    rating_segments,
)
from questions.models import Bank, InterviewMode, Question, SelfRating
from questions.selectors.history import (
    attempts_for_question,
    coverage_series,
    interview_totals,
    interviews_for_history,
    question_record,
    questions_practised,
    talking_point_outcome,
)
from questions.selectors.progress import (
    DayScore,
    last_practised_bank_id,
    score_period,
    tag_mastery,
    weakest_tags,
)
from questions.selectors.progress_cache import (
    cached_bank_coverage,
    cached_practice_heatmap,
    cached_practice_streak,
    cached_practice_totals,
    cached_scores_over_time,
    cached_tag_mastery,
)
from questions.selectors.reviews import (
    ReviewForecast,
    card_retrievability,
    due_questions,
    empty_forecast,
    review_forecasts,
)
from questions.services.interviews import NoQuestionsMatch, interview_start, question_seconds

HISTORY_PAGE_SIZE = 20
QUESTIONS_PAGE_SIZE = 50
QUESTION_ATTEMPTS_PAGE_SIZE = 10
MAX_INTERVIEW_QUESTIONS = 60
MASTERY_CHART_ROWS = 12
INVALID_START = "Choose a question bank and a mode from this page, then try again."
RATING_TICKS = [(rating.value, rating.label) for rating in SelfRating]
COVERAGE_TICKS = [(0, "0%"), (50, "50%"), (100, "100%")]


@require_GET
@cached_page
def history(request: HttpRequest) -> HttpResponse:
    """The user's interviews, newest first, with their totals."""
    paginator = Paginator(interviews_for_history(user=request.user), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    interviews = list(page.object_list)
    totals = interview_totals(interviews=interviews)
    rows = [
        {
            "interview": interview,
            "totals": totals[interview.pk],
            "ratings": rating_segments(totals[interview.pk].ratings),
        }
        for interview in interviews
    ]
    return render(
        request,
        "questions/history.html",
        {"page": page, "paginator": paginator, "rows": rows, "tab": "interviews"},
    )


@require_GET
@cached_page
def history_questions(request: HttpRequest) -> HttpResponse:
    """Every question the user has practised, each leading to its own history."""
    paginator = Paginator(questions_practised(user=request.user), QUESTIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "questions/history.html",
        {"page": page, "paginator": paginator, "tab": "questions"},
    )


@require_GET
@cached_page
def question_history(request: HttpRequest, question_id: int) -> HttpResponse:
    """Every answer the user gave to one question, oldest first, beside the model answer
    as it was at the time."""
    question = get_object_or_404(Question.objects.select_related("bank"), pk=question_id)
    record = question_record(user=request.user, question=question)
    if not question.is_active and not record.attempts:
        raise Http404("No such question.")
    paginator = Paginator(
        attempts_for_question(user=request.user, question=question),
        QUESTION_ATTEMPTS_PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    attempts = list(page.object_list)
    for attempt in attempts:
        attempt.points_covered, attempt.points_missed = talking_point_outcome(attempt=attempt)
        attempt.answer_changed_since = attempt.model_answer != question.answer
    series = coverage_series(user=request.user, question=question)
    chart = None
    if len(series) > 1:
        local = [(moment.astimezone(request.user.tzinfo).date(), cov) for moment, cov in series]
        chart = line_chart(
            local,
            y_min=0,
            y_max=100,
            y_ticks=COVERAGE_TICKS,
            value_format="{:.0f}%",
            width=960,
            height=240,
            evenly=True,
        )
    return render(
        request,
        "questions/question_history.html",
        {
            "question": question,
            "record": record,
            "page": page,
            "paginator": paginator,
            "attempts": attempts,
            "series": series,
            "chart": chart,
            "practise_seconds": question_seconds(user=request.user, question=question),
        },
    )


def _chosen_bank(request: HttpRequest, banks: list[Bank]) -> Bank | None:
    """The bank asked for (``?bank=slug``), else the one last practised, else the first."""
    if not banks:
        return None
    by_slug = {bank.slug: bank for bank in banks}
    asked = request.GET.get("bank") or request.POST.get("bank")
    if asked in by_slug:
        return by_slug[asked]
    if len(banks) > 1:
        last_id = last_practised_bank_id(user=request.user)
        for bank in banks:
            if bank.pk == last_id:
                return bank
    return banks[0]


def _score_charts(points: list[DayScore], period: str) -> dict:
    coverage = [(p.day, p.coverage) for p in points]
    ratings = [(p.day, p.rating) for p in points if p.rating is not None]
    return {
        "period": period,
        "score_points": points,
        "coverage_chart": line_chart(
            coverage, y_min=0, y_max=100, y_ticks=COVERAGE_TICKS, value_format="{:.0f}%"
        ),
        "rating_chart": line_chart(
            ratings, y_min=1, y_max=4, y_ticks=RATING_TICKS, value_format="{:.1f}"
        )
        if ratings
        else None,
    }


def _forecast_label(forecast: ReviewForecast) -> str:
    """The forecast chart's accessible name: what it shows and its main numbers."""
    busiest = max(forecast.days, key=lambda pair: pair[1])
    text = (
        f"Reviews due per day over the next {len(forecast.days)} days: "
        f"{forecast.upcoming} in all, {forecast.overdue} overdue now"
    )
    if busiest[1]:
        text += f"; busiest day {busiest[0]:%a} {busiest[0].day} {busiest[0]:%b} with {busiest[1]}"
    return text + "."


@require_GET
@cached_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """How far the user is and what to study next. The aggregates over the user's whole
    history come from the cache until the user's practice changes; the review queue is
    read afresh, as it moves with the clock."""
    user = request.user
    totals = cached_practice_totals(user=user)
    banks = list(Bank.objects.order_by("name"))
    bank = _chosen_bank(request, banks)
    context: dict = {"totals": totals, "banks": banks, "bank": bank}
    if not totals.attempts or bank is None:
        return render(request, "questions/progress.html", context)

    tz = user.tzinfo
    period = score_period(
        first=totals.first.astimezone(tz).date(), last=totals.last.astimezone(tz).date()
    )
    points = cached_scores_over_time(
        user=user, bank=bank if len(banks) > 1 else None, period=period
    )
    forecasts = review_forecasts(user=user)
    forecast = forecasts.get(bank.pk) or empty_forecast(user=user)
    mastery = cached_tag_mastery(user=user, bank=bank)
    for tag in mastery:
        tag.band = mastery_band(tag.mastery)
    practised = [tag for tag in mastery if tag.mastery is not None]
    coverage = cached_bank_coverage(user=user, bank=bank)
    context.update(
        {
            "bank_choices": [
                (b, forecasts[b.pk].due_today if b.pk in forecasts else 0) for b in banks
            ],
            "due_today": forecast.due_today,
            "next_due": forecast.next_due,
            "streak": cached_practice_streak(user=user),
            "heatmap": cached_practice_heatmap(user=user),
            "forecast": forecast,
            "forecast_chart": bar_chart(forecast.days),
            "forecast_label": _forecast_label(forecast),
            "retention": totals.retention,
            "desired_retention": round(100 * user.desired_retention),
            "recalls": card_retrievability(user=user, bank=bank),
            "coverage": coverage,
            "seen": sum(level.seen for level in coverage),
            "active_total": sum(level.total for level in coverage),
            "mastery": mastery,
            "practised_count": len(practised),
            "mastery_chart": practised[:MASTERY_CHART_ROWS],
            "weakest": weakest_tags(mastery),
            "modes": InterviewMode.choices,
            **_score_charts(points, period),
        }
    )
    return render(request, "questions/progress.html", context)


class StartFromProgressForm(forms.Form):
    bank = forms.ModelChoiceField(queryset=Bank.objects.all(), to_field_name="slug")
    mode = forms.ChoiceField(choices=InterviewMode.choices, required=False)

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or InterviewMode.MOCK


def _progress_url(bank: Bank | None = None) -> str:
    url = reverse("questions:progress")
    return f"{url}?bank={bank.slug}" if bank is not None else url


def _back_to_progress(request: HttpRequest, bank: Bank, message: str) -> HttpResponse:
    messages.info(request, message)
    return redirect(_progress_url(bank))


def _start(request: HttpRequest, *, bank: Bank, nothing: str, **choices) -> HttpResponse:
    """Start an interview and open it, or go back to the dashboard saying why not."""
    try:
        interview = interview_start(user=request.user, bank=bank, **choices)
    except NoQuestionsMatch:
        return _back_to_progress(request, bank, nothing)
    return redirect(interview)


@require_POST
def review_due(request: HttpRequest) -> HttpResponse:
    """Start an interview on the questions due for review today (most overdue first)."""
    form = StartFromProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, INVALID_START)
        return redirect(_progress_url())
    bank = form.cleaned_data["bank"]
    nothing = f"Nothing in {bank.name} is due for review today."
    due = due_questions(user=request.user, bank=bank).values_list("pk", flat=True)
    ids = list(due[:MAX_INTERVIEW_QUESTIONS])
    if not ids:
        return _back_to_progress(request, bank, nothing)
    return _start(
        request,
        bank=bank,
        nothing=nothing,
        mode=form.cleaned_data["mode"],
        count=len(ids),
        question_ids=ids,
    )


@require_POST
def practise_weakest(request: HttpRequest) -> HttpResponse:
    """Start an interview on the user's three weakest topics."""
    form = StartFromProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, INVALID_START)
        return redirect(_progress_url())
    bank = form.cleaned_data["bank"]
    weakest = weakest_tags(tag_mastery(user=request.user, bank=bank))
    if not weakest:
        return _back_to_progress(
            request,
            bank,
            f"Practise a few questions in {bank.name} first, so we can tell your weakest topics.",
        )
    return _start(
        request,
        bank=bank,
        nothing="No active question matches your weakest topics.",
        mode=form.cleaned_data["mode"],
        count=request.user.default_question_count,
        tag_slugs=[tag.slug for tag in weakest],
    )
