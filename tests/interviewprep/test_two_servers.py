"""Two app servers behind one load balancer: any request of a user may reach either, so
both share the database and the session store (PostgreSQL and Redis in production, a
SQLite file and database sessions otherwise) and neither keeps anything of its own."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.interviewprep.servers import (
    FEEDBACK,
    Browser,
    Server,
    acknowledged,
    answer_box,
    interview_url,
    prepared_site,
)

ANSWER = (
    "Spread the instances over several Availability Zones behind a load balancer,\n"
    "with an Auto Scaling group <replacing> unhealthy ones & a copy in another Region."
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-servers")
    with prepared_site(folder, purpose="two_servers", redis_database=12, usernames=["ada"]) as s:
        yield s


@pytest.fixture(scope="module")
def servers(site):
    one, two = site.server(name="one"), site.server(name="two")
    try:
        with ThreadPoolExecutor() as pool:
            list(pool.map(Server.start, (one, two)))
        yield one, two
    finally:
        one.stop()
        two.stop()


def test_an_interview_runs_across_two_servers_as_on_one(site, servers):
    one, two = servers
    browser = Browser(port=one.port)
    browser.sign_in("ada")
    interview = browser.start_interview()
    first = browser.get(interview_url(interview))
    assert first.status == 200 and answer_box(first.text) == ""

    # Server 2 never saw the login: the session is the one server 1 stored.
    browser.port = two.port
    assert acknowledged(browser.autosave(interview, ANSWER))
    reloaded = browser.get(interview_url(interview))
    assert reloaded.status == 200
    assert answer_box(reloaded.text) == ANSWER

    browser.port = one.port
    feedback = browser.submit(interview, answer_box(reloaded.text))
    assert feedback.status == 200
    assert FEEDBACK in feedback.text

    record = site.record("ada")
    assert record["interviews"] == [{"pk": interview, "status": "in_progress"}]
    [attempt] = record["attempts"]
    assert (attempt["status"], attempt["answer"], attempt["draft"]) == ("answered", ANSWER, ANSWER)
    assert not attempt["timed_out"]
