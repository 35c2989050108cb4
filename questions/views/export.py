"""Download of the user's own practice data (CSV or JSON)."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from questions.services.data_export import export_csv_lines, export_json_chunks

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The page with the two download links; ``?format=csv|json`` downloads."""
    chosen = request.GET.get("format", "")
    if chosen not in CONTENT_TYPES:
        return render(request, "questions/export.html", {})
    now = timezone.now()
    if chosen == "csv":
        content = export_csv_lines(user=request.user)
    else:
        content = export_json_chunks(user=request.user, now=now)
    response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[chosen])
    today = now.astimezone(request.user.tzinfo).date()
    response["Content-Disposition"] = (
        f'attachment; filename="interviewprep-export-{today:%Y-%m-%d}.{chosen}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
