"""Browsing the question bank: the list with filters and search, and one question."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from interviewprep.page_cache import cached_page
from questions.models import Bank, Level, Question
from questions.selectors.bank import BankFilters, bank_facets, questions_for_bank
from questions.services.interviews import question_seconds

PAGE_SIZE = 20


def _bank_or_404(slug: str) -> Bank:
    return get_object_or_404(Bank, slug=slug)


@require_GET
@cached_page
def bank_index(request) -> HttpResponse:
    banks = list(Bank.objects.order_by("name"))
    if len(banks) == 1:
        return redirect(banks[0])
    return render(request, "questions/bank_index.html", {"banks": banks})


@require_GET
@vary_on_headers("HX-Request")
@cached_page
def bank_detail(request, bank_slug: str) -> HttpResponse:
    bank = _bank_or_404(bank_slug)
    facets = bank_facets(bank=bank)
    tag_list = facets.tags
    known_tags = {t.slug for t in tag_list}
    filters = BankFilters(
        query=request.GET.get("q", "")[:500],
        levels=tuple(lv for lv in request.GET.getlist("level") if lv in Level.values),
        tags=tuple(t for t in request.GET.getlist("tag") if t in known_tags),
    )
    questions = (
        questions_for_bank(bank=bank, filters=filters)
        .select_related("bank")
        .prefetch_related("tags")
    )
    paginator = Paginator(questions, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))

    counts = facets.level_counts
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "bank": bank,
        "banks": Bank.objects.order_by("name"),
        "filters": filters,
        "levels": Level.choices,
        "level_counts": counts,
        "total": sum(counts.values()),
        "tags": tag_list,
        "page": page,
        "paginator": paginator,
        "querystring": query_without_page.urlencode(),
        "filtered": bool(filters.query or filters.levels or filters.tags),
        # A history restore (back button after the page left htmx's cache) needs the whole page.
        "swap": bool(
            request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
        ),
    }
    template = "questions/bank.html#results" if context["swap"] else "questions/bank.html"
    return render(request, template, context)


def _question_or_404(bank_slug: str, slug: str, *, include_inactive: bool = False) -> Question:
    qs = Question.objects.select_related("bank").prefetch_related("tags")
    if not include_inactive:
        qs = qs.active()
    return get_object_or_404(qs, bank__slug=bank_slug, slug=slug)


def _neighbours(question: Question) -> tuple[Question | None, Question | None]:
    siblings = Question.objects.active().filter(bank_id=question.bank_id).only("slug", "number")
    previous = siblings.filter(number__lt=question.number).order_by("-number").first()
    following = siblings.filter(number__gt=question.number).order_by("number").first()
    return previous, following


@require_GET
@cached_page
def question_detail(request, bank_slug: str, slug: str) -> HttpResponse:
    preview = request.GET.get("preview") == "1" and request.user.has_perm(
        "questions.change_question"
    )
    question = _question_or_404(bank_slug, slug, include_inactive=preview)
    previous, following = _neighbours(question)
    return render(
        request,
        "questions/question.html",
        {
            "question": question,
            "bank": question.bank,
            "revealed": request.GET.get("reveal") == "1",
            "preview": preview,
            "previous": previous,
            "following": following,
            "practise_seconds": question_seconds(user=request.user, question=question),
        },
    )


@require_GET
@vary_on_headers("HX-Request")
@cached_page
def question_answer(request, bank_slug: str, slug: str) -> HttpResponse:
    """The model answer: a partial for htmx, otherwise the question page with it revealed."""
    question = _question_or_404(bank_slug, slug)
    if not request.htmx:
        return redirect(question.get_absolute_url() + "?reveal=1#answer")
    if request.htmx.boosted:
        return HttpResponseClientRedirect(question.get_absolute_url() + "?reveal=1#answer")
    return render(
        request, "questions/question.html#answer", {"question": question, "revealed": True}
    )
