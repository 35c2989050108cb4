"""The address of the client behind any proxies, for the login lockout."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind ``PROXY_COUNT`` proxies the address the outermost one saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    the client's address is the PROXY_COUNT-th entry from the right. Entries further
    left were sent by the client and cannot be trusted.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if len(addresses) >= count:
            return addresses[-count]
    return request.META.get("REMOTE_ADDR")
