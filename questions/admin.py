"""Admin for the question bank: questions (with history, preview, import/export), tags, banks."""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.db.models import Count, ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from questions.admin_forms import (
    HISTORY_RECORD_ATTRIBUTE,
    QuestionAdminForm,
    talking_points_to_text,
)
from questions.admin_import import export_view, import_view
from questions.models import Bank, Question, Tag
from questions.rendering import markdown_rendering, render_markdown
from questions.services.importing import question_history_record_tags

ADMIN_CSS = "css/admin_questions.css"


class QuestionHistoryHelper(HistoricalRecordContextHelper):
    """Shows talking points in the history as the editor writes them, one per line."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "talking_points":
            return talking_points_to_text(value).replace("\n", "; ")
        return super().prepare_delta_change_value(change, value)


def _attempted_refusal(questions: list[Question]) -> str:
    names = ", ".join(f"“{Truncator(q.prompt).chars(60)}”" for q in questions[:5])
    more = f" and {len(questions) - 5} more" if len(questions) > 5 else ""
    one = len(questions) == 1
    return (
        f"Not deleted: {names}{more} {'has' if one else 'have'} been answered in mock "
        "interviews, and those answers keep pointing at the question. "
        f"Deactivate {'it' if one else 'them'} instead: deactivated questions leave the bank "
        "and new interviews, and past answers stay intact."
    )


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    form = QuestionAdminForm
    list_display = ["prompt_excerpt", "number", "level", "tag_list", "is_active", "updated"]
    list_display_links = ["prompt_excerpt"]
    list_filter = ["bank", "level", "is_active", "tags"]
    list_select_related = ["bank"]
    search_fields = ["prompt", "answer", "slug"]
    ordering = ["bank", "number", "pk"]
    list_per_page = 50
    filter_horizontal = ["tags"]
    prepopulated_fields = {"slug": ["prompt"]}
    readonly_fields = [
        "answer_preview", "derived_points_preview", "candidate_preview", "created", "updated",
    ]  # fmt: skip
    actions = ["activate", "deactivate"]
    save_on_top = True
    view_on_site = False  # "Preview as candidate" opens the page, inactive questions too
    fieldsets = [
        (None, {"fields": ["bank", "number", "level", "slug", "is_active"]}),
        ("Question and model answer", {"fields": ["prompt", "answer", "answer_preview"]}),
        (
            "Topics and scoring",
            {"fields": ["tags", "talking_points", "use_derived_points", "derived_points_preview"]},
        ),
        ("Preview and dates", {"fields": ["candidate_preview", "created", "updated"]}),
    ]
    object_history_template = "admin/questions/question/object_history.html"
    object_history_list_template = "admin/questions/question/object_history_list.html"

    class Media:
        css = {"all": [ADMIN_CSS]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).prefetch_related("tags")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "answer" in request.POST:
            # The admin validates and saves inside a transaction, which on SQLite holds the
            # write lock: the answer (as the form will clean it) is rendered before, and the
            # form's check and the save find it rendered (markdown_rendering keeps it).
            markdown_rendering(request.POST["answer"].strip())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "tags" in form.base_fields:
            form.base_fields["tags"].queryset = Tag.objects.filter(bank_id=obj.bank_id)
        return form

    def save_related(self, request, form, formsets, change):
        # The history record saved with the fields gets the new tags too, instead of
        # one more record per tag added or removed.
        question = form.instance
        question.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del question.skip_history_when_saving
        question_history_record_tags(question=question)

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "import/",
                self.admin_site.admin_view(partial(import_view, model_admin=self)),
                name=f"{info}_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(partial(export_view, model_admin=self)),
                name=f"{info}_export",
            ),
            *super().get_urls(),
        ]

    def get_historical_record_context_helper(self, request, historical_record):
        return QuestionHistoryHelper(self.model, historical_record)

    @admin.display(description="prompt", ordering="prompt")
    def prompt_excerpt(self, obj: Question) -> str:
        return Truncator(obj.prompt).chars(90)

    @admin.display(description="tags")
    def tag_list(self, obj: Question) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description="rendered answer")
    def answer_preview(self, obj: Question) -> str:
        if not obj.pk:
            return "Save to see the answer as candidates will see it."
        if getattr(obj, HISTORY_RECORD_ATTRIBUTE, None) is not None:
            # A version from the history: its own answer, not today's rendering.
            html = render_markdown(obj.answer)
        else:
            # answer_html is rendered from Markdown and sanitized with nh3 on every save.
            html = obj.answer_html
        return format_html('<div class="answer-preview prose">{}</div>', mark_safe(html))

    @admin.display(description="points derived from the model answer")
    def derived_points_preview(self, obj: Question) -> str:
        if not obj.pk:
            return "Save to see the points derived from the model answer."
        points = obj.derived_points
        if not points:
            return "None: the model answer says nothing the prompt does not."
        note = (
            "Not used: answers are scored against the curated talking points above."
            if obj.talking_points
            else "Used now: answers to this question are scored against these claims, "
            "judged by meaning with partial credit."
        )
        items = format_html_join("", "<li>{}</li>", ((p["term"],) for p in points))
        return format_html('<p class="help">{}</p><ol class="derived-points">{}</ol>', note, items)

    @admin.display(description="preview as candidate")
    def candidate_preview(self, obj: Question) -> str:
        if not obj.pk:
            return "Available once the question is saved."
        note = "" if obj.is_active else " (inactive: only editors can open it)"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open the question page</a>{}',
            obj.get_absolute_url() + "?preview=1",
            note,
        )

    @admin.action(description="Activate selected questions", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._set_active(request, queryset, active=True)

    @admin.action(description="Deactivate selected questions", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._set_active(request, queryset, active=False)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Question], *, active: bool):
        # Saved one by one so that each change is kept in the question's history.
        changed = 0
        for question in queryset.filter(is_active=not active):
            question.is_active = active
            question._change_reason = "Activated" if active else "Deactivated"
            question.save(update_fields=["is_active", "updated"])
            self.log_change(request, question, [{"changed": {"fields": ["Active"]}}])
            changed += 1
        state = "activated" if active else "deactivated"
        if changed:
            self.message_user(request, f"{changed} question(s) {state}.", messages.SUCCESS)
        else:
            self.message_user(request, f"No question {state}: all were already {state}.")

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (
                QuestionAdmin.delete_selected_unless_answered,
                name,
                description,
            )
        return actions

    def delete_selected_unless_answered(self, request: HttpRequest, queryset: QuerySet):
        answered = list(
            queryset.annotate(attempt_count=Count("attempts")).filter(attempt_count__gt=0)
        )
        if answered:
            self.message_user(request, _attempted_refusal(answered), messages.ERROR)
            return None
        try:
            return delete_selected(self, request, queryset)
        except ProtectedError:
            self.message_user(request, _attempted_refusal(list(queryset)), messages.ERROR)
            return None

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        question = self.get_object(request, unquote(object_id))
        if question is not None and question.attempts.exists():
            return self._refuse_delete(request, question)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError:
            return self._refuse_delete(request, question)

    def _refuse_delete(self, request: HttpRequest, question: Question) -> HttpResponse:
        self.message_user(request, _attempted_refusal([question]), messages.ERROR)
        url = reverse("admin:questions_question_change", args=[question.pk])
        return HttpResponseRedirect(url)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "bank", "question_count"]
    list_filter = ["bank", "kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["bank", "kind", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return (
            super()
            .get_queryset(request)
            .select_related("bank")
            .annotate(question_total=Count("questions"))
        )

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, obj: Tag) -> int:
        return obj.question_total


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "question_count", "export_links"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bank]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, obj: Bank) -> int:
        return obj.question_total

    @admin.display(description="export")
    def export_links(self, obj: Bank) -> str:
        url = reverse("admin:questions_question_export")
        return format_html_join(
            " · ",
            '<a href="{}?bank={}&amp;format={}">{}</a>',
            [(url, obj.slug, "json", "JSON"), (url, obj.slug, "text", "text")],
        )
