"""`make bench`: throughput and latency of the main pages, beside a bare Django view.

Sets up a bench database (PostgreSQL by default; dropped and recreated on every run),
imports the question bank, seeds a user with 5,000 attempts, starts gunicorn with
production settings and measures every page of bench/pages.py with concurrent
keep-alive clients. Prints a table, writes bench/results/latest.json, and exits
non-zero if any request failed (1) or a quality bar was missed (2).
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import Measurement, Request, measure  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/interviewprep_bench"
# Production on PostgreSQL runs with Redis for the cache and sessions (docs/deploy.md).
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure the main pages beside a bare Django view (docs/performance.md)."
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="bench database; its name must end in _bench, it is dropped and recreated "
        "(default: %(default)s, or BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="Redis for the cache and sessions, as in production; this database is emptied "
        "first and must not be number 0; an empty value runs without Redis (default: "
        "%(default)s, or BENCH_REDIS_URL)",
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per page")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time per page")
    parser.add_argument("--attempts", type=int, default=5000, help="attempts of the bench user")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)),
        help="gunicorn workers (default: WEB_CONCURRENCY or 2 x cores + 1)",
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="app servers: gunicorn instances sharing the database and Redis, each with "
        "--workers workers; the clients are spread over them (default: %(default)s)",
    )
    parser.add_argument("--bank-file", default="fixtures/aws.json", help="question bank to load")
    parser.add_argument("--bank", default="aws", help="slug of the bank in --bank-file")
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "latest.json"), help="JSON results"
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="measure only these pages"
    )
    parser.add_argument("--no-bars", action="store_true", help="report, do not judge, the bars")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of the load test, profile each page in one process and print where "
        "its time goes (bench/profile.py)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="instead of the load test, print PostgreSQL's plan of every query of each page "
        "(bench/explain.py)",
    )
    parser.add_argument(
        "--crowd",
        metavar="USERS:ATTEMPTS",
        help="before the bench users, seed USERS other users sharing ATTEMPTS attempts "
        "(bench/crowd.py; PostgreSQL), e.g. 10000:1000000",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="keep the bench database of the previous run (its bank and crowd) and seed "
        "only the bench users again, with --attempts",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the bench database, Redis and data of the previous run (its plan is in "
        "bench/results/plan.json) instead of preparing them again",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a seconds-long run on a throwaway SQLite database with 2 clients, to check the "
        "harness itself; no quality bars",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.seconds, args.warmup = 2, 0.3, 0.1
        args.attempts, args.workers, args.no_bars = 40, 1, True
        args.redis_url = ""
    return args


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"bench: refusing to drop {name!r}: the bench database ends in _bench")
    maintenance = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"bench: cannot reach PostgreSQL at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
            "Start it (e.g. pg_ctlcluster --skip-systemctl-redirect 15 main start) or pass "
            "--database-url / BENCH_DATABASE_URL."
        ) from None


def empty_redis(url: str) -> None:
    """Empty the bench's Redis database, so no cache entry outlives the bench database."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    database = client.connection_pool.connection_kwargs.get("db", 0)
    if int(database) == 0:
        raise SystemExit(
            "bench: refusing to empty Redis database 0; give the bench its own, e.g. "
            f"--redis-url {DEFAULT_REDIS_URL}"
        )
    try:
        client.flushdb()
    except redis.RedisError as exc:
        raise SystemExit(
            f"bench: cannot reach Redis at {url} ({exc}).\n"
            "Start it, pass another --redis-url / BENCH_REDIS_URL, or --redis-url '' to run "
            "without Redis."
        ) from None
    finally:
        client.close()


def production_env(*, database_url: str, static_root: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECURE_")}
    env.update(
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: the TLS switches belong to the proxy in front.
        SECURE_SSL="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="interviewprep.settings",
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *command: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench: manage.py {' '.join(command)} failed:\n{result.stderr}")


def seed(env: dict[str, str], *, attempts: int, bank: str, clients: int) -> dict:
    command = ["--attempts", str(attempts), "--bank", bank, "--clients", str(clients)]
    result = subprocess.run(
        [sys.executable, "-m", "bench.seed", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench: seeding failed:\n{result.stderr}")
    return json.loads(result.stdout)


def seed_crowd(env: dict[str, str], spec: str, *, bank: str) -> dict:
    users, _, attempts = spec.partition(":")
    log(f"seeding a crowd of {users} users with {attempts} attempts")
    result = subprocess.run(
        [sys.executable, "-m", "bench.crowd", "--users", users, "--attempts", attempts]
        + ["--bank", bank],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit("bench: seeding the crowd failed")
    return json.loads(result.stdout)


def start_gunicorn(env: dict[str, str], *, port: int, workers: int, log_path: Path):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [
            gunicorn,
            "interviewprep.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--forwarded-allow-ips=127.0.0.1",
            # Masters running side by side would share one control socket path.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited:\n{log_path.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return process, log_file
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    process.terminate()
    raise SystemExit("bench: gunicorn did not answer within 60 s")


def in_process(
    module: str, env: dict[str, str], plan: dict, pages: list[dict], output: Path
) -> int:
    """Run bench/profile.py or bench/explain.py on the pages, in one process of their own."""
    log(f"{module}: {len(pages)} pages in one process")
    result = subprocess.run(
        [sys.executable, "-m", module, "--output", str(output)],
        cwd=ROOT,
        env=env,
        input=json.dumps({**plan, "pages": pages}),
        text=True,
        check=False,
    )
    return result.returncode


def summarise(page: dict, result: Measurement, baseline_rps: float | None) -> dict:
    ratio = result.throughput / baseline_rps if baseline_rps else None
    p95 = result.percentile_ms(95)
    misses = []
    if result.errors:
        misses.append(f"{result.errors} errors")
    if page["min_ratio"] is not None and ratio is not None and ratio < page["min_ratio"]:
        misses.append(f"ratio {ratio:.2f} < {page['min_ratio']:.2f}")
    if page["max_p95_ms"] is not None and p95 > page["max_p95_ms"]:
        misses.append(f"p95 {p95:.1f} ms > {page['max_p95_ms']:.0f} ms")
    queries = page["queries"]
    if queries["few_attempts"] != queries["many_attempts"]:
        misses.append(
            f"queries grow with data ({queries['few_attempts']} -> {queries['many_attempts']})"
        )
    return {
        "name": page["name"],
        "method": page["requests"][0]["method"],
        "path": page["requests"][0]["path"],
        "requests": result.requests,
        "seconds": round(result.seconds, 3),
        "requests_per_second": round(result.throughput, 1),
        "ratio_to_bare": round(ratio, 3) if ratio is not None else None,
        "p50_ms": round(result.percentile_ms(50), 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(result.percentile_ms(99), 2),
        "errors": result.errors,
        "error_samples": result.error_samples,
        "queries": queries,
        "bars": {"min_ratio": page["min_ratio"], "max_p95_ms": page["max_p95_ms"]},
        "misses": misses,
    }


def table(rows: list[dict]) -> str:
    header = (
        f"{'page':<28} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'queries':>8}  verdict"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = "-" if row["ratio_to_bare"] is None else f"{row['ratio_to_bare']:.2f}"
        queries = row["queries"]["many_attempts"]
        verdict = "; ".join(row["misses"]) or "ok"
        if row["misses"] and not row["judged"]:
            verdict += " (not judged)"
        lines.append(
            f"{row['name']:<28} {row['requests_per_second']:>8.1f} {ratio:>6} "
            f"{row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} "
            f"{row['errors']:>6} {queries:>8}  {verdict}"
        )
    return "\n".join(lines)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def run(args: argparse.Namespace) -> int:
    bank_file = (ROOT / args.bank_file).resolve()
    if not bank_file.is_file():
        raise SystemExit(f"bench: the question bank {bank_file} does not exist")
    if not args.smoke and not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: --database-url must be a PostgreSQL URL (or use --smoke)")
    plan_path = Path(args.output).with_name("plan.json")
    if args.reuse and not plan_path.is_file():
        raise SystemExit(f"bench: --reuse needs the plan of a previous run, {plan_path}")
    keep = args.reuse or args.keep_data
    if not args.smoke and not keep:
        recreate_postgres_database(args.database_url)
    if args.redis_url and not args.reuse:
        empty_redis(args.redis_url)
    workdir = Path(tempfile.mkdtemp(prefix="interviewprep-bench-"))
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}" if args.smoke else args.database_url

    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        log(f"the machine is busy (load average {load_before:.2f}): expect lower numbers")
    env = production_env(
        database_url=database_url, static_root=workdir / "static", redis_url=args.redis_url
    )
    if args.reuse:
        # The sessions of the plan are signed with the key of the run that made them.
        env["SECRET_KEY"] = json.loads(plan_path.read_text())["secret_key"]
    server_log = Path(args.output).with_name("gunicorn.log")
    servers: list = []
    try:
        manage(env, "collectstatic", "--noinput")
        if args.reuse:
            log(f"reusing the bench data of {plan_path}")
            plan = json.loads(plan_path.read_text())
        else:
            if not args.keep_data:
                log(f"preparing {urlsplit(database_url).scheme} database and bank")
                manage(env, "migrate", "--noinput")
                manage(env, "import_questions", str(bank_file))
                if args.crowd:
                    crowd = seed_crowd(env, args.crowd, bank=args.bank)
                    log(f"crowd: {json.dumps(crowd)}")
            log(f"seeding a user with {args.attempts} attempts")
            plan = seed(env, attempts=args.attempts, bank=args.bank, clients=args.clients)
            plan_path.parent.mkdir(parents=True, exist_ok=True)
            plan_path.write_text(
                json.dumps({**plan, "secret_key": env["SECRET_KEY"]}, indent=2) + "\n"
            )
        pages = [
            page
            for page in plan["pages"]
            if not args.only or page["baseline"] or page["name"] in args.only
        ]
        if args.profile or args.explain:
            module, name = (
                ("bench.explain", "explain") if args.explain else ("bench.profile", "profile")
            )
            return in_process(module, env, plan, pages, Path(args.output).with_name(f"{name}.json"))

        ports = [args.port or free_port()] + [free_port() for _ in range(args.servers - 1)]
        for number, port in enumerate(ports, start=1):
            log(f"starting gunicorn {number} on 127.0.0.1:{port} with {args.workers} workers")
            servers.append(
                start_gunicorn(
                    env,
                    port=port,
                    workers=args.workers,
                    log_path=workdir / f"gunicorn-{number}.log",
                )
            )

        rows: list[dict] = []
        baseline_rps = None
        for page in pages:
            requests = [
                Request(
                    method=request["method"],
                    path=request["path"],
                    headers=request["headers"],
                    body=request["body"].encode(),
                    expect=tuple(page["expect"]),
                )
                for request in page["requests"]
            ]
            first = page["requests"][0]
            log(f"{page['name']}: {first['method']} {first['path']}")
            for seconds in (args.warmup, args.seconds):
                result = measure(
                    host="127.0.0.1",
                    port=ports,
                    requests=requests,
                    clients=args.clients,
                    seconds=seconds,
                )
            if page["baseline"]:
                baseline_rps = result.throughput
            row = summarise(page, result, baseline_rps)
            row["judged"] = not args.no_bars
            rows.append(row)
    finally:
        for process, _ in servers:
            process.terminate()
        server_log.parent.mkdir(parents=True, exist_ok=True)
        with server_log.open("w") as combined:
            for number, (process, log_file) in enumerate(servers, start=1):
                process.wait(timeout=30)
                log_file.close()
                combined.write(f"== gunicorn {number}\n")
                combined.write((workdir / f"gunicorn-{number}.log").read_text())
        shutil.rmtree(workdir, ignore_errors=True)

    errors = sum(row["errors"] for row in rows)
    misses = [row for row in rows if row["misses"] and row["judged"] and not row["errors"]]
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            **machine(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "setup": {
            "database": plan["database"],
            "django": plan["django"],
            "server": f"{args.servers} x gunicorn, {args.workers} sync workers each, "
            "production settings",
            "servers": args.servers,
            "cache_and_sessions": "Redis (cached_db sessions)"
            if args.redis_url
            else "local memory cache, database sessions",
            "clients": args.clients,
            "seconds_per_page": args.seconds,
            "warmup_seconds": args.warmup,
            "attempts_of_bench_user": args.attempts,
            "smoke": args.smoke,
        },
        "pages": rows,
        "errors": errors,
        "bars_missed": [row["name"] for row in misses],
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")

    print(
        f"\n{report['date']}  {report['machine']['cpu']} ({report['machine']['cores']} cores)  "
        f"{plan['database']}  Django {plan['django']}\n"
        f"{args.clients} clients, {args.seconds:g} s per page, {args.servers} x gunicorn with "
        f"{args.workers} workers, {'Redis' if args.redis_url else 'no Redis'}; bench user with "
        f"{args.attempts} attempts; load average "
        f"{report['machine']['load_average_before']} before, "
        f"{report['machine']['load_average_after']} after\n"
    )
    print(table(rows))
    print(f"\nresults: {output}")
    if errors:
        print(f"FAILED: {errors} requests failed; the server's log: {server_log}")
        return 1
    if misses:
        print(f"quality bars missed by: {', '.join(row['name'] for row in misses)}")
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
