"""Importing question banks from a file: parse, validate everything, then write atomically.

Two formats are read (both described in docs/question-format.md):

* ``json`` — the ``interviewprep-questions`` document: bank, tags and questions;
* ``text`` — the plain-text shape of the seed page: level sections, ``N.`` lines,
  the prompt, ``Answer``, the answer.

The flow is ``parse_questions_file()`` → ``ImportDocument`` (shape checked, nothing
read from the database) → ``questions_import(document=..., dry_run=...)`` which checks
the document against the bank in the database, works out what would be created,
updated or left unchanged, and — unless it is a dry run — writes it all in one
transaction. Any problem raises ``ImportValidationError`` listing every problem, each
naming the question (slug or position) or the line, and nothing is written.

Re-importing an unchanged file writes nothing at all: questions are matched by
(bank, slug) and only saved when a field or their tags differ.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify

from questions.models import Bank, Level, Question, Tag, TagKind
from questions.services.seedtext import SeedTextError, parse_seed_text

FORMAT_NAME = "interviewprep-questions"
FORMAT_VERSION = 1
FORMATS = ("json", "text")

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
MAX_PROMPT_LENGTH = 2000
MAX_ANSWER_LENGTH = 100_000
MAX_TALKING_POINTS = 40
MAX_TERM_LENGTH = 100
MAX_CLAIM_LENGTH = 300  # a claim is a sentence of the model answer
MAX_SYNONYMS = 20
MAX_DESCRIPTION_LENGTH = 2000

BANK_SLUG_MAX = Bank._meta.get_field("slug").max_length
BANK_NAME_MAX = Bank._meta.get_field("name").max_length
TAG_SLUG_MAX = Tag._meta.get_field("slug").max_length
TAG_NAME_MAX = Tag._meta.get_field("name").max_length
QUESTION_SLUG_MAX = Question._meta.get_field("slug").max_length
DERIVED_SLUG_MAX = 80

# A talking point is written in the admin as "term | synonym | synonym", one per line.
TALKING_POINT_FORBIDDEN = re.compile(r"[|\r\n]")

Format = Literal["json", "text"]
Action = Literal["create", "update", "unchanged"]


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import: where (question, tag, line, file) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportValidationError(Exception):
    def __init__(self, problems: Iterable[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class BankSpec:
    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class TagSpec:
    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the file gives it.

    ``None`` for ``tags``, ``talking_points`` or ``active`` means "the file does not
    say": a new question gets the default, an existing one keeps what it has.
    ``slug`` is ``None`` when the file gives none; it is then derived from the prompt.
    """

    where: str
    slug: str | None
    number: int
    level: str
    prompt: str
    answer: str
    tags: tuple[str, ...] | None = None
    talking_points: tuple[dict[str, Any], ...] | None = None
    active: bool | None = None


@dataclass(frozen=True)
class ImportDocument:
    format: Format
    bank: BankSpec | None
    tags: tuple[TagSpec, ...] = ()
    questions: tuple[QuestionSpec, ...] = ()
    # Problems found while reading; the valid parts are still checked against the
    # database so that one run reports everything. A document with problems is never
    # written.
    problems: tuple[ImportProblem, ...] = ()


@dataclass(frozen=True)
class QuestionChange:
    slug: str
    number: int
    level: str
    prompt: str
    action: Action
    changed_fields: tuple[str, ...] = ()

    @property
    def level_label(self) -> str:
        return Level(self.level).label


@dataclass
class ImportReport:
    bank_slug: str
    bank_name: str
    bank_action: Action
    dry_run: bool
    questions: list[QuestionChange] = field(default_factory=list)
    tags_created: list[str] = field(default_factory=list)
    tags_updated: list[str] = field(default_factory=list)
    not_in_file: int = 0

    def _count(self, action: Action) -> int:
        return sum(1 for change in self.questions if change.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def has_changes(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.tags_created
            or self.tags_updated
            or self.bank_action != "unchanged"
        )

    def summary(self) -> str:
        bank = f"bank '{self.bank_slug}'"
        if self.bank_action == "create":
            bank += " (new)"
        elif self.bank_action == "update":
            bank += " (name or description updated)"
        text = f"{bank}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.tags_created or self.tags_updated:
            text += f"; tags: {len(self.tags_created)} created, {len(self.tags_updated)} updated"
        if self.not_in_file:
            text += f"; {self.not_in_file} question(s) in the bank but not in the file left as is"
        return text


# --------------------------------------------------------------------------- parsing


def decode_import(content: bytes | str) -> str:
    """Bytes of an uploaded or read file → text; UTF-8 (with or without BOM) only."""
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportValidationError(
            [ImportProblem("file", f"is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")]
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportValidationError(
            [ImportProblem("file", f"is not UTF-8 text (byte {exc.start} cannot be decoded)")]
        ) from None


def detect_format(text: str, *, filename: str | None = None) -> Format:
    """JSON when the name ends in .json or the content starts with ``{``; text otherwise."""
    if filename:
        lowered = filename.lower()
        if lowered.endswith(".json"):
            return "json"
        if lowered.endswith((".txt", ".text", ".md")):
            return "text"
    return "json" if text.lstrip().startswith("{") else "text"


def parse_questions_file(
    content: bytes | str, *, filename: str | None = None, format: str | None = None
) -> ImportDocument:
    """Parse and shape-check a file in either format.

    Raises ImportValidationError when the file cannot be read at all; other problems
    are carried in ``document.problems`` and reported by ``questions_import``.
    """
    text = decode_import(content)
    if format is not None and format not in FORMATS:
        raise ImportValidationError(
            [ImportProblem("format", f"'{format}' is not one of: {', '.join(FORMATS)}")]
        )
    chosen = format or detect_format(text, filename=filename)
    if "\x00" in text:
        raise ImportValidationError([ImportProblem("file", "contains NUL characters")])
    if not text.strip():
        raise ImportValidationError([ImportProblem("file", "is empty")])
    if chosen == "json":
        return parse_questions_json(text)
    return parse_questions_text(text)


def parse_questions_json(text: str) -> ImportDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportValidationError(
            [
                ImportProblem(
                    f"line {exc.lineno}", f"is not valid JSON ({exc.msg}, column {exc.colno})"
                )
            ]
        ) from None
    return _JsonReader(data).read()


def parse_questions_text(text: str) -> ImportDocument:
    """Read the seed's plain-text shape (see questions.services.seedtext).

    The text names no bank (the importer is given one) and, unless a question has
    ``Slug:``, ``Tags:`` or ``Talking points:`` lines, carries no slug (derived from the
    prompt), tags or talking points (kept as they are for a question already in the
    bank). It carries no active flag: new questions are active, others keep theirs.
    """
    try:
        parsed = parse_seed_text(text)
    except SeedTextError as exc:
        raise ImportValidationError(
            ImportProblem(f"line {line}", message) for line, message in exc.problems
        ) from None
    problems: list[ImportProblem] = []
    questions: list[QuestionSpec] = []
    for item in parsed:
        where = f"line {item.line} (question {item.number})"
        before = len(problems)
        if item.slug is not None:
            try:
                validate_slug(item.slug)
            except ValidationError:
                problems.append(
                    ImportProblem(
                        where, f'Slug "{item.slug}" may contain only letters, digits, "-" and "_"'
                    )
                )
            if len(item.slug) > QUESTION_SLUG_MAX:
                problems.append(
                    ImportProblem(where, f"Slug is longer than {QUESTION_SLUG_MAX} characters")
                )
        if len(item.prompt) > MAX_PROMPT_LENGTH:
            problems.append(
                ImportProblem(where, f"the prompt is longer than {MAX_PROMPT_LENGTH} characters")
            )
        if len(item.answer) > MAX_ANSWER_LENGTH:
            problems.append(
                ImportProblem(where, f"the answer is longer than {MAX_ANSWER_LENGTH} characters")
            )
        tags = item.tags
        if tags is not None:
            duplicates = sorted({t for t in tags if tags.count(t) > 1})
            if duplicates:
                problems.append(
                    ImportProblem(
                        where, f"Tags: lists tag(s) more than once: {', '.join(duplicates)}"
                    )
                )
            tags = tuple(dict.fromkeys(tags))
        points = None
        if item.talking_points is not None:
            checked = check_talking_points([dict(p) for p in item.talking_points])
            problems.extend(ImportProblem(where, message) for message in checked.errors)
            points = checked.points
        if len(problems) > before:
            continue
        questions.append(
            QuestionSpec(
                where=where,
                slug=item.slug or None,
                number=item.number,
                level=item.level,
                prompt=item.prompt.strip(),
                answer=item.answer,
                tags=tags,
                talking_points=points,
            )
        )
    if len(parsed) > MAX_QUESTIONS:
        problems.append(ImportProblem("file", f"holds more than {MAX_QUESTIONS} questions"))
    return ImportDocument(
        format="text", bank=None, questions=tuple(questions), problems=tuple(problems)
    )


class _JsonReader:
    """Checks the shape of a decoded JSON document, collecting every problem."""

    TOP_KEYS = {"format", "version", "bank", "tags", "questions"}
    BANK_KEYS = {"slug", "name", "description"}
    TAG_KEYS = {"slug", "name", "kind"}
    QUESTION_KEYS = {
        "slug", "number", "level", "prompt", "answer", "tags", "talking_points", "active",
    }  # fmt: skip
    POINT_KEYS = {"term", "synonyms"}

    def __init__(self, data: Any):
        self.data = data
        self.problems: list[ImportProblem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(ImportProblem(where, message))

    def read(self) -> ImportDocument:
        data = self.data
        if not isinstance(data, dict):
            raise ImportValidationError(
                [ImportProblem("file", "must be a JSON object with bank, tags and questions")]
            )
        self._unknown_keys("file", data, self.TOP_KEYS)
        if data.get("format") != FORMAT_NAME:
            self.problem("file", f'"format" must be "{FORMAT_NAME}"')
        if data.get("version") != FORMAT_VERSION:
            self.problem("file", f'"version" must be {FORMAT_VERSION}')
        bank = self._bank(data.get("bank"))
        tags = self._tags(data.get("tags", []))
        questions = self._questions(data.get("questions"))
        return ImportDocument(
            format="json",
            bank=bank,
            tags=tags,
            questions=questions,
            problems=tuple(self.problems),
        )

    def _unknown_keys(self, where: str, obj: dict, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.problem(where, f'unknown field "{key}"')

    def _string(
        self,
        where: str,
        obj: dict,
        key: str,
        *,
        max_length: int,
        required: bool = True,
        single_line: bool = True,
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.problem(where, f'"{key}" is missing')
            return None
        if not isinstance(value, str):
            self.problem(where, f'"{key}" must be a string')
            return None
        if single_line:
            value = value.strip()
        if required and not value.strip():
            self.problem(where, f'"{key}" is empty')
            return None
        if len(value) > max_length:
            self.problem(where, f'"{key}" is longer than {max_length} characters')
            return None
        if single_line and "\n" in value:
            self.problem(where, f'"{key}" must be on one line')
            return None
        return value

    def _slug(self, where: str, obj: dict, key: str, *, max_length: int, required: bool = True):
        value = self._string(where, obj, key, max_length=max_length, required=required)
        if value is None:
            return None
        try:
            validate_slug(value)
        except ValidationError:
            self.problem(where, f'"{key}" "{value}" may contain only letters, digits, "-" and "_"')
            return None
        return value

    def _bank(self, raw: Any) -> BankSpec | None:
        if raw is None:
            self.problem("bank", "is missing")
            return None
        if not isinstance(raw, dict):
            self.problem("bank", "must be an object with slug, name and description")
            return None
        self._unknown_keys("bank", raw, self.BANK_KEYS)
        slug = self._slug("bank", raw, "slug", max_length=BANK_SLUG_MAX)
        name = self._string("bank", raw, "name", max_length=BANK_NAME_MAX)
        description = self._string(
            "bank",
            raw,
            "description",
            max_length=MAX_DESCRIPTION_LENGTH,
            required=False,
            single_line=False,
        )
        if slug is None or name is None:
            return None
        return BankSpec(slug=slug, name=name, description=description or "")

    def _tags(self, raw: Any) -> tuple[TagSpec, ...]:
        if not isinstance(raw, list):
            self.problem("tags", "must be a list")
            return ()
        tags: list[TagSpec] = []
        seen_slugs: set[str] = set()
        seen_names: set[str] = set()
        for index, item in enumerate(raw, start=1):
            where = f"tag #{index}"
            if not isinstance(item, dict):
                self.problem(where, "must be an object with slug, name and kind")
                continue
            if isinstance(item.get("slug"), str) and item["slug"].strip():
                where = f"tag '{item['slug'].strip()}'"
            self._unknown_keys(where, item, self.TAG_KEYS)
            slug = self._slug(where, item, "slug", max_length=TAG_SLUG_MAX)
            name = self._string(where, item, "name", max_length=TAG_NAME_MAX)
            kind = item.get("kind", TagKind.DOMAIN)
            if kind not in TagKind.values:
                self.problem(where, f'"kind" must be one of: {", ".join(TagKind.values)}')
                kind = None
            if slug is not None:
                if slug in seen_slugs:
                    self.problem(where, "slug is used by another tag in this file")
                seen_slugs.add(slug)
            if name is not None:
                if name.casefold() in seen_names:
                    self.problem(where, f'name "{name}" is used by another tag in this file')
                seen_names.add(name.casefold())
            if slug is not None and name is not None and kind is not None:
                tags.append(TagSpec(slug=slug, name=name, kind=kind))
        return tuple(tags)

    def _questions(self, raw: Any) -> tuple[QuestionSpec, ...]:
        if raw is None:
            self.problem("questions", "is missing")
            return ()
        if not isinstance(raw, list):
            self.problem("questions", "must be a list")
            return ()
        if not raw:
            self.problem("questions", "is empty: a file must hold at least one question")
            return ()
        if len(raw) > MAX_QUESTIONS:
            self.problem("questions", f"holds more than {MAX_QUESTIONS} questions")
            return ()
        questions: list[QuestionSpec] = []
        for index, item in enumerate(raw, start=1):
            spec = self._question(index, item)
            if spec is not None:
                questions.append(spec)
        return tuple(questions)

    def _question(self, index: int, item: Any) -> QuestionSpec | None:
        where = f"question #{index}"
        if not isinstance(item, dict):
            self.problem(where, "must be an object")
            return None
        if isinstance(item.get("slug"), str) and item["slug"].strip():
            where = f"question #{index} '{item['slug'].strip()}'"
        before = len(self.problems)
        self._unknown_keys(where, item, self.QUESTION_KEYS)
        slug = self._slug(where, item, "slug", max_length=QUESTION_SLUG_MAX, required=False)
        number = item.get("number", index)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            self.problem(where, '"number" must be a whole number of 1 or more')
        level = item.get("level")
        if level is None:
            self.problem(where, '"level" is missing')
        elif level not in Level.values:
            self.problem(where, f'"level" must be one of: {", ".join(Level.values)}')
        prompt = self._string(
            where, item, "prompt", max_length=MAX_PROMPT_LENGTH, single_line=False
        )
        answer = self._string(
            where, item, "answer", max_length=MAX_ANSWER_LENGTH, single_line=False
        )
        tags = self._question_tags(where, item.get("tags", []))
        points = check_talking_points(item.get("talking_points", []))
        for message in points.errors:
            self.problem(where, message)
        active = item.get("active", True)
        if not isinstance(active, bool):
            self.problem(where, '"active" must be true or false')
        if len(self.problems) > before:
            return None
        return QuestionSpec(
            where=where,
            slug=slug or None,
            number=number,
            level=level,
            prompt=prompt,
            answer=answer,
            tags=tags,
            talking_points=points.points,
            active=active,
        )

    def _question_tags(self, where: str, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
            self.problem(where, '"tags" must be a list of tag slugs')
            return ()
        slugs = [t.strip() for t in raw]
        duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
        if duplicates:
            self.problem(where, f"lists tag(s) more than once: {', '.join(duplicates)}")
        return tuple(dict.fromkeys(slugs))


@dataclass(frozen=True)
class TalkingPointsCheck:
    points: tuple[dict[str, Any], ...]
    errors: tuple[str, ...]


def check_talking_points(raw: Any) -> TalkingPointsCheck:
    """Validate a talking-point list: ``[{"term": str, "synonyms": [str, ...]}, ...]``.

    Terms and synonyms are trimmed, must be non-empty, one line, without "|", at most
    MAX_TERM_LENGTH characters; terms are unique (ignoring case) within a question.
    """
    if not isinstance(raw, list):
        return TalkingPointsCheck((), ('"talking_points" must be a list',))
    errors: list[str] = []
    points: list[dict[str, Any]] = []
    seen: set[str] = set()
    if len(raw) > MAX_TALKING_POINTS:
        errors.append(f"has more than {MAX_TALKING_POINTS} talking points")
    for index, item in enumerate(raw, start=1):
        where = f"talking point #{index}"
        if not isinstance(item, dict):
            errors.append(f'{where} must be an object with "term" and "synonyms"')
            continue
        unknown = sorted(set(item) - {"term", "synonyms", "claim"})
        if unknown:
            errors.append(f"{where} has unknown field(s): {', '.join(unknown)}")
        term = item.get("term")
        claim = item.get("claim", False)
        if not isinstance(claim, bool):
            errors.append(f'{where} "claim" must be true or false')
            claim = False
        term_error = talking_point_term_error(term, claim=claim)
        if term_error:
            errors.append(f"{where} term {term_error}")
            continue
        term = term.strip()
        synonyms = item.get("synonyms", [])
        if not isinstance(synonyms, list):
            errors.append(f'{where} ("{term}") synonyms must be a list of strings')
            continue
        if len(synonyms) > MAX_SYNONYMS:
            errors.append(f'{where} ("{term}") has more than {MAX_SYNONYMS} synonyms')
        cleaned: list[str] = []
        for synonym in synonyms:
            synonym_error = talking_point_term_error(synonym)
            if synonym_error:
                errors.append(f'{where} ("{term}") synonym {synonym_error}')
                continue
            synonym = synonym.strip()
            if synonym.casefold() != term.casefold() and synonym not in cleaned:
                cleaned.append(synonym)
        if term.casefold() in seen:
            errors.append(f'{where} repeats the term "{term}"')
        seen.add(term.casefold())
        point = {"term": term, "synonyms": cleaned}
        if claim:
            point["claim"] = True
        points.append(point)
    return TalkingPointsCheck(tuple(points), tuple(errors))


def talking_point_term_error(value: Any, *, claim: bool = False) -> str | None:
    """Why ``value`` cannot be a talking-point term or synonym, or None when it can.

    A claim (a sentence of the model answer, scored by meaning) may be longer than a term.
    """
    if not isinstance(value, str):
        return "must be a string"
    value = value.strip()
    if not value:
        return "is empty"
    limit = MAX_CLAIM_LENGTH if claim else MAX_TERM_LENGTH
    if len(value) > limit:
        return f"is longer than {limit} characters"
    if TALKING_POINT_FORBIDDEN.search(value):
        return f'"{value[:40]}" must be one line without "|"'
    return None


def derive_slug(prompt: str, *, taken: set[str]) -> str:
    """A slug from the prompt: slugified, cut at a word boundary, made unique in ``taken``."""
    base = slugify(prompt)[:DERIVED_SLUG_MAX].rstrip("-")
    if len(slugify(prompt)) > DERIVED_SLUG_MAX and "-" in base:
        base = base.rsplit("-", 1)[0]
    base = base or "question"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


# --------------------------------------------------------------------------- planning and writing


@dataclass
class _Plan:
    report: ImportReport
    bank: Bank | None
    bank_values: dict[str, str]
    tag_specs: list[TagSpec]
    existing_tags: dict[str, Tag]
    questions: list[tuple[QuestionSpec, str, Question | None, dict[str, Any]]]


def questions_import(
    *,
    document: ImportDocument,
    bank_slug: str | None = None,
    dry_run: bool = False,
    source: str = "",
) -> ImportReport:
    """Import ``document`` into the bank ``bank_slug`` (default: the file's bank).

    Validates the document against the database first; any problem raises
    ImportValidationError and writes nothing. A dry run stops after planning.
    ``source`` (e.g. a file name) is recorded as the change reason in question history.
    """
    with transaction.atomic():
        plan = _plan(document=document, bank_slug=bank_slug, dry_run=dry_run)
        if not dry_run:
            _write(plan, source=source)
    return plan.report


def questions_import_preview(
    *, document: ImportDocument, bank_slug: str | None = None
) -> ImportReport:
    """What importing ``document`` would do, without writing anything."""
    return questions_import(document=document, bank_slug=bank_slug, dry_run=True)


def _title_from_slug(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().title() or slug


def _plan(*, document: ImportDocument, bank_slug: str | None, dry_run: bool) -> _Plan:
    problems: list[ImportProblem] = list(document.problems)
    spec = document.bank
    target_slug = (bank_slug or (spec.slug if spec else "")).strip()
    fatal = None
    if not target_slug:
        if not any(p.where == "bank" for p in problems):
            fatal = (
                "a text file names no bank: choose one (--bank SLUG)"
                if document.format == "text"
                else "the file names no bank: give one with --bank SLUG"
            )
    elif len(target_slug) > BANK_SLUG_MAX:
        fatal = f"slug is longer than {BANK_SLUG_MAX} characters"
    else:
        try:
            validate_slug(target_slug)
        except ValidationError:
            fatal = f"'{target_slug}' is not a valid slug"
    if fatal:
        problems.append(ImportProblem("bank", fatal))
    if not target_slug or fatal:
        raise ImportValidationError(problems)

    bank = Bank.objects.filter(slug=target_slug).first()
    file_names_this_bank = spec is not None and spec.slug == target_slug
    bank_values: dict[str, str] = {}
    if bank is None:
        bank_action: Action = "create"
        name = spec.name if spec else _title_from_slug(target_slug)
        if Bank.objects.filter(name=name).exists():
            if file_names_this_bank:
                problems.append(
                    ImportProblem(
                        "bank", f'name "{name}" is already used by another bank; rename it'
                    )
                )
            else:
                name = f"{name} ({target_slug})"[:BANK_NAME_MAX]
        bank_values = {"name": name, "description": spec.description if spec else ""}
    else:
        bank_action = "unchanged"
        if file_names_this_bank and (
            bank.name != spec.name or bank.description != spec.description
        ):
            bank_action = "update"
            bank_values = {"name": spec.name, "description": spec.description}
            if (
                bank.name != spec.name
                and Bank.objects.filter(name=spec.name).exclude(pk=bank.pk).exists()
            ):
                problems.append(
                    ImportProblem(
                        "bank", f'name "{spec.name}" is already used by another bank; rename it'
                    )
                )

    existing_tags: dict[str, Tag] = {}
    existing_questions: dict[str, Question] = {}
    if bank is not None:
        existing_tags = {t.slug: t for t in Tag.objects.filter(bank=bank)}
        existing_questions = {
            q.slug: q for q in Question.objects.filter(bank=bank).prefetch_related("tags")
        }

    report = ImportReport(
        bank_slug=target_slug,
        bank_name=bank_values.get("name", bank.name if bank else ""),
        bank_action=bank_action,
        dry_run=dry_run,
    )

    # Tags: created or updated by (bank, slug); names stay unique within the bank.
    names_in_use = {t.name.casefold(): t.slug for t in existing_tags.values()}
    tag_specs: list[TagSpec] = []
    for tag in document.tags:
        current = existing_tags.get(tag.slug)
        owner = names_in_use.get(tag.name.casefold())
        if owner is not None and owner != tag.slug and owner not in {t.slug for t in document.tags}:
            problems.append(
                ImportProblem(
                    f"tag '{tag.slug}'",
                    f"name \"{tag.name}\" is already used by tag '{owner}' in this bank",
                )
            )
            continue
        if current is None:
            report.tags_created.append(tag.slug)
            tag_specs.append(tag)
        elif current.name != tag.name or current.kind != tag.kind:
            report.tags_updated.append(tag.slug)
            tag_specs.append(tag)
    known_tag_slugs = set(existing_tags) | {t.slug for t in document.tags}

    # Questions: slugs given, matched by prompt, or derived; then compared field by field.
    by_prompt = {_normalise_prompt(q.prompt): q.slug for q in existing_questions.values()}
    given = Counter(q.slug for q in document.questions if q.slug)
    claimed: set[str] = set(given)
    slugs: list[str | None] = []
    for question in document.questions:
        if question.slug:
            if given[question.slug] > 1:
                problems.append(
                    ImportProblem(question.where, "slug is used by another question in this file")
                )
            slugs.append(question.slug)
            continue
        # Without a slug: the bank's question with the same prompt, if still free.
        match = by_prompt.get(_normalise_prompt(question.prompt))
        if match and match not in claimed:
            claimed.add(match)
            slugs.append(match)
        else:
            slugs.append(None)
    for index, question in enumerate(document.questions):
        if slugs[index] is None:
            slugs[index] = derive_slug(question.prompt, taken=claimed)
            claimed.add(slugs[index])

    planned: list[tuple[QuestionSpec, str, Question | None, dict[str, Any]]] = []
    for question, slug in zip(document.questions, slugs, strict=True):
        unknown = [t for t in question.tags or () if t not in known_tag_slugs]
        if unknown:
            problems.append(
                ImportProblem(
                    question.where,
                    f"refers to unknown tag(s): {', '.join(unknown)} "
                    '(define them in "tags" or in the bank first)',
                )
            )
            continue
        current = existing_questions.get(slug)
        values = _question_values(question)
        if current is None:
            values.setdefault("tags", ())
            values.setdefault("talking_points", [])
            values.setdefault("is_active", True)
            change = QuestionChange(
                slug, question.number, question.level, question.prompt, "create"
            )
        else:
            changed = _changed_fields(current, values)
            change = QuestionChange(
                slug,
                question.number,
                question.level,
                question.prompt,
                "update" if changed else "unchanged",
                changed,
            )
        report.questions.append(change)
        planned.append((question, slug, current, values))

    if problems:
        raise ImportValidationError(problems)
    report.not_in_file = len(set(existing_questions) - {slug for _, slug, _, _ in planned})
    return _Plan(report, bank, bank_values, tag_specs, existing_tags, planned)


def _normalise_prompt(prompt: str) -> str:
    return " ".join(prompt.split()).casefold()


def _question_values(question: QuestionSpec) -> dict[str, Any]:
    values: dict[str, Any] = {
        "number": question.number,
        "level": question.level,
        "prompt": question.prompt,
        "answer": question.answer,
    }
    if question.tags is not None:
        values["tags"] = tuple(sorted(question.tags))
    if question.talking_points is not None:
        values["talking_points"] = [dict(p) for p in question.talking_points]
    if question.active is not None:
        values["is_active"] = question.active
    return values


def _same_text(a: str, b: str) -> bool:
    """Texts that differ only in line endings or surrounding blank space read the same."""

    def normal(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()

    return normal(a) == normal(b)


def _changed_fields(current: Question, values: dict[str, Any]) -> tuple[str, ...]:
    changed = []
    for name, value in values.items():
        if name == "tags":
            if tuple(sorted(t.slug for t in current.tags.all())) != value:
                changed.append(name)
        elif name in ("prompt", "answer"):
            if not _same_text(getattr(current, name), value):
                changed.append(name)
        elif getattr(current, name) != value:
            changed.append(name)
    return tuple(changed)


def _write(plan: _Plan, *, source: str) -> None:
    report = plan.report
    bank = plan.bank
    if bank is None:
        bank = Bank.objects.create(slug=report.bank_slug, **plan.bank_values)
    elif plan.bank_values:
        for name, value in plan.bank_values.items():
            setattr(bank, name, value)
        bank.save(update_fields=list(plan.bank_values))

    tags = dict(plan.existing_tags)
    updates = [(tags[spec.slug], spec) for spec in plan.tag_specs if spec.slug in tags]
    # Renames first, through names no tag has, so that tags may swap names.
    for tag, spec in updates:
        if tag.name != spec.name:
            tag.name = f"\x1f{tag.pk}"
            tag.save(update_fields=["name"])
    for tag, spec in updates:
        tag.name, tag.kind = spec.name, spec.kind
        tag.save(update_fields=["name", "kind"])
    for spec in plan.tag_specs:
        if spec.slug not in tags:
            tags[spec.slug] = Tag.objects.create(
                bank=bank, slug=spec.slug, name=spec.name, kind=spec.kind
            )

    reason = f"Imported from {source}" if source else "Imported"
    for planned, change in zip(plan.questions, report.questions, strict=True):
        _spec, slug, current, values = planned
        if change.action == "unchanged":
            continue
        fields = {k: v for k, v in values.items() if k != "tags"}
        tag_slugs = values.get("tags")
        if current is None:
            question = Question(bank=bank, slug=slug, **fields)
            question._change_reason = reason
            question.save()
            if tag_slugs:
                # One history record for the new question, taken after its tags are set.
                question.skip_history_when_saving = True
                question.tags.set([tags[s] for s in tag_slugs])
                del question.skip_history_when_saving
                question_history_record_tags(question=question)
            continue
        for name, value in fields.items():
            setattr(current, name, value)
        if "tags" in change.changed_fields:
            current.skip_history_when_saving = True
            current.tags.set([tags[s] for s in tag_slugs])
            del current.skip_history_when_saving
        current._change_reason = reason
        current.save()


def question_history_record_tags(*, question: Question) -> None:
    """Copy the question's current tags onto its newest history record.

    Used after setting tags with history skipped, so that one save that changes fields
    and tags leaves one history record rather than one per tag change.
    """
    record = question.history.order_by("-history_id").first()
    if record is None:
        return
    history_through = record.tags.model
    rows = Question.tags.through.objects.filter(question=question)
    history_through.objects.filter(history=record).delete()
    history_through.objects.bulk_create(
        history_through(history=record, id=row.id, question_id=row.question_id, tag_id=row.tag_id)
        for row in rows
    )
