"""Faults of the app server in the middle of an interview: a worker killed while it saves
a draft, the whole server restarted. What the page showed as saved is kept, the deadline
stays where the server stored it, and nothing answers with an error page."""

import http.client
import os
import signal
import threading
import time

import pytest

from tests.interviewprep.servers import (
    FEEDBACK,
    Browser,
    Server,
    acknowledged,
    answer_box,
    interview_url,
    prepared_site,
    process_serving,
    remaining_ms,
)

ANSWER = (
    "Put the web tier in an Auto Scaling group across three Availability Zones behind a "
    "load balancer and run the database as Multi-AZ RDS"
)
WORDS = ANSWER.split()
AUTOSAVES = len(WORDS)
KILL_AFTER = (5, 10, 15)  # acknowledged autosaves before each worker is killed
RETRIES = 5
SECONDS = 600
# Real time between stopping the server and starting it again: the server's clock is
# what is tested, and time-machine cannot move another process's clock.
DOWNTIME = 1.5
# Milliseconds the page's figure may be off: it is rounded down to the millisecond.
ROUNDING = 5


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    usernames = ["grace", "linus"]
    with prepared_site(folder, purpose="faults", redis_database=13, usernames=usernames) as s:
        yield s


@pytest.fixture(scope="module")
def server(site):
    server = site.server(workers=2)
    try:
        yield server.start()
    finally:
        server.stop()


class WorkerKiller(threading.Thread):
    """Kills with SIGKILL, each time it is asked to, the worker serving the browser's
    request in flight: the kill lands wherever that worker is, reading the request,
    in the view, in the transaction or writing the answer."""

    def __init__(self, server: Server, browser: Browser) -> None:
        super().__init__(daemon=True)
        self.server, self.browser = server, browser
        self.asked = threading.Event()
        self.killed: list[int] = []
        self.stopped = False

    def run(self) -> None:
        while not self.stopped:
            if not self.asked.wait(timeout=0.1):
                continue
            client_port = self.browser.client_port
            pid = client_port and process_serving(
                self.server.worker_pids(), server_port=self.server.port, client_port=client_port
            )
            if pid:
                self.asked.clear()  # one kill per request: not the page read after it
                os.kill(pid, signal.SIGKILL)
                self.killed.append(pid)


def test_killed_workers_lose_no_acknowledged_autosave(site, server):
    server.wait_for_workers()
    browser = Browser(port=server.port)
    browser.sign_in("grace")
    interview = browser.start_interview()
    assert browser.get(interview_url(interview)).status == 200
    killer = WorkerKiller(server, browser)
    killer.start()

    lost, wrong, last_acknowledged = 0, [], ""

    def send(text: str) -> None:
        nonlocal lost, last_acknowledged
        for _ in range(RETRIES):
            try:
                response = browser.autosave(interview, text)
            except (ConnectionError, http.client.HTTPException):
                # The page says "Not saved" and sends the text again. Meanwhile the
                # draft is the one acknowledged last, or this text if it got stored.
                lost += 1
                shown = answer_box(browser.get(interview_url(interview)).text)
                assert shown in (last_acknowledged, text)
                continue
            if acknowledged(response):
                last_acknowledged = text
            else:
                wrong.append((response.status, response.text[:300]))
            return
        raise AssertionError(f"{RETRIES} autosaves in a row lost their connection")

    try:
        for count in range(1, AUTOSAVES + 1):
            text = " ".join(WORDS[:count])
            if count - 1 in KILL_AFTER:
                server.wait_for_workers(exclude=set(killer.killed))
                killer.asked.set()
                deadline = time.monotonic() + 30
                # An autosave takes milliseconds: keep typing until the kill has found one
                # in flight, as a user would.
                while killer.asked.is_set():
                    assert time.monotonic() < deadline, "no autosave in flight to kill"
                    send(text)
            send(text)
    finally:
        killer.stopped = True
        killer.join()

    assert wrong == [], f"answers other than an acknowledgement: {wrong}\n{server.log}"
    assert len(set(killer.killed)) == len(KILL_AFTER), f"killed {killer.killed}; {lost} lost"
    assert server.process.poll() is None, "the master died"
    assert server.wait_for_workers(exclude=set(killer.killed))  # replaced by the master
    assert last_acknowledged == ANSWER
    assert answer_box(browser.get(interview_url(interview)).text) == last_acknowledged
    [attempt] = site.record("grace")["attempts"]
    assert (attempt["status"], attempt["draft"]) == ("pending", last_acknowledged)


def test_a_restarted_server_resumes_the_interview_with_its_deadline(site, server):
    browser = Browser(port=server.port)
    browser.sign_in("linus")
    interview = browser.start_interview(seconds=SECONDS)
    draft = "Multi-AZ behind a load balancer, and <backups> & snapshots in a second Region"
    sent = time.monotonic()
    page = browser.get(interview_url(interview))
    received = time.monotonic()
    before = remaining_ms(page.text)
    assert SECONDS * 1000 - 5000 < before <= SECONDS * 1000
    assert acknowledged(browser.autosave(interview, draft))

    server.stop(signal.SIGTERM)
    time.sleep(DOWNTIME)
    server.start()

    sent_again = time.monotonic()
    page = browser.get(interview_url(interview))
    received_again = time.monotonic()
    assert page.status == 200
    assert answer_box(page.text) == draft
    # The server computed each figure at some moment between sending and receiving.
    elapsed_at_least = (sent_again - received) * 1000 - ROUNDING
    elapsed_at_most = (received_again - sent) * 1000 + ROUNDING
    assert elapsed_at_least > DOWNTIME * 1000
    assert elapsed_at_least <= before - remaining_ms(page.text) <= elapsed_at_most

    feedback = browser.submit(interview, answer_box(page.text))
    assert feedback.status == 200
    assert FEEDBACK in feedback.text
    [attempt] = site.record("linus")["attempts"]
    assert (attempt["status"], attempt["answer"], attempt["timed_out"]) == (
        "answered",
        draft,
        False,
    )
