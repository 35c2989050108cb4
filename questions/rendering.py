"""Markdown → safe HTML for model answers and anything editors write.

Markdown is rendered with Python-Markdown (tables, fenced code) and the result is
sanitized with nh3, so editor content can never inject script, styles or handlers.

Rendering takes time that grows linearly with the text, whatever the text. Python-Markdown's
does not: some of its processors search the rest of a paragraph (or of the text) again for
every ``[``, ``<``, heading or table-looking line, so that an answer of 20,000 ``[`` took
minutes. Those processors are replaced here (``_Linear``) by ones that give the same HTML:

* a link's text is matched by one regular expression, brackets nested in it at most
  MAX_LINK_NESTING deep (as in Markdown.pl); its target and title are read within
  MAX_LINK_TARGET characters, and the targets of one text within LINK_SCAN_BUDGET;
* raw HTML: a tag is read past a ``<`` within HTML_SCAN_BUDGET characters; an end tag,
  comment or declaration whose ``>`` (``?>``, ``]]>``) the rest of the text does not hold
  is text at once, as Python-Markdown makes it once it has searched that far;
* the block parser's searches for headings, rules and quotes carry on where the last one
  stopped, and tables, Setext headings and code blocks read only the lines they take;
* a paragraph whose length times its inline marks exceeds MAX_INLINE_WORK is left as
  written (Python-Markdown copies a paragraph for each piece of inline markup in it).

What cannot be rendered in bounded time — a text longer than MAX_MARKDOWN_LENGTH, lists
and quotes nested deeper than MAX_NESTING (the parser recurses for each level), HTML
elements nested deeper than MAX_HTML_NESTING (the sanitizer's time grows with the depth)
— is shown as written, escaped, in paragraphs. ``markdown_problem`` tells why, so that the
question form and the importer refuse it with the reason.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from html import escape
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    CodeBlockProcessor,
    HashHeaderProcessor,
    HRProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.htmlparser import HTMLExtractor, inner_blank_line_re
from markdown.htmlparser import htmlparser as markdown_htmlparser
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre",
    "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
_ALLOWED_CODE_CLASS_PREFIX = "language-"

MAX_MARKDOWN_LENGTH = 100_000
# Lists and quotes inside one another: each level is a few stack frames of the parser.
MAX_NESTING = 32
# Open HTML elements inside one another: the sanitizer's time grows with their depth.
MAX_HTML_NESTING = 128
# A text (paragraph, list item, table cell, heading) is copied once for each piece of
# inline markup in it: its length times the marks that may start one is kept below this.
MAX_INLINE_WORK = 100_000_000
MAX_LINK_NESTING = 6  # "[a [b [c]]](url)": brackets inside a link's text, as Markdown.pl
MAX_LINK_TARGET = 2_000  # "(url "title")" after a link's text
LINK_SCAN_BUDGET = 4 * MAX_MARKDOWN_LENGTH  # characters of link targets read per text
# Characters read by the raw-HTML extractor where Python-Markdown's reading of a tag past a
# "<", or of the paragraph after a comment, differs from the linear one.
HTML_SCAN_BUDGET = MAX_MARKDOWN_LENGTH

TAB_LENGTH = 4


@dataclass(frozen=True)
class Rendering:
    """The sanitized HTML of a text, and why (part of) it is shown as written, if it is."""

    html: str
    problem: str | None = None


def render_markdown(text: str) -> str:
    """The sanitized HTML of ``text`` (see ``markdown_rendering``)."""
    return markdown_rendering(text or "").html


def markdown_problem(text: str) -> str | None:
    """Why (part of) ``text`` would be shown as written rather than rendered, or None.

    Worded to follow "the answer": "is longer than 100,000 characters".
    """
    return markdown_rendering(text or "").problem


def markdown_rendering(text: str) -> Rendering:
    """Render ``text``; what cannot be rendered in linear time is shown as written.

    A text longer than MAX_MARKDOWN_LENGTH, nesting lists and quotes deeper than
    MAX_NESTING or HTML elements deeper than MAX_HTML_NESTING is shown whole as written
    (escaped, in paragraphs); a paragraph too long for the inline markup in it, alone.
    The last few renderings are kept: a view can render an answer before opening the
    transaction that saves it, and the save then finds it rendered.
    """
    if len(text) > MAX_MARKDOWN_LENGTH:
        problem = f"is longer than {MAX_MARKDOWN_LENGTH:,} characters"
        return Rendering(_sanitize(_as_written(text)), problem)
    return _rendering(text)


@functools.lru_cache(maxsize=8)
def _rendering(text: str) -> Rendering:
    problem = _before_rendering(text)
    if problem is not None:
        return Rendering(_sanitize(_as_written(text)), problem)
    linear = _Linear()
    md = markdown.Markdown(
        extensions=[TableExtension(), FencedCodeExtension(), SaneListExtension(), linear],
        output_format="html",
    )
    try:
        html = md.convert(text)
    except RecursionError:  # nesting that MAX_NESTING does not see, such as inline markup
        problem = "nests its markup too deeply to be rendered"
        return Rendering(_sanitize(_as_written(text)), problem)
    problem = _html_nesting_problem(html)
    if problem is not None:
        return Rendering(_sanitize(_as_written(text)), problem)
    return Rendering(_sanitize(html), linear.problem)


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "code" and attribute == "class":
        classes = [c for c in value.split() if c.startswith(_ALLOWED_CODE_CLASS_PREFIX)]
        return " ".join(classes) or None
    return value


# --------------------------------------------------------------------------- limits

# A line whose start could open more than MAX_NESTING levels: quote and list markers and
# indentation (each level takes at least one character of them).
_DEEP_LINE = re.compile(rf"^[ \t>*+\-.)0-9]{{{MAX_NESTING + 1},}}", re.MULTILINE)
# A fence of fenced code, whose lines are not Markdown.
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)
# What opens a level at the start of a line: a quote or a list item's marker.
_CONTAINER = re.compile(r"([ \t]*)(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])")


def _before_rendering(text: str) -> str | None:
    """What stops ``text`` (not too long) from being given to Markdown: a line that Markdown
    could nest more than MAX_NESTING lists and quotes deep (each quote marker, list marker
    and four columns of indentation before the line's text counting one level), or HTML
    elements nested more than MAX_HTML_NESTING deep. Fenced code is not looked at."""
    fenced = _FencedCode(text)
    for match in _DEEP_LINE.finditer(text):
        if _nesting(_line_at(text, match.start())) and not fenced.holds(match.start()):
            line = text.count("\n", 0, match.start()) + 1
            return (
                f"nests lists or quotes more than {MAX_NESTING} levels deep (line {line}), "
                "deeper than Markdown can render"
            )
    return _html_nesting_problem(text, fenced)


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start : len(text) if end < 0 else end]


def _nesting(line: str) -> bool:
    """Whether a line opens more than MAX_NESTING levels: markers and indentation."""
    markers = spaces = position = 0
    while match := _CONTAINER.match(line, position):
        markers += 1
        spaces += _columns(match.group(1))
        position = match.end()
    rest = line[position:]
    spaces += _columns(rest[: len(rest) - len(rest.lstrip(" \t"))])
    return markers + spaces // TAB_LENGTH > MAX_NESTING


def _columns(indent: str) -> int:
    return indent.count(" ") + TAB_LENGTH * indent.count("\t")


class _FencedCode:
    """Where the fenced code blocks of a text are, from opening fence to closing fence."""

    def __init__(self, text: str):
        self.starts: list[int] = []
        self.ends: list[int] = []
        opening: re.Match | None = None
        for fence in _FENCE_LINE.finditer(text):
            if opening is None:
                opening = fence
            elif fence.group(1).startswith(opening.group(1)) and not fence.group(2).strip():
                self.starts.append(opening.start())
                self.ends.append(fence.end())
                opening = None
        if opening is not None:
            self.starts.append(opening.start())
            self.ends.append(len(text))

    def holds(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


# An opening or closing tag (not an autolink, "<https://…>" or "<me@example.com>"); void
# elements and "<x/>" open nothing.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])[^<>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip


def _html_nesting_problem(html: str, fenced: _FencedCode | None = None) -> str | None:
    """Whether ``html`` (fenced code aside) opens elements more than MAX_HTML_NESTING deep,
    as an HTML parser sees them: an end tag closes the innermost open element of its name
    (and those inside it); one without such an element is ignored."""
    open_elements: list[str] = []
    for tag in _TAG.finditer(html):
        if fenced is not None and fenced.holds(tag.start()):
            continue
        closing, name, self_closing = tag.groups()
        name = name.lower()
        if closing:
            if name in open_elements:
                del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name) :]
        elif not self_closing and name not in _VOID:
            open_elements.append(name)
            if len(open_elements) > MAX_HTML_NESTING:
                return f"nests HTML elements more than {MAX_HTML_NESTING} deep"
    return None


def _as_written(text: str) -> str:
    """``text`` as written: escaped, blank lines separating paragraphs, line breaks kept."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            lines.append(escape(line.strip()))
        elif lines:
            paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
            lines = []
    return "\n".join(paragraphs)


# --------------------------------------------------------------------------- inline: links


def _link_text_pattern(depth: int) -> re.Pattern:
    """Text with brackets nested at most ``depth`` deep, then the closing "]".

    Possessive quantifiers throughout: a failed match gives nothing back, so each attempt
    reads every character at most once.
    """
    text = r"[^\[\]]*+"
    nested = text
    for _ in range(depth):
        nested = rf"{text}(?:\[{nested}\]{text})*+"
    return re.compile(nested + r"\]")


_LINK_TEXT = _link_text_pattern(MAX_LINK_NESTING)


class _Budget:
    """Characters that processors may still read, for one text, beyond a linear reading
    (LINK_SCAN_BUDGET, HTML_SCAN_BUDGET)."""

    def __init__(self, characters: int):
        self.left = characters

    def spend(self, characters: int) -> bool:
        self.left -= characters
        return self.left >= 0


class _BoundedLinkMixin:
    """Link text by one regular expression instead of a scan to the matching bracket (from
    every "[", to the end of the paragraph when there is none); targets read within
    MAX_LINK_TARGET characters and the text's budget."""

    budget: _Budget

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        match = _LINK_TEXT.match(data, index)
        if match is None:
            return "", index, False
        return data[index : match.end() - 1], match.end(), True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        if not data.startswith("(", index):
            return "", None, index, False
        window = data[index : index + MAX_LINK_TARGET]
        if self.budget.left <= 0:
            return "", None, index, False
        href, title, end, handled = super().getLink(window, 0)
        self.budget.spend(end if handled and end >= 0 else len(window))
        if end < 0:
            # A title left open, then "(": Python-Markdown takes all up to the text's end.
            return href, title, end, handled and index + len(window) == len(data)
        return href, title, index + end, handled


def _link_processor(base: type) -> type:
    class Processor(_BoundedLinkMixin, base):
        def __init__(self, pattern: str, md: markdown.Markdown, budget: _Budget):
            super().__init__(pattern, md)
            self.budget = budget

    Processor.__name__ = Processor.__qualname__ = f"Bounded{base.__name__}"
    return Processor


# (name, priority, pattern, processor) as Python-Markdown registers them.
_LINK_PROCESSORS = [
    (name, priority, pattern, _link_processor(base))
    for name, priority, pattern, base in [
        ("reference", 170, REFERENCE_RE, ReferenceInlineProcessor),
        ("link", 160, LINK_RE, LinkInlineProcessor),
        ("image_link", 150, IMAGE_LINK_RE, ImageInlineProcessor),
        ("image_reference", 140, IMAGE_REFERENCE_RE, ImageReferenceInlineProcessor),
        ("short_reference", 130, REFERENCE_RE, ShortReferenceInlineProcessor),
        ("short_image_ref", 125, IMAGE_REFERENCE_RE, ShortImageReferenceInlineProcessor),
    ]
]


# --------------------------------------------------------------------------- raw HTML

# The start of a tag as Python-Markdown (and the standard library's HTML parser, but for
# "`") reads it, up to a "<" in a tag's name, an attribute's name or an unquoted value: in
# "<a <a <a …" each "<" would look for the end of its tag to the end of the text.
START_TAG_END = re.compile(
    r"""
  <[a-zA-Z][^`\t\n\r\f />\x00<]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^`\s/><][^\s/=><]*
      (?:\s*=+\s*
        (?:'[^']*'
          |"[^"]*"
          |(?!['"])[^`>\s<]*
         )
         (?:\s*,)*
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*
""",
    re.VERBOSE,
)


_END_TAG = re.compile(r"</\s*([^\s>]+)\s*>")
_NAME_OR_VALUE_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=/"


def start_tag_end(rawdata: str, i: int, j: int) -> int:
    """Where the start tag at ``i``, read up to ``j``, ends: the standard library's
    check_for_whole_start_tag (-1: it is unfinished at the end of the text)."""
    following = rawdata[j : j + 1]
    if following == ">":
        return j + 1
    if following == "/":
        return j + 2 if rawdata.startswith("/>", j) else -1
    if following == "" or following in _NAME_OR_VALUE_START:
        return -1
    return j if j > i else i + 1


class _HTMLExtractor(HTMLExtractor):
    """Python-Markdown's raw-HTML extractor, in linear time.

    A start tag is read past a "<" outside quotes within the text's budget, and ends there
    beyond (``START_TAG_END``). An end tag, a declaration or a processing instruction whose
    end (``>``, ``?>``, ``]]>``) is not in the rest of the text is read as text at once, as
    the parser reads it once it reaches the end of the text, rather than after searching the
    rest of the text for it each time.
    """

    def __init__(self, md: markdown.Markdown, budget: _Budget):
        super().__init__(md)
        self.budget = budget

    def reset(self) -> None:
        super().reset()
        self._seen: str | None = None  # the text the facts _refresh sets are about

    def _refresh(self) -> None:
        """Start over for another text: the parser keeps what it has not handled when it
        stops, and takes that up again at the end."""
        if self._seen is not self.rawdata:
            self._seen = self.rawdata
            self._last_of: dict[str, int] = {}  # where ">" and "?>" occur last
            self._unclosed_cdata_from = -1  # no "]]>" follows a CDATA section starting here
            # (searched from, found at) of the last search for a blank line
            self._blank_line: tuple[int, int | None] = (len(self.rawdata) + 1, None)

    def _last(self, closing: str) -> int:
        """Where ``closing`` occurs last in the text being parsed (-1: nowhere)."""
        self._refresh()
        if closing not in self._last_of:
            self._last_of[closing] = self.rawdata.rfind(closing)
        return self._last_of[closing]

    def _paragraph_end(self, start: int) -> int:
        """Where the first blank line after ``start`` begins (the text's end if none); the
        last one found is kept, as comments come in the order of the text."""
        self._refresh()
        searched_from, found = self._blank_line
        if not (searched_from <= start and (found is None or found >= start)):
            blank = inner_blank_line_re.search(self.rawdata, start)
            found = None if blank is None else blank.start()
            self._blank_line = (start, found)
        return len(self.rawdata) if found is None else found

    def _as_text(self, i: int) -> int:
        """What the parser does with an unfinished construct at the end of its input: text
        through the next ">", or up to the next "<"."""
        rawdata = self.rawdata
        end = rawdata.find(">", i + 1) if self._last(">") > i else -1
        if end < 0:
            end = rawdata.find("<", i + 1)
            end = i + 1 if end < 0 else end
        else:
            end += 1
        self.handle_data(rawdata[i:end])
        return end

    def check_for_whole_start_tag(self, i: int) -> int:
        # START_TAG_END until a "<", and past it (as Python-Markdown reads a tag) within the
        # text's budget.
        rawdata = self.rawdata
        j = START_TAG_END.match(rawdata, i).end()
        if rawdata.startswith("<", j) and self.budget.left > 0:
            j = markdown_htmlparser.locatestarttagend_tolerant.match(rawdata, i).end()
            self.budget.spend(j - i)
        return start_tag_end(rawdata, i, j)

    def inline_close_follows(self, text: str) -> bool:
        # Python-Markdown's searches the rest of the paragraph once for each open inline tag,
        # at each comment: here it is read once per comment, within the text's budget (a
        # comment found without one is a block, as where no tag is open).
        if not self.inline_stack or self.budget.left <= 0:
            return False
        start = self.line_offset + self.offset + len(text)
        end = self._paragraph_end(start)
        if not self.budget.spend(end - start):
            return False
        closed = {m.group(1).lower() for m in _END_TAG.finditer(self.rawdata, start, end)}
        return any(tag.lower() in closed for tag in self.inline_stack)

    def parse_starttag(self, i: int) -> int:
        # What does not end in ">" is text, as Python-Markdown's parse_starttag makes it,
        # but without reading the tag's name to the end of a run of "<a<a<a…".
        if self.rawdata.startswith("</>", i):
            return super().parse_starttag(i)
        end = self.check_for_whole_start_tag(i)
        if end > i and self.rawdata[end - 1] != ">":
            self.handle_data(self.rawdata[i:end])
            return end
        return super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        if self._last(">") <= i:
            return self._as_text(i)
        return super().parse_endtag(i)

    def parse_pi(self, i: int) -> int:
        if (self.at_line_start() or self.intail) and self._last("?>") < i + 2:
            return self._as_text(i)
        return super().parse_pi(i)

    def parse_bogus_comment(self, i: int, report: int = 0) -> int:
        if self._last(">") < i + 2:
            return -1
        return super().parse_bogus_comment(i, report)

    def parse_html_declaration(self, i: int) -> int:
        if not (self.at_line_start() or self.intail):
            return super().parse_html_declaration(i)
        rawdata = self.rawdata
        cdata = rawdata.startswith("<![CDATA[", i)
        self._refresh()
        if cdata and 0 <= self._unclosed_cdata_from <= i:
            return self._as_text(i)
        if rawdata[i : i + 9].lower() == "<!doctype" and self._last(">") < i + 9:
            return self._as_text(i)
        end = super().parse_html_declaration(i)
        if end >= 0:
            return end
        if cdata:
            self._unclosed_cdata_from = i
        return self._as_text(i)


class _HtmlBlockPreprocessor(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        parser = _HTMLExtractor(self.md, _Budget(HTML_SCAN_BUDGET))
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


# --------------------------------------------------------------------------- blocks


class _Searched:
    """A text searched with a pattern: no match starts in text[start:found]; found is
    where the next one starts, or None when no match starts at or after start."""

    def __init__(self, text: str, start: int, found: int | None):
        self.text, self.start, self.found = text, start, found


class _SuffixSearch:
    """``pattern.search(block)`` for a parser that keeps handing back the rest of a block.

    After a heading, a rule or a line of code, the block parser searches what is left of the
    block from its start again. When a block is the end of a text searched before, that
    search is carried on from there instead (only the block's first position, where ``^``
    may now match, is tried afresh), so that each part of a text is searched about once.
    The last few texts are remembered: the parser goes through the lines before a match
    and comes back to the rest.
    """

    REMEMBERED = 8

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.searched: list[_Searched] = []

    def match(self, string: str, *args) -> re.Match | None:
        return self.pattern.match(string, *args)

    def search(self, block: str) -> re.Match | None:
        for searched in self.searched:
            text = searched.text
            if len(block) <= len(text) and text.endswith(block):
                return self._carry_on(searched, block)
        match = self.pattern.search(block)
        self.searched.insert(0, _Searched(block, 0, match.start() if match else None))
        del self.searched[self.REMEMBERED :]
        return match

    def _carry_on(self, searched: _Searched, block: str) -> re.Match | None:
        at_start = self.pattern.match(block)
        if at_start:
            return at_start
        offset = len(searched.text) - len(block)
        after = offset + 1
        if searched.start > after or (searched.found is not None and searched.found < after):
            match = self.pattern.search(searched.text, after)
            searched.start, searched.found = after, match.start() if match else None
        if searched.found is None:
            return None
        return self.pattern.search(block, searched.found - offset)


class _HashHeaderProcessor(HashHeaderProcessor):
    def __init__(self, parser):
        super().__init__(parser)
        self.RE = _SuffixSearch(HashHeaderProcessor.RE)


class _HRProcessor(HRProcessor):
    def __init__(self, parser):
        super().__init__(parser)
        self.SEARCH_RE = _SuffixSearch(HRProcessor.SEARCH_RE)


class _BlockQuoteProcessor(BlockQuoteProcessor):
    def __init__(self, parser):
        super().__init__(parser)
        self.RE = _SuffixSearch(BlockQuoteProcessor.RE)


class _SetextHeaderProcessor(SetextHeaderProcessor):
    def run(self, parent: Element, blocks: list[str]) -> None:
        # Python-Markdown's, splitting off the two lines it takes rather than every line.
        lines = blocks.pop(0).split("\n", 2)
        heading = Element("h1" if lines[1].startswith("=") else "h2")
        heading.text = lines[0].strip()
        parent.append(heading)
        if len(lines) > 2:
            blocks.insert(0, lines[2])


class _CodeBlockProcessor(CodeBlockProcessor):
    def detab(self, text: str, length: int | None = None) -> tuple[str, str]:
        # Python-Markdown's, reading only the lines it removes the indentation of.
        indent = " " * (self.tab_length if length is None else length)
        taken: list[str] = []
        position = 0
        while position <= len(text):
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            line = text[position:end]
            if line.startswith(indent):
                taken.append(line[len(indent) :])
            elif not line.strip():
                taken.append("")
            else:
                break
            position = end + 1
        return "\n".join(taken), text[position:]


class _TableProcessor(TableProcessor):
    def test(self, parent: Element, block: str) -> bool:
        # Python-Markdown's test reads the header and separator rows, and every row only for
        # a one-column table; it is asked about the rest of a block after each line another
        # processor takes, so it is given just the rows it reads.
        rows = block.split("\n", 2)
        if not super().test(parent, "\n".join(rows[:2])):
            return False
        single_column = len(self._split_row(rows[0].strip(" "))) == 1
        if not single_column or len(rows) < 3:
            return True
        position = len(rows[0]) + len(rows[1]) + 2
        while position <= len(block):
            end = block.find("\n", position)
            end = len(block) if end < 0 else end
            row = block[position:end].strip(" ")
            if not (row.startswith("|") or self.RE_END_BORDER.search(row)):
                return False
            position = end + 1
        return True


# --------------------------------------------------------------------------- inline markup

# What may start a piece of inline markup: code, an escape, a link or image, HTML or an
# entity, emphasis, a line break.
_INLINE_MARK = re.compile(r"[`\\\[!<&*_]|  \n")


class _InlineWork(Treeprocessor):
    """Runs before Python-Markdown's inline processor, which copies a text once for each
    piece of inline markup it finds in it: a text whose length times its marks exceeds
    MAX_INLINE_WORK is left as written (a problem is noted), and a text without any mark is
    passed over, as the inline processor would leave it unchanged."""

    def __init__(self, md: markdown.Markdown, extension: _Linear):
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        for element in root.iter():
            element.text = self._checked(element.text)
            element.tail = self._checked(element.tail)

    def _checked(self, text: str | None) -> str | None:
        if not text or isinstance(text, AtomicString):
            return text
        marks = len(_INLINE_MARK.findall(text))
        if marks and len(text) * marks <= MAX_INLINE_WORK:
            return text
        if marks and self.extension.problem is None:
            start = " ".join(text[:40].split())
            self.extension.problem = (
                f'has a paragraph too long for the markup in it ("{start}…"); split it '
                "with blank lines"
            )
        return AtomicString(text)


class _Linear(Extension):
    """Replaces the Python-Markdown processors whose time grows faster than the text.

    ``problem`` tells, after a conversion, why a part of the text was left as written.
    """

    def __init__(self) -> None:
        super().__init__()
        self.problem: str | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_HtmlBlockPreprocessor(md), "html_block", 20)
        budget = _Budget(LINK_SCAN_BUDGET)
        for name, priority, pattern, processor in _LINK_PROCESSORS:
            md.inlinePatterns.register(processor(pattern, md, budget), name, priority)
        md.treeprocessors.register(_InlineWork(md, self), "inline_work", 21)
        blocks = md.parser.blockprocessors
        table = blocks["table"]
        blocks.register(_TableProcessor(md.parser, table.config), "table", 75)
        blocks.register(_CodeBlockProcessor(md.parser), "code", 80)
        blocks.register(_HashHeaderProcessor(md.parser), "hashheader", 70)
        blocks.register(_SetextHeaderProcessor(md.parser), "setextheader", 60)
        blocks.register(_HRProcessor(md.parser), "hr", 50)
        blocks.register(_BlockQuoteProcessor(md.parser), "quote", 20)
