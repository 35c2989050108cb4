from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "questions/history.html", {})


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "questions/progress.html", {})
