"""The `make bench` harness: its load generator, its verdicts, and a smoke run of the whole
thing (throwaway SQLite database, real gunicorn, 2 clients) so it does not rot."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.load import Measurement, Request, measure
from bench.pages import PAGES
from bench.run import summarise, table

ROOT = Path(__file__).resolve().parents[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, bytes]] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, body))
        self.do_GET()

    def do_GET(self):  # noqa: N802
        status = 500 if self.path == "/fail" else 200
        body = b"hello"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_load_generator_counts_requests_and_latencies(http_server):
    result = measure(
        host="127.0.0.1", port=http_server, requests=[Request("GET", "/ok")], clients=2, seconds=0.3
    )

    assert result.requests > 10
    assert result.errors == 0
    assert len(result.latencies) == result.requests
    assert 0 < result.percentile_ms(50) <= result.percentile_ms(95) <= result.percentile_ms(99)
    assert result.throughput == pytest.approx(result.requests / result.seconds)


def test_the_load_generator_counts_unexpected_statuses_as_errors(http_server):
    result = measure(
        host="127.0.0.1",
        port=http_server,
        requests=[Request("GET", "/fail")],
        clients=2,
        seconds=0.2,
    )

    assert result.errors == result.requests > 0
    assert result.error_samples == ["HTTP 500"]


def test_the_load_generator_counts_refused_connections_as_errors():
    result = measure(
        host="127.0.0.1", port=1, requests=[Request("GET", "/")], clients=1, seconds=0.1
    )

    assert result.requests == 0
    assert result.errors > 0


def test_each_client_sends_its_own_request_with_a_fresh_body(http_server):
    Handler.seen.clear()
    requests = [Request("POST", f"/user/{n}", body=b"answer=draft __N__") for n in (1, 2)]

    result = measure(host="127.0.0.1", port=http_server, requests=requests, clients=2, seconds=0.2)

    assert result.errors == 0
    assert {path for path, _ in Handler.seen} == {"/user/1", "/user/2"}
    bodies = [body for path, body in Handler.seen if path == "/user/1"]
    assert bodies[:2] == [b"answer=draft 1", b"answer=draft 2"]


def page_plan(**overrides) -> dict:
    plan = {
        "name": "history",
        "requests": [{"method": "GET", "path": "/history/"}],
        "min_ratio": 0.2,
        "max_p95_ms": 100.0,
        "queries": {"few_attempts": 5, "many_attempts": 5},
    }
    plan.update(overrides)
    return plan


def measurement(*, requests: int, latency: float, errors: int = 0) -> Measurement:
    return Measurement(
        requests=requests,
        errors=errors,
        seconds=1.0,
        latencies=[latency] * requests,
        error_samples=[],
    )


def test_a_page_within_the_bars_has_no_misses():
    row = summarise(page_plan(), measurement(requests=300, latency=0.02), baseline_rps=1000)

    assert row["ratio_to_bare"] == 0.3
    assert row["misses"] == []


def test_a_slow_page_misses_its_bars():
    row = summarise(page_plan(), measurement(requests=100, latency=0.2), baseline_rps=1000)

    assert row["misses"] == ["ratio 0.10 < 0.20", "p95 200.0 ms > 100 ms"]


def test_a_query_count_that_grows_with_data_is_a_miss():
    plan = page_plan(queries={"few_attempts": 5, "many_attempts": 505})

    row = summarise(plan, measurement(requests=500, latency=0.01), baseline_rps=1000)

    assert row["misses"] == ["queries grow with data (5 -> 505)"]


def test_the_table_shows_every_page():
    rows = [
        {
            **summarise(page_plan(name=name), measurement(requests=9, latency=0.01), 10),
            "judged": True,
        }
        for name in ("home", "history")
    ]

    text = table(rows)

    assert "home" in text and "history" in text
    assert "req/s" in text and "p95 ms" in text


def test_the_bench_measures_a_bare_view_first():
    assert PAGES[0].baseline
    assert [page for page in PAGES if page.baseline] == [PAGES[0]]


def test_a_smoke_run_of_the_whole_bench_on_two_app_servers_succeeds(tmp_path):
    output = tmp_path / "latest.json"

    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--servers", "2", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(output.read_text())
    assert [row["name"] for row in report["pages"]] == [page.name for page in PAGES]
    for row in report["pages"]:
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert row["p95_ms"] > 0
        assert row["queries"]["many_attempts"] >= 0
    assert report["setup"]["smoke"] is True
    assert report["setup"]["servers"] == 2
    assert report["setup"]["database"].startswith("SQLite")
    assert "bare view (healthz)" in result.stdout
    assert (tmp_path / "gunicorn.log").read_text().count("== gunicorn ") == 2


def test_a_smoke_profile_names_the_stages_of_every_page(tmp_path):
    output = tmp_path / "latest.json"

    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--profile", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    profile = json.loads((tmp_path / "profile.json").read_text())
    assert [row["name"] for row in profile["pages"]] == [page.name for page in PAGES]
    for row in profile["pages"]:
        assert row["status"] == 200, row
        assert row["median_ms"] > 0
    assert "middleware and view" in result.stdout


@pytest.mark.postgres
def test_a_crowd_is_seeded_and_every_query_explained_on_postgresql(tmp_path):
    from urllib.parse import urlsplit

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the crowd and the query plans need PostgreSQL (DATABASE_URL)")
    url = os.environ["DATABASE_URL"]
    bench_url = urlsplit(url)._replace(path=f"/{database['NAME']}_crowd_bench").geturl()
    output = tmp_path / "latest.json"

    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--database-url", bench_url, "--redis-url", "",
         "--crowd", "30:300", "--attempts", "20", "--explain", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip

    drop_database(bench_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"users": 30, "attempts": 300' in result.stderr
    plans = json.loads((tmp_path / "explain.json").read_text())
    assert [row["name"] for row in plans] == [page.name for page in PAGES if not page.baseline]
    for row in plans:
        assert all("execution_ms" in query for query in row["queries"] if query["explained"])


def drop_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        name = sql.Identifier(parts.path.lstrip("/"))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
