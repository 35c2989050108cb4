import dataclasses
import random

import pytest
import snowballstemmer

from questions.matching import Mentions, _within, find_mentions


def point(term, *synonyms):
    return {"term": term, "synonyms": list(synonyms)}


def covers(answer, term, *synonyms):
    return find_mentions(answer, [point(term, *synonyms)]).covered == [term]


# Case, punctuation, compounds


def test_matching_ignores_case():
    assert covers("we put a READ REPLICA in front of it", "read replica")
    assert covers("Read Replica", "read replica")


def test_matching_ignores_punctuation_and_quotes():
    assert covers('a "read-replica", really', "read replica")
    assert covers("the \u201cread replica\u201d", "read replica")
    assert covers("**read** _replica_", "read replica")


def test_apostrophes_inside_a_word_are_dropped():
    assert covers("the client's certificate", "client certificates")


def test_hyphen_space_and_nothing_join_compounds_alike():
    for answer in ("Multi-AZ", "multi AZ", "MultiAZ", "multiaz", "multi-AZs"):
        assert covers(f"enable {answer} for the database", "Multi-AZ"), answer
    for answer in ("Auto Scaling", "auto-scaling", "autoscaling"):
        assert covers(f"an {answer} group", "Auto Scaling group"), answer
    assert covers("AutoScaling groups", "Auto Scaling group")
    assert covers("Auto Scaling group", "AutoScaling group")


# Word forms (Snowball English stemmer)


def test_the_stemmer_reduces_replication_forms_to_one_stem_and_keeps_replica_apart():
    stems = snowballstemmer.stemmer("english").stemWords(
        ["replicates", "replicated", "replication", "replicating", "replica", "replicas"]
    )
    assert stems == ["replic", "replic", "replic", "replic", "replica", "replica"]


def test_word_forms_with_one_stem_match_each_other():
    assert covers("the data replicates to another region", "replication")
    assert covers("data is synchronously replicated", "synchronous replication")
    assert covers("policies are attached to roles", "IAM policy", "policy")


def test_plurals_match_singulars_and_back():
    assert covers("two read replicas", "read replica")
    assert covers("one Spot Instance", "Spot Instances")
    assert covers("Lambda functions", "Lambda function")


def test_words_the_stemmer_keeps_apart_do_not_match():
    assert not covers("add a replica", "replication")
    assert not covers("a replication setup", "replica")


# Typos


def test_one_typo_in_a_word_of_six_to_nine_letters_is_forgiven():
    assert covers("use a Lamda function", "Lambda")  # deletion
    assert covers("secrets rotaton", "rotation")  # deletion
    assert covers("spot insatnce", "instance")  # swap of neighbours
    assert covers("strongly consitent reads", "strongly consistent reads")


def test_two_typos_in_a_word_of_ten_letters_or_more_are_forgiven():
    assert covers("check replcaton status", "replication")
    assert covers("the encyrpton keys", "encryption")


def test_two_typos_in_a_word_under_ten_letters_are_not_forgiven():
    assert not covers("an insatnse", "instance")
    assert not covers("Lmda", "Lambda")


def test_typos_in_words_under_six_letters_are_not_forgiven():
    assert not covers("use a cahce", "cache")
    assert not covers("write lgos", "logs")


def test_a_typo_in_an_inflected_word_is_forgiven_through_its_stem():
    assert covers("the data is encrpyted", "encryption")
    assert covers("resize the instnaces", "instance")


def test_a_typo_must_keep_the_first_and_last_letter():
    assert not covers("decryption", "encryption")
    assert not covers("a routine job", "routing")
    assert not covers("an instant answer", "instance")


# Abbreviations, codes, numbers


def test_abbreviations_match_whatever_their_case():
    assert covers("grant it in iam", "IAM")
    assert covers("Iam roles", "IAM role")


def test_abbreviations_match_whole_tokens_only():
    assert not covers("as good as it gets", "AZ")
    assert not covers("Azure regions", "AZ")
    assert not covers("the S3Bucket resource", "S3")
    assert not covers("CIDRs", "CID")


def test_abbreviations_match_with_a_plural_s():
    assert covers("spread over three AZs", "AZ")
    assert covers("bake AMIs nightly", "AMI")
    assert covers("one AZ", "AZs")


def test_abbreviations_codes_and_numbers_are_never_typo_corrected():
    assert not covers("the IAN console", "IAM")
    assert not covers("store it in S4", "S3")
    assert not covers("an EC3 instance", "EC2")
    assert not covers("99.9% available", "99.99%")


def test_codes_with_digits_match_whole_tokens_whatever_their_case():
    assert covers("objects in s3", "S3")
    assert covers("on Ec2", "EC2")
    assert covers("S3's durability", "S3")
    assert not covers("EC22 is not a thing", "EC2")


def test_numbers_match_exactly_with_their_punctuation_ignored():
    assert covers("S3 Standard promises 99.99% availability", "99.99%")
    assert covers("99.99 percent", "99.99%")
    assert covers("up to 1,000 requests", "1000 requests")
    assert covers("a 1-year or 3-year term", "1-year")
    assert not covers("99.999999999% durable", "99.99%")


def test_codes_split_or_joined_match_alike():
    assert covers("serve it over HTTP2", "HTTP/2")
    assert covers("encrypt with AES256", "AES-256")
    assert covers("grows to 128TB", "128 TB")
    assert covers("grows to 128 TB", "128TB")


def test_fullwidth_and_compatibility_characters_are_normalized():
    assert covers("\uff29\uff21\uff2d roles", "IAM")  # fullwidth IAM


# Synonyms


def test_a_synonym_covers_the_point_and_is_what_matched():
    coverage = find_mentions(
        "Replicate objects with CRR", [point("Cross-Region Replication", "CRR")]
    )
    assert coverage.covered == ["Cross-Region Replication"]
    assert coverage.matches == {"Cross-Region Replication": "CRR"}


def test_the_term_itself_still_counts_when_synonyms_are_given():
    assert covers("Cross-Region Replication", "Cross-Region Replication", "CRR")


# Phrases


def test_a_phrase_matches_its_words_in_order_only():
    assert covers("a read replica", "read replica")
    assert not covers("the replica reads", "read replica")


def test_a_phrase_may_have_one_extra_word_between_its_words():
    assert covers("a read-only replica", "read replica")
    assert covers("Spot EC2 Instances", "Spot Instances")


def test_a_phrase_may_not_have_two_extra_words_between_its_words():
    assert not covers("read from a replica", "read replica")


def test_a_conjunction_or_negation_does_not_fill_a_phrase_gap():
    assert not covers("encrypt the data and key", "data key")
    assert not covers("read or replica", "read replica")
    assert not covers("cold not start", "cold start")


def test_a_phrase_does_not_run_across_a_clause_break():
    assert not covers("we read. Replica lag is low", "read replica")
    assert not covers("read, replica", "read replica")
    assert not covers("read\nreplica", "read replica")
    assert not covers("read (replica)", "read replica")


def test_a_phrase_with_punctuation_matches_the_same_punctuation():
    assert covers("set the minimum, maximum, and desired size", "minimum, maximum, and desired")


def test_punctuation_inside_a_token_does_not_break_a_phrase():
    assert covers("call sts:AssumeRole", "sts:AssumeRole")
    assert covers("G.1X workers", "G.1X")
    assert covers("tune spark.sql.shuffle.partitions", "spark.sql.shuffle.partitions")
    assert covers("a Node.js runtime", "Node.js")


# Scores, order, output


def test_an_empty_answer_scores_zero_and_misses_every_point():
    coverage = find_mentions("", [point("IAM"), point("KMS")])
    assert coverage == Mentions(score=0, covered=[], missed=["IAM", "KMS"])


def test_an_answer_without_words_scores_zero():
    assert find_mentions("  \n\t ... !!! ", [point("IAM")]).score == 0


def test_no_talking_points_scores_zero():
    coverage = find_mentions("IAM roles everywhere", [])
    assert coverage == Mentions(score=0, covered=[], missed=[])
    assert coverage.total == 0


@pytest.mark.parametrize(
    ("covered", "total", "score"),
    [(0, 3, 0), (1, 3, 33), (2, 3, 67), (3, 3, 100), (1, 8, 13), (5, 8, 63), (1, 6, 17)],
)
def test_score_is_the_share_of_points_covered_rounded_half_up(covered, total, score):
    points = [point(f"term{index}") for index in range(total)]
    answer = " ".join(f"term{index}." for index in range(covered))
    coverage = find_mentions(answer, points)
    assert len(coverage.covered) == covered
    assert coverage.score == score


def test_covered_and_missed_keep_talking_point_order():
    points = [point("IAM"), point("KMS"), point("VPC"), point("S3"), point("EC2")]
    coverage = find_mentions("EC2 in a VPC, writing to S3", points)
    assert coverage.covered == ["VPC", "S3", "EC2"]
    assert coverage.missed == ["IAM", "KMS"]
    assert coverage.total == 5


def test_matches_and_spans_show_the_words_of_the_answer():
    answer = "Put the DB behind a read-only Replica; enable multi AZ."
    coverage = find_mentions(answer, [point("read replica"), point("Multi-AZ"), point("KMS")])
    assert coverage.matches == {"read replica": "read-only Replica", "Multi-AZ": "multi AZ"}
    for term, (start, end) in coverage.spans.items():
        assert answer[start:end] == coverage.matches[term]


def test_the_first_mention_is_the_one_reported():
    answer = "replicas: one read replica here, another read replica there"
    assert find_mentions(answer, [point("read replica")]).spans == {"read replica": (14, 26)}


def test_coverage_is_immutable():
    coverage = find_mentions("IAM", [point("IAM")])
    with pytest.raises(dataclasses.FrozenInstanceError):
        coverage.score = 0  # type: ignore[misc]


# Odd input


@pytest.mark.parametrize(
    "answer",
    [
        "\U0001f680\U0001f525 IAM \U0001f44d",
        "IAM\x00roles\x00",
        "\u202eMAI\u202c IAM",
        "I\u0301AM e\u0301ncryption",
        "\ud800 IAM \udfff",
        "IAM " + "\u0000\u0007\u001b" * 1000,
        "\u00a0IAM\u2003roles\u200b",
        "ÇA VA, ÉTÉ, straße IAM",
    ],
)
def test_unusual_characters_never_raise(answer):
    coverage = find_mentions(answer, [point("IAM"), point("encryption"), point("ÉTÉ")])
    assert "IAM" in coverage.covered
    assert 0 <= coverage.score <= 100


def test_a_very_long_answer_is_scored():
    filler = "Some words about clouds and servers, nothing more. " * 2000
    answer = filler + "Finally: a read-only replica in another AZ."
    coverage = find_mentions(answer, [point("read replica"), point("AZ"), point("KMS")])
    assert coverage.covered == ["read replica", "AZ"]
    assert coverage.score == 67


def test_malformed_talking_points_are_tolerated():
    points = [
        {"term": "IAM"},
        {"term": "KMS", "synonyms": None},
        {"term": "VPC", "synonyms": "virtual private cloud"},
        {"term": None, "synonyms": ["S3"]},
        {"term": "NAT", "synonyms": 7},
        {"term": "", "synonyms": []},
        "EC2",
        42,
    ]
    coverage = find_mentions("IAM and KMS in a virtual private cloud with S3 and EC2", points)
    assert coverage.covered == ["IAM", "KMS", "VPC", "", "EC2"]
    assert coverage.missed == ["NAT", "", "42"]
    assert coverage.score == 63


def test_a_non_text_answer_scores_zero():
    assert find_mentions(None, [point("IAM")]).score == 0  # type: ignore[arg-type]


# The edit distance used for typos


def _full_table_distance(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        table[i][0] = i
    for j in range(len(b) + 1):
        table[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table


def test_the_bounded_edit_distance_agrees_with_the_full_table():
    generator = random.Random(20250101)
    for _ in range(3000):
        a = "".join(generator.choice("abc") for _ in range(generator.randint(0, 7)))
        b = "".join(generator.choice("abc") for _ in range(generator.randint(0, 9)))
        limit = generator.randint(0, 3)
        table = _full_table_distance(a, b)
        assert _within(a, b, limit) == (table[len(a)][len(b)] <= limit), (a, b, limit)
        nearest_prefix = min(table[len(a)][j] for j in range(len(b) + 1))
        assert _within(a, b, limit, prefix=True) == (nearest_prefix <= limit), (a, b, limit)
