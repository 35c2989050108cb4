from django.urls import path

from questions.views import bank, home, interview, progress

app_name = "questions"

urlpatterns = [
    path("", home.home, name="home"),
    path("bank/", bank.bank_index, name="bank_index"),
    path("bank/<slug:bank_slug>/", bank.bank_detail, name="bank"),
    path("bank/<slug:bank_slug>/<slug:slug>/", bank.question_detail, name="detail"),
    path("bank/<slug:bank_slug>/<slug:slug>/answer/", bank.question_answer, name="answer"),
    path("practice/", interview.practice, name="practice"),
    path("history/", progress.history, name="history"),
    path("progress/", progress.dashboard, name="progress"),
]
