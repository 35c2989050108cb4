"""Bulk practice history for query-count tests: many interviews and attempts, fast."""

from datetime import UTC, datetime, timedelta

from questions.models import (
    Attempt,
    AttemptStatus,
    Bank,
    InterviewMode,
    InterviewStatus,
    MockInterview,
    Question,
    ReviewCard,
)

PER_INTERVIEW = 5
START = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)


def bulk_history(
    *, user, bank: Bank, attempts: int, questions: list[Question], start: datetime = START
) -> list[MockInterview]:
    """``attempts`` finished attempts by ``user`` in ``bank``, up to five per interview,
    one interview a day, cycling through ``questions``; each question gets a review card."""
    per = min(PER_INTERVIEW, len(questions))
    interview_count = -(-attempts // per)
    interviews = MockInterview.objects.bulk_create(
        MockInterview(
            owner=user,
            bank=bank,
            mode=InterviewMode.MOCK if i % 2 == 0 else InterviewMode.PRACTICE,
            status=InterviewStatus.COMPLETED,
            question_count=per,
            seconds_junior=180,
            seconds_senior=300,
        )
        for i in range(interview_count)
    )
    rows = []
    for n in range(attempts):
        interview = interviews[n // per]
        question = questions[n % len(questions)]
        began = start + timedelta(days=n // per, minutes=5 * (n % per))
        skipped = n % 11 == 0
        rows.append(
            Attempt(
                interview=interview,
                owner=user,
                question=question,
                position=n % per + 1,
                prompt=question.prompt,
                model_answer=question.answer,
                model_answer_html=question.answer_html,
                talking_points=question.talking_points,
                level=question.level,
                tag_slugs=[],
                seconds_allowed=180,
                started=began,
                deadline=began + timedelta(seconds=180),
                submitted=began + timedelta(seconds=30 + n % 150),
                status=AttemptStatus.SKIPPED if skipped else AttemptStatus.ANSWERED,
                answer="" if skipped else f"Answer number {n} about Regions.",
                coverage=0 if skipped else (n * 7) % 101,
                covered_points=[] if skipped else ["Region"],
                self_rating=None if skipped else n % 4 + 1,
                note="" if n % 3 else f"Note {n}",
            )
        )
    Attempt.objects.bulk_create(rows)
    # auto_now_add stamps every interview with the present: date them one a day instead.
    for i, interview in enumerate(interviews):
        MockInterview.objects.filter(pk=interview.pk).update(started=start + timedelta(days=i))
    ReviewCard.objects.bulk_create(
        ReviewCard(owner=user, question=q, due=start + timedelta(days=i), card={})
        for i, q in enumerate(questions[: min(len(questions), attempts)])
    )
    return interviews
