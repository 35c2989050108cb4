"""Export a question bank as JSON or seed-shaped text (see docs/question-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.models import Bank
from questions.services.exporting import ExportError, bank_export


class Command(BaseCommand):
    help = "Export the questions of a bank to stdout or a file, in JSON or plain-text form."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bank", metavar="SLUG", help="the bank to export (needed when there are several)"
        )
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args, **options) -> None:
        slug = options["bank"]
        if slug:
            bank = Bank.objects.filter(slug=slug).first()
            if bank is None:
                known = ", ".join(Bank.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No bank '{slug}'. Banks: {known}.")
        else:
            banks = list(Bank.objects.all()[:2])
            if not banks:
                raise CommandError("There is no bank to export.")
            if len(banks) > 1:
                known = ", ".join(Bank.objects.values_list("slug", flat=True))
                raise CommandError(f"There are several banks; pick one with --bank ({known}).")
            bank = banks[0]

        try:
            content = bank_export(bank=bank, format=options["format"])
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_text(content, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{path}: cannot be written ({exc.strerror or exc})") from None
            if options["verbosity"] >= 1:
                count = bank.questions.count()
                self.stdout.write(f"Exported {count} question(s) of bank '{bank.slug}' to {path}")
        else:
            self.stdout.write(content, ending="")
