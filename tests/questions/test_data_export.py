import csv
import io
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains

from questions.models import AttemptStatus, InterviewStatus
from tests.factories import (
    AttemptFactory,
    MockInterviewFactory,
    QuestionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("questions:export")


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2025, 6, 1, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def data(user, other_user, bank):
    user.timezone = "Europe/Paris"  # UTC+2 in June
    user.save()
    compute = TagFactory(bank=bank, name="Compute", slug="compute")
    q1 = QuestionFactory(bank=bank, prompt="What is an AZ?", tags=[compute])
    q2 = QuestionFactory(bank=bank, prompt="What is a Region?", level="senior")
    interview = MockInterviewFactory(owner=user, bank=bank, question_count=2, finished=at(8, 10))
    interview.started = at(8, 0)
    interview.save()
    AttemptFactory(
        interview=interview,
        question=q1,
        position=1,
        started=at(8, 0),
        deadline=at(8, 3),
        submitted=at(8, 1, 30),
        answer="=SUM(A1)\nsecond line",
        coverage=50,
        covered_points=["Region"],
        self_rating=3,
        note='ok, "quoted"',
    )
    AttemptFactory(
        interview=interview,
        question=q2,
        position=2,
        started=at(8, 3),
        deadline=at(8, 6),
        submitted=at(8, 6, 10),
        status=AttemptStatus.TIMED_OUT,
        timed_out=True,
        answer="",
        coverage=0,
        covered_points=[],
        self_rating=None,
    )
    theirs = MockInterviewFactory(owner=other_user, bank=bank)
    AttemptFactory(interview=theirs, question=q1, answer="Bob's private answer", note="Bob")
    return {"interview": interview, "q1": q1, "q2": q2}


def download(client, fmt: str):
    with time_machine.travel(at(12, 0), tick=False):
        response = client.get(URL, {"format": fmt})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode("utf-8")


def test_the_page_offers_both_downloads(client_logged_in):
    response = client_logged_in.get(URL)
    assertContains(response, 'href="?format=csv"')
    assertContains(response, 'href="?format=json"')
    assert client_logged_in.get(URL, {"format": "xml"}).status_code == 200


def test_it_requires_login(client):
    assert client.get(URL, {"format": "csv"}).status_code == 302


def test_the_csv_has_one_exact_row_per_attempt(client_logged_in, data):
    response, body = download(client_logged_in, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="interviewprep-export-2025-06-01.csv"'
    )
    i, q1, q2 = data["interview"].pk, data["q1"].pk, data["q2"].pk
    expected = (
        "interview_id,bank,mode,interview_status,interview_started,interview_finished,"
        "position,question_id,prompt,level,tags,status,started,submitted,seconds_allowed,"
        "seconds_used,timed_out,answer,coverage,covered_points,self_rating,note\r\n"
        f"{i},AWS,mock,completed,2025-06-01T10:00:00+02:00,2025-06-01T10:10:00+02:00,"
        f"1,{q1},What is an AZ?,junior,compute,answered,2025-06-01T10:00:00+02:00,"
        '2025-06-01T10:01:30+02:00,180,90,no,"\'=SUM(A1)\nsecond line",50,Region,Good,'
        '"ok, ""quoted"""\r\n'
        f"{i},AWS,mock,completed,2025-06-01T10:00:00+02:00,2025-06-01T10:10:00+02:00,"
        f"2,{q2},What is a Region?,senior,,timed_out,2025-06-01T10:03:00+02:00,"
        "2025-06-01T10:06:10+02:00,180,180,yes,,0,,,\r\n"
    )
    assert body == expected


def test_the_csv_reads_back_with_a_csv_reader(client_logged_in, data):
    _, body = download(client_logged_in, "csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["prompt"] for r in rows] == ["What is an AZ?", "What is a Region?"]
    assert rows[0]["note"] == 'ok, "quoted"'


def test_the_json_holds_every_interview_and_attempt_exactly(client_logged_in, user, data):
    response, body = download(client_logged_in, "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('interviewprep-export-2025-06-01.json"')
    interview = data["interview"]
    assert json.loads(body) == {
        "exported": "2025-06-01T14:00:00+02:00",
        "user": {"username": "alice", "time_zone": "Europe/Paris"},
        "interviews": [
            {
                "id": interview.pk,
                "bank": "AWS",
                "mode": "mock",
                "status": InterviewStatus.COMPLETED,
                "started": "2025-06-01T10:00:00+02:00",
                "finished": "2025-06-01T10:10:00+02:00",
                "question_count": 2,
                "levels": [],
                "tags": [],
                "seconds_junior": 180,
                "seconds_senior": 300,
                "extra_time": "1.0",
                "attempts": [
                    {
                        "position": 1,
                        "question_id": data["q1"].pk,
                        "prompt": "What is an AZ?",
                        "level": "junior",
                        "tags": ["compute"],
                        "status": "answered",
                        "started": "2025-06-01T10:00:00+02:00",
                        "submitted": "2025-06-01T10:01:30+02:00",
                        "seconds_allowed": 180,
                        "seconds_used": 90,
                        "timed_out": False,
                        "answer": "=SUM(A1)\nsecond line",
                        "coverage": 50,
                        "covered_points": ["Region"],
                        "self_rating": "Good",
                        "note": 'ok, "quoted"',
                    },
                    {
                        "position": 2,
                        "question_id": data["q2"].pk,
                        "prompt": "What is a Region?",
                        "level": "senior",
                        "tags": [],
                        "status": "timed_out",
                        "started": "2025-06-01T10:03:00+02:00",
                        "submitted": "2025-06-01T10:06:10+02:00",
                        "seconds_allowed": 180,
                        "seconds_used": 180,
                        "timed_out": True,
                        "answer": "",
                        "coverage": 0,
                        "covered_points": [],
                        "self_rating": None,
                        "note": "",
                    },
                ],
            }
        ],
    }


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_another_users_data_is_never_exported(client_logged_in, data, fmt):
    _, body = download(client_logged_in, fmt)
    assert "Bob" not in body
    assert "private" not in body


def test_a_user_without_history_gets_an_empty_export(client, other_user):
    other_user.interviews.all().delete()
    client.force_login(other_user)
    _, body = download(client, "json")
    assert json.loads(body)["interviews"] == []
    _, body = download(client, "csv")
    assert body.count("\r\n") == 1


def test_the_export_is_not_cached(client_logged_in, data):
    response, _ = download(client_logged_in, "csv")
    assert "no-store" in response["Cache-Control"]
