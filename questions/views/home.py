from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from questions.models import Bank


@require_GET
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page for visitors; for a signed-in user, what to do next."""
    if not request.user.is_authenticated:
        return render(request, "questions/landing.html", {"banks": Bank.objects.order_by("name")})
    return render(request, "questions/home.html", {"banks": Bank.objects.order_by("name")})
