"""Measure how well answer scores agree with human grades (see docs/feedback.md)."""

import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.models import Bank
from questions.services.evaluation import (
    REQUIRED_COLUMNS,
    EvaluationError,
    evaluation_report,
    graded_answers_read,
)

MAX_FILE_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Score every graded answer of FILE (a CSV with the columns question, reference, "
        "answer, grade) exactly as the app scores a submitted answer, and print how the "
        "scores agree with the grades: n, Pearson r, Spearman rho and the mean score of "
        "answers graded 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV of graded answers: " + ", ".join(REQUIRED_COLUMNS))
        parser.add_argument(
            "--rows", metavar="OUT", help="also write the rows with a score column (0-100)"
        )
        parser.add_argument(
            "--bank",
            metavar="SLUG",
            help="score a row whose question is a prompt of this bank against that "
            "question's own talking points",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        bank = None
        if options["bank"]:
            bank = Bank.objects.filter(slug=options["bank"]).first()
            if bank is None:
                slugs = ", ".join(Bank.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f'no bank "{options["bank"]}" (banks: {slugs})')
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB")
            with path.open(encoding="utf-8-sig", newline="") as stream:
                columns, answers = graded_answers_read(stream)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        except EvaluationError as error:
            raise CommandError(f"{path}: {error}") from None

        show = not options["quiet"] and len(answers) >= 100
        step = max(1, len(answers) // 50)

        def progress(done: int, total: int) -> None:
            if show and (done % step == 0 or done == total):
                filled = 30 * done // total
                bar = "#" * filled + "." * (30 - filled)
                sys.stderr.write(f"\rscoring [{bar}] {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

        report = evaluation_report(answers, bank=bank, progress=progress)
        if options["rows"]:
            self._write_rows(Path(options["rows"]), columns, report.answers)
        for kind, mean in report.by_kind.items():
            self.stdout.write(f"kind {kind}: mean score {mean:.1f}")
        self.stdout.write(report.summary_line())

    def _write_rows(self, out: Path, columns: list[str], answers) -> None:
        fields = [*columns, "score"] if "score" not in columns else columns
        try:
            with out.open("w", encoding="utf-8", newline="") as stream:
                writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
                writer.writeheader()
                for answer in answers:
                    writer.writerow({**answer.row, "score": answer.score})
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror or error}") from None
