"""The AWS bank fixture is faithful to the seed page and reproducible from it.

These tests read fixtures/aws.json and the seed text directly, and find their way in
the seed with a deliberately simple reading of it (a question starts at a line "N."),
independent of the converter under test.
"""

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from questions.rendering import render_markdown

ROOT = Path(settings.BASE_DIR)
FIXTURE = ROOT / "fixtures" / "aws.json"
SEED = ROOT / "fixtures" / "seeds" / "aws.txt"
CURATION = ROOT / "fixtures" / "curation"

# Where the page's marketing text starts, after the last answer.
END_OF_ANSWERS = "AWS Developer hiring resources"
SECTION_HEADINGS = {
    "AWS Interview Questions for Freshers and Intermediate Levels",
    "AWS Interview Questions for senior-level AWS interview",
}

# The nine tables the page flattens: question number and header cells.
TABLES = [
    (1, ["Feature", "Amazon EC2", "AWS Lambda"]),
    (4, ["Workload Type", "Recommended EC2 Pricing Model"]),
    (7, ["Feature", "Security Group", "Network ACL"]),
    (
        10,
        [
            "Feature",
            "AWS Shield Standard",
            "AWS Shield Advanced",
            "AWS WAF",
            "AWS Firewall Manager",
        ],
    ),
    (13, ["Feature", "AWS Fargate", "Amazon ECS on EC2"]),
    (16, ["Feature", "Amazon EBS", "Amazon S3"]),
    (18, ["Feature", "RDS Multi-AZ Deployment", "RDS Read Replicas"]),
    (20, ["Feature", "Amazon Aurora", "Traditional RDS"]),
    (22, ["Feature", "Horizontal Scaling", "Vertical Scaling"]),
]

# Every code sample on the page: question, language, its first and last line in the seed.
CODE_SAMPLES = [
    (
        31,
        "bash",
        "# Describe RDS instance to get its ARN for Performance Insights",
        "arn:aws:rds:us-east-1:123456789012:db:my-postgres",
    ),
    (
        32,
        "bash",
        "aws s3 cp myconfig.json s3://mybucket/myconfig.json",
        '--cache-control "max-age=86400"',
    ),
    (34, "bash", "aws emr create-cluster \\", '--log-uri "s3://mybucket/logs/"'),
    (36, "yaml", "Resources:", '"operationId": "myGetEndpoint"'),
    (36, "python", "import logging", "# Other code for handling requests"),
    (36, "python", "from botocore.exceptions import ClientError", "return None"),
    (
        39,
        "json",
        '"containerDefinitions": [',
        '"taskRoleArn": "arn:aws:iam::123456789012:role/ecsTaskRole"',
    ),
    (46, "json", '"Version": "2012-10-17",', '"Action": "sts:AssumeRole"'),
    (46, "python", "`sts = boto3.client('sts')`", "aws_session_token=session_token"),
    (46, "json", '"Condition": {', '"aws:MultiFactorAuthPresent": "true"'),
    (
        49,
        "python",
        "`kms = boto3.client('kms')`",
        "`Store data_key_ciphertext in S3 metadata (or separately as needed)`",
    ),
]

# Seed lines deliberately not carried into the answers (or carried corrected), as
# (question, start of the line). Everything else the seed says must be in the answer.
NOT_CARRIED = {
    # Words the flattening glued together or spaced apart, fixed in the answer.
    (3, "CLBLegacy only"),
    (6, "Security GroupsStateful"),
    (6, "Network ACLs (Access Control Lists)Stateless"),
    (35, "Conflict Resolution : For relational databases"),
    (38, "Cost of Direct Connect: Although Direct Connect providesreliable"),
    # A sentence written twice in a row, kept once.
    (39, "In a distributed microservices architecture using Amazon ECS on Fargate"),
    # Editorial notes about how the answer was revised.
    (34, "Key Enhancements:"),
    (34, "Spot Instance Strategy: Emphasized"),
    (34, "Security Considerations: Included"),
    (34, "Cost Management Tools: Introduced"),
    (34, "Additional Best Practices: Introduced"),
    # A short first draft left above the full answer, which repeats every point of it.
    (45, "Start by using IAM groups or roles"),
    (45, "Broad ‘:’ permissions"),
    (45, "Managing policies manually at scale is error-prone; automation is key."),
}


def seed_questions() -> list[dict]:
    """The seed read simply: number line, prompt line, "Answer", answer lines."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    lines = lines[: lines.index(END_OF_ANSWERS)]
    starts = [i for i, line in enumerate(lines) if re.fullmatch(r"\d+\.", line.strip())]
    questions = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = [line for line in lines[start + 1 : end] if line.strip() not in SECTION_HEADINGS]
        prompt = next(line for line in body if line.strip())
        answer_at = next(i for i, line in enumerate(body) if line.strip() == "Answer")
        questions.append({"prompt": prompt, "answer_lines": body[answer_at + 1 :]})
    return questions


@pytest.fixture(scope="module")
def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def questions(fixture) -> list[dict]:
    return fixture["questions"]


@pytest.fixture(scope="module")
def rendered(questions) -> dict[int, str]:
    return {q["number"]: render_markdown(q["answer"]) for q in questions}


class _Blocks(HTMLParser):
    """Tables (rows of cell texts) and code blocks (language, text) of rendered HTML."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.code: list[tuple[str, str]] = []
        self._cell: list[str] | None = None
        self._code: list[str] | None = None
        self._language = ""
        self._in_pre = False
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre":
            self._in_pre = True
        elif tag == "code" and self._in_pre:
            self._code = []
            self._language = dict(attrs).get("class", "")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "code" and self._code is not None:
            self.code.append((self._language, "".join(self._code)))
            self._code = None
        elif tag == "pre":
            self._in_pre = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._code is not None:
            self._code.append(data)


def plain(text: str) -> str:
    """Text with Markdown markup, list markers, colons and spacing taken out."""
    text = text.replace("\\*", "*").replace("&lt;", "<")
    text = re.sub(r"^\s*(?:[-•◦]|\d+\.)\s*", " ", text, flags=re.MULTILINE)
    text = re.sub(r"[*`|#:•◦\\]", " ", text)
    return " ".join(text.split())


def test_the_fixture_is_the_aws_bank_in_the_import_format(fixture):
    assert fixture["format"] == "interviewprep-questions"
    assert fixture["version"] == 1
    assert fixture["bank"]["slug"] == "aws"
    assert fixture["bank"]["name"] == "AWS"
    assert fixture["bank"]["description"]


def test_the_fixture_has_all_sixty_questions_numbered_in_page_order(questions):
    assert [q["number"] for q in questions] == list(range(1, 61))
    assert all(q["active"] for q in questions)


def test_each_prompt_is_exactly_the_seeds(questions):
    seed = seed_questions()

    assert len(seed) == 60
    assert [q["prompt"] for q in questions] == [s["prompt"].strip() for s in seed]


def test_the_first_thirty_are_junior_and_the_last_thirty_senior(questions):
    assert [q["level"] for q in questions] == ["junior"] * 30 + ["senior"] * 30


def test_question_slugs_are_unique(questions):
    slugs = [q["slug"] for q in questions]

    assert len(set(slugs)) == 60
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) for slug in slugs)


def test_every_question_is_tagged_with_a_service_and_a_domain(fixture, questions):
    kinds = {tag["slug"]: tag["kind"] for tag in fixture["tags"]}

    for question in questions:
        assert question["tags"], question["number"]
        assert set(question["tags"]) <= set(kinds), question["number"]
        assert {kinds[slug] for slug in question["tags"]} == {"service", "domain"}, question[
            "number"
        ]


def test_the_domain_tags_cover_the_issues_domains(fixture):
    domains = {tag["slug"] for tag in fixture["tags"] if tag["kind"] == "domain"}

    assert {
        "compute", "storage", "databases", "networking", "security", "serverless",
        "containers", "observability", "cost", "architecture", "devops",
    } <= domains  # fmt: skip
    assert any("analytics" in slug for slug in domains)


def test_every_question_has_five_to_ten_talking_points_with_synonyms(questions):
    for question in questions:
        points = question["talking_points"]
        assert 5 <= len(points) <= 10, question["number"]
        for point in points:
            assert set(point) == {"term", "synonyms"}
            assert point["term"].strip()
            assert isinstance(point["synonyms"], list)


def test_the_seeds_nine_tables_render_as_html_tables_in_their_questions(rendered):
    tables = {number: _Blocks(markup).tables for number, markup in rendered.items()}

    assert sum(len(found) for found in tables.values()) == 9
    for number, header in TABLES:
        [table] = tables[number]
        assert table[0] == header, number


def test_every_table_row_is_a_line_of_the_seed_split_into_columns(rendered):
    seed = seed_questions()

    for number, header in TABLES:
        [table] = _Blocks(rendered[number]).tables
        seed_lines = {" ".join(line.split()) for line in seed[number - 1]["answer_lines"]}
        assert len(table) > 2
        for row in table:
            assert len(row) == len(header), (number, row)
            assert " ".join(row) in seed_lines, (number, row)


@pytest.mark.parametrize(("number", "language", "first", "last"), CODE_SAMPLES)
def test_every_code_sample_is_a_code_block_with_its_language(
    rendered, number, language, first, last
):
    lines = [line.strip() for line in seed_questions()[number - 1]["answer_lines"]]
    start = next(i for i, line in enumerate(lines) if line == first)
    end = next(i for i in range(start, len(lines)) if lines[i] == last)
    blocks = [
        " ".join(text.replace("\\", " ").split())
        for css_class, text in _Blocks(rendered[number]).code
        if css_class == f"language-{language}"
    ]

    for line in lines[start : end + 1]:
        words = " ".join(line.strip("`").replace("\\", " ").split())
        assert any(words in block for block in blocks), (number, line)


def test_there_are_no_other_code_blocks_and_no_code_outside_them(rendered):
    blocks = [block for markup in rendered.values() for block in _Blocks(markup).code]
    outside = " ".join(
        re.sub(r"<pre>.*?</pre>", "", markup, flags=re.S) for markup in rendered.values()
    )

    assert len(blocks) == len(CODE_SAMPLES)
    for fragment in ("import boto3", "aws emr create-cluster", '"Effect": "Allow"', "Resources:"):
        assert fragment not in html.unescape(outside)


def test_nested_lists_render_nested(rendered):
    assert "<li>AWS Shield Standard (Free, Always-On)<ul>" in rendered[10]
    assert "<li>Types:<ul>\n<li><strong>Standard RI:</strong>" in rendered[4]
    assert re.search(r"<ol>\s*<li>Identify Bottlenecks with AWS Monitoring Tools<ul>", rendered[15])


def test_every_line_of_the_seeds_answers_is_in_the_fixture(questions):
    def expected(number: int, line: str) -> bool:
        text = re.sub(r"^(?:[•◦]|\d+\.)\s*", "", line.strip())
        return bool(text) and not any(
            n == number and text.startswith(start) for n, start in NOT_CARRIED
        )

    for question, seed in zip(questions, seed_questions(), strict=True):
        answer = plain(question["answer"])
        for line in seed["answer_lines"]:
            if expected(question["number"], line):
                assert plain(line) in answer, (question["number"], line)


def test_no_marketing_or_editorial_text_is_in_any_answer(questions):
    unwanted = [
        "Key Enhancements",
        "Emphasized the importance",
        "Hire",
        "hiring",
        "Lemon",
        "Testimonials",
        "star star",
        "hero image",
        "interview questions and answers for 2025",
        "Popular AWS Development questions",
        "Here’s how you can approach this: Here’s how",
    ]
    for question in questions:
        for text in unwanted:
            assert text not in question["answer"], (question["number"], text)


def test_the_fixture_is_reproducible_from_the_seed_and_curation():
    call_command("build_bank_fixture", "--check")


def test_the_build_writes_the_committed_fixture_byte_for_byte(tmp_path):
    output = tmp_path / "aws.json"

    call_command("build_bank_fixture", "--output", str(output), verbosity=0)

    assert output.read_bytes() == FIXTURE.read_bytes()


def test_check_fails_when_the_fixture_is_out_of_date(tmp_path):
    stale = tmp_path / "aws.json"
    stale.write_text(FIXTURE.read_text(encoding="utf-8").replace("11 nines", "ten nines"))

    with pytest.raises(CommandError, match="out of date"):
        call_command("build_bank_fixture", "--check", "--output", str(stale))


def test_the_build_refuses_a_curation_that_misses_a_question(tmp_path):
    for path in CURATION.glob("aws*.json"):
        shutil.copy(path, tmp_path / path.name)
    curation = json.loads((tmp_path / "aws.json").read_text(encoding="utf-8"))
    del curation["questions"]["60"]
    (tmp_path / "aws.json").write_text(json.dumps(curation), encoding="utf-8")

    with pytest.raises(CommandError, match="question 60: not curated"):
        call_command(
            "build_bank_fixture",
            "--curation",
            str(tmp_path / "aws.json"),
            "--output",
            str(tmp_path / "out.json"),
        )
    assert not (tmp_path / "out.json").exists()


def test_the_build_refuses_table_columns_that_do_not_give_back_the_seed_line(tmp_path):
    tables = json.loads((CURATION / "aws_tables.json").read_text(encoding="utf-8"))
    tables[0]["rows"][1] = ["Infrastructure", "Management Requires provisioning", "x"]
    (tmp_path / "tables.json").write_text(json.dumps(tables), encoding="utf-8")

    with pytest.raises(CommandError, match=r"line 20: table row 2 reads"):
        call_command(
            "build_bank_fixture",
            "--tables",
            str(tmp_path / "tables.json"),
            "--output",
            str(tmp_path / "out.json"),
        )


def test_the_imported_bank_shows_every_table_and_code_block(aws_bank):
    answers = list(aws_bank.questions.values_list("answer_html", flat=True))

    assert len(answers) == 60
    assert sum(markup.count("<table>") for markup in answers) == 9
    assert sum(markup.count('<pre><code class="language-') for markup in answers) == 11
