"""export_questions: JSON and text, and the round trip back through import_questions."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questions.models import Bank, Level, Question, Tag, TagKind
from questions.services.exporting import bank_export_data
from tests.factories import BankFactory, QuestionFactory, TagFactory

pytestmark = pytest.mark.django_db

ANSWER_WITH_EVERYTHING = """\
### Key differences

| Feature | EC2 | Lambda |
| --- | --- | --- |
| Billing | per second | per request |

1. **Provisioning**
    - instances
    - AMIs
2. Scaling

```bash
aws ec2 describe-instances --region eu-west-1
```

Unicode survives: “quotes”, é, 中文.
"""


@pytest.fixture
def rich_bank(db):
    bank = BankFactory(slug="cloud", name="Cloud", description="Line one.\nLine two.")
    ec2 = TagFactory(bank=bank, slug="ec2", name="EC2", kind=TagKind.SERVICE)
    compute = TagFactory(bank=bank, slug="compute", name="Compute", kind=TagKind.DOMAIN)
    TagFactory(bank=bank, slug="unused", name="Unused", kind=TagKind.DOMAIN)
    QuestionFactory(
        bank=bank,
        slug="ec2-vs-lambda",
        number=1,
        level=Level.JUNIOR,
        prompt="What are the differences between EC2 and Lambda?",
        answer=ANSWER_WITH_EVERYTHING,
        tags=[ec2, compute],
        talking_points=[
            {"term": "Availability Zone", "synonyms": ["AZ", "availability zones"]},
            {"term": "cold start", "synonyms": []},
        ],
    )
    QuestionFactory(
        bank=bank,
        slug="retired",
        number=2,
        level=Level.JUNIOR,
        prompt="An inactive question?",
        answer="Yes.",
        is_active=False,
        talking_points=[],
    )
    QuestionFactory(
        bank=bank,
        slug="scale-out",
        number=3,
        level=Level.SENIOR,
        prompt="Your fleet doubles overnight. What breaks first?",
        answer="- Limits\n- Quotas\n",
        tags=[compute],
    )
    return bank


def snapshot(slug: str) -> dict:
    bank = Bank.objects.get(slug=slug)
    return {
        "bank": (bank.slug, bank.name, bank.description),
        "tags": sorted(Tag.objects.filter(bank=bank).values_list("slug", "name", "kind")),
        "questions": [
            {
                "slug": q.slug,
                "number": q.number,
                "level": q.level,
                "prompt": q.prompt,
                "answer": q.answer,
                "answer_html": q.answer_html,
                "tags": sorted(t.slug for t in q.tags.all()),
                "talking_points": q.talking_points,
                "is_active": q.is_active,
            }
            for q in Question.objects.filter(bank=bank).order_by("number")
        ],
    }


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_questions", *args, stdout=out)
    return out.getvalue()


def empty_database() -> None:
    Question.objects.all().delete()
    Tag.objects.all().delete()
    Bank.objects.all().delete()


def test_json_export_then_import_into_an_empty_database_reproduces_the_bank(rich_bank, tmp_path):
    before = snapshot("cloud")
    path = tmp_path / "cloud.json"
    path.write_text(export("--bank", "cloud"), encoding="utf-8")
    empty_database()

    call_command("import_questions", str(path), verbosity=0)

    assert snapshot("cloud") == before


def test_json_export_is_the_documented_format(rich_bank):
    data = json.loads(export("--bank", "cloud"))

    assert data["format"] == "interviewprep-questions" and data["version"] == 1
    assert data["bank"] == {"slug": "cloud", "name": "Cloud", "description": "Line one.\nLine two."}
    assert {"slug": "unused", "name": "Unused", "kind": "domain"} in data["tags"]
    first = data["questions"][0]
    assert set(first) == {
        "slug", "number", "level", "prompt", "answer", "tags", "talking_points", "active",
    }  # fmt: skip
    assert first["tags"] == ["compute", "ec2"]
    assert [q["active"] for q in data["questions"]] == [True, False, True]


def test_reimporting_an_export_into_the_same_bank_changes_nothing(rich_bank, tmp_path):
    path = tmp_path / "cloud.json"
    path.write_text(export("--bank", "cloud"), encoding="utf-8")
    out = StringIO()

    call_command("import_questions", str(path), stdout=out)

    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()


def test_text_export_reimports_to_the_same_prompts_answers_and_levels(rich_bank, tmp_path):
    before = snapshot("cloud")
    path = tmp_path / "cloud.txt"
    path.write_text(export("--bank", "cloud", "--format", "text"), encoding="utf-8")
    empty_database()
    BankFactory(slug="cloud", name="Cloud", description="Line one.\nLine two.")
    bank = Bank.objects.get(slug="cloud")
    for slug, name, kind in before["tags"]:
        TagFactory(bank=bank, slug=slug, name=name, kind=kind)

    call_command("import_questions", str(path), "--bank", "cloud", verbosity=0)

    after = snapshot("cloud")
    for old, new in zip(before["questions"], after["questions"], strict=True):
        for field in ("slug", "number", "level", "prompt", "answer_html", "tags"):
            assert new[field] == old[field], field
        # Plain text keeps no trailing newline after an answer.
        assert new["answer"] == old["answer"].rstrip("\n")
        assert new["talking_points"] == old["talking_points"]


def test_text_export_reimported_into_its_own_bank_changes_nothing(rich_bank, tmp_path):
    path = tmp_path / "cloud.txt"
    path.write_text(export("--bank", "cloud", "--format", "text"), encoding="utf-8")
    out = StringIO()

    call_command("import_questions", str(path), "--bank", "cloud", stdout=out)

    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()


def test_text_export_has_the_seed_shape(rich_bank):
    text = export("--bank", "cloud", "--format", "text")

    assert text.startswith("Cloud\n\nFreshers & intermediate\n\n1.\n\nWhat are the differences")
    assert "\n\nSenior\n\n1.\n\nYour fleet doubles overnight. What breaks first?\n" in text
    assert "\nAnswer\n\n### Key differences\n" in text


def test_export_writes_to_a_file(rich_bank, tmp_path):
    path = tmp_path / "out" / "cloud.json"
    path.parent.mkdir()

    message = export("--bank", "cloud", "--output", str(path))

    assert json.loads(path.read_text(encoding="utf-8")) == bank_export_data(bank=rich_bank)
    assert "Exported 3 question(s) of bank 'cloud'" in message


def test_export_without_bank_uses_the_only_bank(rich_bank):
    assert json.loads(export())["bank"]["slug"] == "cloud"


def test_export_without_bank_among_several_asks_for_one(rich_bank):
    BankFactory(slug="k8s", name="Kubernetes")

    with pytest.raises(CommandError, match="several banks; pick one with --bank"):
        export()


def test_export_of_an_unknown_bank_lists_the_known_ones(rich_bank):
    with pytest.raises(CommandError, match="No bank 'nope'. Banks: cloud."):
        export("--bank", "nope")


def test_export_to_an_unwritable_path_is_a_command_error(rich_bank, tmp_path):
    with pytest.raises(CommandError, match="cannot be written"):
        export("--bank", "cloud", "--output", str(tmp_path / "missing" / "x.json"))


def test_text_export_refuses_an_answer_the_shape_cannot_carry(rich_bank):
    QuestionFactory(bank=rich_bank, number=9, answer="Steps:\n\n2.\n\nThen this.")

    with pytest.raises(CommandError, match="cannot be written as plain text"):
        export("--bank", "cloud", "--format", "text")
