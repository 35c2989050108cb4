from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Practice settings",
            {
                "fields": (
                    "default_question_count",
                    "default_seconds_junior",
                    "default_seconds_senior",
                    "extra_time",
                    "timezone",
                )
            },
        ),
    )
