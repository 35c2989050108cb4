"""Production servers for the tests that need real processes: a throwaway site (database,
collected static files, the AWS bank, users), gunicorn started as `make serve` runs it, and
a client that behaves like a browser behind the TLS proxy.

The database is a SQLite file in the test's folder, or, when DATABASE_URL is PostgreSQL, a
uniquely named PostgreSQL database beside the suite's (dropped afterwards) with Redis for
the cache and sessions, as in production (docs/deploy.md).
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import secrets
import signal
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import dj_database_url
from django.urls import reverse

from bench.run import free_port, start_gunicorn
from tests.interviewprep.test_production_server import VIA_TLS_PROXY
from tests.interviewprep.test_settings_deploy import MANAGE, production_env, run

BANK_FILE = "fixtures/aws.json"
BANK = "aws"
PASSWORD = "correct horse battery staple 42"
ORIGIN = "https://127.0.0.1"
SAVED = ">Saved<"
FEEDBACK = "Answer recorded"
# What a friendly error page says, and what a debug page or a raw error would show.
FRIENDLY_ERROR = "Something went wrong on our side"
ERROR_DETAILS = ("Traceback", "OperationalError", "psycopg", 'File "', "django.db")

# The interviews and attempts of one user, as the database holds them.
RECORD = """
import json
from questions.models import Attempt, MockInterview
owner = {username!r}
print(json.dumps({{
    "interviews": list(
        MockInterview.objects.filter(owner__username=owner).order_by("pk").values("pk", "status")
    ),
    "attempts": list(
        Attempt.objects.filter(owner__username=owner)
        .order_by("interview_id", "position")
        .values("interview_id", "position", "status", "draft", "answer", "timed_out")
    ),
}}))
"""
# Sessions kept in Redis outlive the database unless deleted with it.
FORGET_SESSIONS = """
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
for key in Session.objects.values_list("session_key", flat=True):
    SessionStore(session_key=key).delete()
"""
CREATE_USERS = """
from accounts.models import User
for username in {usernames!r}:
    User.objects.create_user(username, f"{{username}}@example.com", {password!r})
"""


# --- the site -------------------------------------------------------------------------


def on_postgres() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return bool(url) and dj_database_url.parse(url)["ENGINE"] == "django.db.backends.postgresql"


@contextmanager
def throwaway_database(folder: Path, purpose: str) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in ``folder``, or a PostgreSQL
    database named after ``purpose`` (and unique) on DATABASE_URL's server."""
    if not on_postgres():
        yield f"sqlite:///{folder / 'db.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"interviewprep_{purpose}_{secrets.token_hex(4)}"
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=30) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def redis_url(database: int) -> str | None:
    """Redis database ``database`` (one per test module, so no two share a cache) on
    REDIS_URL's server or the local one; None, with a warning, when Redis does not answer."""
    import redis

    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379"
    url = urlsplit(base)._replace(path=f"/{database}").geturl()
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        warnings.warn(
            f"Redis at {base} does not answer ({exc}): sessions in the database", stacklevel=3
        )
        return None
    finally:
        client.close()
    return url


@dataclass
class Site:
    """A prepared site: the environment every server and command of it runs with (one
    SECRET_KEY, so a session signed by one server is valid on another), and the password
    of its users."""

    env: dict[str, str]
    folder: Path
    password: str = PASSWORD

    def manage(self, *command: str) -> str:
        result = run([*MANAGE, *command], self.env)
        assert result.returncode == 0, f"manage.py {command[0]}: {result.stderr}"
        return result.stdout

    def record(self, username: str) -> dict:
        """The user's interviews and attempts in the database."""
        code = RECORD.format(username=username)
        return json.loads(self.manage("shell", "--no-imports", "-c", code))

    def server(self, *, workers: int = 1, name: str = "gunicorn") -> Server:
        return Server(self, workers=workers, log_path=self.folder / f"{name}.log")


@contextmanager
def prepared_site(
    folder: Path, *, purpose: str, redis_database: int, usernames: list[str]
) -> Iterator[Site]:
    """A site as `make serve` prepares it (migrated, static files collected, the bank
    imported) with ``usernames`` as its users."""
    with throwaway_database(folder, purpose) as database_url:
        redis = redis_url(redis_database) if on_postgres() else None
        env = production_env(
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            REDIS_URL=redis,
            STATIC_ROOT=str(folder / "static"),
            LOG_LEVEL="WARNING",
        )
        site = Site(env=env, folder=folder)
        with ThreadPoolExecutor(max_workers=1) as pool:
            static = pool.submit(site.manage, "collectstatic", "--noinput")
            site.manage("migrate", "--noinput")
            site.manage("import_questions", BANK_FILE)
            code = CREATE_USERS.format(usernames=usernames, password=site.password)
            site.manage("shell", "--no-imports", "-c", code)
            static.result()
        yield site
        if redis:
            site.manage("shell", "--no-imports", "-c", FORGET_SESSIONS)


# --- gunicorn -------------------------------------------------------------------------


class Server:
    """gunicorn serving a site on a port of its own; stopped and started again on the
    same port, as a restart does."""

    def __init__(self, site: Site, *, workers: int, log_path: Path) -> None:
        self.site = site
        self.workers = workers
        self.log_path = log_path
        self.port = free_port()
        self.process = None
        self._log = None
        self._starts = 0

    def start(self) -> Server:
        self._starts += 1
        log_path = self.log_path.with_suffix(f".{self._starts}.log")
        self.process, self._log = start_gunicorn(
            self.site.env, port=self.port, workers=self.workers, log_path=log_path
        )
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop gunicorn (SIGTERM: the workers finish the requests in hand first)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        self._log.close()
        self.process = self._log = None

    @property
    def log(self) -> str:
        """What gunicorn wrote, every run of it."""
        runs = sorted(self.log_path.parent.glob(f"{self.log_path.stem}.*.log"))
        return "\n".join(path.read_text() for path in runs)

    def worker_pids(self) -> set[int]:
        """The master's live children: its workers."""
        return children(self.process.pid)

    def wait_for_workers(self, *, exclude: set[int] = frozenset(), timeout: float = 30) -> set[int]:
        """The workers once there are as many as configured and none in ``exclude``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == self.workers and not pids & exclude:
                return pids
            time.sleep(0.05)
        raise AssertionError(f"gunicorn has workers {self.worker_pids()}, not {self.workers} new")


def children(pid: int) -> set[int]:
    """Live (not zombie) child processes of ``pid``, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        state, parent = fields[0], int(fields[1])
        if parent == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found


def process_serving(pids: set[int], *, server_port: int, client_port: int) -> int | None:
    """Which of ``pids`` holds the server side of the TCP connection from ``client_port``
    (accepted and not yet closed), from /proc/net/tcp and the processes' descriptors."""
    wanted = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if (fields[1], fields[2]) == wanted and fields[9] != "0":
            inode = fields[9]
            break
    if inode is None:
        return None
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
        except OSError:
            continue  # the process ended meanwhile
    return None


# --- the browser ----------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Browser:
    """A browser reaching the site through its TLS proxy, sent to one server or another
    (``port``): it keeps its cookies, sends the CSRF token with every POST, as htmx does,
    and follows no redirect by itself. ``client_port`` is the local port of the request
    in flight, if any."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    client_port: int | None = None

    def request(
        self, method: str, path: str, form: dict | None = None, *, htmx: bool = False
    ) -> Response:
        headers = dict(VIA_TLS_PROXY)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if method == "POST":
            body = urlencode(form or {}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = ORIGIN
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.connect()
            self.client_port = connection.sock.getsockname()[1]
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            self.client_port = None
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self._keep(cookie)
        return Response(response.status, response.headers, text)

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **options) -> Response:
        return self.request("GET", path, **options)

    def post(self, path: str, form: dict | None = None, **options) -> Response:
        return self.request("POST", path, form, **options)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        login = reverse("accounts:login")
        assert self.get(login).status == 200  # sets the CSRF cookie
        response = self.post(login, {"username": username, "password": password})
        assert (response.status, response.location) == (302, reverse("questions:home")), (
            response.text[:2000]
        )

    def practice(self, *, mode: str = "mock", seconds: int = 600) -> Response:
        """Start a one-question interview on the practice page."""
        return self.post(
            reverse("questions:practice"),
            {
                "bank": BANK,
                "mode": mode,
                "count": "1",
                "seconds_junior": str(seconds),
                "seconds_senior": str(seconds),
            },
        )

    def start_interview(self, **options) -> int:
        """Start a one-question interview on the practice page; its id."""
        response = self.practice(**options)
        interview = started_interview(response)
        assert interview, (response.status, response.text[:2000])
        return interview

    def autosave(self, interview: int, text: str) -> Response:
        return self.post(draft_url(interview), {"answer": text}, htmx=True)

    def submit(self, interview: int, text: str) -> Response:
        return self.post(submit_url(interview), {"answer": text}, htmx=True)


def interview_url(interview: int) -> str:
    return reverse("questions:interview", kwargs={"pk": interview})


def draft_url(interview: int, position: int = 1) -> str:
    return reverse("questions:attempt_draft", kwargs={"pk": interview, "position": position})


def submit_url(interview: int, position: int = 1) -> str:
    return reverse("questions:attempt_submit", kwargs={"pk": interview, "position": position})


def started_interview(response: Response) -> int | None:
    """The interview a start on the practice page opened, if it did."""
    match = re.fullmatch(r"/interviews/(\d+)/", response.location)
    return int(match[1]) if response.status == 302 and match else None


def acknowledged(response: Response) -> bool:
    """An autosave the page shows as saved: stored, and no redirect elsewhere."""
    return (
        response.status == 200 and SAVED in response.text and "HX-Redirect" not in response.headers
    )


def answer_box(page: str) -> str:
    """The text in the answer box of an interview page, as the browser shows it."""
    match = re.search(r'<textarea id="answer"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no answer box on the page"
    return html.unescape(match[1])


def remaining_ms(page: str) -> int:
    """The time left on the question, as the server computed it for the page."""
    match = re.search(r'data-remaining-ms="(\d+)"', page)
    assert match, "no timer on the page"
    return int(match[1])


def is_clean_error_page(response: Response) -> bool:
    """A friendly error page, with nothing of the error itself in it."""
    return (
        response.status in (500, 503)
        and FRIENDLY_ERROR in response.text
        and not any(detail in response.text for detail in ERROR_DETAILS)
    )
