"""Scores remembered: scoring is a pure function of the answer, the talking points, the
prompt and the model answer, so its result is cached under a digest of exactly those and
the scorer's version (``SCORING_VERSION``). Submitting an answer scores it once; showing
its feedback again, in any process, reads the result. An entry can never be stale: other
inputs make another key."""

import hashlib
import json

from django.core.cache import cache

from questions.scoring import SCORING_VERSION, Coverage, score_answer

TIMEOUT = 24 * 60 * 60


def coverage_key(answer: str, points: list, *, prompt: str, model_answer: str) -> str:
    inputs = json.dumps([answer, points, prompt, model_answer], sort_keys=True)
    digest = hashlib.blake2b(inputs.encode(), digest_size=20).hexdigest()
    return f"coverage{SCORING_VERSION}:{digest}"


def scored(answer: str, points: list, *, prompt: str = "", model_answer: str = "") -> Coverage:
    """``score_answer`` of these inputs, from the cache when they were scored before."""
    key = coverage_key(answer, points, prompt=prompt, model_answer=model_answer)
    coverage = cache.get(key)
    if coverage is None:
        coverage = score_answer(answer, points, prompt=prompt, model_answer=model_answer)
        cache.set(key, coverage, TIMEOUT)
    return coverage
