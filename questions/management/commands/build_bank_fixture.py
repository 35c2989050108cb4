"""Build a bank fixture (fixtures/aws.json) from the seed text and the curated files.

Inputs, all reviewed by hand and kept in the repository:

* the seed text (``--seed``): the page the bank comes from, copied as plain text;
* the curation (``--curation``): bank name and description, the tags, and per question
  (numbered 1… in document order) its slug, tags and talking points;
* beside the curation, optional ``<name>_tables.json`` (the columns of each flattened
  table), ``<name>_code.json`` (each code sample as the seed flattened it and as it
  reads restored) and ``<name>_fixes.json`` (other rewrites of the seed: text that is not
  part of an answer, words the flattening glued together, lost nesting).

The output is written deterministically, so ``--check`` can prove the fixture in the
repository is exactly what these inputs give.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.services.seedtext import AnswerPatch, ParsedQuestion, SeedTextError, parse_seed_text

FORMAT_NAME = "interviewprep-questions"
FORMAT_VERSION = 1
TAG_KINDS = ("service", "domain")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def _default(path: str) -> Path:
    return Path(settings.BASE_DIR) / path


class Command(BaseCommand):
    help = (
        "Build the question-bank fixture from the seed text and the curated files "
        "(tags, talking points, tables, code samples, fixes). With --check, only verify "
        "that the fixture on disk is up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=Path,
            default=_default("fixtures/seeds/aws.txt"),
            help="the seed text (default: fixtures/seeds/aws.txt)",
        )
        parser.add_argument(
            "--curation",
            type=Path,
            default=_default("fixtures/curation/aws.json"),
            help="bank, tags, slugs and talking points (default: fixtures/curation/aws.json)",
        )
        for name in ("tables", "code", "fixes"):
            parser.add_argument(
                f"--{name}",
                type=Path,
                default=None,
                help=f"curated {name} (default: <curation name>_{name}.json beside it, if any)",
            )
        parser.add_argument(
            "--output",
            type=Path,
            default=_default("fixtures/aws.json"),
            help="where to write the fixture (default: fixtures/aws.json)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; fail if the output file differs from what would be written",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        curation_path: Path = options["curation"]
        curation = _read_json(curation_path, required=True)
        extras = {}
        for name in ("tables", "code", "fixes"):
            given = options[name]
            path = given or curation_path.with_name(f"{curation_path.stem}_{name}.json")
            extras[name] = _read_json(path, required=given is not None) or []

        try:
            seed_text = options["seed"].read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{options['seed']}: cannot be read ({exc.strerror})") from None

        content = build_fixture(
            seed_text=seed_text,
            curation=curation,
            tables=extras["tables"],
            code=extras["code"],
            fixes=extras["fixes"],
        )
        output: Path = options["output"]
        if options["check"]:
            try:
                current = output.read_text(encoding="utf-8")
            except OSError:
                raise CommandError(f"{output} does not exist: run build_bank_fixture") from None
            if current != content:
                raise CommandError(
                    f"{output} is out of date with the seed and curation: run build_bank_fixture"
                )
            self.stdout.write(f"{output} is up to date.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(content, encoding="utf-8")
        count = len(json.loads(content)["questions"])
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} questions to {output}."))


def _read_json(path: Path, *, required: bool) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise CommandError(f"{path} does not exist") from None
        return None
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None


def _text(value: str | list[str]) -> str:
    """Curated text is a string, or a list of lines for readability."""
    return "\n".join(value) if isinstance(value, list) else value


def build_patches(*, code: list[dict], fixes: list[dict]) -> dict[int, list[AnswerPatch]]:
    """The answer rewrites: fixes first (in file order), then restored code samples."""
    patches: dict[int, list[AnswerPatch]] = {}
    for fix in fixes:
        patches.setdefault(int(fix["question"]), []).append(
            AnswerPatch(
                find=_text(fix["find"]),
                replace=_text(fix.get("replace", "")),
                through=fix.get("through"),
                to_end=bool(fix.get("to_end", False)),
            )
        )
    for sample in code:
        fence = "\n".join([f"```{sample['language']}", *sample["code"], "```"])
        patches.setdefault(int(sample["question"]), []).append(
            AnswerPatch(find="\n".join(sample["seed"]), replace=fence)
        )
    return patches


def build_fixture(
    *,
    seed_text: str,
    curation: dict,
    tables: list[dict],
    code: list[dict],
    fixes: list[dict],
) -> str:
    """The fixture's JSON text; raises CommandError listing every problem found."""
    try:
        parsed = parse_seed_text(
            seed_text,
            tables={entry["first_line"]: entry["rows"] for entry in tables},
            patches=build_patches(code=code, fixes=fixes),
        )
    except SeedTextError as exc:
        raise CommandError(
            "the seed cannot be read:\n" + "\n".join(f"  line {n}: {m}" for n, m in exc.problems)
        ) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise CommandError(f"a curated table, code sample or fix is malformed: {exc!r}") from None

    problems = _check_tables(parsed, tables)
    document, curation_problems = _document(parsed, curation)
    problems += curation_problems
    if problems:
        raise CommandError("the curation does not fit the seed:\n" + "\n".join(problems))
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _check_tables(parsed: list[ParsedQuestion], tables: list[dict]) -> list[str]:
    problems = []
    by_number = {q.number: q for q in parsed}
    for entry in tables:
        question = by_number.get(int(entry["question"]))
        first_line = " ".join(entry["first_line"].split())
        if question is None or first_line not in question.tables:
            problems.append(f'  table "{first_line}": not found in question {entry["question"]}')
        elif entry.get("level") and entry["level"] != question.level:
            problems.append(
                f'  table "{first_line}": question {question.number} is {question.level}, '
                f"not {entry['level']}"
            )
    return problems


def _document(parsed: list[ParsedQuestion], curation: Any) -> tuple[dict, list[str]]:
    problems: list[str] = []
    if not isinstance(curation, dict):
        return {}, ["  the curation must be a JSON object with bank, tags and questions"]
    bank = curation.get("bank") or {}
    if not all(isinstance(bank.get(key), str) and bank[key] for key in ("slug", "name")):
        problems.append("  bank: needs a slug and a name")

    tags: dict[str, dict] = {}
    for tag in curation.get("tags", []):
        slug = tag.get("slug", "")
        if not SLUG.match(slug or ""):
            problems.append(f"  tag {slug!r}: the slug may hold only letters, digits, - and _")
        elif slug in tags:
            problems.append(f"  tag {slug!r}: listed twice")
        if tag.get("kind") not in TAG_KINDS:
            problems.append(f"  tag {slug!r}: kind must be one of {', '.join(TAG_KINDS)}")
        if not tag.get("name"):
            problems.append(f"  tag {slug!r}: has no name")
        tags[slug] = {"slug": slug, "name": tag.get("name", ""), "kind": tag.get("kind", "")}

    entries = curation.get("questions", {})
    expected = {str(q.number) for q in parsed}
    for key in sorted(set(entries) - expected, key=str):
        problems.append(f"  question {key}: curated but not in the seed")
    for key in sorted(expected - set(entries), key=int):
        problems.append(f"  question {key}: not curated (needs a slug, tags and talking points)")

    def tag_order(slug: str) -> tuple:
        tag = tags.get(slug, {})
        return (tag.get("kind", ""), tag.get("name", ""), slug)

    questions = []
    slugs: set[str] = set()
    for question in parsed:
        entry = entries.get(str(question.number))
        if not isinstance(entry, dict):
            continue
        where = f"  question {question.number}"
        slug = entry.get("slug", "")
        if not SLUG.match(slug or ""):
            problems.append(f"{where}: slug {slug!r} may hold only letters, digits, - and _")
        elif slug in slugs:
            problems.append(f"{where}: slug {slug!r} is used by another question")
        slugs.add(slug)
        question_tags = entry.get("tags", [])
        for tag_slug in question_tags:
            if tag_slug not in tags:
                problems.append(f"{where}: tag {tag_slug!r} is not in the tags list")
        points = []
        for point in entry.get("talking_points", []):
            term = point.get("term", "") if isinstance(point, dict) else ""
            synonyms = point.get("synonyms", []) if isinstance(point, dict) else None
            if not term or not isinstance(synonyms, list):
                problems.append(f"{where}: a talking point needs a term and a synonyms list")
                continue
            points.append({"term": term, "synonyms": synonyms})
        questions.append(
            {
                "slug": slug,
                "number": question.number,
                "level": question.level,
                "prompt": question.prompt,
                "answer": question.answer,
                "tags": sorted(set(question_tags), key=tag_order),
                "talking_points": points,
                "active": bool(entry.get("active", True)),
            }
        )

    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "bank": {
            "slug": bank.get("slug", ""),
            "name": bank.get("name", ""),
            "description": bank.get("description", ""),
        },
        "tags": sorted(tags.values(), key=lambda tag: tag_order(tag["slug"])),
        "questions": questions,
    }
    return document, problems
