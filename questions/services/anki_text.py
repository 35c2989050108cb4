"""Anki's "Notes in Plain Text" export, read into an import document.

Anki (2.1.55 and later) writes one note a line, its fields separated by a tab, after a
few header lines::

    #separator:tab
    #html:true
    #tags column:3
    What is a Pod?<TAB>The smallest unit Kubernetes <b>schedules</b>.<TAB>k8s::pods senior

A field holding the separator, a quote or a line break is quoted, with ``"`` doubled
inside (``"say ""hi"" twice"``), and may then span lines. The headers read are:

* ``#separator:`` — ``tab`` (the default), ``comma``, ``semicolon``, ``colon``, ``pipe``,
  ``space`` or a single literal character;
* ``#html:`` — ``true`` (Anki's default: fields are HTML) or ``false`` (plain text);
* ``#tags column:N``, ``#guid column:N``, ``#notetype column:N``, ``#deck column:N`` —
  1-based columns that are not note fields; the tags column is read, the others skipped.

Other ``#key:value`` lines at the top (``#notetype:``, ``#deck:``, ``#columns:`` …) are
skipped. What is left of a row must be the front and the back, then — when no tags
column is named — optionally the tags.

A note becomes a question: the front (HTML stripped to one line of text) is the prompt,
the back the model answer — HTML turned into Markdown keeping paragraphs, line breaks,
lists, bold, italic and code, everything else dropped (no tag or attribute of the file
is kept; the Markdown renderer sanitizes what the text itself spells) — and Anki's
space-separated tags become tag slugs (``aws::lambda`` → ``aws-lambda``). A tag
``senior`` or ``junior`` sets the level (junior otherwise) instead of becoming a tag.
The file names no bank, gives no slugs (they are derived from the prompt) and no
talking points (the app derives them from the answer).
"""

from __future__ import annotations

import html.parser
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from django.utils.text import slugify

from questions.models import Level, TagKind
from questions.rendering import start_tag_end
from questions.services.importing import (
    MAX_ANSWER_LENGTH,
    MAX_PROMPT_LENGTH,
    MAX_QUESTIONS,
    MAX_TAGS,
    TAG_NAME_MAX,
    TAG_SLUG_MAX,
    ImportDocument,
    ImportProblem,
    ImportValidationError,
    QuestionSpec,
    TagSpec,
    check_characters,
    with_tag_uses_checked,
)

SEPARATOR_NAMES = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "colon": ":",
    "pipe": "|",
    "space": " ",
}
# Columns that are not note fields, by their header ("#tags column:3").
SPECIAL_COLUMNS = ("tags", "guid", "notetype", "deck")
MAX_COLUMNS = 64  # a note row is a handful; a line of thousands of tabs is not a note
MAX_PROBLEMS = 100
LEVEL_TAGS = {Level.JUNIOR.value, Level.SENIOR.value}

_HEADER = re.compile(r"#([A-Za-z][A-Za-z ]*):(.*)")
# The seed text's question number alone on a line ("1."); [ \t], not \s, keeps it linear.
_SEED_NUMBER = re.compile(r"^[ \t]*\d{1,4}\.[ \t]*$", re.MULTILINE)
_COLUMN = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class AnkiHeader:
    separator: str = "\t"
    html: bool = True
    columns: tuple[tuple[str, int], ...] = ()  # ("tags", 2): 0-based columns not fields

    def column(self, name: str) -> int | None:
        return dict(self.columns).get(name)


def looks_like_anki(text: str) -> bool:
    """Anki's header lines (``#separator:``, ``#html:`` …), or notes separated by tabs.

    Without headers, the first line that is not blank must hold a tab, and the text must
    not look like JSON or like the seed text (a question number alone on a line).
    """
    head = text.lstrip()
    match = _HEADER.match(head)
    if match and match.group(1).lower() in ("separator", "html", *_column_keys()):
        return True
    first = head.split("\n", 1)[0]
    if "\t" not in first or head.startswith("{"):
        return False
    return _SEED_NUMBER.search(text) is None


def _column_keys() -> tuple[str, ...]:
    return tuple(f"{name} column" for name in SPECIAL_COLUMNS)


def parse_questions_anki(text: str) -> ImportDocument:
    """Read an Anki plain-text export into a document without a bank.

    Raises ImportValidationError when the file cannot be read as notes at all; problems
    with single notes are carried in ``document.problems``, each naming its line.
    """
    check_characters(text)
    problems: list[ImportProblem] = []
    header, position, line = _read_header(text, problems)
    if problems:
        raise ImportValidationError(problems)

    tag_names: dict[str, str] = {}
    questions: list[QuestionSpec] = []
    notes = 0
    for row_line, row in _rows(text, position, line, header.separator):
        notes += 1
        if notes > MAX_QUESTIONS:
            problems.append(ImportProblem("file", f"holds more than {MAX_QUESTIONS} questions"))
            break
        before = len(problems)
        question = _question(row_line, notes, row, header, problems, tag_names)
        if question is not None and len(problems) == before:
            questions.append(question)
        if len(problems) > MAX_PROBLEMS:
            problems[MAX_PROBLEMS:] = [
                ImportProblem("file", f"has more problems than the first {MAX_PROBLEMS} listed")
            ]
            break
    if not notes:
        raise ImportValidationError([ImportProblem("file", "holds no notes")])
    if len(tag_names) > MAX_TAGS:
        problems.append(ImportProblem("file", f"uses more than {MAX_TAGS} tags"))
    tags = tuple(
        TagSpec(slug=slug, name=name, kind=TagKind.DOMAIN) for slug, name in tag_names.items()
    )
    return with_tag_uses_checked(
        ImportDocument(
            format="anki",
            bank=None,
            tags=tags,
            questions=tuple(questions),
            problems=tuple(problems),
        )
    )


# --------------------------------------------------------------------------- reading rows


def _read_header(text: str, problems: list[ImportProblem]) -> tuple[AnkiHeader, int, int]:
    """The header lines at the top: the header, and where the notes start (offset, line)."""
    separator, html, columns = "\t", True, {}
    position, line = 0, 1
    while position < len(text) and text[position] == "#":
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        raw = text[position:end].rstrip("\r")
        match = _HEADER.fullmatch(raw)
        where = f"line {line}"
        if match:
            key, value = match.group(1).strip().lower(), match.group(2).strip()
            if key == "separator":
                name = value.lower()
                if name in SEPARATOR_NAMES:
                    separator = SEPARATOR_NAMES[name]
                elif len(value) == 1 and value != '"':
                    separator = value
                elif len(match.group(2)) == 1 and match.group(2) in " \t":
                    separator = match.group(2)
                else:
                    names = ", ".join(SEPARATOR_NAMES)
                    message = f'must be one of {names} or one character, not "{value[:20]}"'
                    problems.append(ImportProblem(where, f"#separator: {message}"))
            elif key == "html":
                if value.lower() not in ("true", "false"):
                    problems.append(ImportProblem(where, "#html: must be true or false"))
                html = value.lower() == "true"
            elif key.endswith(" column") and key.removesuffix(" column") in SPECIAL_COLUMNS:
                if not _COLUMN.fullmatch(value) or not 1 <= int(value) <= MAX_COLUMNS:
                    problems.append(
                        ImportProblem(
                            where, f"#{key}: must be a column number from 1 to {MAX_COLUMNS}"
                        )
                    )
                else:
                    columns[key.removesuffix(" column")] = int(value) - 1
            # Other headers (#notetype:, #deck:, #columns: …) say nothing a question needs.
        position, line = end + 1, line + 1
    taken = sorted(columns.values())
    if len(set(taken)) < len(taken):
        problems.append(ImportProblem("file", "two header lines name the same column"))
    header = AnkiHeader(separator=separator, html=html, columns=tuple(columns.items()))
    return header, position, line


def _rows(text: str, position: int, line: int, separator: str) -> Iterator[tuple[int, list[str]]]:
    """The rows from ``position`` on, each with the line it starts on; blank lines skipped.

    A field may be quoted (``"a, b"``), with ``""`` for a quote inside; a quoted field may
    span lines. Raises ImportValidationError for an unterminated quote or too many columns.
    """
    unquoted = re.compile(f"[^{re.escape(separator)}\r\n]*")
    end = len(text)
    while position < end:
        start_line = line
        if text[position] in "\r\n":  # a blank line
            position += 2 if text.startswith("\r\n", position) else 1
            line += 1
            continue
        fields: list[str] = []
        while True:
            if position < end and text[position] == '"':
                close = position + 1
                while True:
                    close = text.find('"', close)
                    if close == -1:
                        raise ImportValidationError(
                            [
                                ImportProblem(
                                    f"line {start_line}",
                                    "a quoted field is never closed (a quote inside a quoted "
                                    'field is written "")',
                                )
                            ]
                        )
                    if text.startswith('""', close):
                        close += 2
                        continue
                    break
                raw = text[position + 1 : close]
                line += raw.count("\n")
                fields.append(raw.replace('""', '"').replace("\r\n", "\n"))
                position = close + 1
                if position < end and text[position] not in f"{separator}\r\n":
                    raise ImportValidationError(
                        [
                            ImportProblem(
                                f"line {line}",
                                "text follows a closing quote; quote the whole field and "
                                'write a quote inside it as ""',
                            )
                        ]
                    )
            else:
                match = unquoted.match(text, position)
                fields.append(match.group())
                position = match.end()
            if len(fields) > MAX_COLUMNS:
                raise ImportValidationError(
                    [
                        ImportProblem(
                            f"line {start_line}",
                            f"has more than {MAX_COLUMNS} columns: not a note",
                        )
                    ]
                )
            if position < end and text[position] == separator:
                position += 1
                continue
            if position < end:  # a line break ends the row
                position += 2 if text.startswith("\r\n", position) else 1
                line += 1
            break
        if len(fields) == 1 and not fields[0].strip():
            continue  # a line of spaces
        yield start_line, fields


# --------------------------------------------------------------------------- notes → questions


def _question(
    line: int,
    number: int,
    row: list[str],
    header: AnkiHeader,
    problems: list[ImportProblem],
    tag_names: dict[str, str],
) -> QuestionSpec | None:
    where = f"line {line} (note {number})"
    special = dict(header.columns)
    field_indexes = [index for index in range(len(row)) if index not in special.values()]
    tags_index = special.get("tags")
    expected = len(special) + 2
    if tags_index is None and len(field_indexes) == 3:
        tags_index = field_indexes.pop()
    if len(field_indexes) != 2 or any(index >= len(row) for index in special.values()):
        wanted = f"{expected}" if "tags" in special else f"{expected} or {expected + 1}"
        problems.append(
            ImportProblem(
                where,
                f"has {len(row)} column(s) separated by {_separator_name(header.separator)}; "
                f"expected {wanted} ({_columns_help(header)})",
            )
        )
        return None

    front, back = (row[index] for index in field_indexes)
    prompt = html_to_text(front) if header.html else " ".join(front.split())
    answer = html_to_markdown(back) if header.html else text_to_markdown(back)
    before = len(problems)
    if not prompt:
        problems.append(ImportProblem(where, "the front is empty"))
    elif len(prompt) > MAX_PROMPT_LENGTH:
        problems.append(
            ImportProblem(where, f"the front is longer than {MAX_PROMPT_LENGTH} characters")
        )
    if not answer:
        problems.append(ImportProblem(where, "the back is empty (or holds only media or markup)"))
    elif len(answer) > MAX_ANSWER_LENGTH:
        problems.append(
            ImportProblem(where, f"the back is longer than {MAX_ANSWER_LENGTH} characters")
        )

    tags: tuple[str, ...] | None = None
    levels: set[str] = set()
    if tags_index is not None:
        slugs: list[str] = []
        for tag in row[tags_index].split():
            if tag.casefold() in LEVEL_TAGS:
                levels.add(tag.casefold())
                continue
            slug = anki_tag_slug(tag)
            if not slug:
                problems.append(
                    ImportProblem(where, f'tag "{tag[:40]}" has no letters or digits for a slug')
                )
            elif len(slug) > TAG_SLUG_MAX or len(tag) > TAG_NAME_MAX:
                longest = min(TAG_SLUG_MAX, TAG_NAME_MAX)
                problems.append(
                    ImportProblem(where, f'tag "{tag[:40]}…" is longer than {longest} characters')
                )
            else:
                slugs.append(slug)
        tags = tuple(dict.fromkeys(slugs))
        if len(tags) > MAX_TAGS:
            problems.append(ImportProblem(where, f"has more than {MAX_TAGS} tags"))
        if len(levels) > 1:
            problems.append(ImportProblem(where, "is tagged both junior and senior"))
        if len(problems) == before:
            for tag in row[tags_index].split():
                if tag.casefold() not in LEVEL_TAGS:
                    tag_names.setdefault(anki_tag_slug(tag), tag)
    if len(problems) > before:
        return None
    return QuestionSpec(
        where=where,
        slug=None,
        number=number,
        level=levels.pop() if levels else Level.JUNIOR.value,
        prompt=prompt,
        answer=answer,
        tags=tags,
    )


def anki_tag_slug(tag: str) -> str:
    """``AWS::Lambda`` → ``aws-lambda``: the hierarchy's ``::`` becomes ``-``."""
    return slugify(tag.replace("::", "-"))


def _separator_name(separator: str) -> str:
    names = {value: name for name, value in SEPARATOR_NAMES.items()}
    return names.get(separator, f'"{separator}"')


def _columns_help(header: AnkiHeader) -> str:
    if not header.columns:
        return "front, back, optional tags"
    return "front, back and the columns the header names: " + ", ".join(
        f"{name} in {index + 1}" for name, index in sorted(header.columns, key=lambda c: c[1])
    )


# --------------------------------------------------------------------------- HTML → text


# Elements dropped with everything inside them.
_DROPPED = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
     "head", "title", "audio", "video", "canvas", "select", "textarea", "button"}
)  # fmt: skip
# Elements that end a paragraph (inside a list item: a line break).
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article",
     "header", "footer", "table", "tr", "dl", "dt", "dd", "hr", "center", "figure",
     "figcaption", "address", "details", "summary"}
)  # fmt: skip
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_SOUND = re.compile(r"\[sound:[^\]\n]{0,500}\]")  # Anki's media reference in a field
_INLINE_SPECIAL = re.compile(r"([\\`*])")
_TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")  # a "<" Markdown would read as raw HTML
_ORDERED_START = re.compile(r"^(\d{1,9})\.(?=\s|$)")
# The start of a tag as the standard library's HTML parser reads it, up to a "<" in a tag's
# name, an attribute's name or an unquoted value: in "<a <a <a …" each "<" would look for
# the end of its tag to the end of the text.
_START_TAG_END = re.compile(
    r"""
  <[a-zA-Z][^\t\n\r\f />\x00<]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^\s/><][^\s/=><]*
      (?:\s*=+\s*
        (?:'[^']*'
          |"[^"]*"
          |(?!['"])[^>\s<]*
         )
        \s*
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*
""",
    re.VERBOSE,
)
# Characters a parser may read of tags past a "<" (see _LinearHTMLParser).
TAG_SCAN_BUDGET = 100_000
MAX_LIST_DEPTH = 6
MAX_INLINE_DEPTH = 16


class _LinearHTMLParser(HTMLParser):
    """The standard library's HTML parser, in linear time and without its exceptions.

    That parser looks for the end of an unfinished start tag, end tag, comment or
    declaration to the end of the text, and again for each one (so that "<a " repeated
    took minutes), and raises AssertionError for a "<![" section it does not know. Here a
    start tag is read past a "<" outside quotes within TAG_SCAN_BUDGET characters, and
    ends there beyond (_START_TAG_END); an end tag, comment or declaration whose closing
    ``>`` (``-->``, ``]]>``) the rest of the text does not hold is text at once, as the
    parser makes it at the end of its input; and "<![…" is a bogus comment, as in HTML.
    """

    def reset(self) -> None:
        super().reset()
        self._seen: str | None = None  # the text the facts _refresh sets are about
        self._budget = TAG_SCAN_BUDGET

    def _refresh(self) -> None:
        """Start over for another text: the parser keeps what it has not handled when it
        stops, and takes that up again when closed."""
        if self._seen is not self.rawdata:
            self._seen = self.rawdata
            self._last_gt = self.rawdata.rfind(">")
            self._unclosed_from: dict[str, int] = {}  # "comment", "cdata": none closes after

    def _closes_after(self, position: int) -> bool:
        """Whether a ">" follows ``position``."""
        self._refresh()
        return self._last_gt >= position

    def _as_text(self, i: int) -> int:
        """What the parser makes of an unfinished construct at the end of its input: text
        through the next ">", or up to the next "<"."""
        rawdata = self.rawdata
        end = rawdata.find(">", i + 1) if self._closes_after(i + 1) else -1
        if end < 0:
            end = rawdata.find("<", i + 1)
            end = i + 1 if end < 0 else end
        else:
            end += 1
        text = rawdata[i:end]
        self.handle_data(unescape(text) if self.convert_charrefs and not self.cdata_elem else text)
        return end

    def _unclosed(self, kind: str, i: int, parse) -> int:
        """``parse(i)``, but text at once where a search for the same closing failed before."""
        self._refresh()
        if 0 <= self._unclosed_from.get(kind, -1) <= i:
            return self._as_text(i)
        end = parse(i)
        if end >= 0:
            return end
        self._unclosed_from[kind] = i
        return self._as_text(i)

    def check_for_whole_start_tag(self, i: int) -> int:
        # _START_TAG_END until a "<", and past it (as the standard library reads a tag)
        # within TAG_SCAN_BUDGET characters.
        rawdata = self.rawdata
        j = _START_TAG_END.match(rawdata, i).end()
        if rawdata.startswith("<", j) and self._budget > 0:
            j = html.parser.locatestarttagend_tolerant.match(rawdata, i).end()
            self._budget -= j - i
        return start_tag_end(rawdata, i, j)

    def parse_starttag(self, i: int) -> int:
        end = self.check_for_whole_start_tag(i)
        if end < 0:
            return self._as_text(i)
        if self.rawdata[end - 1] != ">":  # not a tag: text, as the standard library makes it
            self.handle_data(self.rawdata[i:end])
            return end
        return super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        if not self._closes_after(i + 1):
            return self._as_text(i)
        return super().parse_endtag(i)

    def parse_comment(self, i: int, report: int = 1) -> int:
        parse = super().parse_comment
        return self._unclosed("comment", i, lambda i: parse(i, report))

    def parse_pi(self, i: int) -> int:
        if not self._closes_after(i + 2):
            return self._as_text(i)
        return super().parse_pi(i)

    def parse_bogus_comment(self, i: int, report: int = 1) -> int:
        if not self._closes_after(i + 2):
            return -1
        return super().parse_bogus_comment(i, report)

    def parse_html_declaration(self, i: int) -> int:
        rawdata = self.rawdata
        if rawdata.startswith("<![CDATA[", i):
            return self._unclosed("cdata", i, super().parse_html_declaration)
        if rawdata.startswith("<![", i):
            end = self.parse_bogus_comment(i)
        elif rawdata[i : i + 9].lower() == "<!doctype" and not self._closes_after(i + 9):
            end = -1
        else:
            end = super().parse_html_declaration(i)
        return end if end >= 0 else self._as_text(i)


class _FieldParser(_LinearHTMLParser):
    """Drops the dropped elements with their content; hands the rest to subclasses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skipping: str | None = None
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._skipping:
            self._skip_depth += tag == self._skipping
        elif tag in _DROPPED:
            self._skipping, self._skip_depth = tag, 1
        else:
            self.start(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._skip_depth -= tag == self._skipping
            if not self._skip_depth:
                self._skipping = None
        else:
            self.end(tag)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.text(_SOUND.sub("", data))

    def start(self, tag: str) -> None: ...

    def end(self, tag: str) -> None: ...

    def text(self, data: str) -> None: ...


class _TextParser(_FieldParser):
    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []

    def start(self, tag: str) -> None:
        if tag == "br" or tag in _BLOCKS or tag == "li":
            self.pieces.append(" ")

    def end(self, tag: str) -> None:
        self.start(tag)

    def text(self, data: str) -> None:
        self.pieces.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML field on one line: markup, media and scripts dropped."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.pieces).split())


def _escape(text: str) -> str:
    """Text that Markdown shows as it is: no emphasis, code or raw HTML of its own."""
    return _TAG_OPENING.sub("&lt;", _INLINE_SPECIAL.sub(r"\\\1", text))


def _escape_line_start(line: str) -> str:
    """A line that does not start a heading, quote, list or rule in Markdown."""
    if line[:1] in ("#", ">", "-", "+"):
        return "\\" + line
    return _ORDERED_START.sub(r"\1\\.", line)


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines (already escaped inline) → paragraphs: blank lines split, others hard breaks."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        line = " ".join(line.split())
        if line:
            current.append(_escape_line_start(line))
        elif current:
            paragraphs.append("  \n".join(current))
            current = []
    return paragraphs


def _longest_backticks(code: str) -> int:
    return max((len(run) for run in re.findall("`+", code)), default=0)


def _fence(code: str) -> str:
    return "`" * max(3, _longest_backticks(code) + 1)


def _code_span(code: str) -> str:
    """``code`` as inline Markdown code, fenced by more backticks than it holds."""
    if not code:
        return ""
    fence = "`" * (_longest_backticks(code) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


class _MarkdownParser(_FieldParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []  # ("para" | "item" | "code", markdown)
        self.pieces: list[str] = []  # inline Markdown of the open block; "\n" is a <br>
        self.spans: list[tuple[str, int]] = []  # open bold/italic/code: (tag, first piece)
        self.lists: list[list] = []  # [ordered, next number] of each open list
        self.marker: str | None = None  # "    - " while a list item's text is open
        self.pre: list[str] | None = None
        self.code = 0

    def start(self, tag: str) -> None:
        if self.pre is not None:
            if tag == "br":
                self.pre.append("\n")
            return
        if tag == "br":
            self.pieces.append("\n")
        elif tag == "pre":
            self.flush()
            self.pre = []
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            self.flush()
            depth = min(len(self.lists), MAX_LIST_DEPTH)
            ordered, number = self.lists[-1] if self.lists else (False, 1)
            if self.lists:
                self.lists[-1][1] += 1
            self.marker = "    " * max(depth - 1, 0) + (f"{number}. " if ordered else "- ")
        elif tag in _BLOCKS:
            self.block_break()
        elif (tag in _EMPHASIS or tag in _CODE) and len(self.spans) < MAX_INLINE_DEPTH:
            self.spans.append((tag, len(self.pieces)))
            self.code += tag in _CODE

    def end(self, tag: str) -> None:
        if self.pre is not None:
            if tag == "pre":
                code = "".join(self.pre).strip("\n")
                self.pre = None
                if code.strip():
                    fence = _fence(code)
                    self.blocks.append(("code", f"{fence}\n{code}\n{fence}"))
            return
        if tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag == "li":
            self.flush()
        elif tag in _BLOCKS:
            self.block_break()
        elif tag in ("td", "th"):
            self.pieces.append(" ")
        elif tag in _EMPHASIS or tag in _CODE:
            self.close_span(tag)

    def text(self, data: str) -> None:
        if self.pre is not None:
            self.pre.append(data)
            return
        data = re.sub(r"\s+", " ", data)
        self.pieces.append(data if self.code else _escape(data))

    def close_span(self, tag: str) -> None:
        found = [i for i, (open_tag, _) in enumerate(self.spans) if open_tag == tag]
        if not found:
            return
        for open_tag, _ in self.spans[found[-1] + 1 :]:  # left open inside: no markup
            self.code -= open_tag in _CODE
        del self.spans[found[-1] + 1 :]
        _, first = self.spans.pop()
        inner = "".join(self.pieces[first:])
        del self.pieces[first:]
        if tag in _CODE:
            self.code -= 1
            self.pieces.append(_code_span(" ".join(inner.split())))
            return
        stripped = inner.strip()
        if not stripped or "\n" in stripped:
            self.pieces.append(inner)
            return
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        self.pieces.append(f"{lead}{_EMPHASIS[tag]}{stripped}{_EMPHASIS[tag]}{trail}")

    def block_break(self) -> None:
        if self.marker is not None or self.lists:
            self.pieces.append("\n")
        else:
            self.flush()

    def flush(self) -> None:
        lines = "".join(self.pieces).split("\n")
        self.pieces, self.spans, self.code = [], [], 0
        marker, self.marker = self.marker, None
        if marker is None:
            self.blocks.extend(("para", paragraph) for paragraph in _paragraphs(lines))
            return
        lines = [_escape_line_start(" ".join(line.split())) for line in lines if line.strip()]
        if lines:
            indent = " " * len(marker)
            self.blocks.append(("item", marker + f"  \n{indent}".join(lines)))

    def markdown(self) -> str:
        self.close()
        if self.pre is not None:
            self.end("pre")
        self.flush()
        out: list[str] = []
        for index, (kind, text) in enumerate(self.blocks):
            if index:
                both_items = kind == "item" and self.blocks[index - 1][0] == "item"
                out.append("\n" if both_items else "\n\n")
            out.append(text)
        return "".join(out).strip()


def html_to_markdown(html: str) -> str:
    """An HTML field as Markdown: paragraphs, line breaks, lists, bold, italic and code.

    Everything else is dropped — tags, attributes, images, media, scripts and styles with
    their content — and the text is escaped so that it cannot spell Markdown or HTML.
    """
    parser = _MarkdownParser()
    parser.feed(html)
    return parser.markdown()


def text_to_markdown(text: str) -> str:
    """A plain-text field (``#html:false``) as Markdown that shows it as written."""
    lines = [_escape(line) for line in _SOUND.sub("", text).split("\n")]
    return "\n\n".join(_paragraphs(lines))
