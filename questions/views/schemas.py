"""The JSON Schema of the question-bank file format, public so that editors can fetch it."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from questions.services.importing import BANK_SCHEMA_FILE

SCHEMA_CONTENT_TYPE = "application/schema+json"


@login_not_required
@require_safe
@cache_control(public=True, max_age=60 * 60)
def bank_schema(request: HttpRequest) -> HttpResponse:
    """questions/schemas/bank.schema.json as it is; its relative "$id" resolves to this URL."""
    response = HttpResponse(BANK_SCHEMA_FILE.read_bytes(), content_type=SCHEMA_CONTENT_TYPE)
    # Public data: browser-based editors and validators on other sites may read it too.
    response["Access-Control-Allow-Origin"] = "*"
    return response
