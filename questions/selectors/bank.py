"""Reads of the question bank: filtering, search and facet counts."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from questions.models import Bank, Level, Question, Tag

MAX_SEARCH_TERMS = 12
MAX_TERM_LENGTH = 100
# Cached facets are keyed by the bank's content_version, so this only bounds how long
# the entries of versions gone by linger.
FACETS_TIMEOUT = 60 * 60 * 24


def search_terms(raw: str) -> list[str]:
    """Split a search string into terms, dropping characters no database can store."""
    cleaned = (raw or "").replace("\x00", " ")
    terms = [t[:MAX_TERM_LENGTH] for t in cleaned.split() if t.strip()]
    return terms[:MAX_SEARCH_TERMS]


@dataclass(frozen=True)
class BankFilters:
    query: str = ""
    levels: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def questions_for_bank(*, bank: Bank, filters: BankFilters) -> QuerySet[Question]:
    """Active questions of ``bank`` matching every search term, any chosen level and any tag."""
    qs = Question.objects.active().filter(bank=bank)
    for term in search_terms(filters.query):
        qs = qs.filter(Q(prompt__icontains=term) | Q(answer__icontains=term))
    if filters.levels:
        qs = qs.filter(level__in=filters.levels)
    if filters.tags:
        qs = qs.filter(
            pk__in=Question.objects.filter(bank=bank, tags__slug__in=filters.tags).values("pk")
        )
    return qs.order_by("number", "pk")


def level_counts(*, bank: Bank) -> dict[str, int]:
    rows = (
        Question.objects.active()
        .filter(bank=bank)
        .values("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(Level.values, 0)
    counts.update({row["level"]: row["n"] for row in rows})
    return counts


def tags_with_counts(*, bank: Bank) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(bank=bank)
        .annotate(n=Count("questions", filter=Q(questions__is_active=True)))
        .filter(n__gt=0)
        .order_by("kind", "name")
    )


@dataclass(frozen=True)
class BankFacets:
    """The filter counts of a bank's list: its topics with their ``n`` active questions
    (topics without any left out) and the number of active questions per level."""

    tags: list[Tag]
    level_counts: dict[str, int]


def facets_cache_key(*, bank: Bank) -> str:
    return f"questions:bank-facets:{bank.content_key}"


def bank_facets(*, bank: Bank) -> BankFacets:
    """The facets of ``bank`` from the cache, or from two queries when the bank changed
    since they were cached (``bank.content_key`` changes with every edit)."""
    key = facets_cache_key(bank=bank)
    facets = cache.get(key)
    if facets is None:
        facets = BankFacets(
            tags=list(tags_with_counts(bank=bank)), level_counts=level_counts(bank=bank)
        )
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets
