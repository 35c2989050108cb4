from django.http import HttpRequest


def csp(request: HttpRequest) -> dict[str, str]:
    """Expose the per-response CSP nonce as ``csp_nonce`` (read by ``{% htmx_script %}``)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
