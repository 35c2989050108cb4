"""Answer feedback: how much of each talking point an answer covers, judged by meaning.

Pure Python and numpy, no Django, so a view, a service, a command or a test can call it::

    coverage = score_answer(answer_text, points, prompt=question.prompt)
    coverage.score         # 0–100: the mean credit of the talking points, rounded half up
    coverage.covered       # the points covered (credit ≥ 0.5), in talking-point order
    coverage.missed        # the others, in talking-point order
    coverage.partly        # the missed points the answer touches on (credit ≥ 0.25)
    coverage.contradicted  # the points the answer says the opposite of
    coverage.misplaced     # the points it says of the wrong one of the things compared
    coverage.credits       # term -> its credit, 0.0–1.0
    coverage.spans         # term -> (start, end): the sentence of the answer that covers it
    coverage.matches       # term -> that sentence's text

A talking point is ``{"term": str, "synonyms": [str, ...]}``: a curated term with its
synonyms, or a claim derived from the model answer (questions/talking_points.py). Each
point gets the best credit of its term and synonyms (its *phrases*):

1. **The prompt's words are demoted.** Words the question already says (by stem) are
   taken out of every phrase and out of the answer before anything is compared, so
   restating the question earns nothing. A phrase made only of prompt words counts for
   nothing: the point must be covered by its other phrases.
2. **A mention is full credit.** The lexical matcher (questions/matching.py) finds the
   phrase in the answer: word forms, compounds, abbreviations and typos as it documents.
   A mention right after a negation ("I would not use Multi-AZ") does not count unless
   the phrase is itself negative.
3. **Otherwise meaning earns credit.** Every word of the phrase is aligned with the most
   similar word of the answer, by static word vectors (questions/semantics.py), a word
   with the same stem counting as identical. The alignment (a quadratic mean, so that close
   matches weigh more than loose ones) and the cosine between the phrase and the whole
   answer give a similarity, which is mapped to a credit: nothing below a floor, full
   credit from a top (a claim of the model answer can be partly covered; a curated term
   of a few words needs a close paraphrase).
4. **Opposites are not credit.** When a word of the phrase is missing from the answer and
   its closest word there is its opposite ("synchronous" for "asynchronous", "stateless"
   for "stateful", "public" for "private"), the phrase is contradicted and earns
   nothing. Words after a negation are not aligned either.

What it cannot judge: word order and who does what to whom ("the primary copies to the
replica" and "the replica copies to the primary" align alike), numbers beyond their
spelling, and contradictions said in other words than opposites and negations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from questions import semantics
from questions.binding import point_subjects, subjects_of
from questions.language import NEGATIONS, STOP_WORDS, are_opposites, sentences, stem, words
from questions.matching import AnswerText, alternatives, compile_phrase

__all__ = ["COVERED", "PARTLY", "Coverage", "score_answer"]

COVERED = 0.5  # a point with this credit or more shows as covered
PARTLY = 0.25  # a missed point with this credit or more shows as partly covered

# Similarity (0.75 × alignment + 0.25 × cosine) mapped to credit: nothing at the floor,
# full credit from the top, the square root between (partial coverage of a claim counts
# more than its share of words). A short phrase (a curated term) is either said or not:
# its floor is high, so loose neighbours of its words earn nothing.
CLAIM_FLOOR, CLAIM_FULL = 0.0, 0.85
_CLAIM_EXP = 0.5
TERM_FLOOR, TERM_FULL = 0.50, 0.85
# Raise whenever a change here or in what it calls changes any score: cached results
# (questions/templatetags/interview_format.py) are keyed by it.
SCORING_VERSION = 1
_ALIGNMENT_WEIGHT = 0.75
_POWER = 2  # the alignment's power mean (quadratic)
WORD_BASELINE = 0.15  # the similarity of unrelated words, taken off every word similarity
_NEGATION_REACH = 3  # words after a negation that it negates
CLAIM_WINDOW = 3  # a claim is looked for in this many consecutive sentences of the answer


@dataclass(frozen=True)
class Coverage:
    """The result of scoring one answer against a question's talking points."""

    score: int
    covered: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    partly: list[str] = field(default_factory=list)
    contradicted: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    credits: dict[str, float] = field(default_factory=dict)
    matches: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missed)


def score_answer(
    answer: str,
    talking_points: Sequence[Mapping[str, Any]],
    *,
    prompt: str = "",
    model_answer: str = "",
) -> Coverage:
    """Score an answer against talking points (0–100), not crediting the prompt's words.

    ``talking_points`` is a list of ``{"term": str, "synonyms": [str, ...]}``. The score is
    0 when there are no talking points or the answer has no words. Malformed points (no
    synonyms, a bare string) are accepted; a point with no usable phrase is missed.
    With the ``model_answer``, a point said of the wrong one of the things a question
    compares earns nothing (questions/binding.py).
    """
    points = [alternatives(point) for point in talking_points or ()]
    terms = [term for term, _ in points]
    if not points or not isinstance(answer, str) or not isinstance(prompt, str):
        return Coverage(score=0, missed=terms)
    text = _Answer(answer, prompt, model_answer if isinstance(model_answer, str) else "")
    credits: dict[str, float] = {}
    spans: dict[str, tuple[int, int]] = {}
    contradicted: list[str] = []
    misplaced: list[str] = []
    total = 0.0
    for (term, phrases), point in zip(points, talking_points, strict=True):
        claim = isinstance(point, Mapping) and point.get("claim") is True
        credit, span, opposed, wrong_subject, mentioned = 0.0, None, False, False, False
        if text.words:
            # A claim carries its own subject in its words; a curated term does not.
            owners = frozenset() if claim else text.owners(phrases)
            for phrase in phrases:
                result = text.judge(phrase, claim=claim, owners=owners)
                if result is None:
                    continue
                opposed = opposed or result.opposed
                wrong_subject = wrong_subject or result.misplaced
                mentioned = mentioned or result.mentioned
                if result.credit > credit:
                    credit, span = result.credit, result.span
        if opposed and credit < COVERED:
            credit, span = 0.0, None
            contradicted.append(term)
        elif wrong_subject and not mentioned:
            # Said of the wrong subject in so many words: a paraphrase elsewhere is no excuse.
            credit, span = 0.0, None
            misplaced.append(term)
        total += credit
        credits.setdefault(term, round(credit, 3))
        if span is not None and credit >= PARTLY:
            spans.setdefault(term, span)
    covered = [term for term in terms if credits.get(term, 0) >= COVERED]
    missed = [term for term in terms if credits.get(term, 0) < COVERED]
    partly = [term for term in missed if credits.get(term, 0) >= PARTLY]
    score = int(100 * total / len(points) + 0.5)
    return Coverage(
        score=min(100, score),
        covered=covered,
        missed=missed,
        partly=partly,
        contradicted=contradicted,
        misplaced=misplaced,
        credits=credits,
        matches={term: answer[start:end] for term, (start, end) in spans.items()},
        spans=spans,
    )


@dataclass(frozen=True)
class _Judgement:
    credit: float
    span: tuple[int, int] | None
    opposed: bool = False
    misplaced: bool = False
    mentioned: bool = False  # found by the lexical matcher


class _Answer:
    """An answer prepared once: its sentences, its usable words and their vectors."""

    def __init__(self, text: str, prompt: str, model_answer: str = "") -> None:
        self.text = text
        self.prompt = prompt
        self.model_answer = model_answer
        subjects = subjects_of(model_answer, prompt) if model_answer else None
        # (start, end, subjects) per sentence, when the question compares things.
        self.subject_spans = subjects.sentence_subjects(text) if subjects else []
        self.prompt_stems = frozenset(stem(word) for word in words(prompt))
        self.lexical = AnswerText(text)
        self.sentence_spans: list[tuple[int, int]] = []
        # Per distinct usable word: the word, its stem, the sentences it is in, and
        # whether it only ever comes right after a negation.
        index: dict[str, int] = {}
        self.words: list[str] = []
        self.sentences_of: list[set[int]] = []
        negated_only: list[bool] = []
        for start, end in sentences(text):
            number = len(self.sentence_spans)
            self.sentence_spans.append((start, end))
            since_negation = _NEGATION_REACH + 1
            for word in words(text[start:end]):
                if word in NEGATIONS:
                    since_negation = 0
                    continue
                since_negation += 1
                if word in STOP_WORDS or stem(word) in self.prompt_stems:
                    continue
                negated = since_negation <= _NEGATION_REACH
                at = index.get(word)
                if at is None:
                    at = index[word] = len(self.words)
                    self.words.append(word)
                    self.sentences_of.append(set())
                    negated_only.append(negated)
                elif not negated:
                    negated_only[at] = False
                self.sentences_of[at].add(number)
        self.stems = [stem(word) for word in self.words]
        self.negated_only = np.array(negated_only, dtype=bool)
        self.vectors = semantics.word_vectors(self.words)
        usable = [w for w, neg in zip(self.words, negated_only, strict=True) if not neg]
        self.vector = semantics.text_vector(usable)

    # Lexical mentions.

    def _not_negated(self, first: int, last: int) -> bool:
        """Whether a mention (token positions) has no negation just before it."""
        lexical = self.lexical
        clause = lexical.clauses[first]
        for position in range(max(0, first - _NEGATION_REACH), first):
            if lexical.clauses[position] != clause:
                continue
            if lexical.words[lexical.ids[position]] in NEGATIONS:
                return False
        return True

    def _sentence_of(self, start: int) -> tuple[int, int]:
        for first, last in self.sentence_spans:
            if first <= start < last:
                return first, last
        return start, start

    # Judging a phrase.

    def judge(
        self, phrase: str, *, claim: bool = False, owners: frozenset[int] = frozenset()
    ) -> _Judgement | None:
        """The credit a phrase earns, or None when the prompt gives all of it away."""
        key = list(
            dict.fromkeys(
                word
                for word in words(phrase)
                if word not in STOP_WORDS
                and word not in NEGATIONS
                and stem(word) not in self.prompt_stems
            )
        )
        if not key:
            return None
        negative = any(word in NEGATIONS for word in words(phrase))
        misplaced = False

        def accept(first: int, last: int) -> bool:
            nonlocal misplaced
            if not negative and not self._not_negated(first, last):
                return False
            if owners and not self._about(self.lexical.span(first, last)[0], owners):
                misplaced = True
                return False
            return True

        found = self.lexical.find(compile_phrase(phrase), accept=accept)
        if found is not None:
            start, _ = self.lexical.span(*found)
            return _Judgement(1.0, self._sentence_of(start), mentioned=True)
        if misplaced:
            return _Judgement(0.0, None, misplaced=True)
        return self._semantic(key, negative=negative, claim=claim)

    def owners(self, phrases: list[str]) -> frozenset[int]:
        """The subjects the model answer says a point (any of its phrases) of, when it
        does not say it of all of them (none: no check)."""
        if not self.subject_spans:
            return frozenset()
        found = frozenset().union(
            *(point_subjects(self.model_answer, self.prompt, phrase) for phrase in phrases)
        )
        return (
            found
            if len(found) < len(subjects_of(self.model_answer, self.prompt).names)
            else frozenset()
        )

    def _about(self, start: int, owners: frozenset[int]) -> bool:
        """Whether the sentence at ``start`` is about one of ``owners`` (or about nothing
        that can be told)."""
        for first, last, subjects in self.subject_spans:
            if first <= start < last:
                return not subjects or bool(subjects & owners)
        return True

    def _semantic(self, key: list[str], *, negative: bool, claim: bool) -> _Judgement:
        similarity = semantics.word_vectors(key) @ self.vectors.T
        # Any two words are somewhat alike: only what is above that counts.
        similarity = np.clip((similarity - WORD_BASELINE) / (1 - WORD_BASELINE), 0.0, 1.0)
        key_stems = [stem(word) for word in key]
        for i, key_stem in enumerate(key_stems):
            for j, answer_stem in enumerate(self.stems):
                if key_stem == answer_stem:
                    similarity[i, j] = 1.0
        if not negative:
            similarity[:, self.negated_only] = 0.0
        if claim and len(self.sentence_spans) > CLAIM_WINDOW:
            similarity = self._best_window(similarity)
        best = similarity.argmax(axis=1)
        aligned = np.clip(similarity[np.arange(len(key)), best], 0.0, 1.0)
        for i, word in enumerate(key):
            if aligned[i] < 1.0 and are_opposites(word, self.words[best[i]]):
                return _Judgement(0.0, None, opposed=True)
        alignment = float(np.mean(aligned**_POWER)) ** (1 / _POWER)
        cosine = float(semantics.text_vector(key) @ self.vector)
        value = _ALIGNMENT_WEIGHT * alignment + (1 - _ALIGNMENT_WEIGHT) * max(0.0, cosine)
        if claim:
            credit = max(0.0, (value - CLAIM_FLOOR) / (CLAIM_FULL - CLAIM_FLOOR)) ** _CLAIM_EXP
        else:
            credit = max(0.0, (value - TERM_FLOOR) / (TERM_FULL - TERM_FLOOR))
        credit = min(1.0, credit)
        return _Judgement(credit, self._evidence(best, aligned) if credit > 0 else None)

    def _best_window(self, similarity: np.ndarray) -> np.ndarray:
        """The similarities restricted to the run of sentences that aligns best."""
        columns_of: list[list[int]] = [[] for _ in self.sentence_spans]
        for j, numbers in enumerate(self.sentences_of):
            for number in numbers:
                columns_of[number].append(j)
        best_value, best_mask = -1.0, None
        for first in range(len(self.sentence_spans) - CLAIM_WINDOW + 1):
            mask = np.zeros(len(self.words), dtype=bool)
            for number in range(first, first + CLAIM_WINDOW):
                mask[columns_of[number]] = True
            if not mask.any():
                continue
            value = float(np.mean(np.clip(similarity[:, mask].max(axis=1), 0, 1) ** _POWER))
            if value > best_value:
                best_value, best_mask = value, mask
        if best_mask is None:
            return similarity
        return np.where(best_mask[None, :], similarity, 0.0)

    def _evidence(self, best: np.ndarray, aligned: np.ndarray) -> tuple[int, int]:
        """The sentence holding the most of the phrase's aligned weight."""
        weight: dict[int, float] = {}
        for j, value in zip(best.tolist(), aligned.tolist(), strict=True):
            for number in self.sentences_of[j]:
                weight[number] = weight.get(number, 0.0) + value
        number = max(weight, key=lambda n: (weight[n], -n))
        return self.sentence_spans[number]
