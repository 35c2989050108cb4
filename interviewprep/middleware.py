"""Requests no page can answer: NUL characters in the path or the query string.

PostgreSQL refuses NUL in text, so a NUL that reached a query (``?bank=%00``, the admin's
autocomplete ``?term=%00``) would be a server error. No URL of the app has one, so such a
request is refused as a bad request (400) before any view runs. Form fields refuse NUL
themselves (Django's ``ProhibitNullCharactersValidator``).
"""

from django.core.exceptions import SuspiciousOperation


class NulCharacter(SuspiciousOperation):
    """A NUL character in the path or the query string."""


def reject_nul_characters(get_response):
    def middleware(request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise NulCharacter("NUL character in the URL")
        return get_response(request)

    return middleware
