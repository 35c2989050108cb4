"""The plain-text shape of a question bank: read it into questions, write it back.

The shape is the one of the page the AWS bank was seeded from::

    AWS interview questions            <- anything before the first level heading is ignored

    Freshers & intermediate            <- a level heading (see LEVEL_KEYWORDS)

    1.                                 <- a question number on a line of its own

    What is Amazon S3?                 <- the prompt: one paragraph

    Slug: what-is-s3                   <- optional metadata lines (written by format_seed_text)
    Tags: s3, storage
    Talking points:
      Object storage | objects
      Durability

    Answer                             <- "Answer" on a line of its own

    The answer, up to the next number or level heading.

Numbers run on from question to question; they may restart at 1 after a level heading.

An answer is read in one of two ways:

* **Markdown** — when it already uses Markdown block syntax (``- `` bullets, ``##``
  headings, pipe tables, ``**bold**``…), it is kept as written.
* **Flattened text** — the way a web page reads once copied as text — is turned into
  Markdown: ``•``/``◦`` bullets become ``-`` items nested by indentation, numbered
  lines become ordered lists (or ``###`` headings when they stand alone at the margin),
  short title-case lines standing alone become headings, a short "Label:" opening an
  item or a paragraph is set in bold, and runs of code (JSON, shell commands, Python,
  YAML) become fenced code blocks with their language.

What the flattened text cannot say — where the columns of a flattened table are, how a
garbled code sample was indented, which text is not part of the answer — is given by the
caller: ``tables`` maps a flattened header line to the table's rows, and ``patches``
rewrite an answer's text before it is read. Fenced code blocks are kept verbatim in both
ways, so a patch can put a restored code sample in place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

JUNIOR = "junior"
SENIOR = "senior"

# A level heading is a short line right before a question number that names a level.
LEVEL_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (JUNIOR, ("freshers", "fresher", "intermediate", "junior", "beginner", "entry-level")),
    (SENIOR, ("senior", "experienced", "advanced")),
)
DEFAULT_LEVEL_HEADINGS = {JUNIOR: "Freshers & intermediate", SENIOR: "Senior"}
_LEVEL_HELP = "; ".join(
    f"a heading naming {', '.join(w.capitalize() for w in words[:-1])} or "
    f"{words[-1].capitalize()} starts {level} questions"
    for level, words in LEVEL_KEYWORDS
)

ANSWER_LABELS = frozenset({"answer", "answer:"})
META_SLUG = "Slug"
META_TAGS = "Tags"
META_TALKING_POINTS = "Talking points"

_MARKER = re.compile(r"^(\d{1,4})\.$")
_META = re.compile(r"^(Slug|Tags|Talking points):[ \t]*(.*)$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BULLET = re.compile(r"^(?P<indent> *)(?P<mark>[•◦▪‣●○])\s*(?P<text>.*)$")
_ORDERED = re.compile(r"^(?P<indent> *)(?P<num>\d{1,3})\.\s+(?P<text>\S.*)$")
_TITLE = re.compile(r"^(?P<num>\d{1,3})\.\s*(?P<text>[^\d\s].*)$")
# A "◦" between spaces. It starts only where a run of spaces does, and takes the run at once:
# a long run is read once, not once from each of its spaces.
_INLINE_SUBITEM = re.compile(r"(?<!\s)\s++◦\s+")
# Markdown block syntax that flattened text never has.
_MARKDOWN_SIGNAL = re.compile(
    r"^\s*[-*+][ \t]+\S"  # "- item"
    r"|^ {0,3}#{2,6}[ \t]"  # "## Heading"
    r"|^ {0,3}\|"  # "| table |"
    r"|^ {0,3}>"  # "> quote"
    r"|\*\*\S|\S\*\*"  # "**bold**"
)
_LABEL = re.compile(r"^(?P<label>[A-Z0-9][^:*`<>\[\]]{0,58}?):[ \t]+(?=\S)")
_SMALL_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "but", "by", "for", "from", "in", "into", "is",
        "of", "on", "or", "over", "per", "than", "the", "to", "via", "vs", "vs.", "with",
        "without",
    }
)  # fmt: skip

# Code that flattened text carries without fences.
_JSON_START = re.compile(r'^(?:[{\[]|"[^"]+"\s*:\s*[{\[])\s*$')
_SHELL_COMMAND = re.compile(
    r"^(?:\$\s+)?(?:aws|sam|cdk|eksctl|kubectl|helm|terraform|docker|curl|pip|npm|git|export)"
    r"\s+\S"
)
_SHELL_LINE = re.compile(r"^\s*(?:--?[A-Za-z]|#\s)")
_PYTHON_START = re.compile(
    r"^(?:import\s+\w|from\s+[\w.]+\s+import\s|def\s+\w+\s*\(|class\s+\w+\s*[(:])"
)
_PYTHON_LINE = re.compile(
    r"^(?:\s|import\s|from\s|def\s|class\s|return\b|try:|except\b|finally:|if\s|elif\s|"
    r"else:|for\s|while\s|with\s|raise\s|print\(|@|#|[)\]}])"
    r"|^[\w.\[\]'\"]+\s*(?:=|\()"
)
_YAML_KEY = re.compile(r"^\s*[A-Za-z_][\w.:-]*:(?:\s|$)")
_YAML_START = re.compile(r"^[A-Za-z_][\w.-]*:\s*$")


@dataclass(frozen=True)
class ParsedQuestion:
    """One question read from the text.

    ``number`` is the position in the document (1, 2, … across all levels, whatever the
    text numbers them); ``line`` is the 1-based line of its number, for messages.
    ``slug``, ``tags`` and ``talking_points`` are ``None`` when the text does not give
    them. ``tables`` lists the flattened header lines rebuilt as tables in the answer.
    """

    number: int
    level: str
    prompt: str
    answer: str
    line: int
    slug: str | None = None
    tags: tuple[str, ...] | None = None
    talking_points: tuple[dict[str, Any], ...] | None = None
    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerPatch:
    """A rewrite of one answer's text before it is read.

    ``find`` must occur exactly once in the answer (lines joined with ``\\n``, trailing
    spaces removed) and is replaced by ``replace``. With ``through``, ``find`` and
    ``through`` are whole lines and the lines from one to the other are replaced; with
    ``to_end``, everything from the line ``find`` to the end of the answer is removed.
    """

    find: str
    replace: str = ""
    through: str | None = None
    to_end: bool = False


class SeedTextError(ValueError):
    """The text cannot be read; ``problems`` lists every ``(line, message)`` found."""

    def __init__(self, problems: Iterable[tuple[int, str]]):
        self.problems = sorted(problems)
        super().__init__("\n".join(f"line {line}: {message}" for line, message in self.problems))


@dataclass
class _Line:
    no: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.rstrip()

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


# --------------------------------------------------------------------------- reading


def parse_seed_text(
    text: str,
    *,
    tables: Mapping[str, Sequence[Sequence[str]]] | None = None,
    patches: Mapping[int, Sequence[AnswerPatch]] | None = None,
) -> list[ParsedQuestion]:
    """Read every question of ``text``; raise SeedTextError listing all problems.

    ``tables`` maps a flattened table's first line (as written, spaces collapsed) to its
    rows, header row first; each row's cells joined by single spaces must give the
    corresponding line. ``patches`` maps a question's position (1-based, document
    order) to rewrites of its answer applied before it is read.
    """
    lines = [_Line(no, raw.replace("\t", "    ")) for no, raw in enumerate(_split(text), start=1)]
    problems: list[tuple[int, str]] = []
    table_rows = {_collapse(key): rows for key, rows in (tables or {}).items()}
    patches = patches or {}

    markers = _question_markers(lines)
    if not markers:
        raise SeedTextError(
            [(1, 'no questions found: each question starts with its number alone on a line, "1."')]
        )

    questions: list[ParsedQuestion] = []
    level: str | None = None
    previous_label: int | None = None
    for position, index in enumerate(markers, start=1):
        marker = lines[index]
        label = int(_MARKER.match(marker.text.strip()).group(1))
        heading_index = _previous_nonblank(lines, index)
        heading = lines[heading_index] if heading_index is not None else None
        heading_level = _heading_level(heading.text) if heading is not None else None
        starts_section = heading_level is not None and (
            position == 1 or heading_index > markers[position - 2]
        )
        if starts_section:
            level = heading_level
        if level is None:
            problems.append(
                (
                    marker.no,
                    f"question {label}. comes before any level heading: put a line such as "
                    f'"{DEFAULT_LEVEL_HEADINGS[JUNIOR]}" or "{DEFAULT_LEVEL_HEADINGS[SENIOR]}" '
                    "above it",
                )
            )
        elif previous_label is not None and label != previous_label + 1:
            if label == 1 and not starts_section:
                shown = heading.text.strip() if heading is not None else ""
                problems.append(
                    (
                        heading.no if heading is not None else marker.no,
                        f'numbering restarts at 1 but the line before it, "{_short(shown)}", '
                        f"is not a known level heading ({_LEVEL_HELP})",
                    )
                )
            elif not (label == 1 and starts_section):
                problems.append(
                    (
                        marker.no,
                        f"question {label}. follows question {previous_label}.: "
                        f"expected {previous_label + 1}.",
                    )
                )
        elif previous_label is None and label != 1:
            problems.append((marker.no, f"the first question is numbered {label}., not 1."))
        previous_label = label

        end = markers[position] if position < len(markers) else len(lines)
        if position < len(markers):
            next_heading = _previous_nonblank(lines, markers[position])
            if next_heading is not None and _heading_level(lines[next_heading].text) is not None:
                end = next_heading
        question = _read_question(
            lines[index + 1 : end],
            position=position,
            label=label,
            level=level or JUNIOR,
            marker=marker,
            table_rows=table_rows,
            patches=patches.get(position, ()),
            problems=problems,
        )
        if question is not None:
            questions.append(question)

    if problems:
        raise SeedTextError(problems)
    return questions


def _split(text: str) -> list[str]:
    return text.removeprefix("\ufeff").splitlines()


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _question_markers(lines: list[_Line]) -> list[int]:
    markers = []
    fence: str | None = None
    for index, line in enumerate(lines):
        stripped = line.text.strip()
        fence_match = _FENCE.match(line.text)
        if fence_match:
            ticks = fence_match.group(1)
            if fence is None:
                fence = ticks
            elif ticks.startswith(fence) and not fence_match.group(2).strip():
                fence = None
            continue
        if fence is None and _MARKER.match(stripped) and len(line.text) - len(stripped) < 4:
            markers.append(index)
    return markers


def _previous_nonblank(lines: list[_Line], index: int) -> int | None:
    for i in range(index - 1, -1, -1):
        if not lines[i].blank:
            return i
    return None


def _heading_level(text: str) -> str | None:
    stripped = text.strip()
    if not stripped or len(stripped) > 100 or stripped[-1] in ".,;!?":
        return None
    if _list_item(text) is not None or _FENCE.match(text) or stripped.lower() in ANSWER_LABELS:
        return None
    words = re.findall(r"[a-z][a-z-]*", stripped.lower())
    for level, keywords in LEVEL_KEYWORDS:
        if any(word in keywords or word.split("-")[0] in keywords for word in words):
            return level
    return None


def _read_question(
    lines: list[_Line],
    *,
    position: int,
    label: int,
    level: str,
    marker: _Line,
    table_rows: Mapping[str, Sequence[Sequence[str]]],
    patches: Sequence[AnswerPatch],
    problems: list[tuple[int, str]],
) -> ParsedQuestion | None:
    if not any(line.text.strip().lower() in ANSWER_LABELS for line in lines):
        problems.append((marker.no, f'question {label}. has no "Answer" line after its prompt'))
        return None
    i = 0
    while i < len(lines) and lines[i].blank:
        i += 1
    prompt_lines = []
    while (
        i < len(lines) and not lines[i].blank and lines[i].text.strip().lower() not in ANSWER_LABELS
    ):
        prompt_lines.append(lines[i].text.strip())
        i += 1
    if not prompt_lines:
        problems.append((marker.no, f"question {label}. has no prompt"))
        return None

    meta: dict[str, Any] = {}
    answer_at: int | None = None
    while i < len(lines):
        line = lines[i]
        stripped = line.text.strip()
        if line.blank:
            i += 1
            continue
        if stripped.lower() in ANSWER_LABELS:
            answer_at = i
            break
        meta_match = _META.match(stripped)
        if meta_match is None:
            problems.append(
                (
                    line.no,
                    f'question {label}.: unexpected text between the prompt and "Answer" '
                    "(the prompt is one paragraph; only Slug:, Tags: and Talking points: lines "
                    "may follow it)",
                )
            )
            return None
        i = _read_meta(lines, i, meta_match, meta, label=label, problems=problems)
    if answer_at is None:  # the only "Answer" line was inside the metadata
        problems.append((marker.no, f'question {label}. has no "Answer" line after its prompt'))
        return None

    body = lines[answer_at + 1 :]
    body = _apply_patches(body, patches, label=label, marker=marker, problems=problems)
    used_tables: list[str] = []
    answer = _answer_markdown(body, table_rows=table_rows, used=used_tables, problems=problems)
    if not answer.strip():
        problems.append((lines[answer_at].no, f"question {label}. has an empty answer"))
        return None
    return ParsedQuestion(
        number=position,
        level=level,
        prompt=" ".join(prompt_lines),
        answer=answer,
        line=marker.no,
        slug=meta.get("slug"),
        tags=meta.get("tags"),
        talking_points=meta.get("talking_points"),
        tables=tuple(used_tables),
    )


def _read_meta(
    lines: list[_Line],
    i: int,
    match: re.Match,
    meta: dict[str, Any],
    *,
    label: int,
    problems: list[tuple[int, str]],
) -> int:
    key = match.group(1).lower()
    value = match.group(2).strip()
    line = lines[i]
    if key == "slug":
        if not value:
            problems.append((line.no, f"question {label}.: Slug: is empty"))
        meta["slug"] = value
        return i + 1
    if key == "tags":
        meta["tags"] = tuple(tag.strip() for tag in value.split(",") if tag.strip())
        return i + 1
    points = []
    i += 1
    while i < len(lines) and lines[i].raw[:1] in (" ", "-") and not lines[i].blank:
        entry = lines[i].text.strip().removeprefix("- ").strip()
        claim = entry.casefold().startswith("claim:")
        if claim:
            entry = entry[len("claim:") :]
        parts = [part.strip() for part in entry.split("|")]
        if not parts[0]:
            problems.append((lines[i].no, f"question {label}.: a talking point has no term"))
        else:
            point = {"term": parts[0], "synonyms": [p for p in parts[1:] if p]}
            if claim:
                point["claim"] = True
            points.append(point)
        i += 1
    if value:
        problems.append(
            (line.no, f"question {label}.: write each talking point on its own indented line")
        )
    meta["talking_points"] = tuple(points)
    return i


def _apply_patches(
    body: list[_Line],
    patches: Sequence[AnswerPatch],
    *,
    label: int,
    marker: _Line,
    problems: list[tuple[int, str]],
) -> list[_Line]:
    for patch in patches:
        if patch.to_end or patch.through is not None:
            patched, problem = _patch_lines(body, patch)
        else:
            patched, problem = _patch_text(body, patch)
        if problem:
            problems.append((marker.no, f"question {label}.: {problem}"))
        else:
            body = patched
    return body


def _patch_lines(body: list[_Line], patch: AnswerPatch) -> tuple[list[_Line], str | None]:
    """Replace the whole lines from ``find`` through ``through`` (or to the end)."""
    texts = [line.text.strip() for line in body]
    matches = [i for i, text in enumerate(texts) if text == patch.find.strip()]
    if len(matches) != 1:
        return body, f'the line "{_short(patch.find)}" occurs {len(matches)} times, not once'
    first = matches[0]
    if patch.to_end:
        return body[:first], None
    last = next((i for i in range(first, len(texts)) if texts[i] == patch.through.strip()), None)
    if last is None:
        return body, f'the line "{_short(patch.through)}" does not follow "{_short(patch.find)}"'
    replacement = [_Line(body[first].no, raw) for raw in patch.replace.split("\n")]
    return body[:first] + (replacement if patch.replace else []) + body[last + 1 :], None


def _patch_text(body: list[_Line], patch: AnswerPatch) -> tuple[list[_Line], str | None]:
    """Replace the one occurrence of ``find``, which may span lines."""
    texts = [line.text for line in body]
    joined = "\n".join(texts)
    count = joined.count(patch.find) if patch.find else 0
    if count != 1:
        return body, f'the text "{_short(patch.find)}" occurs {count} times, not once'
    start = joined.index(patch.find)
    first = joined.count("\n", 0, start)
    last = first + patch.find.count("\n")
    segment_start = sum(len(text) + 1 for text in texts[:first])
    segment = "\n".join(texts[first : last + 1])
    offset = start - segment_start
    new_segment = segment[:offset] + patch.replace + segment[offset + len(patch.find) :]
    replacement = [_Line(body[first].no, raw) for raw in new_segment.split("\n")]
    if not new_segment.strip():
        replacement = []
    return body[:first] + replacement + body[last + 1 :], None


# --------------------------------------------------------------------------- answers


@dataclass
class _Opaque:
    """A block already in Markdown (fenced code, a rebuilt table)."""

    no: int
    markdown: str


def _answer_markdown(
    body: list[_Line],
    *,
    table_rows: Mapping[str, Sequence[Sequence[str]]],
    used: list[str],
    problems: list[tuple[int, str]],
) -> str:
    tokens = _explicit_blocks(body, table_rows=table_rows, used=used, problems=problems)
    plain = [token for token in tokens if isinstance(token, _Line)]
    if any(_MARKDOWN_SIGNAL.search(line.text) for line in plain):
        return _markdown_passthrough(tokens)
    return _FlatText(tokens).markdown()


def _explicit_blocks(
    body: list[_Line],
    *,
    table_rows: Mapping[str, Sequence[Sequence[str]]],
    used: list[str],
    problems: list[tuple[int, str]],
) -> list[_Line | _Opaque]:
    """Fenced code and curated tables become opaque blocks; other lines stay lines."""
    tokens: list[_Line | _Opaque] = []
    i = 0
    while i < len(body):
        line = body[i]
        fence_match = _FENCE.match(line.text)
        if fence_match:
            ticks = fence_match.group(1)
            j = i + 1
            while j < len(body):
                closing = _FENCE.match(body[j].text)
                if closing and closing.group(1).startswith(ticks) and not closing.group(2).strip():
                    break
                j += 1
            if j == len(body):
                problems.append((line.no, "this code block is never closed (no closing ```)"))
                tokens.extend(body[i:])
                break
            code = [body[k].raw.rstrip() for k in range(i + 1, j)]
            tokens.append(
                _Opaque(line.no, "\n".join([line.text.strip(), *code, body[j].text.strip()]))
            )
            i = j + 1
            continue
        rows = table_rows.get(_collapse(line.text)) if not line.blank else None
        if rows:
            table, consumed = _table(body, i, rows, problems)
            if table is not None:
                tokens.append(_Opaque(line.no, table))
                used.append(_collapse(line.text))
                i += consumed
                continue
        tokens.append(line)
        i += 1
    return tokens


def _table(
    body: list[_Line], i: int, rows: Sequence[Sequence[str]], problems: list[tuple[int, str]]
) -> tuple[str | None, int]:
    width = len(rows[0])
    if width < 2 or any(len(row) != width for row in rows):
        problems.append((body[i].no, "the table's rows must all have the same number of cells"))
        return None, 0
    for offset, row in enumerate(rows):
        if i + offset >= len(body):
            problems.append((body[i].no, f"the table has {len(rows)} rows but the text ends"))
            return None, 0
        seen = _collapse(body[i + offset].text)
        expected = _collapse(" ".join(row))
        if seen != expected:
            problems.append(
                (
                    body[i + offset].no,
                    f'table row {offset + 1} reads "{_short(seen)}" but its cells give '
                    f'"{_short(expected)}"',
                )
            )
            return None, 0

    def cells(row: Sequence[str]) -> str:
        return "| " + " | ".join(_collapse(c).replace("|", "\\|") for c in row) + " |"

    lines = [cells(rows[0]), "| " + " | ".join("---" for _ in rows[0]) + " |"]
    lines += [cells(row) for row in rows[1:]]
    return "\n".join(lines), len(rows)


def _markdown_passthrough(tokens: list[_Line | _Opaque]) -> str:
    out: list[str] = []
    for token in tokens:
        if isinstance(token, _Opaque):
            if out and out[-1] != "":
                out.append("")
            out.extend(token.markdown.split("\n"))
            out.append("")
        elif token.blank:
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(token.raw.rstrip("\r\n"))
    return "\n".join(out).strip("\n")


@dataclass
class _Item:
    depth: int
    kind: str  # "ul" or "ol"
    number: int
    text: str


@dataclass
class _FlatText:
    """Flattened page text → Markdown blocks."""

    tokens: list[_Line | _Opaque]
    blocks: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        tokens = self.tokens
        i = 0
        paragraph: list[str] = []
        items: list[_Item] = []
        stack: list[tuple[int, str]] = []
        last_was_item = False

        def flush_paragraph() -> None:
            if paragraph:
                first = _bold_label(paragraph[0])
                self.blocks.append("\n".join([first, *paragraph[1:]]))
                paragraph.clear()

        def flush_list() -> None:
            if items:
                self.blocks.extend(_list_markdown(items))
                items.clear()
                stack.clear()

        while i < len(tokens):
            token = tokens[i]
            if isinstance(token, _Opaque):
                flush_paragraph()
                flush_list()
                self.blocks.append(token.markdown)
                last_was_item = False
                i += 1
                continue
            if token.blank:
                flush_paragraph()
                if items and not self._list_continues(i):
                    flush_list()
                last_was_item = False
                i += 1
                continue

            code = _code_block(self.scan, i)
            if code is not None:
                end, language = code
                flush_paragraph()
                flush_list()
                lines = [t.raw.rstrip() for t in tokens[i:end]]
                while lines and not lines[-1].strip():
                    lines.pop()
                self.blocks.append("\n".join([f"```{language}", *lines, "```"]))
                last_was_item = False
                i = end
                continue

            text = token.text
            heading = self._heading(i)
            if heading and ": " in heading and self.blocks and self.blocks[-1].startswith("### "):
                # "Label: text" right under a heading is a run-in label, not a sub-heading.
                heading = None
            if heading is not None:
                flush_paragraph()
                flush_list()
                self.blocks.append(f"### {_escape(heading)}")
                last_was_item = False
                i += 1
                continue

            item = _list_item(text)
            if item is not None:
                flush_paragraph()
                indent, kind, number, item_text = item
                depth = _depth(stack, indent, kind)
                parts = _INLINE_SUBITEM.split(item_text)
                items.append(_Item(depth, kind, number, _escape(parts[0].strip())))
                for part in parts[1:]:
                    items.append(_Item(depth + 1, "ul", 1, _escape(part.strip())))
                last_was_item = True
                i += 1
                continue

            if last_was_item and items:
                items[-1].text = f"{items[-1].text} {_escape(text.strip())}"
                i += 1
                continue

            flush_list()
            paragraph.append(_escape(text.strip(), line_start=True))
            i += 1

        flush_paragraph()
        flush_list()
        return "\n\n".join(block for block in self.blocks if block.strip())

    @functools.cached_property
    def scan(self) -> _Scan:
        return _Scan(self.tokens)

    def _next_nonblank(self, i: int) -> _Line | _Opaque | None:
        following = self.scan.nonblank[i]
        return None if following is None else self.tokens[following]

    def _list_continues(self, i: int) -> bool:
        following = self._next_nonblank(i)
        return isinstance(following, _Line) and _list_item(following.text) is not None

    def _heading(self, i: int) -> str | None:
        token = self.tokens[i]
        text = token.text
        if text[:1].isspace():
            return None
        previous = self.tokens[i - 1] if i > 0 else None
        if previous is not None and not (isinstance(previous, _Line) and previous.blank):
            return None
        following = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if not (
            following is None
            or isinstance(following, _Opaque)
            or following.blank
            or _list_item(following.text) is not None
        ):
            return None
        stripped = text.strip()
        if _INLINE_SUBITEM.search(stripped):
            return None
        title = _TITLE.match(stripped)
        if title:
            if len(stripped) > 100:
                return None
            return f"{title.group('num')}. {title.group('text').rstrip(':').rstrip()}"
        if _list_item(text) is not None or len(stripped) > 80 or stripped[-1] in ".,;!":
            return None
        if not _title_case(stripped):
            return None
        return stripped.rstrip(":").rstrip()


def _list_item(text: str) -> tuple[int, str, int, str] | None:
    bullet = _BULLET.match(text)
    if bullet:
        return len(bullet.group("indent")), "ul", 1, bullet.group("text").strip()
    ordered = _ORDERED.match(text)
    if ordered:
        return len(ordered.group("indent")), "ol", int(ordered.group("num")), ordered.group("text")
    return None


def _depth(stack: list[tuple[int, str]], indent: int, kind: str) -> int:
    """Nesting depth of a new item, updating the stack of open (indent, kind) levels.

    A bullet written at the same indentation right under a numbered item belongs to it
    (flattened pages lose that indentation); a numbered item after such bullets closes
    them again.
    """
    while stack and stack[-1][0] > indent:
        stack.pop()
    if stack and stack[-1][0] == indent:
        top_kind = stack[-1][1]
        if top_kind == "ol" and kind == "ul":
            stack.append((indent, "ul"))
        elif top_kind == "ul" and kind == "ol" and len(stack) >= 2 and stack[-2] == (indent, "ol"):
            stack.pop()
        else:
            stack[-1] = (indent, kind)
    else:
        stack.append((indent, kind))
    return len(stack) - 1


def _list_markdown(items: list[_Item]) -> list[str]:
    blocks: list[list[str]] = [[]]
    counters: dict[int, tuple[str, int]] = {}
    for item in items:
        for depth in [d for d in counters if d > item.depth]:
            del counters[depth]
        previous = counters.get(item.depth)
        if item.depth == 0 and previous is not None and previous[0] != item.kind:
            blocks.append([])
        if item.kind == "ol":
            number = previous[1] + 1 if previous and previous[0] == "ol" else item.number
            marker = f"{number}. "
        else:
            number = 0
            marker = "- "
        counters[item.depth] = (item.kind, number)
        blocks[-1].append("    " * item.depth + marker + _bold_label(item.text))
    return ["\n".join(block) for block in blocks if block]


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _SMALL_WORDS]
    if not words:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.75


def _bold_label(text: str) -> str:
    match = _LABEL.match(text)
    if match is None:
        return text
    label = match.group("label").strip()
    if len(label.split()) > 8 or ". " in label or label.count("(") != label.count(")"):
        return text
    return f"**{label}:** {text[match.end() :]}"


def _escape(text: str, *, line_start: bool = False) -> str:
    """Keep plain text plain in Markdown: escape *, write < as &lt; (it would open an
    HTML tag), and escape a # or > opening a line."""
    text = re.sub(r"(?<!\\)\*", r"\\*", text).replace("<", "&lt;")
    if line_start and text[:1] in "#>":
        text = "\\" + text
    return text


class _Scan:
    """Where the next line that is not blank is, and where the brackets of JSON starting on
    a line balance, for every token at once: looking for them from each line in turn read
    a run of blank lines, or the rest of the answer, once per line."""

    def __init__(self, tokens: list[_Line | _Opaque]):
        self.tokens = tokens
        # nonblank[k]: the first token from k on that is a block or a line with text.
        # stop[k]: the first token from k on that is a block or a blank line.
        self.nonblank: list[int | None] = [None] * (len(tokens) + 1)
        self.stop: list[int] = [len(tokens)] * (len(tokens) + 1)
        for k in range(len(tokens) - 1, -1, -1):
            token = tokens[k]
            text = isinstance(token, _Line) and not token.blank
            self.nonblank[k] = k if not isinstance(token, _Line) or text else self.nonblank[k + 1]
            self.stop[k] = self.stop[k + 1] if text else k

    def line_at(self, k: int) -> _Line | None:
        if k < len(self.tokens) and isinstance(self.tokens[k], _Line):
            return self.tokens[k]
        return None

    def next_nonblank(self, k: int) -> int | None:
        """The first line with text from k on, before the next block (None: there is none)."""
        found = self.nonblank[k]
        return found if found is not None and isinstance(self.tokens[found], _Line) else None

    @functools.cached_property
    def balanced(self) -> list[int | None]:
        """balanced[k]: the end of the first run of lines from k on whose brackets balance
        ("{" and "[" against "}" and "]"), or None when no run of lines before the next
        block does."""
        # depth[k]: brackets still open after the lines before k (from the last block on);
        # a run from k balances where depth first comes back to depth[k] or below.
        balanced: list[int | None] = [None] * (len(self.tokens) + 1)
        depth = [0] * (len(self.tokens) + 1)
        start = 0
        for k, token in enumerate(self.tokens):
            if isinstance(token, _Line):
                depth[k + 1] = depth[k] + _bracket_balance(token.text)
                continue
            self._balance(depth, start, k, balanced)
            start = k + 1
        self._balance(depth, start, len(self.tokens), balanced)
        return balanced

    @staticmethod
    def _balance(depth: list[int], start: int, end: int, balanced: list[int | None]) -> None:
        """Fill balanced[start:end] for the lines start…end-1 (a monotonic stack)."""
        lower: list[int] = []  # candidate ends after k, the nearest on top
        for k in range(end, start - 1, -1):
            while lower and depth[lower[-1]] > depth[k]:
                lower.pop()
            if k < end:
                balanced[k] = lower[-1] if lower else None
            lower.append(k)


def _code_block(scan: _Scan, i: int) -> tuple[int, str] | None:
    """(end index, language) of unfenced code starting at tokens[i], or None."""
    tokens, line_at, next_nonblank = scan.tokens, scan.line_at, scan.next_nonblank

    first = line_at(i)
    text = first.text
    if text[:1].isspace():
        return None

    if _JSON_START.match(text):
        end = scan.balanced[i]
        # Unbalanced: stop at the first blank line.
        return (scan.stop[i] if end is None else end), "json"

    def shell_start(line: _Line) -> bool:
        return bool(_SHELL_COMMAND.match(line.text))

    comment_then_command = text.startswith("# ") and (
        (n := next_nonblank(i + 1)) is not None and shell_start(tokens[n])
    )
    if shell_start(first) or comment_then_command:
        k = i + 1
        continued = text.endswith("\\")
        while (line := line_at(k)) is not None:
            if line.blank:
                n = next_nonblank(k)
                if n is None or not (shell_start(tokens[n]) or tokens[n].text.startswith("# ")):
                    break
                k = n  # the blank lines up to it belong to the block
                continue
            if not (continued or shell_start(line) or _SHELL_LINE.match(line.text)):
                break
            continued = line.text.endswith("\\")
            k += 1
        return k, "bash"

    if _PYTHON_START.match(text):
        k = i + 1
        while (line := line_at(k)) is not None:
            if line.blank:
                n = next_nonblank(k)
                if (
                    n is None
                    or not _PYTHON_LINE.match(tokens[n].text)
                    or _list_item(tokens[n].text)
                ):
                    break
                k = n  # the blank lines up to it belong to the block
                continue
            if _list_item(line.text) is not None:
                break
            k += 1
        return k, "python"

    second = line_at(i + 1)
    if _YAML_START.match(text) and second is not None and _YAML_KEY.match(second.text):
        k = i + 1
        while (line := line_at(k)) is not None and not line.blank:
            if _list_item(line.text) is not None:
                break
            k += 1
        return k, "yaml"
    return None


def _bracket_balance(text: str) -> int:
    balance = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            balance += 1
        elif char in "}]":
            balance -= 1
    return balance


# --------------------------------------------------------------------------- writing


def format_seed_text(
    *,
    questions: Iterable[Any],
    title: str | None = None,
    level_headings: Mapping[str, str | None] | None = None,
) -> str:
    """Write questions in the plain-text shape ``parse_seed_text`` reads back.

    Each question needs ``level``, ``prompt`` and ``answer`` (Markdown); ``slug``,
    ``tags`` (slugs, or a related manager of tags) and ``talking_points`` are written
    when present. A level heading is written whenever the level changes; numbering
    restarts at 1 under each heading. Raises ValueError for a question the shape cannot
    carry (a multi-paragraph prompt, or an answer line that would read as a new
    question).
    """
    headings = dict(DEFAULT_LEVEL_HEADINGS)
    for level, heading in (level_headings or {}).items():
        if heading:
            if _heading_level(heading) != level:
                raise ValueError(f'"{heading}" does not read as a heading for level {level}')
            headings[level] = heading
    parts: list[str] = []
    if title and title.strip():
        parts.append(" ".join(title.split()))
    current_level: str | None = None
    number = 0
    for question in questions:
        level = str(question.level)
        if level not in headings:
            raise ValueError(f"unknown level {level!r}")
        if level != current_level:
            parts.append(headings[level])
            current_level = level
            number = 0
        number += 1
        prompt = " ".join(str(question.prompt).split("\n")).strip()
        if not prompt:
            raise ValueError(f"question {number}. of level {level} has no prompt")
        answer = _answer_for_text(str(question.answer), where=f"{level} question {number}.")
        parts.append(f"{number}.")
        parts.append(prompt)
        meta = _meta_lines(question)
        if meta:
            parts.append("\n".join(meta))
        parts.append("Answer")
        parts.append(answer)
    return "\n\n".join(parts) + "\n"


def _answer_for_text(answer: str, *, where: str) -> str:
    lines = answer.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    if not any(line.strip() for line in lines):
        raise ValueError(f"{where} has an empty answer")
    fence: str | None = None
    for line in lines:
        fence_match = _FENCE.match(line)
        if fence_match:
            ticks = fence_match.group(1)
            if fence is None:
                fence = ticks
            elif ticks.startswith(fence) and not fence_match.group(2).strip():
                fence = None
            continue
        if fence is None and _MARKER.match(line.strip()) and len(line) - len(line.lstrip()) < 4:
            raise ValueError(
                f'{where}: the answer line "{line.strip()}" would start a new question'
            )
    last = next(line for line in reversed(lines) if line.strip())
    if fence is None and _heading_level(last) is not None:
        raise ValueError(
            f'{where}: the answer\'s last line "{_short(last.strip())}" would read as a level '
            "heading"
        )
    return "\n".join(lines)


def _meta_lines(question: Any) -> list[str]:
    lines = []
    slug = getattr(question, "slug", None)
    if slug:
        lines.append(f"{META_SLUG}: {slug}")
    tags = getattr(question, "tags", None)
    if tags is not None:
        if hasattr(tags, "all"):
            tags = [tag.slug for tag in tags.all()]
        lines.append(f"{META_TAGS}: {', '.join(str(tag) for tag in tags)}")
    points = getattr(question, "talking_points", None)
    if points:
        lines.append(f"{META_TALKING_POINTS}:")
        for point in points:
            entry = [str(point["term"]), *(str(s) for s in point.get("synonyms", []))]
            claim = "claim: " if point.get("claim") is True else ""
            lines.append("  " + claim + " | ".join(entry))
    return lines
