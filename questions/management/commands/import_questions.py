"""Import a question bank from a JSON or seed-text file (see docs/question-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.services.importing import (
    FORMATS,
    MAX_IMPORT_BYTES,
    ImportValidationError,
    parse_questions_file,
    questions_import,
)


class Command(BaseCommand):
    help = (
        "Import questions from FILE (JSON, the seed's plain-text shape or Anki's notes in "
        "plain text). Everything is "
        "validated first; on any error nothing is written. Re-importing an unchanged file "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the file to import")
        parser.add_argument(
            "--bank", metavar="SLUG", help="import into this bank instead of the file's own"
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="file format (default: detected from the file)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise CommandError(
                    f"{path}: larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it"
                )
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror or exc})") from None

        try:
            document = parse_questions_file(content, filename=path.name, format=options["format"])
            report = questions_import(
                document=document,
                bank_slug=options["bank"],
                dry_run=options["dry_run"],
                source=path.name,
            )
        except ImportValidationError as exc:
            lines = [f"{path}: {len(exc.problems)} problem(s), nothing was imported:"]
            lines += [f"  {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from None

        if options["verbosity"] >= 2:
            for change in report.questions:
                if change.action != "unchanged":
                    fields = ", ".join(change.changed_fields)
                    detail = f" ({fields})" if fields else ""
                    self.stdout.write(f"  {change.action}: {change.slug}{detail}")
        if options["verbosity"] >= 1:
            prefix = "Dry run, nothing written — would import " if report.dry_run else "Imported "
            self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
