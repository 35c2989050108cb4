"""The seed's plain-text shape: reading questions, turning flattened text into Markdown."""

import json
from pathlib import Path
from textwrap import dedent
from types import SimpleNamespace

import pytest
from django.conf import settings

from questions.rendering import render_markdown
from questions.services.seedtext import (
    AnswerPatch,
    SeedTextError,
    format_seed_text,
    parse_seed_text,
)


def doc(text: str) -> str:
    return dedent(text).lstrip("\n")


def one_answer(body: str, **kwargs) -> str:
    """The Markdown of a single junior question whose answer is ``body``."""
    text = "Freshers and Intermediate\n\n1.\n\nWhat is it?\n\nAnswer\n\n" + doc(body)
    [question] = parse_seed_text(text, **kwargs)
    return question.answer


def problems_of(text: str, **kwargs) -> list[tuple[int, str]]:
    with pytest.raises(SeedTextError) as info:
        parse_seed_text(doc(text), **kwargs)
    return info.value.problems


TWO_LEVELS = """
    AWS interview questions and answers for 2025

    hero image

    AWS Interview Questions for Freshers and Intermediate Levels

    1.

    What is Amazon EC2?

    Answer

    Virtual servers.

    2.

    What is Amazon S3?

    Answer

    Object storage.

    AWS Interview Questions for senior-level AWS interview

    1.

    Your team runs a large web application. How would you scale it?

    Answer

    With Auto Scaling groups.
"""


def test_it_reads_the_level_of_each_question_from_its_section_heading():
    questions = parse_seed_text(doc(TWO_LEVELS))

    assert [(q.number, q.level) for q in questions] == [
        (1, "junior"),
        (2, "junior"),
        (3, "senior"),
    ]


def test_it_keeps_each_prompt_exactly_and_records_the_line_of_its_number():
    questions = parse_seed_text(doc(TWO_LEVELS))

    assert [q.prompt for q in questions] == [
        "What is Amazon EC2?",
        "What is Amazon S3?",
        "Your team runs a large web application. How would you scale it?",
    ]
    assert [q.line for q in questions] == [7, 15, 25]


def test_it_ignores_the_title_and_hero_image_before_the_first_level_heading():
    questions = parse_seed_text(doc(TWO_LEVELS))

    assert all("hero image" not in q.answer and "2025" not in q.answer for q in questions)
    assert questions[1].answer == "Object storage."


def test_numbering_may_continue_across_levels_instead_of_restarting():
    text = doc(TWO_LEVELS).replace(
        "senior-level AWS interview\n\n1.", "senior-level AWS interview\n\n3."
    )

    assert [q.level for q in parse_seed_text(text)] == ["junior", "junior", "senior"]


def test_bullets_become_markdown_lists_nested_by_four_spaces():
    answer = one_answer(
        """
        Types:

          • Standard RI: Higher discounts.
          • Convertible RI
            • Can switch families.
            ◦ Slightly lower savings.
          • Scheduled RI
        """
    )

    assert answer == (
        "### Types\n\n"
        "- **Standard RI:** Higher discounts.\n"
        "- Convertible RI\n"
        "    - Can switch families.\n"
        "    - Slightly lower savings.\n"
        "- Scheduled RI"
    )
    html = render_markdown(answer)
    assert "<li>Convertible RI<ul>\n<li>Can switch families.</li>" in html


def test_bullets_under_a_numbered_item_at_the_same_indentation_belong_to_it():
    answer = one_answer(
        """
        Follow these steps:

          1. Identify Bottlenecks
          • AWS X-Ray: Enable tracing.
          1. Optimize Cold Starts
          • Provisioned Concurrency keeps instances warm.
        """
    )

    assert answer == (
        "Follow these steps:\n\n"
        "1. Identify Bottlenecks\n"
        "    - **AWS X-Ray:** Enable tracing.\n"
        "2. Optimize Cold Starts\n"
        "    - Provisioned Concurrency keeps instances warm."
    )


def test_a_sub_bullet_flattened_into_its_parent_line_becomes_a_nested_item():
    answer = one_answer(
        """
        Session stores:

          1. Using ElastiCache (Redis): ◦ Redis is an in-memory store.
        """
    )

    assert answer == (
        "Session stores:\n\n1. Using ElastiCache (Redis):\n    - Redis is an in-memory store."
    )


def test_bullets_at_the_margin_separated_by_blank_lines_make_one_list():
    answer = one_answer(
        """
        Pitfalls:

        • Storing session data on-instance prevents scaling.

        •Failing to set a TTL grows storage costs.
        """
    )

    assert answer == (
        "### Pitfalls\n\n"
        "- Storing session data on-instance prevents scaling.\n"
        "- Failing to set a TTL grows storage costs."
    )


def test_a_line_wrapped_inside_a_bullet_joins_its_item():
    answer = one_answer(
        """
        • Session Duration: Control how long credentials are valid by setting
        DurationSeconds. Use the minimum.
        """
    )

    assert answer == (
        "- **Session Duration:** Control how long credentials are valid by setting "
        "DurationSeconds. Use the minimum."
    )


def test_numbered_titles_and_short_title_case_lines_standing_alone_become_headings():
    answer = one_answer(
        """
        1. Durability (99.999999999% or “11 nines”)

          • Data is replicated across Availability Zones.

        2.Global Database Solutions:

        Use Aurora Global Database.

        Key Takeaway:

        S3 is durable.
        """
    )

    assert answer.split("\n\n") == [
        "### 1. Durability (99.999999999% or “11 nines”)",
        "- Data is replicated across Availability Zones.",
        "### 2. Global Database Solutions",
        "Use Aurora Global Database.",
        "### Key Takeaway",
        "S3 is durable.",
    ]


def test_lead_in_sentences_and_long_lines_stay_paragraphs():
    answer = one_answer(
        """
        To refactor the database layer for a microservices architecture:

        Secrets Manager supports automatic secret rotation; Parameter Store does not.
        """
    )

    assert answer.split("\n\n") == [
        "To refactor the database layer for a microservices architecture:",
        "Secrets Manager supports automatic secret rotation; Parameter Store does not.",
    ]


def test_a_label_line_right_under_a_heading_stays_a_run_in_label():
    answer = one_answer(
        """
        5. Dedicated Hosts

        Best for: Compliance & BYOL (Bring Your Own License) scenarios
        """
    )

    assert answer.split("\n\n") == [
        "### 5. Dedicated Hosts",
        "**Best for:** Compliance & BYOL (Bring Your Own License) scenarios",
    ]


@pytest.mark.parametrize(
    ("body", "language", "code"),
    [
        (
            """
            Example:

            aws s3 cp myconfig.json s3://mybucket/myconfig.json \\
            --metadata-directive REPLACE \\
            --cache-control "max-age=86400"

            Pitfalls follow.
            """,
            "bash",
            "aws s3 cp myconfig.json s3://mybucket/myconfig.json \\\n"
            "--metadata-directive REPLACE \\\n"
            '--cache-control "max-age=86400"',
        ),
        (
            """
            # List the instances
            aws rds describe-db-instances --db-instance-identifier my-postgres

            Pitfalls follow.
            """,
            "bash",
            "# List the instances\n"
            "aws rds describe-db-instances --db-instance-identifier my-postgres",
        ),
        (
            """
              • Trust Relationship: here is a trust policy:
            {
            "Effect": "Allow",
            "Action": "sts:AssumeRole"
            }

            Pitfalls follow.
            """,
            "json",
            '{\n"Effect": "Allow",\n"Action": "sts:AssumeRole"\n}',
        ),
        (
            """
            import logging
            logger = logging.getLogger()

            def lambda_handler(event, context):
                logger.info("Request Event: %s", event)

            Pitfalls follow.
            """,
            "python",
            "import logging\nlogger = logging.getLogger()\n\n"
            "def lambda_handler(event, context):\n"
            '    logger.info("Request Event: %s", event)',
        ),
        (
            """
            Resources:
              MyFunction:
                Type: AWS::Lambda::Function

            Pitfalls follow.
            """,
            "yaml",
            "Resources:\n  MyFunction:\n    Type: AWS::Lambda::Function",
        ),
    ],
    ids=["shell-continuation", "shell-comment", "json", "python", "yaml"],
)
def test_unfenced_code_becomes_a_fenced_block_with_its_language_and_line_breaks(
    body, language, code
):
    answer = one_answer(body)

    assert f"```{language}\n{code}\n```" in answer
    assert answer.endswith("Pitfalls follow.")
    assert f'<pre><code class="language-{language}">' in render_markdown(answer)


MARKDOWN_ANSWER = (
    "Intro with a hard break  \n"  # two trailing spaces: a Markdown line break
    """and **bold** text.

## Setup

- step one
    - nested detail

| Feature | EC2 | Lambda |
| --- | --- | --- |
| Billing | per second | per request |

```python
import boto3

client = boto3.client("s3")
```

1. first
2. second"""
)


def test_an_answer_already_in_markdown_is_kept_unchanged():
    assert one_answer(MARKDOWN_ANSWER) == MARKDOWN_ANSWER


def test_a_flattened_table_is_rebuilt_from_its_curated_rows():
    rows = [
        ["Feature", "Amazon EC2", "AWS Lambda"],
        ["Scaling", "Manual or Auto Scaling.", "Automatically scales."],
    ]
    text = doc(
        """
        Freshers

        1.

        EC2 or Lambda?

        Answer

        Key Differences:

        Feature Amazon EC2 AWS Lambda
        Scaling Manual or Auto Scaling. Automatically scales.

        Pick one.
        """
    )

    [question] = parse_seed_text(text, tables={"Feature Amazon EC2 AWS Lambda": rows})

    assert question.tables == ("Feature Amazon EC2 AWS Lambda",)
    assert question.answer == (
        "### Key Differences\n\n"
        "| Feature | Amazon EC2 | AWS Lambda |\n"
        "| --- | --- | --- |\n"
        "| Scaling | Manual or Auto Scaling. | Automatically scales. |\n\n"
        "Pick one."
    )
    assert "<th>Amazon EC2</th>" in render_markdown(question.answer)


def test_curated_table_cells_must_give_back_the_flattened_line():
    rows = [["Feature", "Amazon EC2", "AWS Lambda"], ["Scaling", "Manual.", "Automatic."]]

    problems = problems_of(
        """
        Freshers

        1.

        EC2 or Lambda?

        Answer

        Feature Amazon EC2 AWS Lambda
        Scaling Manual or Auto Scaling. Automatically scales.
        """,
        tables={"Feature Amazon EC2 AWS Lambda": rows},
    )

    assert problems == [
        (
            10,
            'table row 2 reads "Scaling Manual or Auto Scaling. Automatically scales." '
            'but its cells give "Scaling Manual. Automatic."',
        )
    ]


def test_patches_rewrite_an_answer_and_can_cut_it_to_the_end():
    text = doc(
        """
        Freshers

        1.

        What is a VPC?

        Answer

          • Security GroupsStateful firewalls.

        Key Enhancements:

        Emphasized the importance of subnets.

        2.

        What is S3?

        Answer

        Object storage.

        Hire AWS Developers
        """
    )
    patches = {
        1: [
            AnswerPatch(find="GroupsStateful", replace="Groups – Stateful"),
            AnswerPatch(find="Key Enhancements:", to_end=True),
        ],
        2: [AnswerPatch(find="Hire AWS Developers", to_end=True)],
    }

    first, second = parse_seed_text(text, patches=patches)

    assert first.answer == "- Security Groups – Stateful firewalls."
    assert second.answer == "Object storage."


def test_a_patch_can_replace_a_span_of_whole_lines():
    answer = one_answer(
        """
          • Short draft of the answer.
            Pitfalls:
            • Draft pitfall.

        The full answer.
        """,
        patches={
            1: [AnswerPatch(find="  • Short draft of the answer.", through="• Draft pitfall.")]
        },
    )

    assert answer == "The full answer."


def test_a_patch_that_does_not_match_exactly_once_is_reported():
    problems = problems_of(
        """
        Freshers

        1.

        What is a VPC?

        Answer

        A private network.
        """,
        patches={1: [AnswerPatch(find="public network", replace="x")]},
    )

    assert problems == [(3, 'question 1.: the text "public network" occurs 0 times, not once')]


def test_markdown_characters_in_flattened_text_are_escaped():
    answer = one_answer(
        """
        Avoid wildcard permissions like *:* on s3://<bucket-name>/ paths.

        Summary:

        Use least privilege.
        """
    )

    assert answer.startswith("Avoid wildcard permissions like \\*:\\* on s3://&lt;bucket-name>/")
    assert "<p>Avoid wildcard permissions like *:* on s3://&lt;bucket-name&gt;/ paths.</p>" in (
        render_markdown(answer)
    )


def test_slug_tags_and_talking_points_lines_are_read():
    text = doc(
        """
        Senior

        1.

        How would you design a DR strategy?

        Slug: dr-strategy
        Tags: backup, architecture
        Talking points:
          Recovery Point Objective | RPO
          Pilot light

        Answer

        Back up across regions.
        """
    )

    [question] = parse_seed_text(text)

    assert question.level == "senior"
    assert question.slug == "dr-strategy"
    assert question.tags == ("backup", "architecture")
    assert question.talking_points == (
        {"term": "Recovery Point Objective", "synonyms": ["RPO"]},
        {"term": "Pilot light", "synonyms": []},
    )


def test_without_metadata_lines_slug_tags_and_talking_points_are_none():
    question = parse_seed_text(doc(TWO_LEVELS))[0]

    assert (question.slug, question.tags, question.talking_points) == (None, None, None)


def test_text_without_numbered_questions_is_an_error():
    assert problems_of("Just a title\n\nand a paragraph.\n") == [
        (1, 'no questions found: each question starts with its number alone on a line, "1."')
    ]


def test_a_question_without_an_answer_line_is_reported_at_its_number():
    problems = problems_of(
        """
        Freshers

        1.

        What is EC2?

        Virtual servers.

        2.

        What is S3?

        Answer

        Object storage.
        """
    )

    assert problems == [(3, 'question 1. has no "Answer" line after its prompt')]


def test_an_empty_answer_is_reported_at_its_answer_line():
    problems = problems_of(
        """
        Freshers

        1.

        What is EC2?

        Answer

        2.

        What is S3?

        Answer

        Object storage.
        """
    )

    assert problems == [(7, "question 1. has an empty answer")]


def test_numbering_that_restarts_under_an_unknown_heading_is_reported():
    problems = problems_of(
        """
        Freshers

        1.

        What is EC2?

        Answer

        Virtual servers.

        Architects

        1.

        Design a data lake.

        Answer

        Use S3.
        """
    )

    assert len(problems) == 1
    line, message = problems[0]
    assert line == 11
    assert message.startswith('numbering restarts at 1 but the line before it, "Architects", ')


def test_a_question_before_any_level_heading_is_reported():
    problems = problems_of(
        """
        1.

        What is EC2?

        Answer

        Virtual servers.
        """
    )

    assert problems[0][0] == 1
    assert "comes before any level heading" in problems[0][1]


def test_every_problem_is_reported_at_once():
    problems = problems_of(
        """
        Freshers

        1.

        What is EC2?

        Answer

        ```python
        print("never closed")

        3.

        What is S3?
        """
    )

    assert problems == [(9, "this code block is never closed (no closing ```)")]

    problems = problems_of(
        """
        Freshers

        1.

        What is EC2?

        3.

        What is S3?

        Answer
        """
    )

    assert problems == [
        (3, 'question 1. has no "Answer" line after its prompt'),
        (7, "question 3. follows question 1.: expected 2."),
        (11, "question 3. has an empty answer"),
    ]


def test_formatted_text_reads_back_to_the_same_questions():
    questions = [
        SimpleNamespace(
            level="junior",
            prompt="What is EC2?",
            answer=MARKDOWN_ANSWER,
            slug="what-is-ec2",
            tags=["ec2", "compute"],
            talking_points=[{"term": "Availability Zone", "synonyms": ["AZ"]}],
        ),
        SimpleNamespace(
            level="senior", prompt="Design for DR.", answer="Plain answer.", slug=None, tags=None
        ),
    ]

    text = format_seed_text(questions=questions, title="AWS")
    first, second = parse_seed_text(text)

    assert text.startswith(
        "AWS\n\nFreshers & intermediate\n\n1.\n\nWhat is EC2?\n\nSlug: what-is-ec2\n"
    )
    assert (first.level, first.prompt, first.answer) == ("junior", "What is EC2?", MARKDOWN_ANSWER)
    assert first.slug == "what-is-ec2"
    assert first.tags == ("ec2", "compute")
    assert first.talking_points == ({"term": "Availability Zone", "synonyms": ["AZ"]},)
    assert (second.level, second.answer, second.slug) == ("senior", "Plain answer.", None)


def test_formatting_refuses_an_answer_line_that_would_start_a_new_question():
    question = SimpleNamespace(level="junior", prompt="Count?", answer="One:\n\n2.\n\nTwo.")

    with pytest.raises(ValueError, match='the answer line "2." would start a new question'):
        format_seed_text(questions=[question])


def test_every_answer_of_the_aws_bank_reads_back_unchanged_from_the_text_shape():
    fixture = json.loads((Path(settings.BASE_DIR) / "fixtures" / "aws.json").read_text("utf-8"))
    questions = [SimpleNamespace(**question) for question in fixture["questions"]]

    parsed = parse_seed_text(format_seed_text(questions=questions, title="AWS"))

    assert [(q.level, q.prompt, q.answer, q.slug) for q in parsed] == [
        (q.level, q.prompt, q.answer, q.slug) for q in questions
    ]
    assert [list(q.tags) for q in parsed] == [q.tags for q in questions]
    assert [list(q.talking_points) for q in parsed] == [q.talking_points for q in questions]
