"""English word lists and text cutting shared by the scorer and the talking-point deriver.

Words here are lower case. ``content_words`` keeps the words that carry meaning (not
function words); ``stem`` is the Snowball English stem the lexical matcher uses too;
``are_opposites`` recognises a word and its opposite ("synchronous" / "asynchronous",
"stateful" / "stateless", "public" / "private"), which word vectors place close together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from questions.matching import stem

__all__ = [
    "CODE_FENCE_RE",
    "HEADING_RE",
    "LIST_ITEM_RE",
    "NEGATIONS",
    "TABLE_SEPARATOR_RE",
    "STOP_WORDS",
    "are_opposites",
    "content_words",
    "sentences",
    "stem",
    "words",
]

# Function words: articles, pronouns, auxiliaries, prepositions, conjunctions and the
# filler of spoken answers. Negations are not here: they change what a sentence claims.
STOP_WORDS = frozenset(  # noqa: SIM905 — a word list reads best as text
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "around",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "etc",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "getting",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "let",
        "lets",
        "like",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "need",
        "needs",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "onto",
        "or",
        "other",
        "others",
        "otherwise",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "quite",
        "rather",
        "really",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "something",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "therefore",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "use",
        "used",
        "uses",
        "using",
        "very",
        "via",
        "was",
        "way",
        "ways",
        "we",
        "well",
        "were",
        "what",
        "whatever",
        "when",
        "whenever",
        "where",
        "whereas",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "basically",
        "actually",
        "simply",
        "generally",
        "usually",
        "often",
        "etc",
        "eg",
        "ie",
        "e",
        "g",
        "make",
        "makes",
        "made",
        "lot",
        "lots",
        "kind",
        "sort",
        "able",
        "many",
    ]
)

NEGATIONS = frozenset(  # noqa: SIM905
    [
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "cannot",
        "cant",
        "can't",
        "dont",
        "don't",
        "doesnt",
        "doesn't",
        "isnt",
        "isn't",
        "arent",
        "aren't",
        "wasnt",
        "wasn't",
        "wont",
        "won't",
        "shouldnt",
        "shouldn't",
        "without",
        "neither",
    ]
)

# Pairs whose stems say opposite things (the prefix rule below finds the rest).
_OPPOSITE_PAIRS = [
    ("stateful", "stateless"),
    ("public", "private"),
    ("inbound", "outbound"),
    ("ingress", "egress"),
    ("horizontal", "vertical"),
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("allow", "deny"),
    ("manual", "automatic"),
    ("manually", "automatically"),
    ("strong", "eventual"),
    ("strongly", "eventually"),
    ("higher", "lower"),
    ("more", "less"),
    ("more", "fewer"),
    ("faster", "slower"),
    ("cheaper", "expensive"),
    ("cheap", "expensive"),
    ("static", "dynamic"),
    ("push", "pull"),
    ("read", "write"),
    ("before", "after"),
    ("client", "server"),
    ("primary", "secondary"),
    ("active", "passive"),
    ("hot", "cold"),
    ("upper", "lower"),
    ("first", "last"),
    ("minimum", "maximum"),
    ("ascending", "descending"),
]
_PREFIXES = ("a", "un", "in", "im", "non", "dis", "ir", "il", "de")

# Markdown lines, as the model answers are written (shared by the deriver and the subject reader).
CODE_FENCE_RE = re.compile(r"^\s*(```|~~~)")
HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+\u2022\u25e6]|\d+[.)])\s+")
TABLE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{2,}")

_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# A sentence ends at . ! ? (or ;) followed by a space, or at a line break or a bullet.
_SENTENCE_END_RE = re.compile(r"[.!?;]+(?=\s|$)|\n|[\u2022\u25e6]")
_FULL_STOP_RE = re.compile(r"(?<![A-Z])[.!?]+(?=\s|$)|\n|[\u2022\u25e6]")


def words(text: str) -> list[str]:
    """The words of a text, lower case, apostrophes dropped ("client's" → "clients")."""
    return [word.lower().replace("'", "").replace("\u2019", "") for word in _WORD_RE.findall(text)]


def content_words(text: str) -> list[str]:
    """The words of a text that carry meaning, in order (function words dropped)."""
    return [word for word in words(text) if word not in STOP_WORDS and not word.isdigit()]


def sentences(text: str, *, semicolons: bool = True) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence or list item of a text, trimmed of spaces.

    Without ``semicolons``, only . ! ? end a sentence, and not right after a capital
    letter ("U.S. regions" stays whole).
    """
    start = 0
    pattern = _SENTENCE_END_RE if semicolons else _FULL_STOP_RE
    for end_match in pattern.finditer(text):
        yield from _trimmed(text, start, end_match.end())
        start = end_match.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and (text[start].isspace() or text[start] in "-*•◦"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if _WORD_RE.search(text, start, end):
        yield start, end


def _opposite_stems() -> frozenset[tuple[str, str]]:
    pairs = set()
    for first, second in _OPPOSITE_PAIRS:
        a, b = stem(first), stem(second)
        pairs.update({(a, b), (b, a)})
    return frozenset(pairs)


_OPPOSITES = _opposite_stems()


def are_opposites(first: str, second: str) -> bool:
    """Whether two words say opposite things: a listed pair, a negating prefix
    ("synchronous" / "asynchronous", "encrypted" / "unencrypted") or -ful / -less."""
    if first == second:
        return False
    a, b = stem(first), stem(second)
    if (a, b) in _OPPOSITES:
        return True
    for shorter, longer in ((first, second), (second, first)):
        for prefix in _PREFIXES:
            if longer.startswith(prefix) and longer[len(prefix) :] == shorter and len(shorter) > 3:
                return True
    for x, y in ((first, second), (second, first)):
        if x.endswith("ful") and y.endswith("less") and x[:-3] == y[:-4]:
            return True
    return False
