"""A URLconf with a view that always fails, to show the 500 page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from interviewprep.urls import handler500  # noqa: F401


@login_not_required
def crash(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [
    path("crash/", crash),
    path("", include("interviewprep.urls")),
]
