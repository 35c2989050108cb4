"""manage.py evaluate_scoring: scores graded answers as the app does and reports agreement."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questions.scoring import score_answer
from questions.services.evaluation import pearson, spearman
from questions.talking_points import derive_points
from tests.factories import BankFactory, QuestionFactory

QUESTION = "What is a read replica?"
REFERENCE = "A read-only copy of the database kept up to date asynchronously, a little behind."
ROWS = [
    (QUESTION, REFERENCE, "A read-only copy updated asynchronously that lags a bit behind.", 5),
    (QUESTION, REFERENCE, "A copy of the database for reads.", 3),
    (QUESTION, REFERENCE, "What is a read replica?", 0),
    (QUESTION, REFERENCE, "Bake bread at two hundred degrees.", 0),
]


def write_csv(path: Path, rows, header=("question", "reference", "answer", "grade")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate_scoring", *args, "--quiet", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_n_pearson_spearman_and_the_zero_mean_on_the_last_line(tmp_path):
    output = run(str(write_csv(tmp_path / "g.csv", ROWS)))

    last = output.strip().splitlines()[-1]
    assert last.startswith("n=4 pearson=")
    fields = dict(part.split("=") for part in last.split())
    assert float(fields["pearson"]) > 0.5
    assert -1 <= float(fields["spearman"]) <= 1
    assert float(fields["zero_mean"]) < 40  # the restated prompt 0, the off-topic answer more


@pytest.mark.django_db
def test_rows_get_the_score_the_app_gives(tmp_path):
    out = tmp_path / "scored.csv"

    run(str(write_csv(tmp_path / "g.csv", ROWS)), "--rows", str(out))

    scored = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["answer"] for row in scored] == [row[2] for row in ROWS]
    for row in scored:
        points = derive_points(row["reference"], row["question"])
        expected = score_answer(row["answer"], points, prompt=row["question"]).score
        assert int(row["score"]) == expected


@pytest.mark.django_db
def test_with_a_bank_a_known_prompt_is_scored_with_its_curated_points(tmp_path):
    bank = BankFactory(slug="mini")
    QuestionFactory(
        bank=bank,
        prompt=QUESTION,
        answer=REFERENCE,
        talking_points=[{"term": "lag", "synonyms": ["behind"]}],
    )
    out = tmp_path / "scored.csv"

    output = run(str(write_csv(tmp_path / "g.csv", ROWS)), "--bank", "mini", "--rows", str(out))

    assert "bank_rows=4" in output
    scores = [int(row["score"]) for row in csv.DictReader(out.open(encoding="utf-8"))]
    assert scores == [100, 0, 0, 0]


@pytest.mark.django_db
def test_extra_columns_are_kept_and_kinds_are_summarised(tmp_path):
    rows = [
        (*row, kind) for row, kind in zip(ROWS, ["good", "ok", "restating", "off"], strict=True)
    ]
    path = write_csv(tmp_path / "g.csv", rows, ("question", "reference", "answer", "grade", "kind"))
    out = tmp_path / "scored.csv"

    output = run(str(path), "--rows", str(out))

    assert "kind restating: mean score 0.0" in output
    assert next(csv.DictReader(out.open(encoding="utf-8")))["kind"] == "good"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("question,answer,grade\nq,a,1\n", "missing column(s): reference"),
        ("question,reference,answer,grade\nq,r,a,high\n", 'line 2: grade "high" is not a number'),
        ("question,reference,answer,grade\nq,r,a,nan\n", "line 2: grade must be a finite number"),
        ("question,reference,answer,grade\n", "no graded answers"),
        ("question,reference,answer,grade\nq,r\n", "line 2: expected 4 columns"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(str(path))


@pytest.mark.django_db
def test_a_missing_file_and_an_unknown_bank_are_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match='no bank "nope"'):
        run(str(write_csv(tmp_path / "g.csv", ROWS)), "--bank", "nope")


def test_pearson_and_spearman_match_hand_computed_values():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
    assert spearman([1, 2, 3, 4], [10, 20, 30, 1000]) == pytest.approx(1.0)
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138)
