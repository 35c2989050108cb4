"""The pages `make bench` measures: adding a page is one line in PAGES.

Each page names its URL; ``kwargs`` and ``form`` build the URL arguments and the POST
body from the seeded bench data (a ``BenchData`` of bench/seed.py: user, bank, question,
a running interview and its open attempt); ``__N__`` in a form value becomes a fresh
number on every request. ``min_ratio`` and ``max_p95_ms`` are the quality bars of
PRODUCT.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.seed import BenchData


def no_args(data: BenchData) -> dict:
    return {}


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    kwargs: Callable[[BenchData], dict] = no_args
    method: str = "GET"
    form: Callable[[BenchData], dict] | None = None
    htmx: bool = False
    signed_in: bool = True
    # Each client signs in as its own user with its own running interview (for writes,
    # which would otherwise all queue for one row); else every client is the bench user.
    own_user: bool = False
    baseline: bool = False
    min_ratio: float | None = 0.20
    max_p95_ms: float | None = 50.0
    expect: tuple[int, ...] = field(default=(200,))


# The bare view: /healthz/ is a plain function view that touches neither the database
# nor the session and renders no template, behind the same middleware as every page.
BARE = Page("bare view (healthz)", "healthz", signed_in=False, baseline=True, min_ratio=None)

PAGES: list[Page] = [
    BARE,
    Page("landing (visitor)", "questions:home", signed_in=False),
    Page("home", "questions:home"),
    Page("bank list", "questions:bank", lambda d: {"bank_slug": d.bank.slug}),
    Page(
        "question",
        "questions:detail",
        lambda d: {"bank_slug": d.bank.slug, "slug": d.question.slug},
        min_ratio=0.30,
    ),
    Page(
        "autosave",
        "questions:attempt_draft",
        lambda d: {"pk": d.interview.pk, "position": d.attempt.position},
        method="POST",
        form=lambda d: {"answer": "Use an Auto Scaling group across two AZs, draft __N__"},
        htmx=True,
        own_user=True,
        min_ratio=0.30,
    ),
    Page("practice form", "questions:practice"),
    Page(
        "feedback step",
        "questions:attempt",
        lambda d: {"pk": d.interview.pk, "position": d.answered.position},
    ),
    Page("history", "questions:history", max_p95_ms=100.0),
    Page("progress", "questions:progress", max_p95_ms=100.0),
]
