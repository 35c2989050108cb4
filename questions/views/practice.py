"""The practice page: choose what to practise and start an interview."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from questions.interview_forms import PracticeForm
from questions.models import Bank, InterviewMode, TagKind
from questions.selectors.bank import level_counts, tags_with_counts
from questions.selectors.interviews import due_count, running_interview
from questions.services.interviews import NoQuestionsMatch, interview_start
from questions.views.interview import HtmxHttpRequest

TAG_GROUP_LABELS = {TagKind.DOMAIN: "Areas", TagKind.SERVICE: "Services"}
NOTHING_MATCHES = (
    "No active question matches these choices. Tick more levels or topics, or none to "
    "include them all."
)


def _chosen_bank(request: HtmxHttpRequest, banks: list[Bank]) -> Bank:
    slug = request.POST.get("bank") or request.GET.get("bank")
    by_slug = {bank.slug: bank for bank in banks}
    return by_slug.get(slug, banks[0])


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def practice(request: HtmxHttpRequest) -> HttpResponse:
    """Settings for a new interview; a valid POST starts it and opens its first question."""
    banks = list(Bank.objects.order_by("name"))
    if not banks:
        return render(request, "questions/practice.html", {"banks": banks})
    bank = _chosen_bank(request, banks)
    tags = list(tags_with_counts(bank=bank))
    counts = level_counts(bank=bank)
    user = request.user
    form = PracticeForm(request.POST or None, user=user, tags=tags, level_counts=counts)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview = interview_start(
                user=user,
                bank=bank,
                mode=data["mode"],
                count=data["count"],
                levels=data["levels"],
                tag_slugs=data["tags"],
                seconds_junior=data["seconds_junior"],
                seconds_senior=data["seconds_senior"],
                include_due=data["include_due"],
            )
        except NoQuestionsMatch:
            form.add_error(None, NOTHING_MATCHES)
        else:
            return redirect(interview)

    kinds = {tag.slug: tag.kind for tag in tags}
    tag_groups = [
        (
            TAG_GROUP_LABELS.get(kind, label),
            [box for box in form["tags"] if kinds[box.data["value"]] == kind],
        )
        for kind, label in sorted(TagKind.choices)
    ]
    context = {
        "banks": banks,
        "bank": bank,
        "form": form,
        "question_total": sum(counts.values()),
        "tag_groups": [(label, boxes) for label, boxes in tag_groups if boxes],
        "modes": InterviewMode,
        "due": due_count(user=user, bank=bank),
        "running": running_interview(user=user),
        "extra_time": user.extra_time_factor,
        "extra_time_label": user.get_extra_time_display(),
    }
    template = "questions/practice.html"
    if request.htmx and not request.htmx.boosted and request.method == "GET":
        template += "#practice-form"
    return render(request, template, context)
