"""Signed-in pages cached whole, per user, under keys that change with what they show.

A page's key names everything its content can depend on:

- the user's whole row (a digest of every field but ``last_login``): their activity
  version, which every finished, skipped, rated or timed-out attempt, every started or
  ended interview and every review raises (``questions/services/activity.py``), and
  their settings, name, time zone and staff flags;
- the content of every bank (``content_stamp``: one short query), which every edit of a
  question or tag moves (``questions/signals.py``);
- the request: path and query string, and the htmx headers that choose a fragment;
- the CSRF secret of the browser, so the page's forms carry tokens it accepts;
- the minute, so figures that move with the clock alone (what is due, the chance of
  recall, "today") are never more than a minute old.

A change therefore never shows a stale page: the write raises a version that is part of
the key, in the database, which every worker and app server reads. A cached page is
served with the response's own CSP nonce in place of the one it was rendered with.

Visitors' pages (the landing page) are cached the same way, under one key for all
visitors without a CSRF cookie, as long as the page carries no CSRF token.

Nothing is cached or served from the cache for a request with messages waiting to be
shown or a signed-in request without a CSRF cookie, and nothing is stored whose
rendering changed the session, set a cookie other than the CSRF one, or made a CSRF
token for a browser that had none.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

# Raise when the shape of an entry or a key changes.
KEY_VERSION = 1
TIMEOUT = 10 * 60
MINUTE = 60
HTMX_HEADERS = (
    "HTTP_HX_REQUEST",
    "HTTP_HX_TARGET",
    "HTTP_HX_BOOSTED",
    "HTTP_HX_HISTORY_RESTORE_REQUEST",
)
_SKIPPED_USER_FIELDS = {"last_login"}


def content_stamp() -> str:
    """A string that changes whenever any bank's questions or tags change (one query,
    written out: the ORM's aggregate costs more to build than to run)."""
    from questions.models import Bank

    table = connection.ops.quote_name(Bank._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(id), SUM(content_version) FROM {table}")
        banks, last, versions = cursor.fetchone()
    return f"{banks}-{last}-{versions}"


def user_digest(user) -> str:
    if not user.is_authenticated:
        return "visitor"
    values = [
        f"{field.attname}={getattr(user, field.attname)!r}"
        for field in user._meta.concrete_fields
        if field.name not in _SKIPPED_USER_FIELDS
    ]
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=12).hexdigest()


def page_key(request: HttpRequest, *, now: float | None = None) -> str:
    minute = int((time.time() if now is None else now) // MINUTE)
    parts = [
        request.get_full_path(),
        *(request.META.get(header, "") for header in HTMX_HEADERS),
        request.META.get("CSRF_COOKIE", ""),
        user_digest(request.user),
        content_stamp(),
        str(minute),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"page{KEY_VERSION}:{request.user.pk or 'visitor'}:{digest}"


def _cacheable_request(request: HttpRequest) -> bool:
    """A GET without messages to show, by a visitor or by a user whose browser has its
    CSRF cookie (so the tokens of a cached page are ones it accepts)."""
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and (not request.user.is_authenticated or bool(request.META.get("CSRF_COOKIE")))
        and not len(messages.get_messages(request))
    )


def _entry(request: HttpRequest, response: HttpResponse, *, had_cookie: bool) -> dict | None:
    """What replays ``response``, or None when it cannot be replayed to anyone else."""
    if response.status_code != 200 or response.streaming:
        return None
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not had_cookie:
        return None  # tokens made for this browser alone
    if getattr(request, "session", None) is not None and request.session.modified:
        return None
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return None
    nonce = getattr(request, "_csp_nonce", None)
    return {
        "content": response.content,
        "headers": dict(response.headers),
        "nonce": nonce if isinstance(nonce, str) else None,
        "csrf": bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")),
    }


def _replay(request: HttpRequest, entry: dict) -> HttpResponse:
    content = entry["content"]
    if entry["nonce"]:
        content = content.replace(entry["nonce"].encode(), str(request.csp_nonce).encode())
    if entry["csrf"]:
        get_token(request)  # the form's tokens are for this secret: keep the cookie fresh
    response = HttpResponse(content)
    for name, value in entry["headers"].items():
        response.headers[name] = value
    return response


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a signed-in user's GET of ``view`` from the cache while nothing it shows changed."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        had_cookie = bool(request.META.get("CSRF_COOKIE"))
        key = page_key(request)
        entry = cache.get(key)
        if entry is not None:
            return _replay(request, entry)
        response = view(request, *args, **kwargs)

        def store(response: HttpResponse) -> None:
            if (entry := _entry(request, response, had_cookie=had_cookie)) is not None:
                cache.set(key, entry, TIMEOUT)

        if getattr(response, "is_rendered", True):
            store(response)
        else:
            response.add_post_render_callback(store)
        return response

    return wrapper
