"""`make bench BENCH_ARGS="--reuse --explain"`: the query plans of every page, on PostgreSQL.

Run by bench/run.py with the bench's environment and plan (stdin). Each page is
requested once as the bench user with the page cache off, its queries are captured, and
every SELECT is run again under ``EXPLAIN (ANALYZE, BUFFERS)``. Prints, per query, its
execution time, the rows it read and whether any table was read whole (a sequential
scan), so a missing index shows at once. Writes the plans as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def _walk(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _walk(child)


def explain_page(page: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.profile import _sender

    request = page["requests"][0]
    send = _sender(request)
    with override_settings(PAGE_CACHE=False):
        send()  # warm the other caches as a second visit would
        with CaptureQueriesContext(connection) as captured:
            send()
    queries = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                queries.append({"sql": sql[:160], "explained": False})
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            (result,) = cursor.fetchone()
            plan = (result if isinstance(result, list) else json.loads(result))[0]
            nodes = list(_walk(plan["Plan"]))
            queries.append(
                {
                    "sql": sql[:160],
                    "explained": True,
                    "execution_ms": plan["Execution Time"],
                    "rows_read": sum(node.get("Actual Rows", 0) for node in nodes),
                    "sequential_scans": sorted(
                        {node["Relation Name"] for node in nodes if node["Node Type"] == "Seq Scan"}
                    ),
                    "indexes": sorted(
                        {node["Index Name"] for node in nodes if "Index Name" in node}
                    ),
                }
            )
    return {"name": page["name"], "path": request["path"], "queries": queries}


def report(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        total = sum(query.get("execution_ms", 0) for query in row["queries"])
        lines.append(
            f"\n{row['name']}  {row['path']}: {len(row['queries'])} queries, {total:.1f} ms"
        )
        for query in row["queries"]:
            if not query["explained"]:
                lines.append(f"    (not a SELECT) {query['sql'][:90]}")
                continue
            scans = ", ".join(query["sequential_scans"]) or "-"
            lines.append(
                f"    {query['execution_ms']:7.2f} ms  rows {query['rows_read']:>7}  "
                f"seq scan: {scans:<24} {query['sql'][:70]}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "explain.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench: --explain reads PostgreSQL's plans")
    plan = json.load(sys.stdin)
    rows = [explain_page(page) for page in plan["pages"] if not page["baseline"]]
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(rows, indent=2) + "\n")
    print(report(rows))
    print(f"\nplans: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
