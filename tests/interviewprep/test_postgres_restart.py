"""PostgreSQL restarted under load: while it is down, every request gets the friendly
error page (nothing of the error in it); once it is back, the same gunicorn workers serve
again without a single error, also on the connections they kept open from before
(CONN_MAX_AGE, with CONN_HEALTH_CHECKS). No acknowledged autosave is lost and no answer is
recorded twice or without the user seeing it acknowledged.

It stops the machine's PostgreSQL, which the rest of the PostgreSQL suite uses, so it runs
only on its own: .ci/run runs it after that suite, with INTERVIEWPREP_PG_RESTART=1.
"""

import http.client
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.interviewprep.servers import (
    FEEDBACK,
    Browser,
    Response,
    Server,
    acknowledged,
    answer_box,
    interview_url,
    is_clean_error_page,
    on_postgres,
    prepared_site,
    started_interview,
)

RUN_VARIABLE = "INTERVIEWPREP_PG_RESTART"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.pg_restart,
    pytest.mark.skipif(
        not (os.environ.get(RUN_VARIABLE) and on_postgres()),
        reason=f"restarts PostgreSQL: runs on its own in .ci/run ({RUN_VARIABLE}=1 and "
        "DATABASE_URL on PostgreSQL)",
    ),
]

USERNAMES = ["ada", "grace"]
WORKERS = 2
DOWN = 2.0  # seconds PostgreSQL stays stopped
RETRY_PAUSE = 0.1
PATIENCE = 60  # seconds one step may keep failing before the test gives up
DRAFTS = ("Multi-AZ", "Multi-AZ behind a load balancer", "Multi-AZ behind a load balancer, <ok>")


def cluster(port: int) -> list[str]:
    """The version and name of the local cluster listening on ``port``."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return [version, name]
    pytest.fail(f"no local PostgreSQL cluster on port {port}:\n{listing}")


def pg_ctlcluster(action: str, *, port: int) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(port), action]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def accepting(port: int) -> bool:
    check = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]
    return subprocess.run(check, check=False).returncode == 0


def connections_of(database_url: str) -> int:
    """The open connections to the site's database (one per gunicorn worker that kept one)."""
    import psycopg

    parts = urlsplit(database_url)
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [parts.path[1:]]
        ).fetchone()[0]


@dataclass
class Exchange:
    """One request and what came back: a response, or None when the connection failed."""

    what: str
    sent: float
    received: float
    response: Response | None

    @property
    def failed(self) -> bool:
        return self.response is None or self.response.status >= 500


class Candidate:
    """One user doing one-question mock interviews over and over, in a thread of its own:
    start, autosave three times, reload (the last acknowledged draft must be in the box),
    submit what the box shows. A step that fails is sent again, as the page lets the user
    do, until it succeeds. Between cycles it waits while ``gate`` is closed, and ends once
    ``stop`` is set."""

    def __init__(self, server: Server, username: str) -> None:
        self.username = username
        self.browser = Browser(port=server.port)
        self.exchanges: list[Exchange] = []
        self.started: list[int] = []  # acknowledged starts
        self.submitted: dict[int, str] = {}  # acknowledged answers
        self.problems: list[str] = []
        self.cycles_done: list[float] = []  # when each cycle ended
        self.stop, self.gate, self.at_gate = (threading.Event() for _ in range(3))
        self.gate.set()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def send(self, what: str, call, succeeded) -> Response:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            sent = time.monotonic()
            try:
                response = call()
            except (ConnectionError, http.client.HTTPException):
                response = None
            self.exchanges.append(Exchange(what, sent, time.monotonic(), response))
            if response is not None and succeeded(response):
                return response
            time.sleep(RETRY_PAUSE)
        raise AssertionError(f"{what} kept failing for {PATIENCE} s")

    def cycle(self) -> None:
        browser = self.browser
        interview = started_interview(self.send("start", browser.practice, started_interview))
        self.started.append(interview)
        url = interview_url(interview)
        self.send("show", lambda: browser.get(url), lambda r: r.status == 200)
        for text in DRAFTS:
            self.send("autosave", lambda t=text: browser.autosave(interview, t), acknowledged)
        page = self.send("reload", lambda: browser.get(url), lambda r: r.status == 200)
        shown = answer_box(page.text)
        if shown != DRAFTS[-1]:
            self.problems.append(f"interview {interview}: the box shows {shown!r}")
        self.send(
            "submit",
            lambda: browser.submit(interview, shown),
            lambda r: r.status == 200 and FEEDBACK in r.text,
        )
        self.submitted[interview] = shown

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                if not self.gate.is_set():
                    self.at_gate.set()
                    self.gate.wait()
                    self.at_gate.clear()
                self.cycle()
                self.cycles_done.append(time.monotonic())
        except Exception as exc:  # reported by the test, from its own thread
            self.problems.append(f"{self.username}: {exc!r}")

    def wait_for_cycle_after(self, moment: float) -> None:
        deadline = time.monotonic() + PATIENCE
        while not any(done > moment for done in self.cycles_done):
            assert self.thread.is_alive() and time.monotonic() < deadline, self.problems
            time.sleep(0.05)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("postgres-restart")
    with prepared_site(
        folder, purpose="pg_restart", redis_database=14, usernames=USERNAMES
    ) as site:
        yield site


@pytest.fixture
def postgres_port(site):
    """The port of the PostgreSQL this test stops; it is running again afterwards,
    whatever happened."""
    port = urlsplit(site.env["DATABASE_URL"]).port or 5432
    cluster(port)  # fail now, not half-way, when it is not a local cluster
    yield port
    if not accepting(port):
        pg_ctlcluster("start", port=port)


@pytest.fixture
def server(site):
    server = site.server(workers=WORKERS)
    try:
        yield server.start()
    finally:
        server.stop()


def keep_connections_open(site, browser: Browser) -> None:
    """Busy every worker at once until each keeps a connection to the database open."""
    home = reverse("questions:home")
    for _ in range(20):
        if connections_of(site.env["DATABASE_URL"]) >= WORKERS:
            return
        with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
            pages = list(pool.map(lambda _: browser.get(home), range(4 * WORKERS)))
        assert {page.status for page in pages} == {200}
    raise AssertionError("the workers keep no connection to the database open")


def test_the_app_rides_out_a_postgresql_restart(site, server, postgres_port):
    workers = server.wait_for_workers()
    candidates = [Candidate(server, name) for name in USERNAMES]
    for candidate in candidates:
        candidate.browser.sign_in(candidate.username)
        candidate.thread.start()
    try:
        for candidate in candidates:
            candidate.wait_for_cycle_after(time.monotonic())

        # An outage under load: requests arrive while PostgreSQL is down.
        down = time.monotonic()
        pg_ctlcluster("stop", port=postgres_port)
        time.sleep(DOWN)
        pg_ctlcluster("start", port=postgres_port)
        assert accepting(postgres_port)
        back = time.monotonic()
        for candidate in candidates:
            candidate.wait_for_cycle_after(back)

        # A restart between requests: every worker's open connection dies unseen.
        for candidate in candidates:
            candidate.gate.clear()
        for candidate in candidates:
            assert candidate.at_gate.wait(PATIENCE), candidate.problems
        keep_connections_open(site, Browser(server.port, dict(candidates[0].browser.cookies)))
        pg_ctlcluster("restart", port=postgres_port)
        restarted = time.monotonic()
        for candidate in candidates:
            candidate.gate.set()
        for candidate in candidates:
            candidate.wait_for_cycle_after(restarted)
    finally:
        for candidate in candidates:
            candidate.stop.set()
            candidate.gate.set()
        for candidate in candidates:
            candidate.thread.join(timeout=PATIENCE)

    exchanges = [e for candidate in candidates for e in candidate.exchanges]
    failed = [e for e in exchanges if e.failed]
    assert [c.problems for c in candidates] == [[] for _ in candidates]
    assert failed, "no request reached the app while PostgreSQL was down"
    assert all(e.response is not None for e in failed), "a connection was dropped"
    unclean = [(e.what, e.response.status, e.response.text[:500]) for e in failed]
    assert all(is_clean_error_page(e.response) for e in failed), unclean
    late = [(e.what, e.response.status) for e in failed if e.sent > back]
    assert late == [], f"errors once PostgreSQL was back:\n{server.log[-5000:]}"
    assert all(e.received >= down for e in failed)
    assert server.process.poll() is None and server.worker_pids() == workers

    for candidate in candidates:
        record = site.record(candidate.username)
        attempts = {a["interview_id"]: a for a in record["attempts"]}
        answered = {pk: a["answer"] for pk, a in attempts.items() if a["status"] == "answered"}
        assert answered == candidate.submitted
        # One attempt for each acknowledged start, and none for any other.
        assert sorted(a["interview_id"] for a in record["attempts"]) == candidate.started
