"""Answer-scoring benchmark: latency per submitted answer, model load time and memory.

    .venv/bin/python bench/scoring.py            # or: make bench-scoring

Scores every answer of fixtures/eval/aws-graded.csv twice, as the app does: against the
question's curated talking points and against points derived from its model answer
(what an imported bank without points gets). Each answer is timed on its own, in one
process, after the model is loaded; the figures are per answer.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", default=str(ROOT / "fixtures/eval/aws-graded.csv"))
    parser.add_argument("--bank-file", default=str(ROOT / "fixtures/aws.json"))
    parser.add_argument("--rounds", type=int, default=3, help="times each answer is scored")
    args = parser.parse_args(argv)

    before = rss_mb()
    started = time.perf_counter()
    from questions import semantics
    from questions.scoring import score_answer
    from questions.talking_points import derive_points

    semantics.warm_up()
    load_ms = (time.perf_counter() - started) * 1000
    loaded = rss_mb()

    bank = {q["prompt"]: q for q in json.loads(Path(args.bank_file).read_text())["questions"]}
    with open(args.answers, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    timings: dict[str, list[float]] = {"curated": [], "derived": []}
    for _ in range(args.rounds):
        for row in rows:
            question = bank.get(row["question"])
            curated = question["talking_points"] if question else []
            for kind, points in (("curated", curated), ("derived", None)):
                start = time.perf_counter()
                if points is None:
                    points = derive_points(row["reference"], row["question"])
                score_answer(
                    row["answer"], points, prompt=row["question"], model_answer=row["reference"]
                )
                timings[kind].append((time.perf_counter() - start) * 1000)
    print(
        f"model load: {load_ms:.0f} ms; memory: {before:.0f} MB before, {loaded:.0f} MB "
        f"after loading (+{loaded - before:.0f} MB), {rss_mb():.0f} MB after scoring"
    )
    for kind, values in timings.items():
        print(
            f"{kind:8s} n={len(values)} p50={statistics.median(values):.1f} ms "
            f"p95={percentile(values, 0.95):.1f} ms max={max(values):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
