"""Questions as an Anki deck (``.apkg``), made with genanki.

Every id is derived from names, never drawn at random, so importing a newer deck into
Anki updates the notes it already has instead of adding copies: the deck id from the
deck's key, the note type id from the bank's slug, and each note's GUID from the
question's slug and its bank's slug. The deck carries no media and its note type loads
nothing from outside: the front is the prompt, the back the model answer as the site
renders it (``answer_html``, already sanitized), and the question's topics are its tags.
"""

import hashlib
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import genanki
from django.template.defaultfilters import linebreaksbr

from questions.models import Question

# Anki's own ids are 64-bit, but genanki advises ids in [2**30, 2**31) (what its docs
# draw from); they also stay clear of Anki's "Default" deck (id 1).
_ID_LOW = 1 << 30
_FIELD_SEPARATOR = "\x1f"  # Anki keeps a note's fields in one column, joined by this.

CARD_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.5;
        text-align: left; max-width: 46em; margin: 0 auto; padding: 0 1em;
        color: #1d1d1f; background: #fff; }
.card.nightMode { color: #e8e8ea; background: #1c1c1e; }
.prompt { font-weight: 600; }
hr#answer { margin: 1em 0; }
pre, code, kbd { font-family: ui-monospace, monospace; font-size: 0.9em; }
pre { padding: 0.75em; overflow-x: auto; background: rgba(127, 127, 127, 0.12); }
table { border-collapse: collapse; }
th, td { border: 1px solid rgba(127, 127, 127, 0.5); padding: 0.25em 0.5em; }
"""


def anki_id(*parts: str) -> int:
    """A stable id in [2**30, 2**31) for the names ``parts``."""
    digest = hashlib.sha256("\x00".join(("interviewprep", *parts)).encode()).digest()
    return _ID_LOW + int.from_bytes(digest[:8], "big") % _ID_LOW


def _note_type(bank_slug: str) -> genanki.Model:
    return genanki.Model(
        anki_id("model", bank_slug),
        f"InterviewPrep question ({bank_slug})",
        fields=[{"name": "Prompt"}, {"name": "Answer"}],
        templates=[
            {
                "name": "Prompt → answer",
                "qfmt": '<div class="prompt">{{Prompt}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>',
            }
        ],
        css=CARD_CSS,
    )


def _field(html: str) -> str:
    return html.replace(_FIELD_SEPARATOR, "")


def anki_note_fields(question: Question) -> list[str]:
    """The note's fields: the prompt (plain text, escaped) and the rendered answer."""
    return [_field(linebreaksbr(question.prompt, autoescape=True)), _field(question.answer_html)]


def anki_deck_export(*, questions: Iterable[Question], deck_name: str, deck_key: str) -> bytes:
    """The ``.apkg`` file of a deck ``deck_name`` holding one note per question.

    ``questions`` should come with ``bank`` selected and ``tags`` prefetched (no query
    is made here otherwise). ``deck_key`` names the deck for good: the same key gives
    the same deck id, so Anki merges a new download into the deck it imported before.
    """
    deck = genanki.Deck(anki_id("deck", deck_key), deck_name)
    note_types: dict[str, genanki.Model] = {}
    for question in questions:
        bank_slug = question.bank.slug
        if bank_slug not in note_types:
            note_types[bank_slug] = _note_type(bank_slug)
        deck.add_note(
            genanki.Note(
                model=note_types[bank_slug],
                fields=anki_note_fields(question),
                tags=[tag.slug for tag in question.tags.all()],
                guid=genanki.guid_for(bank_slug, question.slug),
            )
        )
    return _package_bytes(genanki.Package(deck))


def _package_bytes(package: genanki.Package) -> bytes:
    """The package zipped as Anki reads it. ``Package.write_to_file`` would leave its
    SQLite file behind in the temporary directory on every call, so the collection is
    written here into a temporary directory that is removed afterwards."""
    timestamp = time.time()
    with tempfile.TemporaryDirectory(prefix="anki-export-") as directory:
        path = Path(directory) / "collection.anki2"
        connection = sqlite3.connect(path)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")  # no media files
    return buffer.getvalue()
