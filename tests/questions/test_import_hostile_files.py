"""A file no bank can come from is a listed problem, never a traceback, and writes nothing.

Each case goes through the admin import (preview, and confirmation of a preview kept in
the session) and through ``manage.py import_questions``, in each format that can carry it.
"""

import json
import time
from io import StringIO

import markdown
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from questions.admin_import import SESSION_KEY
from questions.models import Bank, Question
from questions.rendering import MAX_NESTING
from questions.services.importing import (
    MAX_JSON_VALUES,
    MAX_LISTED_PROBLEMS,
    MAX_TAG_USES,
    MAX_TAGS,
    ImportValidationError,
    parse_questions_file,
    questions_import,
)
from tests.questions.editors import make_editor

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:questions_question_import")


def bank_json(questions: list | str, **fields) -> str:
    """A bank file's text; ``questions`` given as text is put in as it is."""
    listed = questions if isinstance(questions, str) else json.dumps(questions)
    extra = "".join(f", {json.dumps(k)}: {v}" for k, v in fields.items())
    return (
        '{"format": "interviewprep-questions", "version": 1, '
        f'"bank": {{"slug": "hostile", "name": "Hostile"}}{extra}, "questions": {listed}}}'
    )


def question(**fields) -> dict:
    return {"slug": "q", "level": "junior", "prompt": "What?", "answer": "This.", **fields}


def seed_text(*, prompt: str = "What?", answer: str = "This.", meta: str = "") -> str:
    return f"Freshers\n\n1.\n\n{prompt}\n\n{meta}\n\nAnswer\n\n{answer}\n"


def deep_list() -> str:
    return "".join("    " * depth + "- level\n" for depth in range(MAX_NESTING + 1))


def many_tag_uses() -> str:
    """Questions that each list MAX_TAGS tags, more than MAX_TAG_USES in all."""
    tags = "Tags: " + ", ".join(f"t{n}" for n in range(MAX_TAGS))
    count = MAX_TAG_USES // MAX_TAGS + 1
    return "Freshers\n\n" + "".join(
        f"{n}.\n\nQuestion {n}?\n\n{tags}\n\nAnswer\n\nThis.\n\n" for n in range(1, count + 1)
    )


# (name of the file, its bytes, the problem listed)
CASES = {
    "JSON nested 100,000 deep": (
        "deep.json",
        bank_json("[" + "[" * 100_000 + "]" * 100_000 + "]"),
        "file: is nested too deeply",
    ),
    "JSON nested past the format's depth": (
        "deep.json",
        bank_json("[" + '{"a": ' * 50 + "1" + "}" * 50 + "]"),
        "file: is nested too deeply",
    ),
    "a number of 21 digits": (
        "big.json",
        bank_json([question(number=100000000000000000000)]),
        "file: holds a number of more than 20 digits",
    ),
    "a number of 5,000 digits": (
        "big.json",
        bank_json("[" + json.dumps(question())[:-1] + ', "number": ' + "9" * 5000 + "}]"),
        "file: holds a number of more than 20 digits",
    ),
    "a number past what the database holds": (
        "big.json",
        bank_json([question(number=10**19)]),
        "question #1 'q': \"number\" must be at most 2147483647",
    ),
    "NaN": (
        "nan.json",
        bank_json("[" + json.dumps(question())[:-1] + ', "number": NaN}]'),
        "file: holds NaN, which is not a JSON number",
    ),
    "a lone surrogate in a prompt": (
        "surrogate.json",
        bank_json([question(prompt="p \ud800 x")]),
        "question #1 'q': \"prompt\" contains a lone surrogate (U+D800), not text",
    ),
    "a lone surrogate in a field's name": (
        "surrogate.json",
        bank_json("[" + json.dumps(question())[:-1] + ', "\\udfff": 1}]'),
        "question #1 'q': has a field name that contains a lone surrogate (U+DFFF), not text",
    ),
    "a NUL in an answer": (
        "nul.json",
        bank_json([question(answer="a \u0000 b")]),
        "question #1 'q': \"answer\" contains a control character (U+0000), not text",
    ),
    "too many values": (
        "values.json",
        bank_json([question()], x=json.dumps([0] * MAX_JSON_VALUES)),
        f"file: holds more than {MAX_JSON_VALUES:,} values",
    ),
    "too many tags given to questions": (
        "tags.txt",
        many_tag_uses(),
        f"file: gives its questions more than {MAX_TAG_USES:,} tags in all",
    ),
    "an answer nested too deeply to render (JSON)": (
        "nested.json",
        bank_json([question(answer=deep_list())]),
        f"question #1 'q': the answer nests lists or quotes more than {MAX_NESTING} levels",
    ),
    "an answer nested too deeply to render (text)": (
        "nested.txt",
        seed_text(answer=deep_list()),
        f"line 3 (question 1): the answer nests lists or quotes more than {MAX_NESTING}",
    ),
    "a control character in text": (
        "control.txt",
        seed_text(prompt="What \x01 is it?"),
        "line 5: contains a control character (U+0001), not text",
    ),
    "a Tags: line of too many tags": (
        "tags.txt",
        seed_text(meta="Tags: " + ", ".join(f"t{n}" for n in range(MAX_TAGS + 1))),
        f"line 3 (question 1): Tags: lists more than {MAX_TAGS} tags",
    ),
    "a Tags: line of what are not tag slugs": (
        "tags.txt",
        seed_text(meta="Tags: two words, " + "x" * 100),
        'line 3 (question 1): Tags: "two words" is not a tag slug',
    ),
    "a surrogate encoded in UTF-8": (
        "surrogate.txt",
        b"Freshers\n\n1.\n\nWhat \xed\xa0\x80?\n\nAnswer\n\nThis.\n",
        "file: is not UTF-8 text (byte 19 cannot be decoded)",
    ),
    "an Anki column of 5,000 digits": (
        "notes.txt",
        "#separator:tab\n#tags column:" + "1" * 5000 + "\nfront\tback\n",
        "line 2: #tags column: must be a column number from 1 to 64",
    ),
    "an Anki column in other digits": (
        "notes.txt",
        "#separator:tab\n#tags column:²\nfront\tback\n",
        "line 2: #tags column: must be a column number from 1 to 64",
    ),
    "an Anki note too long for its markup": (
        "notes.txt",
        "#separator:tab\n#html:false\nfront\t" + "*" * 20_000 + "\n",
        "line 3 (note 1): the answer has a paragraph too long for the markup in it",
    ),
}


def content(case: str) -> bytes:
    data = CASES[case][1]
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def listed(response) -> list[str]:
    return [str(problem) for problem in response.context["problems"]]


@pytest.mark.parametrize("case", CASES)
def test_the_preview_lists_the_problem_and_writes_nothing(editor_client, case):
    name, _data, problem = CASES[case]
    upload = SimpleUploadedFile(name, content(case))

    response = editor_client.post(IMPORT, {"file": upload, "bank": "hostile"})

    assert response.status_code == 200
    assert any(p.startswith(problem) for p in listed(response)), listed(response)
    assert "token" not in response.context
    assert not Bank.objects.exists()


# What a session can keep: text (the upload's bytes were decoded before).
KEPT = [case for case, (_name, data, _problem) in CASES.items() if isinstance(data, str)]


@pytest.mark.parametrize("case", KEPT)
def test_confirming_a_kept_preview_lists_the_problem_and_writes_nothing(editor_client, case):
    name, text, problem = CASES[case]
    format = {"json": "json", "txt": "anki" if text.startswith("#") else "text"}
    session = editor_client.session
    session[SESSION_KEY] = {
        "token": "kept",
        "text": text,
        "filename": name,
        "format": format[name.rsplit(".", 1)[1]],
        "bank": "hostile",
        "fingerprint": "",
    }
    session.save()

    response = editor_client.post(IMPORT, {"_confirm": "1", "token": "kept"})

    assert response.status_code == 200
    assert any(p.startswith(problem) for p in listed(response)), listed(response)
    assert not Bank.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_the_command_lists_the_problem_and_writes_nothing(tmp_path, case):
    name, _data, problem = CASES[case]
    path = tmp_path / name
    path.write_bytes(content(case))

    with pytest.raises(CommandError) as error:
        call_command("import_questions", str(path), "--bank", "hostile", stdout=StringIO())

    assert f"  {problem}" in str(error.value)
    assert not Bank.objects.exists()


def test_an_anki_section_the_standard_parser_refuses_is_read_as_a_comment(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("#separator:tab\nWhat?\tThe <![foo[ hidden ]]>answer.\n", encoding="utf-8")

    call_command("import_questions", str(path), "--bank", "notes", stdout=StringIO())

    assert Question.objects.get().answer == "The answer."


def test_a_long_list_of_problems_is_cut_short():
    text = "Freshers\n\n" + "".join(f"{n}.\n\nQuestion {n}?\n\n" for n in range(1, 1001))

    with pytest.raises(ImportValidationError) as error:
        parse_questions_file(text, format="text")

    assert len(error.value.problems) == MAX_LISTED_PROBLEMS + 1
    more = 1000 - MAX_LISTED_PROBLEMS
    assert str(error.value.problems[-1]) == f"file: has {more:,} more problem(s), not listed"


def test_an_answer_the_renderer_cannot_render_quickly_is_a_problem_named_by_its_question():
    document = parse_questions_file(bank_json([question(answer="[" * 20_000)]))
    started = time.process_time()

    with pytest.raises(ImportValidationError) as error:
        questions_import(document=document, dry_run=True)

    assert time.process_time() - started < 2
    [problem] = error.value.problems
    assert problem.where == "question #1 'q'"
    assert problem.message.startswith("the answer has a paragraph too long for the markup in it")


def test_answers_are_rendered_before_the_import_opens_its_transaction(monkeypatch):
    depths = []
    convert = markdown.Markdown.convert

    def spy(md, text):
        depths.append(len(connection.atomic_blocks))
        return convert(md, text)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    outside = len(connection.atomic_blocks)
    answers = [f"Answer **{n}**, rendered {time.perf_counter()}." for n in range(3)]
    questions = [question(slug=f"q{n}", answer=answer) for n, answer in enumerate(answers)]

    questions_import(document=parse_questions_file(bank_json(questions)))

    assert len(depths) == 3
    assert set(depths) == {outside}
    assert Question.objects.get(slug="q1").answer_html.startswith("<p>Answer <strong>1</strong>")
