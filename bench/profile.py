"""`make bench BENCH_ARGS=--profile`: where each page's time goes, in one process.

Run by bench/run.py with the bench's environment (production settings, the bench
database, Redis) and the plan of bench/seed.py on stdin. Every page is requested through
Django's test client: first a few unmeasured requests (caches fill as in the load test's
warm-up), then timed requests with the SQL time summed by an execute wrapper, then the
same requests under cProfile, whose cumulative times are grouped into the stages of a
request (session, user, queries, view, template rendering, Markdown, CSP, scoring).
Prints a table per page and the functions with the most own time; writes JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent

# A stage is the cumulative time of the functions named here (file fragment, function
# name); a function that calls another stage's function includes its time (the view
# includes the template, which includes queries made while rendering).
STAGES: dict[str, list[tuple[str, str]]] = {
    "middleware and view": [("django/core/handlers/base.py", "_get_response")],
    "view": [("questions/views/", ""), ("accounts/views.py", "")],
    "template rendering": [("django/template/backends/django.py", "render")],
    "session load": [("django/contrib/sessions/backends/", "load")],
    "user load": [("django/contrib/auth/__init__.py", "get_user")],
    "Markdown": [("questions/rendering.py", "render_markdown")],
    "answer scoring": [("questions/scoring.py", "score_answer")],
    "CSP header": [("csp/middleware.py", "process_response")],
    "messages": [("django/contrib/messages/storage/", "_get")],
}


def _sender(request: dict):
    from django.test import Client

    from bench.seed import client_environ

    client = Client(raise_request_exception=True)
    extra = client_environ(request)
    counter = iter(range(10**9))

    def send():
        if request["method"] == "POST":
            body = request["body"].replace("__N__", f"profiled-{next(counter)}")
            return client.post(
                request["path"], body, content_type="application/x-www-form-urlencoded", **extra
            )
        return client.get(request["path"], **extra)

    return send


def _stage_times(stats: pstats.Stats, requests: int) -> dict[str, float]:
    """Milliseconds per request in each stage, from cumulative times."""
    totals = dict.fromkeys(STAGES, 0.0)
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, callers) in stats.stats.items():
        for stage, patterns in STAGES.items():
            for fragment, name in patterns:
                if fragment in filename and (not name or function == name):
                    # Count only outermost calls: skip calls from a function of the same stage.
                    outer = sum(
                        caller_stats[3]
                        for caller, caller_stats in callers.items()
                        if not any(
                            f in caller[0] and (not n or caller[2] == n) for f, n in patterns
                        )
                    )
                    totals[stage] += outer if callers else cumulative
                    break
    return {stage: 1000 * seconds / requests for stage, seconds in totals.items()}


def profile_page(page: dict, *, repeat: int, top: int) -> dict:
    from django.db import connection

    request = page["requests"][0]
    send = _sender(request)
    for _ in range(3):
        response = send()
    status = response.status_code

    sql_seconds = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds.append(time.perf_counter() - started)

    wall = []
    sql_per_request = []
    queries = []
    with connection.execute_wrapper(timed):
        for _ in range(repeat):
            sql_seconds.clear()
            started = time.perf_counter()
            send()
            wall.append(time.perf_counter() - started)
            sql_per_request.append(sum(sql_seconds))
            queries.append(len(sql_seconds))

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        send()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stages = _stage_times(stats, repeat)
    profiled_ms = 1000 * stats.total_tt / repeat

    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(top)
    hot = [
        line.rstrip()
        for line in out.getvalue().splitlines()
        if line.strip() and line.lstrip()[:1].isdigit()
    ]
    return {
        "name": page["name"],
        "path": request["path"],
        "status": status,
        "median_ms": round(1000 * statistics.median(wall), 2),
        "sql_ms": round(1000 * statistics.median(sql_per_request), 2),
        "queries": statistics.median(queries),
        "profiled_ms": round(profiled_ms, 2),
        "stages_ms": {stage: round(ms, 2) for stage, ms in stages.items()},
        "hot": hot[-top:],
    }


def report(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        lines.append(
            f"\n{row['name']}  {row['path']}  ({row['status']}): median {row['median_ms']} ms, "
            f"SQL {row['sql_ms']} ms in {row['queries']:g} queries; "
            f"under the profiler {row['profiled_ms']} ms"
        )
        for stage, ms in row["stages_ms"].items():
            if ms >= 0.05:
                lines.append(f"    {stage:<22} {ms:8.2f} ms")
        lines.append("    most own time (calls, tottime, percall, cumtime, percall, function):")
        lines.extend(f"      {line.strip()}" for line in row["hot"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--top", type=int, default=12, help="functions listed per page")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "profile.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    django.setup()
    from questions.semantics import warm_up

    warm_up()
    plan = json.load(sys.stdin)
    rows = [
        profile_page(page, repeat=args.repeat, top=args.top)
        for page in plan["pages"]
        if not args.only or page["baseline"] or page["name"] in args.only
    ]
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"database": plan["database"], "pages": rows}, indent=2) + "\n")
    print(report(rows))
    print(f"\nresults: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
