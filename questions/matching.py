"""Talking-point coverage: which of a question's talking points an answer mentions.

Pure Python, no Django, so a view, a service, a command or a test can call it alike::

    coverage = find_mentions(answer_text, question.talking_points)
    coverage.score      # 0–100: the share of talking points covered, rounded half up
    coverage.covered    # the terms mentioned, in talking-point order
    coverage.missed     # the terms not mentioned, in talking-point order
    coverage.matches    # term -> the words of the answer that mentioned it
    coverage.spans      # term -> (start, end): where those words are in the answer

A talking point is ``{"term": str, "synonyms": [str, ...]}``; it is covered when the
answer mentions its term or any of its synonyms. How a mention is recognised:

* **Case, punctuation, quotes** do not matter: text is cut into tokens of letters and
  digits, and everything else only separates them. An apostrophe inside a word is
  dropped ("client's" reads as "clients").
* **Word forms** come from the Snowball English stemmer: "replicates", "replicated"
  and "replication" all reduce to "replic" and match one another, "policies" matches
  "policy". Words the stemmer keeps apart stay apart: "replica" is not "replication".
* **Phrases** ("read replica", "Auto Scaling group") match their words in order.
  Between two words of a phrase the answer may put one extra word ("read-only
  replica", "Spot EC2 instances") unless it is a conjunction or a negation: "data and
  key" is not "data key". A phrase does not run across a clause: a line break, a
  bracket, a bar, or a . , ; : ! ? followed by a space (unless the talking point has
  that punctuation too, as in "minimum, maximum and desired").
* **Compounds**: a hyphen, a space and nothing at all are the same, so "multi-AZ",
  "multi AZ" and "MultiAZ" are one phrase, as are "Auto Scaling" and "autoscaling".
* **Abbreviations** (tokens written in capitals in a talking point, like "AZ", "IAM",
  "KMS") and **codes with digits** ("S3", "EC2", "L7") match case-insensitively but
  only as whole tokens, with or without a plural "s" ("AZs"): "AZ" never matches "as"
  and "S3" never matches "S3Bucket". **Numbers** match exactly: "99.99%" is the token
  "99.99", and "1,000" reads as "1000".
* **Typos**: a word of 6–9 letters may be one edit away (a letter inserted, deleted,
  replaced, or two neighbours swapped), a word of 10 letters or more two edits,
  comparing the words or their stems ("encrpyted" is "encrypted"). The first and the
  last letter must be right, which keeps real words apart: "routine" is not "routing",
  "instant" is not "instance". Short words, abbreviations, codes and numbers must be
  spelled right.

A mention is a mention: the scorer does not judge whether the sentence around it is
true, and "I would not use Multi-AZ" mentions Multi-AZ.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer

__all__ = ["AnswerText", "Mentions", "alternatives", "compile_phrase", "find_mentions", "stem"]


@dataclass(frozen=True)
class Mentions:
    """The result of scoring one answer against a question's talking points.

    ``matches`` and ``spans`` have an entry for each covered term: the first mention
    found (of the term, else of its first synonym that occurs), as the answer's own
    text and as ``answer[start:end]`` offsets. Spans of different terms may overlap
    ("Multi-AZ" and "AZ" in "multi-AZ").
    """

    score: int
    covered: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    matches: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missed)


def find_mentions(answer: str, talking_points: Sequence[Mapping[str, Any]]) -> Mentions:
    """Score an answer by the share of talking points it mentions (0–100).

    ``talking_points`` is a list of ``{"term": str, "synonyms": [str, ...]}``. The score
    is 0 when there are no talking points or the answer has no words. Malformed points
    (no synonyms, a bare string) are accepted; a point with no usable term is missed.
    """
    points = [_alternatives(point) for point in talking_points or ()]
    terms = [term for term, _ in points]
    if not points or not isinstance(answer, str):
        return Mentions(score=0, covered=[], missed=terms)
    text = _Answer(answer)
    covered: list[str] = []
    missed: list[str] = []
    matches: dict[str, str] = {}
    spans: dict[str, tuple[int, int]] = {}
    for term, phrases in points:
        found = None
        if text.ids:
            for phrase in phrases:
                found = text.find(_compile_phrase(phrase))
                if found:
                    break
        if found is None:
            missed.append(term)
            continue
        covered.append(term)
        start, end = text.span(*found)
        matches.setdefault(term, answer[start:end])
        spans.setdefault(term, (start, end))
    score = (200 * len(covered) + len(points)) // (2 * len(points))  # round half up
    return Mentions(score=score, covered=covered, missed=missed, matches=matches, spans=spans)


# --- text -----------------------------------------------------------------------------

# Where a clause ends: . , ; : ! ? before a space or the end ("sts:AssumeRole", "99.99"
# and "G.1X" stay whole), and brackets, bars, bullets and line breaks anywhere.
_BREAK_RE = re.compile(r"[.,;:!?]+(?=\s|$)|[()\[\]{}|\n\r\u2022\u00b7]")
# A token: a number ("99.99", "1,000") unless a letter follows it, otherwise a run of
# letters and digits ("S3", "EC2", "client's").
_TOKEN_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)*(?![^\W_])|[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")

# Words that may not fill the one-word gap allowed inside a phrase.
_NO_GAP_WORDS = frozenset(
    {"and", "or", "nor", "but", "not", "no", "never", "without", "vs", "versus", "than", "instead"}
)

_FUZZY_MIN_LENGTH = 6
_FUZZY_TWO_EDITS_LENGTH = 10


def _clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of text between clause breaks."""
    start = 0
    for brk in _BREAK_RE.finditer(text):
        if brk.start() > start:
            yield start, brk.start()
        start = brk.end()
    if start < len(text):
        yield start, len(text)


def _normalize(token: str) -> str:
    if token.isascii():
        return token.lower().translate(_APOSTROPHES).replace(",", "")
    return unicodedata.normalize("NFKC", token).casefold().translate(_APOSTROPHES).replace(",", "")


def _is_number(token: str) -> bool:
    return token[0].isdigit() and token.replace(",", "").replace(".", "").isdigit()


_local = threading.local()
_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_LIMIT = 100_000


def _stem(word: str) -> str:
    """The Snowball English stem of a lower-case word (cached for the process)."""
    stem = _STEM_CACHE.get(word)
    if stem is None:
        stemmer = getattr(_local, "stemmer", None)
        if stemmer is None:  # a stemmer keeps state while it works: one per thread
            stemmer = _local.stemmer = snowballstemmer.stemmer("english")
        stem = stemmer.stemWord(word)
        if len(_STEM_CACHE) >= _STEM_CACHE_LIMIT:
            _STEM_CACHE.clear()
        _STEM_CACHE[word] = stem
    return stem


def _within(a: str, b: str, limit: int, *, prefix: bool = False) -> bool:
    """Whether a and b are at most ``limit`` edits apart (Damerau: adjacent swaps count 1).

    With ``prefix``, whether a is at most ``limit`` edits from some beginning of b. The
    common beginning (and end) is set aside first; then only cells within ``limit`` of
    the diagonal are computed, and the work stops once a whole row is over the limit.
    """
    if prefix:
        b = b[: len(a) + limit]
    elif abs(len(a) - len(b)) > limit:
        return False
    if a == b:
        return True
    start = 0
    shorter = min(len(a), len(b))
    while start < shorter and a[start] == b[start]:
        start += 1
    end = 0
    if not prefix:
        while end < shorter - start and a[-1 - end] == b[-1 - end]:
            end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    len_a, len_b = len(a), len(b)
    if not len_a:
        return prefix or len_b <= limit
    if not len_b:
        return len_a <= limit
    over = limit + 1
    before: list[int] = []
    previous = [j if j <= limit else over for j in range(len_b + 1)]
    for i in range(1, len_a + 1):
        current = [over] * (len_b + 1)
        if i <= limit:
            current[0] = i
        best = current[0]
        char_a = a[i - 1]
        for j in range(max(1, i - limit), min(len_b, i + limit) + 1):
            char_b = b[j - 1]
            value = previous[j - 1] if char_a == char_b else previous[j - 1] + 1
            step = previous[j] + 1
            if step < value:
                value = step
            step = current[j - 1] + 1
            if step < value:
                value = step
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                step = before[j - 2] + 1
                if step < value:
                    value = step
            if value > over:
                value = over
            current[j] = value
            if value < best:
                best = value
        if best > limit:
            return False
        before, previous = previous, current
    if prefix:
        return min(previous[max(0, len_a - limit) :]) <= limit
    return previous[len_b] <= limit


def _letters(word: str) -> int:
    """A bit set of the letters of a word (one edit changes at most two bits)."""
    bits = 0
    for char in word:
        bits |= 1 << (ord(char) & 63)
    return bits


# --- talking points -------------------------------------------------------------------

_WORD = 0  # stemmed; long words forgive typos
_EXACT = 1  # abbreviations and codes with digits: the whole token, plural "s" allowed
_NUMBER = 2  # the whole token


@dataclass(frozen=True)
class _Token:
    """One word of a talking point, ready to be looked up in an answer."""

    text: str  # lower case, as written (an abbreviation without its plural "s")
    stem: str
    kind: int
    edits: int  # typos forgiven


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[_Token, ...]
    # For each token but the last: whether the talking point has a clause break after
    # it, so that the answer may have one there too.
    breaks: tuple[bool, ...]


def _token(written: str) -> _Token:
    text = _normalize(written)
    if _is_number(written):
        return _Token(text, text, _NUMBER, 0)
    plural = len(written) > 2 and written.endswith("s") and written[:-1].isupper()
    core = written[:-1] if plural else written
    if (core.isupper() and sum(c.isalpha() for c in core) >= 2) or any(c.isdigit() for c in core):
        exact = _normalize(core)
        return _Token(exact, exact, _EXACT, 0)
    edits = 0
    if text.isalpha():
        if len(text) >= _FUZZY_TWO_EDITS_LENGTH:
            edits = 2
        elif len(text) >= _FUZZY_MIN_LENGTH:
            edits = 1
    return _Token(text, _stem(text), _WORD, edits)


@lru_cache(maxsize=4096)
def _compile_phrase(phrase: str) -> _Phrase:
    tokens: list[_Token] = []
    breaks: list[bool] = []
    for start, end in _clauses(phrase):
        if tokens and breaks:
            breaks[-1] = True
        for written in _TOKEN_RE.findall(phrase, start, end):
            tokens.append(_token(written))
            breaks.append(False)
    return _Phrase(tuple(tokens), tuple(breaks[:-1]))


def _alternatives(point: Any) -> tuple[str, list[str]]:
    """The term of a talking point and every phrase that counts as mentioning it."""
    if isinstance(point, str):
        return point, [point]
    if not isinstance(point, Mapping):
        return str(point), []
    term = point.get("term")
    term = term if isinstance(term, str) else ""
    synonyms = point.get("synonyms") or []
    if isinstance(synonyms, str):
        synonyms = [synonyms]
    elif not isinstance(synonyms, list | tuple):
        synonyms = []
    return term, [term, *(s for s in synonyms if isinstance(s, str))]


# --- the answer -----------------------------------------------------------------------


class _Answer:
    """An answer cut into tokens once, with the lookups that phrases are matched with."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ids: list[int] = []  # per position: the id of its word
        self.clauses: list[int] = []  # per position: the clause it is in
        self.clause_spans: list[tuple[int, int]] = []  # per clause: its characters
        self.clause_starts: list[int] = []  # per clause: its first position
        self.words: list[str] = []  # per id: the word, normalized
        self.positions: list[list[int]] = []  # per id: where the word occurs
        self.ids_of: dict[str, int] = {}
        ids_of_written: dict[str, int] = {}
        for start, end in _clauses(text):
            tokens = _TOKEN_RE.findall(text, start, end)
            if not tokens:
                continue
            clause = len(self.clause_spans)
            self.clause_spans.append((start, end))
            self.clause_starts.append(len(self.ids))
            position = len(self.ids)
            for written in tokens:
                word_id = ids_of_written.get(written)
                if word_id is None:
                    word = _normalize(written)
                    word_id = self.ids_of.get(word)
                    if word_id is None:
                        word_id = self.ids_of[word] = len(self.words)
                        self.words.append(word)
                        self.positions.append([])
                    ids_of_written[written] = word_id
                self.positions[word_id].append(position)
                position += 1
            self.ids.extend(ids_of_written[written] for written in tokens)
            self.clauses.extend([clause] * len(tokens))
        # Words by their first letter and by their first two. A Snowball stem begins with
        # all but the last two letters of its word, so only a handful of words ever need
        # stemming to find those with a given stem.
        self.by_initial: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[int]] = {}
        for word_id, word in enumerate(self.words):
            if word.isalpha():
                self.by_initial.setdefault(word[0], []).append(word_id)
                self.by_prefix.setdefault(word[:2], []).append(word_id)
        self._ids_with_stem: dict[str, frozenset[int]] = {}
        self._ids_for: dict[_Token, frozenset[int]] = {}
        self._splits: dict[_Token, frozenset[int]] = {}
        self._letters: dict[int, int] = {}
        self._following: dict[int, dict[int, list[int]]] = {}

    # Which words count as one word of a talking point.

    def ids_for(self, token: _Token) -> frozenset[int]:
        found = self._ids_for.get(token)
        if found is None:
            if token.kind == _WORD:
                found = self.ids_with_stem(token.stem)
                if token.edits:
                    found |= self._near_misses(token)
            elif token.kind == _EXACT:
                found = self._exact(token.text, token.text + "s")
            else:
                found = self._exact(token.text)
            self._ids_for[token] = found
        return found

    def _exact(self, *words: str) -> frozenset[int]:
        return frozenset(self.ids_of[word] for word in words if word in self.ids_of)

    def ids_with_stem(self, stem: str) -> frozenset[int]:
        found = self._ids_with_stem.get(stem)
        if found is None:
            head = stem[: max(2, len(stem) - 2)]
            found = frozenset(
                word_id
                for word_id in self.by_prefix.get(stem[:2], ())
                if self.words[word_id].startswith(head) and _stem(self.words[word_id]) == stem
            )
            self._ids_with_stem[stem] = found
        return found

    def _near_misses(self, token: _Token) -> frozenset[int]:
        """Ids of words a typo or two away from a word of a talking point."""
        edits, text, stem = token.edits, token.text, token.stem
        shortest = min(len(text), len(stem)) - edits
        longest = max(len(text), len(stem)) + 6  # room for an inflection ("-ations")
        text_letters, stem_letters = _letters(text), _letters(stem)
        found = set()
        for word_id in self.by_initial.get(text[0], ()):
            word = self.words[word_id]
            if not shortest <= len(word) <= longest:
                continue
            letters = self._letters.get(word_id)
            if letters is None:
                letters = self._letters[word_id] = _letters(word)
            if (
                word[-1] == text[-1]
                and (text_letters ^ letters).bit_count() <= 2 * edits
                and _within(text, word, edits)
            ):
                found.add(word_id)
            elif (stem_letters & ~letters).bit_count() <= edits + 1 and _within(
                # A stem is the beginning of its word, give or take its last letter or two,
                # so a word whose stem is near the term's begins with something near it.
                stem,
                word,
                edits,
                prefix=True,
            ):
                word_stem = _stem(word)
                if word_stem[-1] == stem[-1] and _within(stem, word_stem, edits):
                    found.add(word_id)
        return frozenset(found)

    def joined_ids(self, first: _Token, second: _Token) -> frozenset[int]:
        """Ids of single words that spell two words of a phrase ("MultiAZ")."""
        joined = first.text + second.text
        if first.kind == _WORD and second.kind == _WORD:
            return self.ids_with_stem(_stem(joined))
        return self._exact(joined, joined + "s")

    def split_starts(self, token: _Token) -> frozenset[int]:
        """Positions where two neighbouring words spell one word of a phrase ("auto
        scaling" for "autoscaling")."""
        found = self._splits.get(token)
        if found is not None:
            return found
        positions: set[int] = set()
        text, stem = token.text, token.stem
        stem_head = stem[: max(2, len(stem) - 2)]
        for cut in range(1, len(text) if token.kind != _NUMBER else 0):
            head_id = self.ids_of.get(text[:cut])
            if head_id is None:
                continue
            for next_id, where in self._followers(head_id).items():
                joined = text[:cut] + self.words[next_id]
                if token.kind == _EXACT:
                    if joined in (text, text + "s"):
                        positions.update(where)
                elif joined.startswith(stem_head) and joined.isalpha() and _stem(joined) == stem:
                    positions.update(where)
        found = self._splits[token] = frozenset(positions)
        return found

    def _followers(self, word_id: int) -> dict[int, list[int]]:
        """For each word that follows this one in a clause, the positions of this one."""
        found = self._following.get(word_id)
        if found is None:
            found = self._following[word_id] = {}
            ids, clauses = self.ids, self.clauses
            for position in self.positions[word_id]:
                following = position + 1
                if following < len(ids) and clauses[following] == clauses[position]:
                    found.setdefault(ids[following], []).append(position)
        return found

    # Phrases.

    def find(
        self, phrase: _Phrase, accept: Callable[[int, int], bool] | None = None
    ) -> tuple[int, int] | None:
        """The first and last position of the first mention of a phrase, if any.

        With ``accept``, the first mention for which ``accept(first, last)`` is true.
        """
        tokens, breaks = phrase.tokens, phrase.breaks
        count = len(tokens)
        if not count:
            return None
        singles = [self.ids_for(token) for token in tokens]
        pairs = [self.joined_ids(tokens[j], tokens[j + 1]) for j in range(count - 1)]
        splits = [self.split_starts(token) for token in tokens]
        ids, clauses, total = self.ids, self.clauses, len(self.ids)

        def steps(j: int, position: int) -> Iterator[tuple[int, int]]:
            """Each (next token, next position) reached by matching token j here."""
            if ids[position] in singles[j]:
                yield j + 1, position + 1
            if j + 1 < count and ids[position] in pairs[j]:
                yield j + 2, position + 1
            if position in splits[j]:
                yield j + 1, position + 2

        starts = set(splits[0])
        for word_id in singles[0].union(*pairs[:1]):
            starts.update(self.positions[word_id])
        if count > 1:
            # Where any later word of the phrase could be: a start with none of them in
            # reach is not worth following.
            later = set().union(*splits[1:])
            for word_id in frozenset().union(*singles[1:], *pairs[1:]):
                later.update(self.positions[word_id])
            starts = {
                start
                for start in starts
                if not later.isdisjoint(range(start + 1, start + 4))
                or (count == 2 and ids[start] in pairs[0])
            }
        for start in sorted(starts):
            stack = list(steps(0, start))
            seen = set(stack)
            while stack:
                j, position = stack.pop()
                if j == count:
                    if accept is None or accept(start, position - 1):
                        return start, position - 1
                    continue
                clause = None if breaks[j - 1] else clauses[position - 1]
                for here in (position, position + 1):
                    if here >= total or (clause is not None and clauses[here] != clause):
                        break
                    if here > position and self.words[ids[position]] in _NO_GAP_WORDS:
                        break
                    for state in steps(j, here):
                        if state not in seen:
                            seen.add(state)
                            stack.append(state)
        return None

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The characters of the answer from the token at one position to another."""
        return self._token_span(first)[0], self._token_span(last)[1]

    def _token_span(self, position: int) -> tuple[int, int]:
        clause = self.clauses[position]
        start, end = self.clause_spans[clause]
        tokens = _TOKEN_RE.finditer(self.text, start, end)
        for _ in range(position - self.clause_starts[clause]):
            next(tokens)
        return next(tokens).span()


# The names the scorer (questions/scoring.py) builds on.
AnswerText = _Answer
compile_phrase = _compile_phrase
alternatives = _alternatives
stem = _stem
