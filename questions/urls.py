from django.urls import path

from questions.views import anki, bank, export, home, interview, practice, progress, schemas

app_name = "questions"

urlpatterns = [
    path("", home.home, name="home"),
    path("bank/", bank.bank_index, name="bank_index"),
    path("bank/<slug:bank_slug>/", bank.bank_detail, name="bank"),
    path("bank/<slug:bank_slug>/<slug:slug>/", bank.question_detail, name="detail"),
    path("bank/<slug:bank_slug>/<slug:slug>/answer/", bank.question_answer, name="answer"),
    path("practice/", practice.practice, name="practice"),
    path(
        "practice/questions/<int:question_id>/",
        practice.practise_question,
        name="practise_question",
    ),
    path("interviews/<int:pk>/", interview.interview_run, name="interview"),
    path("interviews/<int:pk>/end/", interview.interview_end_view, name="interview_end"),
    path(
        "interviews/<int:pk>/summary/", interview.interview_summary_view, name="interview_summary"
    ),
    path("interviews/<int:pk>/retry/", interview.interview_retry_view, name="interview_retry"),
    path(
        "interviews/<int:pk>/questions/<int:position>/",
        interview.attempt_detail,
        name="attempt",
    ),
    path(
        "interviews/<int:pk>/questions/<int:position>/submit/",
        interview.attempt_submit_view,
        name="attempt_submit",
    ),
    path(
        "interviews/<int:pk>/questions/<int:position>/draft/",
        interview.attempt_draft,
        name="attempt_draft",
    ),
    path(
        "interviews/<int:pk>/questions/<int:position>/skip/",
        interview.attempt_skip_view,
        name="attempt_skip",
    ),
    path(
        "interviews/<int:pk>/questions/<int:position>/rate/",
        interview.attempt_rate_view,
        name="attempt_rate",
    ),
    path(
        "interviews/<int:pk>/questions/<int:position>/reveal/",
        interview.attempt_reveal,
        name="attempt_reveal",
    ),
    path("history/", progress.history, name="history"),
    path("history/questions/", progress.history_questions, name="history_questions"),
    path(
        "history/questions/<int:question_id>/",
        progress.question_history,
        name="question_history",
    ),
    path("progress/", progress.dashboard, name="progress"),
    path("progress/review-due/", progress.review_due, name="review_due"),
    path("progress/practise-weakest/", progress.practise_weakest, name="practise_weakest"),
    path("account/export/", export.export, name="export"),
    path("schemas/bank.schema.json", schemas.bank_schema, name="bank_schema"),
    path("bank/<slug:bank_slug>/anki.apkg", anki.bank_deck, name="anki_bank"),
    path("progress/anki/<slug:which>.apkg", anki.progress_deck, name="anki_progress"),
]
