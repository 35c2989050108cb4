from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "questions"

    def ready(self) -> None:
        from questions import signals  # noqa: F401  (connects the receivers)
