"""Talking points derived from a model answer, for questions without curated ones.

A derived point is one claim of the model answer, as the model answer says it: a
sentence of a paragraph, a list item, or a row of a comparison table (with its row
label and the column it compares). Headings and code are left out, and so are claims
whose meaning the prompt already gives (fewer than two words of their own).

When the answer has more claims than ``MAX_POINTS``, the ones kept are chosen greedily
for the most words not yet covered by those already kept, then put back in the order the
answer gives them, so that the points together span the answer rather than repeat one
part of it. The result is deterministic: the same answer and prompt give the same points.

    derive_points(answer_markdown, prompt) -> [{"term": "...", "synonyms": [], "claim": True}, ...]

``"claim": true`` tells the scorer to give partial credit for a partly covered claim.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from questions.language import (
    CODE_FENCE_RE,
    HEADING_RE,
    LIST_ITEM_RE,
    STOP_WORDS,
    TABLE_SEPARATOR_RE,
    content_words,
    sentences,
    stem,
    words,
)

__all__ = ["MAX_POINTS", "derive_points", "points_for"]

MAX_POINTS = 10
MAX_TERM_LENGTH = 300  # characters; a longer claim is cut at a word
_MIN_OWN_WORDS = 2
_CLAIM_OWN_WORDS = 8  # shorter neighbouring sentences are joined into one claim

_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_SPACES_RE = re.compile(r"\s+")


def derive_points(answer: str, prompt: str = "") -> list[dict[str, Any]]:
    """Up to ``MAX_POINTS`` talking points, each a claim of the model answer."""
    return [dict(point) for point in _derive(answer or "", prompt or "")]


def points_for(*, talking_points: Any, answer: str, prompt: str) -> list[dict[str, Any]]:
    """The points an answer is scored against: the curated ones, else derived ones."""
    if talking_points:
        return list(talking_points)
    return derive_points(answer, prompt)


@lru_cache(maxsize=512)
def _derive(answer: str, prompt: str) -> tuple[dict[str, Any], ...]:
    prompt_stems = frozenset(stem(word) for word in words(prompt))

    def own_stems(claim: str) -> list[str]:
        return list(
            dict.fromkeys(stem(w) for w in content_words(claim) if stem(w) not in prompt_stems)
        )

    claims = [claim for block in _blocks(answer) for claim in _joined(block, own_stems)]
    own = [own_stems(claim) for claim in claims]
    eligible = [i for i, stems in enumerate(own) if len(stems) >= _MIN_OWN_WORDS]
    if not eligible:
        eligible = [i for i, stems in enumerate(own) if stems]
    chosen: list[int] = []
    seen: set[str] = set()
    while eligible and len(chosen) < MAX_POINTS:
        best = max(eligible, key=lambda i: (len(set(own[i]) - seen), -i))
        gain = len(set(own[best]) - seen)
        if chosen and gain < _MIN_OWN_WORDS:
            break
        chosen.append(best)
        seen.update(own[best])
        eligible.remove(best)
    return tuple(
        {"term": _shortened(claims[i]), "synonyms": [], "claim": True} for i in sorted(chosen)
    )


def _joined(claims: list[str], own_stems) -> list[str]:
    """Neighbouring short claims joined until each has ``_CLAIM_OWN_WORDS`` words of its own
    (a two-sentence model answer is one claim, not two halves)."""
    joined: list[str] = []
    for claim in claims:
        if joined and len(own_stems(joined[-1])) < _CLAIM_OWN_WORDS:
            joined[-1] = f"{joined[-1]} {claim}"
        else:
            joined.append(claim)
    if len(joined) > 1 and len(own_stems(joined[-1])) < _CLAIM_OWN_WORDS:
        last = joined.pop()
        joined[-1] = f"{joined[-1]} {last}"
    return joined


def _blocks(answer: str) -> list[list[str]]:
    """The sentences of each paragraph, list item and table row of a Markdown answer, in
    order, as plain text."""
    blocks: list[list[str]] = []
    header: list[str] | None = None
    paragraph: list[str] = []
    in_code = False

    def flush() -> None:
        if paragraph:
            text = _plain(" ".join(paragraph))
            blocks.append([text[a:b] for a, b in sentences(text, semicolons=False)])
            paragraph.clear()

    for line in answer.splitlines():
        if CODE_FENCE_RE.match(line):
            flush()
            in_code = not in_code
            continue
        if in_code:
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            flush()
            cells = [_plain(cell) for cell in stripped.strip("|").split("|")]
            if TABLE_SEPARATOR_RE.match(stripped.strip("|")):
                continue
            if header is None:
                header = cells
            else:
                blocks.append([_row_claim(header, cells)])
            continue
        header = None
        if not stripped or HEADING_RE.match(line):
            flush()
            continue
        if LIST_ITEM_RE.match(line):
            flush()
            text = _plain(LIST_ITEM_RE.sub("", line, count=1))
            blocks.append([text[a:b] for a, b in sentences(text, semicolons=False)])
            continue
        paragraph.append(stripped)
    flush()
    return [
        kept
        for block in blocks
        if (kept := [s for s in block if any(w not in STOP_WORDS for w in words(s))])
    ]


def _row_claim(header: list[str], cells: list[str]) -> str:
    """ "Label: Column — value; Column — value" for one row of a comparison table."""
    label, values = (cells[0], cells[1:]) if len(cells) > 1 else ("", cells)
    names = header[1:] if len(header) == len(cells) else [""] * len(values)
    values = [value.rstrip(" .;") for value in values]
    parts = [
        f"{name} — {value}" if name else value for name, value in zip(names, values, strict=False)
    ]
    parts = [part for part in parts if part.strip(" —")]
    body = "; ".join(parts) + "."
    return f"{label}: {body}" if label else body


def _plain(text: str) -> str:
    """Markdown inline markup removed: links keep their text, emphasis and code its words."""
    text = _LINK_RE.sub(r"\1", text)
    for _ in range(3):
        text = _EMPHASIS_RE.sub(r"\2", text)
    text = text.replace("<br>", " ").replace("<br/>", " ").replace("\\|", "|")
    return _SPACES_RE.sub(" ", text).strip()


def _shortened(claim: str) -> str:
    if len(claim) <= MAX_TERM_LENGTH:
        return claim
    cut = claim.rfind(" ", 0, MAX_TERM_LENGTH - 1)
    return claim[: cut if cut > 0 else MAX_TERM_LENGTH - 1].rstrip(" ,;:—-") + "…"
