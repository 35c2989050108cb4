"""Admin pages to import a question file (upload → preview → confirm) and to export a bank.

The uploaded text is kept in the editor's session between the preview and the
confirmation (at most ADMIN_IMPORT_MAX_BYTES, one pending import per session), under a
random token the confirmation form must send back. Confirming re-reads and re-validates
the stored text; if the bank changed since the preview, the new preview is shown again
instead of importing. The answers are rendered before the import's transaction opens.
"""

import hashlib
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET, require_http_methods

from questions.admin_forms import QuestionExportForm, QuestionImportForm
from questions.models import Bank, Question
from questions.services.exporting import ExportError, bank_export
from questions.services.importing import (
    ImportReport,
    ImportValidationError,
    decode_import,
    parse_questions_file,
    questions_import_plan,
    questions_import_write,
)

SESSION_KEY = "questions_admin_import"
IMPORT_PERMISSIONS = (
    "questions.add_question",
    "questions.change_question",
    "questions.add_tag",
    "questions.change_tag",
)
TEMPLATE_IMPORT = "admin/questions/question/import.html"
TEMPLATE_EXPORT = "admin/questions/question/export.html"


def _context(request: HttpRequest, model_admin, title: str) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Question._meta,
        "title": title,
        "changelist_url": reverse("admin:questions_question_changelist"),
        "import_url": reverse("admin:questions_question_import"),
    }


def _fingerprint(report: ImportReport) -> str:
    """What the preview promised: bank, tags and each question's action and changed fields."""
    parts = [report.bank_slug, report.bank_action, *report.tags_created, *report.tags_updated]
    parts += [f"{c.slug}:{c.action}:{','.join(c.changed_fields)}" for c in report.questions]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _bank_problem(request: HttpRequest, report: ImportReport) -> str | None:
    if report.bank_action == "create" and not request.user.has_perm("questions.add_bank"):
        return f"Creating the bank '{report.bank_slug}' needs the permission to add banks."
    if report.bank_action == "update" and not request.user.has_perm("questions.change_bank"):
        return f"Updating the bank '{report.bank_slug}' needs the permission to change banks."
    return None


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    if request.method == "POST" and "_confirm" in request.POST:
        return _confirm(request, model_admin)
    if request.method == "POST" and "_cancel" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, "Import cancelled; nothing was written.")
        return HttpResponseRedirect(reverse("admin:questions_question_changelist"))

    context = _context(request, model_admin, "Import questions")
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        bank_slug = form.cleaned_data["bank"] or None
        context["filename"] = upload.name
        try:
            text = decode_import(upload.read())
            document = parse_questions_file(
                text, filename=upload.name, format=form.cleaned_data["format"] or None
            )
            report = questions_import_plan(document=document, bank_slug=bank_slug).report
        except ImportValidationError as exc:
            context["problems"] = exc.problems
        else:
            context["report"] = report
            context["permission_problem"] = _bank_problem(request, report)
            if not context["permission_problem"]:
                token = secrets.token_urlsafe(24)
                request.session[SESSION_KEY] = {
                    "token": token,
                    "text": text,
                    "filename": upload.name,
                    "format": document.format,
                    "bank": bank_slug,
                    "fingerprint": _fingerprint(report),
                }
                context["token"] = token
    context["form"] = form
    return TemplateResponse(request, TEMPLATE_IMPORT, context)


def _confirm(request: HttpRequest, model_admin) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if not pending or not constant_time_compare(pending.get("token", ""), token):
        messages.error(
            request,
            "This import preview has expired or was replaced by another one. "
            "Upload the file again to see a fresh preview.",
        )
        return HttpResponseRedirect(reverse("admin:questions_question_import"))

    context = _context(request, model_admin, "Import questions")
    context["form"] = QuestionImportForm()
    context["filename"] = pending["filename"]
    try:
        document = parse_questions_file(pending["text"], format=pending["format"])
        plan = questions_import_plan(document=document, bank_slug=pending["bank"])
        problem = _bank_problem(request, plan.report)
        if problem:
            raise PermissionDenied(problem)
        if _fingerprint(plan.report) != pending["fingerprint"]:
            pending["fingerprint"] = _fingerprint(plan.report)
            request.session[SESSION_KEY] = pending
            context.update(report=plan.report, token=pending["token"], changed_since_preview=True)
            return TemplateResponse(request, TEMPLATE_IMPORT, context)
        report = questions_import_write(plan=plan, source=pending["filename"])
    except ImportValidationError as exc:
        request.session.pop(SESSION_KEY, None)
        context["problems"] = exc.problems
        return TemplateResponse(request, TEMPLATE_IMPORT, context)

    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"Imported {pending['filename']} into {report.summary()}.")
    url = reverse("admin:questions_question_changelist")
    bank = Bank.objects.get(slug=report.bank_slug)
    return HttpResponseRedirect(f"{url}?bank__id__exact={bank.pk}")


@require_GET
def export_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    if not request.user.has_perm("questions.view_question"):
        raise PermissionDenied
    form = QuestionExportForm(request.GET if "bank" in request.GET else None)
    if form.is_bound and form.is_valid():
        bank = form.cleaned_data["bank"]
        fmt = form.cleaned_data["format"]
        try:
            schema_url = request.build_absolute_uri(reverse("questions:bank_schema"))
            content = bank_export(bank=bank, format=fmt, schema_url=schema_url)
        except ExportError as exc:
            form.add_error("format", f"{exc} Export it as JSON instead.")
        else:
            return _download(content, bank=bank, fmt=fmt)
    context = _context(request, model_admin, "Export questions")
    context["form"] = form if form.is_bound else QuestionExportForm(initial={"format": "json"})
    return TemplateResponse(request, TEMPLATE_EXPORT, context)


def _download(content: str, *, bank: Bank, fmt: str) -> HttpResponse:
    extension, content_type = (
        ("json", "application/json") if fmt == "json" else ("txt", "text/plain")
    )
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank.slug}-questions.{extension}"'
    return response
