from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from questions.models import Bank
from questions.selectors.interviews import interview_step, recent_interviews, running_interview


@require_GET
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page for visitors; for a signed-in user, what to do next."""
    if not request.user.is_authenticated:
        return render(request, "questions/landing.html", {"banks": Bank.objects.order_by("name")})
    running = running_interview(user=request.user)
    context = {
        "banks": Bank.objects.order_by("name"),
        "running": running,
        "running_step": interview_step(interview=running) if running else None,
        "latest": next(iter(recent_interviews(user=request.user, limit=1)), None),
    }
    return render(request, "questions/home.html", context)
