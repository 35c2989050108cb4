"""Importing question banks from a file: parse, validate everything, then write atomically.

Three formats are read (all described in docs/question-format.md):

* ``json`` — the ``interviewprep-questions`` document: bank, tags and questions, described
  by the JSON Schema ``questions/schemas/bank.schema.json`` and validated against it;
* ``text`` — the plain-text shape of the seed page: level sections, ``N.`` lines,
  the prompt, ``Answer``, the answer;
* ``anki`` — Anki's "Notes in Plain Text" export: front, back and tags, one note a row
  (read by questions.services.anki_text).

The flow is ``parse_questions_file()`` → ``ImportDocument`` (shape checked, nothing
read from the database) → ``questions_import(document=..., dry_run=...)`` which checks
the document against the bank in the database, works out what would be created,
updated or left unchanged, renders the answers it would save (``questions_import_plan``,
in no transaction: rendering is the slow part) and — unless it is a dry run — writes it
all in one transaction (``questions_import_write``). Any problem raises
``ImportValidationError`` listing every problem, each naming the question (slug or
position) or the line, and nothing is written.

Every number, depth and string a file can hold is bounded (the MAX_* constants below), so
that reading, checking and writing a file take bounded time.

Re-importing an unchanged file writes nothing at all: questions are matched by
(bank, slug) and only saved when a field or their tags differ.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify

from questions.models import Bank, Level, Question, Tag, TagKind
from questions.rendering import MAX_MARKDOWN_LENGTH, markdown_rendering
from questions.services.seedtext import SeedTextError, parse_seed_text

FORMAT_NAME = "interviewprep-questions"
FORMAT_VERSION = 1
FORMATS = ("json", "text", "anki")

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
MAX_PROMPT_LENGTH = 2000
MAX_ANSWER_LENGTH = MAX_MARKDOWN_LENGTH
MAX_TALKING_POINTS = 40
MAX_TERM_LENGTH = 100
MAX_CLAIM_LENGTH = 300  # a claim is a sentence of the model answer
MAX_SYNONYMS = 20
MAX_DESCRIPTION_LENGTH = 2000
MAX_TAGS = 500  # in a file, and on one question
MAX_QUESTION_NUMBER = 2**31 - 1  # what a PositiveIntegerField holds on every database
# A bank file is six levels deep at most (questions, a question, its talking points, one,
# its synonyms, one); numbers are small. Deeper or longer is refused before anything else.
MAX_JSON_DEPTH = 16
MAX_NUMBER_DIGITS = 20
# Validating a value takes some microseconds: a file of many values would take minutes.
MAX_JSON_VALUES = 200_000
# Tags given to the questions of a file, all told: each is a row written (with its history)
# while the import holds the database's write lock.
MAX_TAG_USES = 20_000
TOO_MANY_TAG_USES = f"gives its questions more than {MAX_TAG_USES:,} tags in all"
# Schema errors listed at most: a file of junk can hold millions.
MAX_SCHEMA_ERRORS = 100
# Problems with characters listed at most, and problems of any kind.
MAX_CHARACTER_PROBLEMS = 100
MAX_LISTED_PROBLEMS = 200
NESTED_TOO_DEEPLY = "is nested too deeply: a question bank is a few levels of objects and lists"
# Characters no text of a bank holds: control characters other than tab and line breaks,
# and lone surrogates (a UTF-8 file cannot hold one, but a JSON escape, "\ud800", can; no
# database stores it).
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# The JSON format's JSON Schema (draft 2020-12), served at /schemas/bank.schema.json.
BANK_SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "bank.schema.json"

BANK_SLUG_MAX = Bank._meta.get_field("slug").max_length
BANK_NAME_MAX = Bank._meta.get_field("name").max_length
TAG_SLUG_MAX = Tag._meta.get_field("slug").max_length
TAG_NAME_MAX = Tag._meta.get_field("name").max_length
QUESTION_SLUG_MAX = Question._meta.get_field("slug").max_length
DERIVED_SLUG_MAX = 80

# A talking point is written in the admin as "term | synonym | synonym", one per line.
TALKING_POINT_FORBIDDEN = re.compile(r"[|\r\n]")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")

Format = Literal["json", "text", "anki"]
SchemaError = jsonschema.ValidationError
Action = Literal["create", "update", "unchanged"]


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import: where (question, tag, line, file) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportValidationError(Exception):
    """The problems of an import; past MAX_LISTED_PROBLEMS, one more tells how many more."""

    def __init__(self, problems: Iterable[ImportProblem]):
        self.problems = list(problems)
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            more = len(self.problems) - MAX_LISTED_PROBLEMS
            self.problems[MAX_LISTED_PROBLEMS:] = [
                ImportProblem("file", f"has {more:,} more problem(s), not listed")
            ]
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
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportValidationError(
            [ImportProblem("file", f"is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")]
        )
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportValidationError(
            [ImportProblem("file", f"is not UTF-8 text (byte {exc.start} cannot be decoded)")]
        ) from None


def detect_format(text: str, *, filename: str | None = None) -> Format:
    """JSON when the name ends in .json or the content starts with ``{``; Anki notes when
    the content has Anki's header lines or tab-separated notes (Anki names them .txt too);
    text otherwise."""
    from questions.services.anki_text import looks_like_anki  # it imports this module

    lowered = (filename or "").lower()
    if lowered.endswith(".json"):
        return "json"
    if looks_like_anki(text):
        return "anki"
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
    if chosen == "anki":
        from questions.services.anki_text import parse_questions_anki  # it imports this module

        return parse_questions_anki(text)
    return parse_questions_text(text)


class _NotJson(ValueError):
    """A number json.loads would read but a bank file has no use for."""


def _json_integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NotJson(f"holds a number of more than {MAX_NUMBER_DIGITS} digits")
    return int(digits)


def _json_constant(name: str) -> float:
    raise _NotJson(f"holds {name}, which is not a JSON number")


def parse_questions_json(text: str) -> ImportDocument:
    try:
        data = json.loads(text, parse_int=_json_integer, parse_constant=_json_constant)
    except RecursionError:
        raise ImportValidationError([ImportProblem("file", NESTED_TOO_DEEPLY)]) from None
    except json.JSONDecodeError as exc:
        raise ImportValidationError(
            [
                ImportProblem(
                    f"line {exc.lineno}", f"is not valid JSON ({exc.msg}, column {exc.colno})"
                )
            ]
        ) from None
    except _NotJson as exc:
        raise ImportValidationError([ImportProblem("file", str(exc))]) from None
    problems = _json_value_problems(data)
    if problems:
        raise ImportValidationError(problems)
    return with_tag_uses_checked(_JsonReader(data).read())


def with_tag_uses_checked(document: ImportDocument) -> ImportDocument:
    """``document``, with a problem if its questions are given more than MAX_TAG_USES tags."""
    if sum(len(question.tags or ()) for question in document.questions) <= MAX_TAG_USES:
        return document
    problem = ImportProblem("file", TOO_MANY_TAG_USES)
    return replace(document, problems=(*document.problems, problem))


def _json_value_problems(data: Any) -> list[ImportProblem]:
    """What is checked of the decoded document before the schema, whose messages quote the
    file and whose time grows with the values it checks: nesting deeper than
    MAX_JSON_DEPTH, more than MAX_JSON_VALUES values, and text that is not text (NOT_TEXT)."""
    problems: list[ImportProblem] = []
    values = 0
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack and len(problems) < MAX_CHARACTER_PROBLEMS:
        value, path = stack.pop()
        values += 1
        if len(path) > MAX_JSON_DEPTH:
            return [ImportProblem("file", NESTED_TOO_DEEPLY)]
        if isinstance(value, dict):
            for key, item in value.items():
                if NOT_TEXT.search(key):
                    problems.append(_not_text(data, path, key, "has a field name that"))
                else:
                    stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
        elif isinstance(value, str) and NOT_TEXT.search(value):
            problems.append(_not_text(data, path, value))
        if values > MAX_JSON_VALUES:
            return [ImportProblem("file", f"holds more than {MAX_JSON_VALUES:,} values")]
    return sorted(problems, key=lambda p: (p.where, p.message))


def _not_text(data: Any, path: tuple[str | int, ...], text: str, what: str = "") -> ImportProblem:
    """The problem with ``text``, at ``path`` in the document: it is not text (NOT_TEXT)."""
    char = NOT_TEXT.search(text).group()
    kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    where, rest = "file", list(path)
    if len(path) >= 2 and path[0] in ("tags", "questions") and isinstance(path[1], int):
        item = data[path[0]][path[1]]
        slug = item.get("slug") if isinstance(item, dict) else None
        part = "tag" if path[0] == "tags" else "question"
        clean = isinstance(slug, str) and not NOT_TEXT.search(slug)
        where = _item_where(part, path[1], item if clean else None)
        rest = list(path[2:])
    elif path and path[0] == "bank":
        where, rest = "bank", list(path[1:])
    field = " ".join(f"#{p + 1}" if isinstance(p, int) else f'"{p}"' for p in rest)
    subject = " ".join(part for part in (field, what, "contains") if part)
    return ImportProblem(where, f"{subject} {kind} (U+{ord(char):04X}), not text")


def parse_questions_text(text: str) -> ImportDocument:
    """Read the seed's plain-text shape (see questions.services.seedtext).

    The text names no bank (the importer is given one) and, unless a question has
    ``Slug:``, ``Tags:`` or ``Talking points:`` lines, carries no slug (derived from the
    prompt), tags or talking points (kept as they are for a question already in the
    bank). It carries no active flag: new questions are active, others keep theirs.
    """
    check_characters(text)
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
            problems.extend(ImportProblem(where, message) for message in _tag_list_problems(tags))
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
    return with_tag_uses_checked(
        ImportDocument(
            format="text", bank=None, questions=tuple(questions), problems=tuple(problems)
        )
    )


def _tag_list_problems(tags: tuple[str, ...]) -> list[str]:
    """What is wrong with a text file's ``Tags:`` line: too many tags, or a tag that is not
    a tag slug, or one listed twice."""
    if len(tags) > MAX_TAGS:
        return [f"Tags: lists more than {MAX_TAGS} tags"]
    problems = []
    for tag in tags:
        if len(tag) > TAG_SLUG_MAX or not SLUG.fullmatch(tag):
            problems.append(
                f'Tags: "{_shown(tag)}" is not a tag slug: letters, digits, "-" and "_", '
                f"at most {TAG_SLUG_MAX} characters"
            )
    counts = Counter(tags)
    duplicates = sorted(tag for tag, count in counts.items() if count > 1)
    if duplicates:
        problems.append(f"Tags: lists tag(s) more than once: {', '.join(duplicates)}")
    return problems


def check_characters(text: str) -> None:
    """Raise ImportValidationError naming each line that holds a character no text of a
    bank holds (NOT_TEXT): a control character or a lone surrogate."""
    problems: list[ImportProblem] = []
    line, counted_to, reported = 1, 0, 0
    for match in NOT_TEXT.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        if line == reported:
            continue
        reported = line
        char = match.group()
        kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
        problems.append(
            ImportProblem(f"line {line}", f"contains {kind} (U+{ord(char):04X}), not text")
        )
        if len(problems) >= MAX_CHARACTER_PROBLEMS:
            break
    if problems:
        raise ImportValidationError(problems)


# --------------------------------------------------------------------------- the JSON schema
#
# The JSON format is described by questions/schemas/bank.schema.json (served at
# /schemas/bank.schema.json for editors). A document is validated against it with
# jsonschema, and each schema error becomes a problem worded like every other one: where
# (the question by position and slug, the tag, the bank or the file) and which field.
# What the schema cannot say — slugs and tag names unique in the file, terms unique
# ignoring case, tags that exist — is checked below it, in Python.


@functools.cache
def bank_schema() -> dict[str, Any]:
    """The JSON Schema of the ``json`` format, parsed once."""
    return json.loads(BANK_SCHEMA_FILE.read_text(encoding="utf-8"))


def _unique_items(validator, unique: bool, instance: Any, schema: dict) -> Iterator[SchemaError]:
    """``uniqueItems`` in linear time.

    The schema asks it only of lists of tag slugs. jsonschema's own check compares every
    pair when a list mixes types, which a crafted file could make run for hours; a list
    holding anything but strings fails its ``items`` check anyway.
    """
    strings = isinstance(instance, list) and all(isinstance(i, str) for i in instance)
    if unique and strings and len(set(instance)) < len(instance):
        yield SchemaError("has non-unique elements")


_BankValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"uniqueItems": _unique_items}
)


@functools.cache
def _validated_schema() -> dict[str, Any]:
    """The schema with each "$ref" replaced by the definition it names, merged with the
    keywords beside it (in this schema none but a description is in both).

    Validating checks every tag slug, term and synonym of a file; resolving a "$ref" for
    each of them took most of the time.
    """
    definitions = bank_schema()["$defs"]

    def resolved(node: Any) -> Any:
        if isinstance(node, list):
            return [resolved(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: resolved(value) for key, value in node.items()}
        if "$ref" in node:
            name = node.pop("$ref").removeprefix("#/$defs/")
            node = {**resolved(definitions[name]), **node}
        return node

    return resolved(bank_schema())


@functools.cache
def _document_validator() -> jsonschema.protocols.Validator:
    return _BankValidator(_validated_schema())


@functools.cache
def _bank_validator() -> jsonschema.protocols.Validator:
    return _BankValidator(_validated_schema()["properties"]["bank"])


@functools.cache
def _talking_points_validator() -> jsonschema.protocols.Validator:
    return _BankValidator(_validated_schema()["$defs"]["talking_points"])


def _schema_errors(validator: jsonschema.protocols.Validator, instance: Any) -> list[SchemaError]:
    """At most MAX_SCHEMA_ERRORS + 1 errors (one more tells that some were left out)."""
    try:
        return list(islice(validator.iter_errors(instance), MAX_SCHEMA_ERRORS + 1))
    except RecursionError:
        raise ImportValidationError([ImportProblem("file", NESTED_TOO_DEEPLY)]) from None


# Fields in the order they are written, so that problems are listed in the file's order.
_FIELD_ORDER = {
    name: rank
    for rank, name in enumerate(
        ("$schema", "format", "version", "bank", "slug", "name", "kind", "description", "number",
         "level", "prompt", "answer", "tags", "talking_points", "active", "term", "synonyms",
         "claim", "questions")
    )
}  # fmt: skip
_SECTIONS = {"file": 0, "bank": 1, "tags": 2, "questions": 3}

SortKey = tuple[int, ...]


def _path_rank(path: Iterable[str | int]) -> SortKey:
    return tuple(p if isinstance(p, int) else _FIELD_ORDER.get(p, -1) for p in path)


def _sort_key(section: str, *path: str | int) -> SortKey:
    return (_SECTIONS[section], *_path_rank(path))


def _shown(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _item_where(part: Literal["tag", "question"], index: int, item: Any) -> str:
    """``question #3 'what-is-a-pod'`` (position and, when it is text, slug) or ``tag 'pods'``."""
    slug = item.get("slug") if isinstance(item, dict) else None
    if isinstance(slug, str) and slug.strip():
        slug = _shown(slug.strip())
        return f"tag '{slug}'" if part == "tag" else f"question #{index + 1} '{slug}'"
    return f"{part} #{index + 1}"


def _unknown_fields(error: SchemaError) -> list[str]:
    known = error.schema.get("properties", {})
    return [key for key in error.instance if key not in known]


def _missing_fields(error: SchemaError) -> list[str]:
    return [key for key in error.validator_value if key not in error.instance]


def _field_message(key: str, error: SchemaError) -> str:
    """The problem with field ``key`` of the bank, a tag or a question."""
    kind, value, limit = error.validator, error.instance, error.validator_value
    if key == "level":
        return f'"level" must be one of: {", ".join(Level.values)}'
    if key == "kind":
        return f'"kind" must be one of: {", ".join(TagKind.values)}'
    if key == "active":
        return '"active" must be true or false'
    if key == "number":
        if kind == "maximum":
            return f'"number" must be at most {limit}'
        return '"number" must be a whole number of 1 or more'
    if kind == "type":
        return f'"{key}" must be a string'
    if kind == "maxLength":
        return f'"{key}" is longer than {limit} characters'
    if kind == "pattern":
        if not value.strip():
            return f'"{key}" is empty'
        if limit == bank_schema()["$defs"]["slug"]["pattern"]:
            return f'"{key}" "{_shown(value)}" may contain only letters, digits, "-" and "_"'
        return f'"{key}" must be on one line'
    return f'"{key}" is not valid: {_shown(error.message, 120)}'


def _point_text_message(error: SchemaError) -> str:
    """What is wrong with a talking point's term or synonym (as talking_point_term_error)."""
    if error.validator == "type":
        return "must be a string"
    if error.validator == "maxLength":
        return f"is longer than {error.validator_value} characters"
    value = error.instance.strip()
    if not value:
        return "is empty"
    return f'"{value[:40]}" must be one line without "|"'


def _talking_points_message(path: list[str | int], error: SchemaError, points: Any) -> str:
    """The problem at ``path`` inside a question's talking-point list ``points``."""
    kind, limit = error.validator, error.validator_value
    if not path:
        if kind == "maxItems":
            return f"has more than {limit} talking points"
        return '"talking_points" must be a list'
    index, rest = path[0], path[1:]
    where = f"talking point #{index + 1}"
    if not rest:
        if kind == "additionalProperties":
            return f"{where} has unknown field(s): {', '.join(sorted(_unknown_fields(error)))}"
        if kind == "required":
            return f"{where} term is missing"
        return f'{where} must be an object with "term" and "synonyms"'
    if rest[0] == "claim":
        return f'{where} "claim" must be true or false'
    if rest[0] == "term":
        return f"{where} term {_point_text_message(error)}"
    term = points[index].get("term")
    if isinstance(term, str) and term.strip():
        where = f'{where} ("{_shown(term.strip())}")'
    if len(rest) == 1:
        if kind == "maxItems":
            return f"{where} has more than {limit} synonyms"
        return f"{where} synonyms must be a list of strings"
    return f"{where} synonym {_point_text_message(error)}"


def _question_tags_message(path: list[str | int], error: SchemaError) -> str:
    """The problem with a question's ``tags`` list (``path`` is inside the list)."""
    if error.validator == "uniqueItems":
        repeated = sorted(tag for tag, count in Counter(error.instance).items() if count > 1)
        return f"lists tag(s) more than once: {', '.join(repeated)}"
    if error.validator == "maxItems":
        return f'"tags" lists more than {error.validator_value} tags'
    if error.validator == "type":
        return '"tags" must be a list of tag slugs'
    return (
        f'"tags" "{_shown(error.instance)}" is not a tag slug: letters, digits, "-" and "_", '
        f"at most {TAG_SLUG_MAX} characters"
    )


# What the bank, a tag or a question is told when it is not a JSON object.
_NOT_AN_OBJECT = {
    "bank": "must be an object with slug, name and description",
    "tag": "must be an object with slug, name and kind",
    "question": "must be an object",
}


class _JsonReader:
    """Checks a decoded JSON document against the schema, then what the schema cannot say.

    Every problem is collected; the parts without problems are still read, so that the
    import can check them against the database and report everything in one run.
    """

    def __init__(self, data: Any):
        self.data = data
        self.problems: list[tuple[SortKey, ImportProblem]] = []
        self.invalid: set[tuple[str, int | None]] = set()  # ("questions", 2), ("tags", None)…

    def problem(self, key: SortKey, where: str, message: str) -> None:
        self.problems.append((key, ImportProblem(where, message)))

    def read(self) -> ImportDocument:
        data = self.data
        if not isinstance(data, dict):
            raise ImportValidationError(
                [ImportProblem("file", "must be a JSON object with bank, tags and questions")]
            )
        errors = _schema_errors(_document_validator(), data)
        for error in errors[:MAX_SCHEMA_ERRORS]:
            self._schema_problem(error)
        bank = self._bank(data.get("bank"))
        tags: tuple[TagSpec, ...] = ()
        questions: tuple[QuestionSpec, ...] = ()
        complete = len(errors) <= MAX_SCHEMA_ERRORS
        if complete:  # otherwise some parts with problems are not known to have them
            tags = self._tags(data.get("tags", []))
            questions = self._questions(data.get("questions"))
        problems = list(dict.fromkeys(p for _, p in sorted(self.problems, key=lambda kp: kp[0])))
        if not complete:
            problems.append(
                ImportProblem(
                    "file", f"has more problems than the first {MAX_SCHEMA_ERRORS} listed"
                )
            )
        return ImportDocument(
            format="json", bank=bank, tags=tags, questions=questions, problems=tuple(problems)
        )

    # ---- schema errors → problems

    def _schema_problem(self, error: SchemaError) -> None:
        path = list(error.absolute_path)
        section = path[0] if path and path[0] in ("bank", "tags", "questions") else "file"
        if section == "file":
            self._file_problem(path, error)
        elif section == "bank":
            self._object_problem("bank", "bank", (), path[1:], error)
        elif len(path) == 1:
            self.invalid.add((section, None))
            self._list_problem(section, error)
        else:
            index = path[1]
            self.invalid.add((section, index))
            part = "tag" if section == "tags" else "question"
            where = _item_where(part, index, self.data[section][index])
            self._object_problem(section, where, (index,), path[2:], error, part=part)

    def _file_problem(self, path: list[str | int], error: SchemaError) -> None:
        if path:  # "$schema", "format" or "version"
            key = path[0]
            messages = {
                "format": f'"format" must be "{FORMAT_NAME}"',
                "version": f'"version" must be {FORMAT_VERSION}',
            }
            message = messages.get(
                key, f'"{key}" must be a string: the URL of the format\'s schema'
            )
            if key == "$schema" and error.validator == "maxLength":
                message = f'"$schema" is longer than {error.validator_value} characters'
            self.problem(_sort_key("file", key), "file", message)
        elif error.validator == "additionalProperties":
            for key in _unknown_fields(error):
                self.problem(_sort_key("file"), "file", f'unknown field "{key}"')
        elif error.validator == "required":
            for key in _missing_fields(error):
                if key in ("bank", "questions"):
                    self.invalid.add((key, None))
                    self.problem(_sort_key(key), key, "is missing")
                else:
                    self._file_problem([key], error)

    def _list_problem(self, section: str, error: SchemaError) -> None:
        limit = error.validator_value
        if error.instance is None and section == "questions":
            message = "is missing"
        elif error.validator == "minItems":
            message = "is empty: a file must hold at least one question"
        elif error.validator == "maxItems":
            message = f"holds more than {limit} {section}"
        else:
            message = "must be a list"
        self.problem(_sort_key(section), section, message)

    def _object_problem(
        self,
        section: str,
        where: str,
        index: tuple[int, ...],
        path: list[str | int],
        error: SchemaError,
        *,
        part: Literal["bank", "tag", "question"] = "bank",
    ) -> None:
        """A problem with the bank, a tag or a question (``path`` is inside it)."""
        if not path:
            if error.validator == "additionalProperties":
                for key in _unknown_fields(error):
                    self.problem(_sort_key(section, *index), where, f'unknown field "{key}"')
            elif error.validator == "required":
                for key in _missing_fields(error):
                    self.problem(_sort_key(section, *index, key), where, f'"{key}" is missing')
            elif part == "bank" and error.instance is None:
                self.problem(_sort_key(section), where, "is missing")
            else:
                self.problem(_sort_key(section, *index), where, _NOT_AN_OBJECT[part])
            return
        key = _sort_key(section, *index, *path)
        field, inside = path[0], path[1:]
        if part == "question" and field == "talking_points":
            points = self.data["questions"][index[0]]["talking_points"]
            self.problem(key, where, _talking_points_message(inside, error, points))
        elif part == "question" and field == "tags":
            self.problem(key, where, _question_tags_message(inside, error))
        else:
            self.problem(key, where, _field_message(field, error))

    # ---- reading what the schema passed, and what it cannot check

    def _bank(self, raw: Any) -> BankSpec | None:
        if not _bank_validator().is_valid(raw):
            return None
        return BankSpec(
            slug=raw["slug"].strip(),
            name=raw["name"].strip(),
            description=raw.get("description", ""),
        )

    def _tags(self, raw: Any) -> tuple[TagSpec, ...]:
        if not isinstance(raw, list) or len(raw) > MAX_TAGS:
            return ()
        tags: list[TagSpec] = []
        seen_slugs: set[str] = set()
        seen_names: set[str] = set()
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                continue
            where = _item_where("tag", index, item)
            slug, name = item.get("slug"), item.get("name")
            if isinstance(slug, str) and slug.strip():
                slug = slug.strip()
                if slug in seen_slugs:
                    self.problem(
                        _sort_key("tags", index, "slug"),
                        where,
                        "slug is used by another tag in this file",
                    )
                seen_slugs.add(slug)
            if isinstance(name, str) and name.strip():
                name = name.strip()
                if name.casefold() in seen_names:
                    self.problem(
                        _sort_key("tags", index, "name"),
                        where,
                        f'name "{_shown(name)}" is used by another tag in this file',
                    )
                seen_names.add(name.casefold())
            if ("tags", index) not in self.invalid:
                tags.append(TagSpec(slug=slug, name=name, kind=item.get("kind", TagKind.DOMAIN)))
        return tuple(tags)

    def _questions(self, raw: Any) -> tuple[QuestionSpec, ...]:
        if not isinstance(raw, list) or ("questions", None) in self.invalid:
            return ()
        questions: list[QuestionSpec] = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                continue
            where = _item_where("question", index, item)
            points, repeats = _clean_talking_points(item.get("talking_points", []))
            for point_index, message in repeats:
                key = _sort_key("questions", index, "talking_points", point_index, "term")
                self.problem(key, where, message)
            if ("questions", index) in self.invalid or repeats:
                continue
            slug = item.get("slug", "").strip()
            questions.append(
                QuestionSpec(
                    where=where,
                    slug=slug or None,
                    number=int(item.get("number", index + 1)),  # 2.0 is a whole number too
                    level=item["level"],
                    prompt=item["prompt"],
                    answer=item["answer"],
                    tags=tuple(t.strip() for t in item.get("tags", [])),
                    talking_points=points,
                    active=item.get("active", True),
                )
            )
        return tuple(questions)


@dataclass(frozen=True)
class TalkingPointsCheck:
    points: tuple[dict[str, Any], ...]
    errors: tuple[str, ...]


def check_talking_points(raw: Any) -> TalkingPointsCheck:
    """Validate a talking-point list: ``[{"term": str, "synonyms": [str, ...]}, ...]``.

    The shape is checked against the schema's ``talking_points`` (terms and synonyms
    non-empty, one line, without "|", at most MAX_TERM_LENGTH characters — a claim's
    term MAX_CLAIM_LENGTH); then terms are trimmed and must be unique (ignoring case),
    and synonyms are trimmed and deduplicated.
    """
    errors = _schema_errors(_talking_points_validator(), _bounded_talking_points(raw))
    found = [
        (_path_rank(e.absolute_path), _talking_points_message(list(e.absolute_path), e, raw))
        for e in errors[:MAX_SCHEMA_ERRORS]
    ]
    points, repeats = _clean_talking_points(raw)
    found += [(_path_rank([index, "term"]), message) for index, message in repeats]
    messages = tuple(dict.fromkeys(m for _, m in sorted(found, key=lambda km: km[0])))
    return TalkingPointsCheck(points, messages)


def _bounded_talking_points(raw: Any) -> Any:
    """``raw`` with one point and one synonym more than the schema allows at most: it fails
    the same way, but a list of thousands is not checked item by item."""
    if not isinstance(raw, list):
        return raw
    points = raw[: MAX_TALKING_POINTS + 1]
    return [
        {**point, "synonyms": point["synonyms"][: MAX_SYNONYMS + 1]}
        if isinstance(point, dict) and isinstance(point.get("synonyms"), list)
        else point
        for point in points
    ]


def _clean_talking_points(raw: Any) -> tuple[tuple[dict[str, Any], ...], list[tuple[int, str]]]:
    """The points with text terms, trimmed, synonyms deduplicated; and repeated terms.

    A longer list than the schema allows is left to its "maxItems" problem.
    """
    if not isinstance(raw, list) or len(raw) > MAX_TALKING_POINTS:
        return (), []
    points: list[dict[str, Any]] = []
    repeats: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        term = item.get("term") if isinstance(item, dict) else None
        if not isinstance(term, str) or not term.strip():
            continue
        term = term.strip()
        if term.casefold() in seen:
            repeats.append((index, f'talking point #{index + 1} repeats the term "{_shown(term)}"'))
        seen.add(term.casefold())
        synonyms = item.get("synonyms", [])
        cleaned: list[str] = []
        for synonym in synonyms if isinstance(synonyms, list) else ():
            if not isinstance(synonym, str):
                continue
            synonym = synonym.strip()
            if synonym and synonym.casefold() != term.casefold() and synonym not in cleaned:
                cleaned.append(synonym)
        point: dict[str, Any] = {"term": term, "synonyms": cleaned}
        if item.get("claim") is True:
            point["claim"] = True
        points.append(point)
    return tuple(points), repeats


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


@dataclass
class ImportPlan:
    """What importing ``document`` into ``bank_slug`` would do (``report``), and the HTML of
    each model answer it would save, rendered (``answers_html``, by answer)."""

    document: ImportDocument
    bank_slug: str | None
    report: ImportReport
    answers_html: dict[str, str]


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
    plan = questions_import_plan(document=document, bank_slug=bank_slug)
    if dry_run:
        return plan.report
    return questions_import_write(plan=plan, source=source)


def questions_import_preview(
    *, document: ImportDocument, bank_slug: str | None = None
) -> ImportReport:
    """What importing ``document`` would do, without writing anything."""
    return questions_import(document=document, bank_slug=bank_slug, dry_run=True)


def questions_import_plan(*, document: ImportDocument, bank_slug: str | None = None) -> ImportPlan:
    """Check ``document`` against the bank and render the answers it would save.

    Reads only, in no transaction: rendering Markdown is the slow part of an import, and
    a transaction (on SQLite) holds the write lock candidates' autosaves wait for. An
    answer that cannot be rendered is a problem, named by its question.
    """
    plan = _plan(document=document, bank_slug=bank_slug, dry_run=True)
    answers_html = _render_answers(plan)
    return ImportPlan(document, bank_slug, plan.report, answers_html)


def questions_import_write(*, plan: ImportPlan, source: str = "") -> ImportReport:
    """Write what ``plan`` found to do, in one transaction.

    The bank is read again inside the transaction, and that reading is written: if it
    changed since the plan, an answer the plan did not render is rendered there.
    """
    with transaction.atomic():
        current = _plan(document=plan.document, bank_slug=plan.bank_slug, dry_run=False)
        answers_html = _render_answers(current, rendered=plan.answers_html)
        _write(current, source=source, answers_html=answers_html)
    return current.report


def _render_answers(plan: _Plan, rendered: dict[str, str] | None = None) -> dict[str, str]:
    """The HTML of each answer ``plan`` saves (those of ``rendered`` are not rendered again).

    Raises ImportValidationError naming each question whose answer cannot be rendered.
    """
    answers_html = dict(rendered or {})
    problems: list[ImportProblem] = []
    for (question, _slug, _current, values), change in zip(
        plan.questions, plan.report.questions, strict=True
    ):
        answer = values["answer"]
        if change.action == "unchanged" or answer in answers_html:
            continue
        rendering = markdown_rendering(answer)
        if rendering.problem is not None:
            problems.append(ImportProblem(question.where, f"the answer {rendering.problem}"))
        else:
            answers_html[answer] = rendering.html
    if problems:
        raise ImportValidationError(problems)
    return answers_html


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
                if document.format in ("text", "anki")
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
        if current is not None and document.format == "anki":
            continue  # an Anki tag is only a word: the bank's tag keeps its name and kind
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


def _write(plan: _Plan, *, source: str, answers_html: dict[str, str]) -> None:
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
            question.render_answer(html=answers_html[question.answer])
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
        current.render_answer(html=answers_html[current.answer])
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
