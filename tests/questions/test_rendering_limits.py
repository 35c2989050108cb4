"""Markdown renders in time linear in the text, and as Python-Markdown renders it.

Python-Markdown searched the rest of a paragraph once for each "[", "<", heading or
table-looking line: 4,000 "[" took 2.7 s, 12,000 took 18.6 s. These tests render each
such text at n and 4n characters: linear time is about 4 times longer, quadratic 16. Times
are the CPU time of the test's process, which other work on the machine does not lengthen.
"""

import json
import random
import time
from pathlib import Path

import markdown
import pytest

from questions.rendering import (
    MAX_HTML_NESTING,
    MAX_MARKDOWN_LENGTH,
    MAX_NESTING,
    _sanitize,
    markdown_problem,
    markdown_rendering,
    render_markdown,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "aws.json"


def python_markdown(text: str) -> str:
    """The rendering with Python-Markdown's own processors (quadratic on some texts)."""
    html = markdown.markdown(
        text, extensions=["tables", "fenced_code", "sane_lists"], output_format="html"
    )
    return _sanitize(html)


def repeated(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def nested_lists(length: int) -> str:
    """Lists four deep, again and again (each deeper level is indented four spaces)."""
    block = "".join("    " * depth + "- item\n" for depth in range(4))
    return repeated(block, length)


# Each made the renderer read the rest of the text, or of a paragraph, once per unit.
PATHOLOGICAL = {
    "open brackets": lambda n: repeated("[", n),
    "open brackets and spaces": lambda n: repeated("[ ", n),
    "images never closed": lambda n: repeated("![", n),
    "nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "links without their parenthesis": lambda n: repeated("[a](", n),
    "references never closed": lambda n: repeated("[a][", n),
    "link targets never closed": lambda n: repeated("[a](((((", n),
    "CDATA never closed": lambda n: repeated("<![CDATA[", n),
    "tags never closed": lambda n: repeated("<a ", n),
    "attributes never closed": lambda n: repeated("<a b=", n),
    "tag names with <": lambda n: repeated("<a<", n),
    "autolinks never closed": lambda n: repeated("<http://a", n),
    "e-mail links never closed": lambda n: repeated("<a@b", n),
    "end tags never closed": lambda n: repeated("</a ", n),
    "comments inside open tags": lambda n: repeated("<b>\n<!-- x -->\n", n),
    "raw HTML blocks never closed": lambda n: repeated("<div\n", n),
    "headings in one paragraph": lambda n: repeated("# a\n", n),
    "rules in one paragraph": lambda n: repeated("***\n", n),
    "rules between lines": lambda n: repeated("***\nx\n", n),
    "Setext headings": lambda n: repeated("a\n===\n", n),
    "list markers": lambda n: repeated("- \n", n),
    "references between lines": lambda n: repeated("[a]: b\nx\n", n),
    "quotes between headings": lambda n: repeated("> a\n# h\n", n),
    "code lines between headings": lambda n: repeated("    a\n# h\n", n),
    "table rows between headings": lambda n: repeated("|a\n|-\n# h\n", n),
    "nested emphasis": lambda n: "*_" * (n // 4) + "a" + "_*" * (n // 4),
    "runs of *": lambda n: "*" * n,
    "runs of _": lambda n: "_" * n,
    "runs of backticks": lambda n: "`" * n,
    "runs of <": lambda n: "<" * n,
    "runs of spaces": lambda n: "a" + " " * n + "b",
    "runs of newlines": lambda n: "a" + "\n" * n + "b",
    "escapes": lambda n: "\\" * n,
    "code spans": lambda n: repeated("`a` ", n),
    "unclosed elements": lambda n: repeated("<div></b>", n),
    "deep lists": nested_lists,
    "deep quotes": lambda n: repeated("".join(">" * depth + " a\n" for depth in range(1, 9)), n),
}


def seconds_to_render(text: str) -> float:
    started = time.process_time()
    markdown_rendering(f"{text}\n\n{time.perf_counter()}")  # new: renderings are kept
    return time.process_time() - started


@pytest.mark.parametrize("make", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_rendering_time_grows_linearly_with_pathological_text(make):
    small = min(seconds_to_render(make(2_000)) for _ in range(2))
    large = seconds_to_render(make(8_000))

    # Quadratic time is 16 times longer for 4 times the text; Python-Markdown took seconds.
    assert large < 10 * small + 0.1
    assert large < 1


def test_a_text_of_the_longest_length_renders_in_bounded_time():
    text = repeated("[a](b) `c` *d* <b>e</b> &amp; \\* ", MAX_MARKDOWN_LENGTH)
    started = time.process_time()

    rendering = markdown_rendering(text)

    assert time.process_time() - started < 5
    assert rendering.html.startswith("<p>")


def test_every_answer_of_the_bank_renders_as_python_markdown_renders_it():
    answers = [q["answer"] for q in json.loads(FIXTURE.read_text(encoding="utf-8"))["questions"]]

    assert len(answers) == 60
    for answer in answers:
        assert render_markdown(answer) == python_markdown(answer)


EVERYDAY_MARKDOWN = [
    'See [the docs](https://example.com/a_(b) "Title"), [ref][r], [r] and ![img](x.png).\n\n'
    "[r]: https://r.example 'R'",
    "<https://auto.link> and <me@example.org>, a < b > c, AT&T &copy; &#169;",
    "- a\n    - b\n        - c\n            1. d\n            2. e\n\n> quote\n> > nested",
    "    code\n    block\n\nAfter the code.",
    "| a | b |\n|:--|--:|\n| `x|y` | **z** |\n| [l](u) | <b>h</b> |",
    '<div class="x">\n*not Markdown*\n</div>\n\nInline <span title="a<b">x</span> and '
    "<kbd>Ctrl</kbd>.\n\n<!-- a comment -->",
    "# H1\ntext\n## H2 ##\nSetext\n===\n---\n***\ntext\n- - -",
    "```python\nprint('[not a link](x)')\n```\n\n~~~\n<b>x</b>\n~~~",
    "*a* **b** ***c*** _d_ __e__ a*b*c a_b_c **unclosed *x",
    "\\[not a link\\](x) \\*x\\* line  \nbreak",
    "Text <b>bold <i>both</b> italic</i> <a <b>x</b> <![CDATA[ y ]]> <?pi ?> </x",
]


@pytest.mark.parametrize("text", EVERYDAY_MARKDOWN)
def test_everyday_markdown_renders_as_python_markdown_renders_it(text):
    assert render_markdown(text) == python_markdown(text)


def test_random_markdown_renders_as_python_markdown_renders_it():
    pieces = [
        "[", "]", "(", ")", "![", "<", ">", "</", "<a href='x'>", "<div>", "</div>", "<b>",
        "</b>", "&amp;", "&", "*", "**", "_", "`", "```", "\\", "#", "## ", "- ", "1. ", "> ",
        "|", "---", "===", "\n", "\n\n", "    ", "  ", " ", "a", "b c", "http://x.y/z",
        "<http://x.y>", "<a@b.c>", "[a]: http://r", "[a]", '[a](http://x "t")', "<!--", "-->",
        "'", '"', "!",
    ]  # fmt: skip
    choose = random.Random(7)
    for _ in range(150):
        text = "".join(choose.choice(pieces) for _ in range(choose.randint(5, 80)))
        assert render_markdown(text) == python_markdown(text), text


def test_a_text_too_long_is_shown_as_written():
    text = "**bold** <script>x</script>\n\n" + "a" * MAX_MARKDOWN_LENGTH

    rendering = markdown_rendering(text)

    assert rendering.problem == f"is longer than {MAX_MARKDOWN_LENGTH:,} characters"
    assert rendering.html.startswith("<p>**bold** &lt;script&gt;x&lt;/script&gt;</p>")


def test_lists_nested_deeper_than_markdown_can_render_are_refused():
    text = "".join("    " * depth + "- level\n" for depth in range(MAX_NESTING + 1))

    assert markdown_problem(text) == (
        f"nests lists or quotes more than {MAX_NESTING} levels deep (line {MAX_NESTING + 1}), "
        "deeper than Markdown can render"
    )
    assert "<li>" not in render_markdown(text)


def test_markers_on_one_line_count_as_nesting():
    assert markdown_problem("- " * (MAX_NESTING + 1) + "deep") is not None
    assert markdown_problem("> " * (MAX_NESTING + 1) + "deep") is not None
    assert markdown_problem("- " * MAX_NESTING + "deep enough") is None


def test_deep_indentation_inside_fenced_code_is_not_nesting():
    code = "\n".join(" " * 4 * depth + "{" for depth in range(MAX_NESTING + 5))

    assert markdown_problem(f"```json\n{code}\n```") is None


def test_html_nested_deeper_than_the_sanitizer_can_take_is_refused():
    text = "<div>" * (MAX_HTML_NESTING + 1) + "x" + "</div>" * (MAX_HTML_NESTING + 1)

    assert markdown_problem(text) == f"nests HTML elements more than {MAX_HTML_NESTING} deep"
    assert markdown_problem("<div>" * MAX_HTML_NESTING + "x") is None


def test_a_paragraph_too_long_for_its_markup_is_refused_and_shown_as_written():
    paragraph = "[" * 20_000

    rendering = markdown_rendering(f"# Title\n\n{paragraph}")

    assert rendering.problem.startswith("has a paragraph too long for the markup in it")
    assert rendering.html.startswith("<h1>Title</h1>")
    assert paragraph in rendering.html


def test_everyday_answers_have_no_problem():
    for text in EVERYDAY_MARKDOWN:
        assert markdown_problem(text) is None
