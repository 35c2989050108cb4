import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# The last resort when even templates/500.html cannot render (say, static files were
# never collected, so {% static %} fails): plain HTML with no template, file or query.
PLAIN_SERVER_ERROR = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong · interviewprep</title></head>
<body>
<main>
<h1>Something went wrong on our side</h1>
<p>The error has been logged. Please try again in a moment, or go back to
<a href="/">the home page</a>.</p>
</main>
</body>
</html>
"""


@require_safe
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers (GET or HEAD): answers without touching the database or session."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The friendly 500 page, or plain HTML if that page itself cannot be rendered."""
    try:
        return defaults.server_error(request)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(PLAIN_SERVER_ERROR)
