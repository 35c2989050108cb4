"""What the property tests post: text, numbers and JSON of every awkward kind, and the
settings and helpers they share.

A browser sends form fields as UTF-8, so form text is any Unicode scalar value (lone
surrogates cannot be encoded; raw bodies below carry the bytes a browser never would).
Import files are JSON (whose ``\\ud800`` escapes do carry lone surrogates), the seed's
plain text and Anki's notes.
"""

import json
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

LIMIT = timedelta(seconds=3)  # for one example: a request, or an upload and its confirmation
# Every example runs in its own savepoint, rolled back after it (``rolled_back``), so the
# test's fixtures stay as they were: reusing function-scoped fixtures across examples is
# what the suppressed health check warns about, and here it is safe.
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=LIMIT,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

SPECIAL_TEXT = [
    "",
    " ",
    "\t\r\n",
    "\r\n\r\n",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\u200b\u200c\u200d\u2060",
    "\u202e\u0645\u0631\u062d\u0628\u0627\u202c abc",  # right-to-left override, Arabic
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",  # Hebrew
    "\U0001f469\u200d\U0001f4bb\U0001f3f3\ufe0f\u200d\U0001f308",  # emoji with joiners
    "e\u0301\u0301\u0301\u0301",  # combining marks
    "\U0010fffd\U000e0001",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "{{ 7|add:7 }} {% now 'Y' %}",
    "' OR 1=1 --",
    "%s%n%x",
    "../../etc/passwd",
    "javascript:alert(1)",
    "\\u0000 \\ud800",
    "NaN",
    "null",
    "[" * 50,
    "*" * 100 + "_" * 100,
    "#" * 7 + " heading",
    "|a|b|\n|-|-|\n|1|2|",
    "```\ncode\n```",
]

NUMBER_TEXT = [
    "0",
    "-1",
    "1",
    "60",
    "61",
    "-0",
    "+5",
    " 7 ",
    "1_000",
    "0x10",
    "1e3",
    "1e309",
    "-1e309",
    "1e-400",
    "0.5",
    "0.90",
    "0.905",
    "0.9" + "0" * 50 + "1",
    "NaN",
    "nan",
    "sNaN",
    "-NaN",
    "inf",
    "-Infinity",
    "Infinity",
    "\u0661\u0662",  # Arabic-Indic digits
    "\u00b2",
    "\uff11\uff10",  # full-width digits
    "9" * 5000,
    "-" + "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
    str(2**31),
    "1" * 30 + ".5",
]

short_text = st.text(max_size=40)
control_text = st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=20)
# Long text made by repetition: generating 100,000 characters one by one would be slow.
long_text = st.builds(
    lambda piece, times: (piece or "x") * times,
    st.text(min_size=1, max_size=8),
    st.integers(min_value=500, max_value=25_000),
)
form_text = st.one_of(
    short_text,
    control_text,
    st.sampled_from(SPECIAL_TEXT),
    long_text,
)
number_text = st.one_of(
    st.sampled_from(NUMBER_TEXT),
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
field_value = st.one_of(form_text, number_text)


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    """A form's fields, each given or left out, as a browser (or anyone) posts them."""
    return st.fixed_dictionaries({}, optional=fields)


def raw_body(names: list[str]) -> st.SearchStrategy[bytes]:
    """An urlencoded body whose values are arbitrary bytes: invalid UTF-8, encoded
    surrogates (ED A0 80), NUL, overlong forms."""
    value = st.one_of(
        st.binary(max_size=40),
        st.sampled_from([b"\xed\xa0\x80", b"\xc0\x80", b"\xff\xfe", b"\x00", b"%", b"\xf4\x90"]),
    )
    fields = st.dictionaries(st.sampled_from(names), value, max_size=len(names))
    return fields.map(lambda d: urlencode(d).encode("ascii"))


def post(client, url: str, data, *, htmx: bool = False):
    """POST ``data`` (a dict, or urlencoded bytes) as a form would."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if isinstance(data, bytes):
        return client.post(url, data, content_type="application/x-www-form-urlencoded", **headers)
    return client.post(url, data, **headers)


def fields_of(data: dict | bytes) -> QueryDict:
    """The fields the server reads from ``data``, as ``post`` sends it."""
    if isinstance(data, bytes):
        return QueryDict(data)
    fields = QueryDict(mutable=True)
    for name, value in data.items():
        fields.setlist(name, value if isinstance(value, list) else [value])
    return fields


def signed_in(user) -> Client:
    """A new client signed in as ``user``; made inside each example, so that a session an
    example cycles or ends does not carry over to the next one."""
    client = Client()
    client.force_login(user)
    return client


@contextmanager
def rolled_back(*instances):
    """Run one example in a savepoint that is rolled back, with an empty local cache.

    ``instances`` (the fixtures' users, say) are read again from the database first: an
    earlier example may have changed them in memory (a new password hash) and only its
    rows were rolled back.
    """
    local = isinstance(caches["default"], LocMemCache)
    if local:
        caches["default"].clear()
    for instance in instances:
        instance.refresh_from_db()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    if local:
        caches["default"].clear()


# --------------------------------------------------------------------------- JSON


# Lone surrogates: json.dumps writes them as \ud800 escapes, which json.loads reads back.
surrogate_text = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
json_text = st.one_of(short_text, surrogate_text, st.sampled_from(SPECIAL_TEXT))
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    json_text,
)
any_json = st.recursive(
    json_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=20,
)


def _maybe(value: st.SearchStrategy) -> st.SearchStrategy:
    """A field's right value, or any JSON at all in its place."""
    return st.one_of(value, value, any_json)


slug_text = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True), short_text)
level_value = st.sampled_from(["junior", "senior", "principal", "", "JUNIOR"])
talking_point = st.fixed_dictionaries(
    {"term": _maybe(json_text), "synonyms": _maybe(st.lists(json_text, max_size=3))},
    optional={"claim": _maybe(st.booleans())},
)
question_json = st.fixed_dictionaries(
    {
        "level": _maybe(level_value),
        "prompt": _maybe(st.one_of(json_text, long_text)),
        "answer": _maybe(st.one_of(json_text, long_text)),
    },
    optional={
        "slug": _maybe(slug_text),
        "number": _maybe(
            st.one_of(st.integers(min_value=-5, max_value=2**32), st.integers(), st.floats())
        ),
        "tags": _maybe(st.lists(slug_text, max_size=3)),
        "talking_points": _maybe(st.lists(talking_point, max_size=3)),
        "active": _maybe(st.booleans()),
    },
)
tag_json = st.fixed_dictionaries(
    {
        "slug": _maybe(slug_text),
        "name": _maybe(json_text),
        "kind": _maybe(st.sampled_from(["service", "domain", "other"])),
    }
)
bank_json = st.fixed_dictionaries(
    {"slug": _maybe(slug_text), "name": _maybe(json_text)},
    optional={"description": _maybe(json_text)},
)
# Close to the interviewprep-questions document, every field possibly of a wrong type.
bank_document = st.fixed_dictionaries(
    {
        "format": _maybe(st.just("interviewprep-questions")),
        "version": _maybe(st.just(1)),
        "bank": _maybe(bank_json),
        "questions": _maybe(st.lists(question_json, min_size=1, max_size=4)),
    },
    optional={
        "tags": _maybe(st.lists(tag_json, max_size=3)),
        "$schema": _maybe(short_text),
        "extra": any_json,
    },
)
one_line = st.text(
    st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=30
).filter(str.strip)
# A document that is right in shape, to be imported (or refused on what only the
# database can tell: a name taken, a tag unknown).
valid_document = st.fixed_dictionaries(
    {
        "format": st.just("interviewprep-questions"),
        "version": st.just(1),
        "bank": st.sampled_from([{"slug": "aws", "name": "AWS"}, {"slug": "gcp", "name": "GCP"}]),
        "questions": st.lists(
            st.fixed_dictionaries(
                {"level": st.sampled_from(["junior", "senior"]), "prompt": one_line,
                 "answer": st.one_of(one_line, st.sampled_from(SPECIAL_TEXT[1:]))},
                optional={
                    "slug": st.sampled_from(["what-is-ec2", "why", "new-one"]),
                    "tags": st.just(["compute"]),
                    "talking_points": st.lists(
                        st.fixed_dictionaries({"term": one_line, "synonyms": st.just([])}),
                        max_size=2,
                        unique_by=lambda point: point["term"].strip().casefold(),
                    ),
                },
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda question: question.get("slug"),
        ),
    }
)  # fmt: skip
json_file = st.one_of(
    valid_document.map(json.dumps),
    bank_document.map(json.dumps),
    any_json.map(json.dumps),
    st.builds(lambda doc, cut: json.dumps(doc)[:cut], bank_document, st.integers(0, 400)),
)


# --------------------------------------------------------------------------- seed text


def _seed_question(number, prompt, answer, meta) -> str:
    return f"{number}.\n\n{prompt}\n\n{meta}Answer\n\n{answer}\n\n"


seed_meta = st.lists(
    st.one_of(
        st.builds("Slug: {}\n".format, slug_text),
        st.builds("Tags: {}\n".format, st.lists(slug_text, max_size=3).map(", ".join)),
        st.builds(
            "Talking points:\n{}\n".format,
            st.lists(short_text.map(lambda s: "  " + s.replace("\n", " ")), max_size=3).map(
                "\n".join
            ),
        ),
    ),
    max_size=3,
).map("".join)
seed_answer = st.one_of(
    short_text,
    st.sampled_from(SPECIAL_TEXT),
    st.lists(st.sampled_from(["• item", "  ◦ sub", "1. step", "Title Case Line", "aws s3 ls",
                              "{", '"a": 1', "}", "def f():", "key: value", "Label: text"]),
             max_size=8).map("\n".join),
)  # fmt: skip
seed_question = st.tuples(
    st.integers(min_value=0, max_value=9999),
    short_text.map(lambda s: s.replace("\n", " ").strip() or "Why?"),
    seed_answer,
    seed_meta,
)


def _seed_file(heading: str, questions: list, numbered_in_order: bool, tail: str) -> str:
    return (
        heading
        + "\n\n"
        + "".join(
            _seed_question(position if numbered_in_order else number, prompt, answer, meta)
            for position, (number, prompt, answer, meta) in enumerate(questions, start=1)
        )
        + tail
    )


seed_text = st.builds(
    _seed_file,
    st.sampled_from(["Freshers", "Senior", "Questions for Intermediate Levels", "", "Advanced"]),
    st.lists(seed_question, min_size=1, max_size=4),
    st.booleans(),
    st.one_of(st.just(""), form_text),
)


# --------------------------------------------------------------------------- Anki notes


anki_field = st.one_of(
    short_text,
    st.sampled_from(SPECIAL_TEXT),
    st.sampled_from(
        [
            "<b>bold</b> <i>it</i><br>line",
            "<ul><li>a<ul><li>b</li></ul></li></ul>",
            "<pre>x = 1\n  y</pre>",
            "<script>alert(1)</script>text",
            '"quoted ""field"""',
            "[sound:a.mp3]",
            "<" * 30,
            "<b>" * 40,
        ]
    ),
)
anki_header = st.lists(
    st.sampled_from(
        [
            "#separator:tab",
            "#separator:comma",
            "#separator:Pipe",
            "#separator:;;",
            "#html:true",
            "#html:false",
            "#html:maybe",
            "#tags column:3",
            "#tags column:0",
            "#tags column:99999999999999999999",
            "#guid column:1",
            "#deck:Default",
        ]
    ),
    max_size=4,
).map(lambda lines: "".join(line + "\n" for line in lines))
anki_row = st.lists(anki_field, min_size=1, max_size=4).map(
    lambda fields: "\t".join(f.replace("\t", " ") for f in fields)
)
anki_text = st.builds(
    lambda header, rows: header + "\n".join(rows) + "\n",
    anki_header,
    st.lists(anki_row, min_size=1, max_size=4),
)
