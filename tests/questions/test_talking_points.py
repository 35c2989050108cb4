"""Talking points derived from a model answer (questions/talking_points.py)."""

from questions.talking_points import MAX_POINTS, MAX_TERM_LENGTH, derive_points, points_for

PROMPT = "What are the key differences between Amazon EC2 and AWS Lambda?"
ANSWER = """Amazon EC2 and AWS Lambda have key differences.

### Key Differences

| Feature | Amazon EC2 | AWS Lambda |
| --- | --- | --- |
| Billing | Pay for the **running** instance per second. | Pay per request and duration. |

- Use EC2 when you need full control over the operating system and long-running work.
- Use Lambda for short event-driven jobs such as an S3 upload trigger.

```python
def handler(event, context):
    return {"statusCode": 200}
```

Cold starts add latency to the first call after a quiet period.
"""


def terms(points):
    return [p["term"] for p in points]


def test_claims_come_from_sentences_items_and_table_rows_in_order():
    found = terms(derive_points(ANSWER, PROMPT))

    assert found[0].startswith("Billing: Amazon EC2 — Pay for the running instance")
    assert "AWS Lambda — Pay per request and duration." in found[0]
    assert any(t.startswith("Use EC2 when you need full control") for t in found)
    assert found[-1] == "Cold starts add latency to the first call after a quiet period."


def test_headings_code_and_markup_are_left_out():
    found = " ".join(terms(derive_points(ANSWER, PROMPT)))

    assert "Key Differences" not in found
    assert "statusCode" not in found and "handler" not in found
    assert "**" not in found and "|" not in found


def test_a_claim_the_prompt_already_makes_is_dropped():
    found = terms(derive_points(ANSWER, PROMPT))

    assert not any(t.startswith("Amazon EC2 and AWS Lambda have") for t in found)


def test_points_are_marked_as_claims_without_synonyms():
    for point in derive_points(ANSWER, PROMPT):
        assert point["claim"] is True and point["synonyms"] == []


def test_short_neighbouring_sentences_are_one_claim():
    points = derive_points("To simulate behaviour. Of portions of software.", "What is it?")

    assert terms(points) == ["To simulate behaviour. Of portions of software."]


def test_at_most_max_points_spanning_the_answer():
    answer = "\n".join(
        f"- Service {chr(65 + i)}{chr(97 + i)} handles workload {i} with feature{i} "
        f"and option{i} for team{i}."
        for i in range(25)
    )

    points = derive_points(answer, "Which services?")

    assert len(points) == MAX_POINTS
    numbers = [int(p["term"].split("workload ")[1].split()[0]) for p in points]
    assert numbers == sorted(numbers)


def test_a_long_claim_is_cut_at_a_word():
    answer = "Replication " + "copies data between regions quickly " * 30

    (point,) = derive_points(answer, "What is it?")

    assert len(point["term"]) <= MAX_TERM_LENGTH and point["term"].endswith("…")


def test_empty_or_prompt_only_answers_give_no_points():
    assert derive_points("", PROMPT) == []
    assert derive_points("Amazon EC2 and AWS Lambda.", PROMPT) == []


def test_curated_points_win_over_derived_ones():
    curated = [{"term": "cold start", "synonyms": []}]

    assert points_for(talking_points=curated, answer=ANSWER, prompt=PROMPT) == curated
    assert points_for(talking_points=[], answer=ANSWER, prompt=PROMPT) == derive_points(
        ANSWER, PROMPT
    )


def test_the_derived_points_are_fresh_copies():
    first = derive_points(ANSWER, PROMPT)
    first[0]["term"] = "changed"

    assert derive_points(ANSWER, PROMPT)[0]["term"] != "changed"
