"""Which thing a talking point is said of, for questions that compare several things.

"Security groups are stateless" uses the right words of a question on security groups and
network ACLs, about the wrong one. Comparison answers are laid out by subject: a heading
per subject ("### 2. Network ACLs (NACL) – Subnet-Level Firewall"), a table column per
subject. This module reads those subjects from the model answer, finds which subjects each
talking point is said of there, and which subjects each sentence of a candidate's answer
names, so that the scorer can refuse a point said of the wrong subject.

A subject is named in a sentence when all the words of one of its names are there (by
stem, in any order): its full name ("Application Load Balancer"), its abbreviation in
brackets ("ALB"), or the words that tell it from the others when they are two or more or
include a capitalised abbreviation ("Multi-AZ" for "RDS Multi-AZ Deployments"). When
anything is unclear (one subject only, a point said of every subject or of none, a
sentence naming no subject) nothing is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from questions.language import (
    CODE_FENCE_RE,
    HEADING_RE,
    LIST_ITEM_RE,
    STOP_WORDS,
    TABLE_SEPARATOR_RE,
    sentences,
    stem,
    words,
)

__all__ = ["Subjects", "subjects_of"]

_NUMBERING_RE = re.compile(r"^\s*(?:\d+[.)]|[A-Za-z][.)])\s+")
_NAME_END_RE = re.compile(r"\s+[–—-]\s+|:|\s+\(|\s+→")
_ABBREVIATION_RE = re.compile(r"\(([A-Z][A-Za-z0-9]{1,7}s?)\)")
_MARKUP_RE = re.compile(r"[*_`]+")
# Headings that organise an answer rather than name a subject.
_GENERIC = frozenset(
    [
        "key",
        "difference",
        "differences",
        "comparison",
        "compared",
        "summary",
        "overview",
        "conclusion",
        "when",
        "why",
        "how",
        "use",
        "uses",
        "case",
        "cases",
        "best",
        "practice",
        "practices",
        "example",
        "examples",
        "feature",
        "features",
        "takeaway",
        "takeaways",
        "benefit",
        "benefits",
        "step",
        "steps",
        "approach",
        "considerations",
        "pitfalls",
        "tips",
        "option",
        "options",
        "solution",
        "solutions",
        "strategy",
        "strategies",
        "recommendation",
        "recommendations",
        "choosing",
        "choose",
        "decide",
        "deciding",
        "selecting",
        "tradeoffs",
        "trade",
        "offs",
        "service",
        "services",
    ]
)
# Vendor words that candidates leave out ("Lambda" for "AWS Lambda").
_VENDOR = frozenset({"aws", "amazon"})
_MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class Subjects:
    """The subjects of a model answer and the subjects each part of it is about."""

    names: tuple[tuple[frozenset[str], ...], ...]  # per subject: its names, as stem sets
    units: tuple[tuple[str, frozenset[int]], ...]  # each claim of the answer, its subjects

    def __bool__(self) -> bool:
        return len(self.names) >= 2

    def named_in(self, stems: frozenset[str]) -> frozenset[int]:
        """The subjects a sentence (given as the set of its stems) names."""
        return frozenset(
            index for index, names in enumerate(self.names) if any(name <= stems for name in names)
        )

    def sentence_subjects(self, text: str) -> list[tuple[int, int, frozenset[int]]]:
        """(start, end, subjects) of each sentence of an answer: the subjects it names."""
        return [
            (start, end, self.named_in(frozenset(stem(w) for w in words(text[start:end]))))
            for start, end in sentences(text)
        ]


def subjects_of(model_answer: str, prompt: str) -> Subjects:
    """The subjects of a model answer (cached: the same answer gives the same object).

    A heading or column header names a subject only when at least half the words of one
    of its names are the prompt's: a question on security groups and network ACLs has
    those two subjects, not "Use Case" or "Logging". With fewer than two, there are none.
    """
    return _subjects(model_answer or "", prompt or "")


@lru_cache(maxsize=512)
def _subjects(answer: str, prompt: str) -> Subjects:
    prompt_stems = frozenset(stem(w) for w in words(prompt)) - {stem(w) for w in STOP_WORDS}
    candidates: list[str] = []  # subject names, in order of appearance
    # Each unit: its text and the subject names it sits under (a heading, a column).
    units: list[tuple[str, str | None]] = []
    section: str | None = None
    header: list[str] | None = None
    in_code = False
    for line in answer.splitlines():
        stripped = line.strip()
        if CODE_FENCE_RE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = HEADING_RE.match(line)
        if heading:
            header = None
            section = _name(heading.group(2))
            if section and not _stems(section) & prompt_stems:
                section = None
            if section:
                candidates.append(section)
                units.append((_MARKUP_RE.sub("", heading.group(2)), section))
            continue
        if stripped.startswith("|"):
            cells = [_MARKUP_RE.sub("", cell).strip() for cell in stripped.strip("|").split("|")]
            if TABLE_SEPARATOR_RE.match(stripped.strip("|")):
                continue
            if header is None:
                header = cells
                for cell in cells[1:]:
                    name = _name(cell)
                    if name:
                        candidates.append(name)
                continue
            for column, cell in enumerate(cells[1:], start=1):
                owner = _name(header[column]) if column < len(header) else None
                units.append((cell, owner))
            continue
        header = None
        if not stripped:
            continue
        text = _MARKUP_RE.sub("", LIST_ITEM_RE.sub("", line, count=1))
        units.append((text, section))

    names, index_of = _distinct(candidates)
    # Only what the prompt asks about: at least half the words of a name are the prompt's,
    # and a one-word name is a proper name there ("Lambda", "EC2"; not "secure").
    proper = frozenset(
        stem(word.lower())
        for word in re.findall(r"[A-Za-z0-9]+", prompt)[1:]
        if word[0].isupper() or any(c.isdigit() for c in word)
    )
    kept = [
        i
        for i, forms in enumerate(names)
        if any(
            len(form & prompt_stems) * 2 >= len(form) and (len(form) > 1 or form <= proper)
            for form in forms
        )
    ]
    renumber = {old: new for new, old in enumerate(kept)}
    names = [names[i] for i in kept]
    index_of = {name: renumber[i] for name, i in index_of.items() if i in renumber}
    if len(names) < 2:
        return Subjects(names=tuple(names), units=())
    subjects = Subjects(names=tuple(names), units=())
    bound = []
    for text, owner in units:
        if owner is not None and owner in index_of:
            owners = frozenset({index_of[owner]})
        else:
            named = subjects.named_in(frozenset(stem(w) for w in words(text)))
            owners = named if len(named) == 1 else frozenset()
        bound.append((text, owners))
    return Subjects(names=tuple(names), units=tuple(bound))


def _name(heading: str) -> str | None:
    """The subject a heading or column header names, or None when it names none."""
    text = _MARKUP_RE.sub("", _NUMBERING_RE.sub("", heading)).strip()
    abbreviation = _ABBREVIATION_RE.search(text)
    name = _NAME_END_RE.split(text, maxsplit=1)[0].strip()
    content = [w for w in words(name) if w not in STOP_WORDS and w not in _VENDOR]
    if not content or len(content) > _MAX_NAME_WORDS:
        return None

    if any(w in _GENERIC for w in content) or " vs" in f" {name.lower()}":
        return None
    if abbreviation:
        return f"{name} ({abbreviation.group(1)})"
    return name


def _distinct(candidates: list[str]) -> tuple[list[tuple[frozenset[str], ...]], dict[str, int]]:
    """Subjects with their names as stem sets; the same subject named twice (a heading
    and a column) is one subject."""
    full: list[frozenset[str]] = []
    extra: list[set[frozenset[str]]] = []
    capitals: list[set[str]] = []
    index_of: dict[str, int] = {}
    for candidate in candidates:
        abbreviation = _ABBREVIATION_RE.search(candidate)
        name = _ABBREVIATION_RE.sub("", candidate).strip()
        stems = frozenset(stem(w) for w in words(name) if w not in STOP_WORDS | _VENDOR)
        alias = {frozenset({stem(words(abbreviation.group(1))[0])})} if abbreviation else set()
        match = next(
            (i for i, known in enumerate(full) if known == stems or (alias & extra[i])), None
        )
        if match is None:
            match = len(full)
            full.append(stems)
            extra.append(set())
            capitals.append(set())
        extra[match] |= alias
        capitals[match] |= {
            stem(w.lower())
            for w in re.findall(r"[A-Za-z0-9]+", name)
            if any(c.isupper() for c in w[1:])
        }
        index_of[candidate] = match
    names = []
    for i, stems in enumerate(full):
        others = frozenset().union(*(s for j, s in enumerate(full) if j != i))
        own = stems - others
        forms = {stems, *extra[i]}
        if own and own != stems and (len(own) >= 2 or own & capitals[i]):
            forms.add(frozenset(own))
        names.append(tuple(sorted(forms, key=sorted)))
    return names, index_of


def _stems(name: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(name) if w not in STOP_WORDS | _VENDOR)


@lru_cache(maxsize=8192)
def point_subjects(model_answer: str, prompt: str, phrase: str) -> frozenset[int]:
    """The subjects the model answer says a phrase of a point of, when that tells them
    apart: empty when it says it of every subject, of none, or there are no subjects."""
    from questions.matching import AnswerText, compile_phrase

    subjects = subjects_of(model_answer, prompt)
    if not subjects:
        return frozenset()
    compiled = compile_phrase(phrase)
    owners: set[int] = set()
    for text, unit_owners in subjects.units:
        if unit_owners and AnswerText(text).find(compiled) is not None:
            owners |= unit_owners
    if len(owners) >= len(subjects.names):
        return frozenset()
    return frozenset(owners)
