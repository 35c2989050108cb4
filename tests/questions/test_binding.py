"""Points said of the wrong one of the things a question compares (questions/binding.py)."""

from questions.binding import point_subjects, subjects_of
from questions.scoring import score_answer

PROMPT = "What is the difference between security groups and network ACLs in AWS?"
MODEL = """Both filter traffic in a VPC.

### 1. Security Groups (SG) – Instance-Level Firewall

- Stateful – return traffic is allowed automatically.
- Operates at the instance level.

### 2. Network ACLs (NACL) – Subnet-Level Firewall

- Stateless – both directions need rules.
- Operates at the subnet level.

### Key Differences

| Feature | Security Group | Network ACL |
| --- | --- | --- |
| State | Stateful | Stateless |
"""
POINTS = [
    {"term": "stateful", "synonyms": []},
    {"term": "stateless", "synonyms": []},
    {"term": "subnet level", "synonyms": []},
]


def test_headings_and_columns_name_the_subjects_and_generic_headings_do_not():
    subjects = subjects_of(MODEL, PROMPT)

    assert len(subjects.names) == 2
    assert subjects.named_in(frozenset({"secur", "group"})) == {0}
    assert subjects.named_in(frozenset({"nacl"})) == {1}
    assert subjects.named_in(frozenset({"key", "differ"})) == frozenset()


def test_a_point_is_bound_to_the_subject_the_model_answer_says_it_of():
    assert point_subjects(MODEL, PROMPT, "stateful") == {0}
    assert point_subjects(MODEL, PROMPT, "subnet level") == {1}
    assert point_subjects(MODEL, PROMPT, "filter traffic") == frozenset()


def test_a_point_said_of_the_wrong_subject_earns_nothing():
    answer = (
        "Security groups are stateless. Network ACLs are stateful and work at the subnet level."
    )

    coverage = score_answer(answer, POINTS, prompt=PROMPT, model_answer=MODEL)

    assert coverage.covered == ["subnet level"]
    assert coverage.misplaced == ["stateful", "stateless"]
    assert coverage.credits["stateful"] == 0


def test_the_right_subject_and_sentences_naming_both_or_none_are_credited():
    answer = (
        "Security groups are stateful, whereas NACLs are stateless. They apply at the subnet level."
    )

    coverage = score_answer(answer, POINTS, prompt=PROMPT, model_answer=MODEL)

    assert coverage.covered == ["stateful", "stateless", "subnet level"]
    assert coverage.misplaced == []


def test_without_the_model_answer_nothing_is_checked():
    answer = "Security groups are stateless."

    coverage = score_answer(answer, POINTS, prompt=PROMPT)

    assert "stateless" in coverage.covered


def test_a_question_about_one_thing_has_no_subjects():
    model = "### Amazon S3\n\n- Objects are stored durably.\n"

    assert not subjects_of(model, "What is Amazon S3?")
