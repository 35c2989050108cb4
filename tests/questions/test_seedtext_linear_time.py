"""The seed-text and Anki parsers take time linear in their input, whatever it holds.

``\\s+◦\\s+`` read a run of spaces once from each of its spaces (100,000 spaces: 13.7 s), the
flattened-text reader looked for the end of JSON from every "{" line to the end of the
answer, and the standard library's HTML parser (Anki's HTML fields) looked for the end of
each unfinished tag to the end of the field. Each input is parsed at n and 4n characters:
linear time is about 4 times longer, quadratic 16 (CPU time of the test's process, which
other work on the machine does not lengthen).
"""

import contextlib
import time

import pytest

from questions.services.anki_text import html_to_markdown, parse_questions_anki
from questions.services.importing import ImportValidationError, parse_questions_file
from questions.services.seedtext import SeedTextError, parse_seed_text

QUESTION = "Freshers & intermediate\n\n1.\n\nWhat is it?\n\nAnswer\n\n"


def repeated(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


# The answer of one question: each made a part of the reader go over it again and again.
ANSWERS = {
    "a run of spaces": lambda n: "a" + " " * n + "b",
    "a run of tabs": lambda n: "a" + "\t" * n + "b",
    "a run of no-break spaces": lambda n: "a" + "\u00a0" * n + "b",
    "spaces before a sub-item": lambda n: "• item" + " " * n + "◦ sub",
    "sub-items between spaces": lambda n: "• item" + repeated(" ◦ sub", n),
    "bullets": lambda n: repeated("• ", n),
    "hashes": lambda n: repeated("#", n),
    "pipes": lambda n: repeated("|", n),
    "dashes": lambda n: repeated("-", n),
    "lines of hashes": lambda n: repeated("## a\n", n),
    "lines of pipes": lambda n: repeated("| a | b |\n", n),
    "lines of dashes": lambda n: repeated("- a\n", n),
    "blank lines": lambda n: "a" + "\n" * n + "b",
    "blank lines in a list": lambda n: "• a" + "\n" * n + "• b",
    "JSON never closed between blank lines": lambda n: repeated("{\n\n", n),
    "JSON keys never closed": lambda n: repeated('"a": {\n\n', n),
    "blank lines in a shell session": lambda n: "aws s3 ls" + "\n" * n + "aws s3 cp a b",
    "blank lines in Python": lambda n: "import os" + "\n" * n + "x = 1",
    "title lines": lambda n: repeated("Title Case Line\n\n", n),
    "numbered titles": lambda n: repeated("1. Title\n\n", n),
    "labels": lambda n: repeated("Label: text\n", n),
}

# The back of one Anki note.
ANKI_FIELDS = {
    "tags never closed": lambda n: repeated("<a ", n),
    "tag names with <": lambda n: repeated("<a<", n),
    "attributes never closed": lambda n: repeated("<a b='", n),
    "bare attributes": lambda n: repeated("<a b=x ", n),
    "end tags never closed": lambda n: repeated("</a ", n),
    "comments never closed": lambda n: repeated("<!-- ", n),
    "instructions never closed": lambda n: repeated("<?x ", n),
    "CDATA never closed": lambda n: repeated("<![CDATA[ ", n),
    "nested lists": lambda n: repeated("<ul><li>", n),
    "bold never closed": lambda n: repeated("<b>", n),
    "runs of spaces": lambda n: "a" + " " * n + "b",
}


def seconds(parse, text: str) -> float:
    started = time.process_time()
    with contextlib.suppress(SeedTextError, ImportValidationError):
        parse(text)
    return time.process_time() - started


def assert_linear(parse, make, n: int) -> None:
    small = min(seconds(parse, make(n)) for _ in range(2))
    large = min(seconds(parse, make(4 * n)) for _ in range(2))

    # Quadratic time is 16 times longer for 4 times the input; it took seconds here. The
    # best of two runs and the slack keep a collection pause from failing the test.
    assert large < 10 * small + 0.25
    assert large < 1


@pytest.mark.parametrize("make", ANSWERS.values(), ids=ANSWERS.keys())
def test_reading_an_answer_takes_linear_time(make):
    assert_linear(parse_seed_text, lambda n: QUESTION + make(n) + "\n", 4_000)


@pytest.mark.parametrize("make", ANSWERS.values(), ids=ANSWERS.keys())
def test_reading_a_whole_file_of_it_takes_linear_time(make):
    assert_linear(lambda text: parse_questions_file(text, format="text"), make, 4_000)


@pytest.mark.parametrize("make", ANKI_FIELDS.values(), ids=ANKI_FIELDS.keys())
def test_reading_an_anki_field_takes_linear_time(make):
    assert_linear(html_to_markdown, make, 4_000)
    assert_linear(lambda html: parse_questions_anki(f"What?\t{html}\n"), make, 4_000)


def test_a_200_kb_upload_of_spaces_and_bullets_is_read_in_about_a_second():
    answer = "• item" + " " * 100_000 + "◦ sub\n" + "\t" * 50_000 + "\n" + "{\n\n" * 15_000
    started = time.process_time()

    [question] = parse_seed_text(QUESTION + answer)

    assert time.process_time() - started < 2
    assert question.answer.startswith("- item")


def test_a_200_kb_anki_note_of_unfinished_tags_is_read_in_about_a_second():
    back = "<a b='" * 20_000 + "<!-- " * 10_000 + "</a " * 10_000
    started = time.process_time()

    document = parse_questions_anki(f"What?\t{back}\n")

    assert time.process_time() - started < 2
    assert len(back) > 200_000
    assert document.questions or document.problems
