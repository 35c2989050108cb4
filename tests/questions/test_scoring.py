"""The answer scorer: prompt words demoted, meaning recognised, opposites and negations
not credited, claims partly credited (questions/scoring.py)."""

import pytest

from questions.scoring import COVERED, score_answer
from questions.talking_points import derive_points

PROMPT = "What are Amazon RDS Read Replicas and how do they improve database performance?"
MODEL = (
    "Read replicas are read-only copies of the primary database, kept up to date by "
    "asynchronous replication, so they can lag behind it a little.\n\n"
    "- They take read-heavy queries such as reporting off the primary.\n"
    "- A replica in another region can be promoted by hand if the primary fails.\n"
)


def point(term, *synonyms, claim=False):
    value = {"term": term, "synonyms": list(synonyms)}
    if claim:
        value["claim"] = True
    return value


CURATED = [
    point("asynchronous replication", "replicated asynchronously"),
    point("replication lag", "replica lag"),
    point("read-only copy", "read-only replica"),
    point("Multi-AZ"),
]


def test_restating_the_prompt_earns_nothing_from_curated_points():
    curated = [point("read replica"), point("performance"), *CURATED]

    assert score_answer(PROMPT, curated, prompt=PROMPT).score == 0


def test_restating_the_prompt_earns_nothing_from_derived_points():
    derived = derive_points(MODEL, PROMPT)

    assert score_answer(PROMPT, derived, prompt=PROMPT).score <= 10


def test_a_phrase_made_only_of_prompt_words_cannot_cover_its_point():
    points = [point("database performance", "asynchronous")]

    assert score_answer("It improves database performance.", points, prompt=PROMPT).score == 0
    assert score_answer("They are asynchronous.", points, prompt=PROMPT).score == 100


def test_without_a_prompt_every_word_counts():
    assert score_answer("Read replicas help.", [point("read replica")]).score == 100


def test_a_mention_is_full_credit_and_its_sentence_is_the_evidence():
    answer = "They copy data. Replication is asynchronous, so reads can be stale."

    coverage = score_answer(answer, CURATED, prompt=PROMPT)

    assert coverage.credits["asynchronous replication"] == 1.0
    start, end = coverage.spans["asynchronous replication"]
    assert answer[start:end] == "Replication is asynchronous, so reads can be stale."
    assert coverage.matches["asynchronous replication"] == answer[start:end]


def test_the_opposite_word_contradicts_the_point():
    coverage = score_answer(
        "Read replicas are synchronous, kept in step with the primary.", CURATED, prompt=PROMPT
    )

    assert "asynchronous replication" in coverage.contradicted
    assert coverage.credits["asynchronous replication"] == 0
    assert "asynchronous replication" in coverage.missed


@pytest.mark.parametrize(
    "answer",
    ["I would not use Multi-AZ here.", "Never Multi-AZ for this.", "You don't need Multi-AZ."],
)
def test_a_negated_mention_is_not_credited(answer):
    coverage = score_answer(answer, [point("Multi-AZ")], prompt=PROMPT)

    assert coverage.covered == []


def test_a_negative_point_may_be_covered_by_a_negative_sentence():
    points = [point("no servers to manage")]

    coverage = score_answer("There are no servers to manage at all.", points, prompt="Lambda?")

    assert coverage.covered == ["no servers to manage"]


def test_a_paraphrase_of_a_claim_earns_credit_that_unrelated_text_does_not():
    claim = [point("Replicas are copies that receive changes with a small delay.", claim=True)]
    paraphrase = "Extra duplicates of the data get the updates a little later, with some lag."
    unrelated = "Bake the bread at two hundred degrees until golden."

    good = score_answer(paraphrase, claim, prompt=PROMPT)
    bad = score_answer(unrelated, claim, prompt=PROMPT)

    assert good.score >= bad.score + 20
    assert good.credits[claim[0]["term"]] >= COVERED


def test_a_curated_term_needs_a_close_paraphrase_not_a_loose_one():
    coverage = score_answer(
        "The weather is nice and the food is good.", [point("encryption at rest")], prompt=""
    )

    assert coverage.score == 0


def test_partly_covered_points_are_listed_apart_from_the_missed_ones():
    claims = [
        point("Replicas take reporting queries and analytics off the primary.", claim=True),
        point("Snapshots are stored durably in object storage.", claim=True),
    ]

    coverage = score_answer(
        "Send reporting to the replicas so the primary is free.", claims, prompt=PROMPT
    )

    assert claims[0]["term"] in coverage.covered + coverage.partly
    assert set(coverage.partly) <= set(coverage.missed)
    assert coverage.covered + coverage.missed == [c["term"] for c in claims]


def test_the_score_is_the_mean_credit_rounded_half_up():
    coverage = score_answer("Replication is asynchronous.", CURATED, prompt=PROMPT)

    expected = int(100 * sum(coverage.credits.values()) / len(CURATED) + 0.5)
    assert coverage.score == expected


@pytest.mark.parametrize("answer", ["", "   ", "?!", None, 42])
def test_an_answer_without_words_scores_zero(answer):
    coverage = score_answer(answer, CURATED, prompt=PROMPT)

    assert coverage.score == 0
    assert coverage.missed == [p["term"] for p in CURATED]


def test_no_points_scores_zero():
    assert score_answer("Anything at all.", [], prompt=PROMPT).score == 0


def test_malformed_points_are_accepted():
    coverage = score_answer("Multi-AZ", ["Multi-AZ", {"synonyms": "x"}, 7], prompt="")

    assert coverage.covered == ["Multi-AZ"]
    assert coverage.total == 3


def test_scoring_is_deterministic():
    answer = "Copies of the database that trail it slightly, used for reports."
    first = score_answer(answer, derive_points(MODEL, PROMPT), prompt=PROMPT)
    second = score_answer(answer, derive_points(MODEL, PROMPT), prompt=PROMPT)

    assert first == second


def test_a_long_answer_is_scored():
    answer = ("Replication is asynchronous and replicas lag a little. " * 400).strip()

    coverage = score_answer(answer, [*CURATED, *derive_points(MODEL, PROMPT)], prompt=PROMPT)

    assert coverage.credits["asynchronous replication"] == 1.0
