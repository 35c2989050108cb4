from django.contrib import admin
from django.urls import include, path

from interviewprep import views

handler500 = "interviewprep.views.server_error"

admin.site.site_header = "interviewprep administration"
admin.site.site_title = "interviewprep admin"

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("questions.urls")),
]
