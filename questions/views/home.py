from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from interviewprep.page_cache import cached_page
from questions.models import Bank
from questions.selectors.interviews import interview_step, recent_interviews, running_interview
from questions.selectors.progress_cache import cached_practice_streak
from questions.selectors.reviews import due_counts_by_bank

QUICK_START_QUESTIONS = 3


@require_GET
@login_not_required
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """Landing page for visitors; for a signed-in user, what to do next."""
    banks = list(Bank.objects.order_by("name"))
    if not request.user.is_authenticated:
        return render(request, "questions/landing.html", {"banks": banks})
    user = request.user
    running = running_interview(user=user)
    latest = next(iter(recent_interviews(user=user, limit=1)), None)
    due_by_bank = due_counts_by_bank(user=user)
    due = [(bank, due_by_bank[bank.pk]) for bank in banks if due_by_bank.get(bank.pk)]
    context = {
        "banks": banks,
        "bank": banks[0] if banks else None,
        "running": running,
        "running_step": interview_step(interview=running) if running else None,
        "latest": latest,
        "is_new": running is None and latest is None,
        "due": due,
        "streak": cached_practice_streak(user=user) if latest else None,
        "quick_start_count": QUICK_START_QUESTIONS,
    }
    return render(request, "questions/home.html", context)
