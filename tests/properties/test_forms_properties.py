"""Every form and htmx endpoint, given arbitrary input: text of every kind (control
characters, right-to-left, emoji, very long, empty, invalid UTF-8 in raw bodies),
numbers of every kind (huge, negative, floats, NaN and infinity spelt out) and missing or
repeated fields.

The properties: no 5xx and no traceback; a rejected form is re-rendered with its errors
(200), an accepted one redirects; what is stored is what was accepted and nothing else —
a rejected form leaves the rows as they were. Each example runs in a savepoint rolled
back after it, within the deadline of ``PROPERTY_SETTINGS``.
"""

import re
import unicodedata
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from questions.models import Attempt, AttemptStatus, InterviewStatus, MockInterview, Question
from questions.services.interviews import MAX_ANSWER_LENGTH
from tests.factories import PASSWORD
from tests.interviewprep.pages import page_parts
from tests.properties.strategies import (
    PROPERTY_SETTINGS,
    field_value,
    fields_of,
    form_data,
    form_text,
    long_text,
    number_text,
    post,
    raw_body,
    rolled_back,
    short_text,
    signed_in,
    slug_text,
)
from tests.questions.editors import question_form_data

User = get_user_model()

NEW_PASSWORD = "a-brand-new-passphrase-91"
passwords = st.one_of(
    st.just((NEW_PASSWORD, NEW_PASSWORD)),
    form_text.map(lambda p: (p, p)),
    st.tuples(form_text, form_text),
)
booleans = st.sampled_from(["on", "1", "true", "", "off", "0"])


def one_field_fuzzed(valid: dict, fuzz: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """``valid`` with one field replaced by a fuzzed value (or left out)."""

    def replaced(name: str) -> st.SearchStrategy:
        left_out = {k: v for k, v in valid.items() if k != name}
        return st.one_of(fuzz[name].map(lambda v: {**valid, name: v}), st.just(left_out))

    return st.sampled_from(sorted(fuzz)).flatmap(replaced)


def any_form(valid: dict, fuzz: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """A valid form with one bad field, a form of arbitrary fields, or a raw body."""
    return st.one_of(
        st.just(valid),
        one_field_fuzzed(valid, fuzz),
        form_data(fuzz),
        raw_body(sorted(fuzz)),
    )


def body(response) -> str:
    return response.content.decode()


def assert_form_answer(response, *, limited: bool = False) -> None:
    """A form's answer: a redirect, the form again with its errors on the page, or (for a
    form that sends email, ``limited``) 429 when too many were sent."""
    allowed = (200, 302, 429) if limited else (200, 302)
    assert response.status_code in allowed, response.status_code
    event(f"answered {response.status_code}")
    if response.status_code == 200:
        bound = response.context["form"]
        assert bound.errors or not bound.is_bound, "a 200 re-renders an invalid form"
        assert not bound.is_bound or "errorlist" in body(response)


# --------------------------------------------------------------------------- accounts


SIGNUP_FORM = {
    "username": "carol",
    "email": "carol@example.com",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@PROPERTY_SETTINGS
@given(
    data=any_form(
        SIGNUP_FORM,
        {
            "username": st.one_of(field_value, st.from_regex(r"[\w.@+-]{1,30}", fullmatch=True)),
            "email": st.one_of(field_value, st.emails(), st.just("ALICE@example.com")),
            "password1": form_text,
            "password2": form_text,
        },
    ),
    htmx=st.booleans(),
)
def test_sign_up_accepts_or_explains_and_never_half_signs_in(user, data, htmx):
    with rolled_back(user):
        before = User.objects.count()
        client = Client()

        response = post(client, reverse("accounts:signup"), data, htmx=htmx)

        assert_form_answer(response, limited=True)
        created = User.objects.count() - before
        if response.status_code == 302:
            assert response.url.startswith("/") and not response.url.startswith("//")
            assert created in (0, 1)
        else:
            assert created == 0
        assert ("_auth_user_id" in client.session) == (created == 1)
        if data == SIGNUP_FORM:
            assert response.status_code == 302


@pytest.fixture
def signup_link(db, mailoutbox) -> str:
    """The emailed link that finishes the sign-up of SIGNUP_FORM."""
    Client().post(reverse("accounts:signup"), SIGNUP_FORM)
    return re.search(r"/accounts/signup/confirm/\S+/", mailoutbox[-1].body).group()


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        st.just({"username": "carol"}),
        form_data({"username": st.one_of(field_value, st.sampled_from(["alice", "ALICE"]))}),
        raw_body(["username"]),
    ),
    htmx=st.booleans(),
)
def test_a_sign_up_link_creates_the_account_only_with_a_free_valid_username(
    user, signup_link, data, htmx
):
    with rolled_back(user):
        client = Client()

        response = post(client, signup_link, data, htmx=htmx)

        assert_form_answer(response)
        account = User.objects.filter(email="carol@example.com").first()
        assert (account is not None) == (response.status_code == 302)
        assert ("_auth_user_id" in client.session) == (account is not None)
        if account is not None:
            typed = fields_of(data).get("username").strip()
            assert account.username == unicodedata.normalize("NFKC", typed)
            assert account.check_password(NEW_PASSWORD)
        if data == {"username": "carol"}:
            assert response.status_code == 302


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        st.just({"username": "alice", "password": PASSWORD}),
        form_data(
            {
                "username": st.one_of(field_value, st.sampled_from(["alice", "ALICE", "bob"])),
                "password": st.one_of(form_text, st.just(PASSWORD)),
            }
        ),
        raw_body(["username", "password"]),
    ),
    htmx=st.booleans(),
)
@example(data={"username": "u" * 256, "password": "wrong"}, htmx=False)  # > the 255 axes keeps
def test_login_signs_in_only_with_the_password(user, data, htmx):
    with rolled_back(user):
        client = Client()

        response = post(client, reverse("accounts:login"), data, htmx=htmx)

        assert_form_answer(response)
        signed_in_now = "_auth_user_id" in client.session
        assert signed_in_now == (response.status_code == 302)
        if signed_in_now:
            assert fields_of(data).get("password") == PASSWORD
        if data == {"username": "alice", "password": PASSWORD}:
            assert signed_in_now


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        st.just({"email": "ALICE@example.com"}),
        form_data({"email": st.one_of(field_value, st.emails())}),
        raw_body(["email"]),
    ),
    htmx=st.booleans(),
)
def test_password_reset_mails_only_the_owner_of_the_address(user, data, htmx):
    with rolled_back(user):
        mail.outbox = []

        response = post(Client(), reverse("accounts:password_reset"), data, htmx=htmx)

        assert_form_answer(response, limited=True)
        if response.status_code == 302:
            assert response.url == reverse("accounts:password_reset_done")
        else:
            assert mail.outbox == []
        assert [m.to for m in mail.outbox] in ([], [["alice@example.com"]])
        if data == {"email": "ALICE@example.com"}:
            assert [m.to for m in mail.outbox] == [["alice@example.com"]]


@PROPERTY_SETTINGS
@given(new=passwords, htmx=st.booleans())
def test_a_reset_link_sets_only_a_password_it_accepts(user, new, htmx):
    with rolled_back(user):
        client = Client()
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = reverse("accounts:password_reset_confirm", args=[uid, token])
        set_password = client.get(link)["Location"]

        response = post(
            client, set_password, {"new_password1": new[0], "new_password2": new[1]}, htmx=htmx
        )

        assert_form_answer(response)
        user.refresh_from_db()
        if response.status_code == 302:
            assert new[0] == new[1] and user.check_password(new[0])
        else:
            assert user.check_password(PASSWORD)


PASSWORD_CHANGE_FORM = {
    "old_password": PASSWORD,
    "new_password1": NEW_PASSWORD,
    "new_password2": NEW_PASSWORD,
}


@PROPERTY_SETTINGS
@given(
    data=any_form(
        PASSWORD_CHANGE_FORM,
        {
            "old_password": st.one_of(form_text, st.just(PASSWORD)),
            "new_password1": form_text,
            "new_password2": form_text,
        },
    ),
    htmx=st.booleans(),
)
def test_password_change_changes_only_a_password_it_accepts(user, data, htmx):
    with rolled_back(user):
        response = post(signed_in(user), reverse("accounts:password_change"), data, htmx=htmx)

        assert_form_answer(response)
        user.refresh_from_db()
        if response.status_code == 302:
            assert fields_of(data).get("old_password") == PASSWORD
            assert user.check_password(fields_of(data).get("new_password1"))
        else:
            assert user.check_password(PASSWORD)
        if data == PASSWORD_CHANGE_FORM:
            assert response.status_code == 302


SETTINGS_FORM = {
    "default_question_count": "5",
    "default_seconds_junior": "180",
    "default_seconds_senior": "300",
    "extra_time": "1.0",
    "timezone": "UTC",
    "desired_retention": "0.90",
}


@PROPERTY_SETTINGS
@given(
    data=any_form(
        SETTINGS_FORM,
        {
            "default_question_count": number_text,
            "default_seconds_junior": number_text,
            "default_seconds_senior": number_text,
            "extra_time": st.one_of(st.sampled_from(["1.0", "1.5", "2.0"]), field_value),
            "timezone": st.one_of(
                st.sampled_from(["Europe/Paris", "US/Eastern", "Asia/Kolkata", "utc"]),
                field_value,
            ),
            "desired_retention": number_text,
        },
    ),
    htmx=st.booleans(),
)
def test_settings_store_only_values_in_range(user, data, htmx):
    with rolled_back(user):
        before = User.objects.filter(pk=user.pk).values().get()

        response = post(signed_in(user), reverse("accounts:settings"), data, htmx=htmx)

        assert_form_answer(response)
        after = User.objects.get(pk=user.pk)
        if response.status_code == 302:
            assert 1 <= after.default_question_count <= 60
            assert 10 <= after.default_seconds_junior <= 1800
            assert 10 <= after.default_seconds_senior <= 1800
            assert after.extra_time in ("1.0", "1.5", "2.0")
            assert zoneinfo.ZoneInfo(after.timezone)
            assert 0.7 <= after.desired_retention <= 0.97
        else:
            unchanged = User.objects.filter(pk=user.pk).values().get()
            assert {k: v for k, v in unchanged.items() if k != "last_login"} == {
                k: v for k, v in before.items() if k != "last_login"
            }
        if data == SETTINGS_FORM:
            assert response.status_code == 302


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        form_data({"password": st.one_of(form_text, st.just(PASSWORD), st.just(PASSWORD + " "))}),
        raw_body(["password"]),
    ),
    htmx=st.booleans(),
)
def test_delete_account_deletes_only_with_the_password(user, data, htmx):
    with rolled_back(user):
        response = post(signed_in(user), reverse("accounts:delete"), data, htmx=htmx)

        assert_form_answer(response)
        deleted = not User.objects.filter(pk=user.pk).exists()
        assert deleted == (response.status_code == 302)
        if deleted:
            assert fields_of(data).get("password") == PASSWORD


# --------------------------------------------------------------------------- practice


PRACTICE_FORM = {
    "bank": "aws",
    "mode": "mock",
    "count": "3",
    "seconds_junior": "180",
    "seconds_senior": "300",
}


@PROPERTY_SETTINGS
@given(
    data=any_form(
        PRACTICE_FORM,
        {
            "bank": st.one_of(st.just("aws"), field_value),
            "mode": st.one_of(st.sampled_from(["mock", "practice"]), field_value),
            "count": number_text,
            "levels": st.lists(st.one_of(st.sampled_from(["junior", "senior"]), field_value)),
            "tags": st.lists(st.one_of(st.sampled_from(["compute", "storage"]), field_value)),
            "seconds_junior": number_text,
            "seconds_senior": number_text,
            "include_due": booleans,
        },
    ),
    htmx=st.booleans(),
)
def test_the_practice_form_starts_an_interview_only_when_valid(user, questions, data, htmx):
    with rolled_back(user):
        response = post(signed_in(user), reverse("questions:practice"), data, htmx=htmx)

        assert_form_answer(response)
        started = MockInterview.objects.filter(owner=user)
        if response.status_code == 302:
            (interview,) = started
            assert response.url == interview.get_absolute_url()
            assert 1 <= interview.attempts.count() <= min(interview.question_count, 4)
        else:
            assert not started.exists()
        if data == PRACTICE_FORM:
            assert response.status_code == 302


@pytest.mark.parametrize("name", ["practise_question", "review_due", "practise_weakest"])
@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        form_data(
            {
                "mode": st.one_of(st.sampled_from(["mock", "practice"]), field_value),
                "bank": st.one_of(st.just("aws"), field_value),
                "next": st.one_of(
                    st.sampled_from(["/", "//evil.example/", "/bank/aws/?q=x", "https://x/"]),
                    field_value,
                ),
                "replace": number_text,
            }
        ),
        raw_body(["mode", "bank", "next", "replace"]),
    ),
)
def test_one_click_starts_redirect_within_the_site(user, questions, name, data):
    with rolled_back(user):
        kwargs = {"question_id": questions[0].pk} if name == "practise_question" else {}

        response = post(signed_in(user), reverse(f"questions:{name}", kwargs=kwargs), data)

        assert response.status_code == 302
        assert response.url.startswith("/") and not response.url.startswith("//")
        for interview in MockInterview.objects.filter(owner=user):
            assert interview.attempts.exists()


# --------------------------------------------------------------------------- interview


def normalised(text: str) -> str:
    """An answer as the form keeps it: NUL removed, CRLF read as one line break."""
    return text.replace("\x00", "").replace("\r\n", "\n")


answer_text = st.one_of(
    form_text,
    st.just("x" * MAX_ANSWER_LENGTH),
    st.just("x" * MAX_ANSWER_LENGTH + "\x00"),
    st.just("\r\n" * MAX_ANSWER_LENGTH),
    st.just("x" * (MAX_ANSWER_LENGTH + 1)),
)


def attempt_url(name: str, interview: MockInterview) -> str:
    if name == "interview_end":
        return reverse("questions:interview_end", kwargs={"pk": interview.pk})
    return reverse(f"questions:{name}", kwargs={"pk": interview.pk, "position": 1})


def assert_step_answer(response, htmx: bool) -> None:
    """An interview step: the page or partial (200), a redirect, or htmx's redirect."""
    assert response.status_code in (200, 302), response.status_code
    event(f"answered {response.status_code}{' (htmx)' if htmx else ''}")
    if htmx and response.status_code == 302:
        pytest.fail("htmx requests are redirected with HX-Redirect, not a 302")


ANSWER_ENDPOINTS = ["attempt_draft", "attempt_submit", "attempt_skip", "interview_end"]


@pytest.mark.parametrize("name", ANSWER_ENDPOINTS)
@PROPERTY_SETTINGS
@given(text=answer_text, htmx=st.booleans())
def test_an_answer_is_stored_as_typed_or_refused_whole(user, interview, name, text, htmx):
    with rolled_back(user):
        response = post(signed_in(user), attempt_url(name, interview), {"answer": text}, htmx=htmx)

        assert_step_answer(response, htmx)
        attempt = Attempt.objects.get(interview=interview, position=1)
        interview.refresh_from_db()
        typed = normalised(text)
        fits = len(typed) <= MAX_ANSWER_LENGTH
        stored = (attempt.status, attempt.answer, attempt.draft)
        if not fits and name == "attempt_skip":  # skipped, the text too long to keep
            assert stored == (AttemptStatus.SKIPPED, "", "")
        elif not fits:
            assert stored == (AttemptStatus.PENDING, "", "")
            assert interview.status == InterviewStatus.IN_PROGRESS
            assert f"{MAX_ANSWER_LENGTH:,}" in body(response)
        elif name == "attempt_draft":
            assert attempt.status == AttemptStatus.PENDING and attempt.draft == typed
        elif name == "attempt_submit" and typed.strip():
            assert attempt.status == AttemptStatus.ANSWERED and attempt.answer == typed
            assert 0 <= attempt.coverage <= 100
        elif name == "attempt_submit":
            assert attempt.status == AttemptStatus.PENDING and attempt.answer == ""
            assert "Write an answer first" in body(response)
        elif name == "attempt_skip":
            assert attempt.status == AttemptStatus.SKIPPED and attempt.answer == ""
            assert attempt.draft == typed
        else:
            assert interview.status != InterviewStatus.IN_PROGRESS


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        form_data(
            {
                "rating": st.one_of(st.sampled_from(["1", "2", "3", "4"]), number_text),
                "note": st.one_of(form_text, st.just("n" * 2001)),
            }
        ),
        raw_body(["rating", "note"]),
    ),
    htmx=st.booleans(),
)
def test_a_rating_is_stored_only_when_valid(user, answered, data, htmx):
    with rolled_back(user):
        url = attempt_url("attempt_rate", answered)

        response = post(signed_in(user), url, data, htmx=htmx)

        assert_step_answer(response, htmx)
        attempt = Attempt.objects.get(interview=answered, position=1)
        rating, note = fields_of(data).get("rating"), fields_of(data).get("note", "")
        if attempt.self_rating is not None:
            assert str(attempt.self_rating) == rating
            assert attempt.note == note.strip()
        else:
            assert response.status_code == 200 and "errorlist" in body(response)
            assert attempt.rated is None and attempt.note == ""
        if rating in ("1", "2", "3", "4") and "\x00" not in note and len(note) <= 2000:
            assert attempt.self_rating == int(rating)


# --------------------------------------------------------------------------- GET endpoints


PAGES = {
    "home": lambda interview, question: reverse("questions:home"),
    "bank": lambda interview, question: question.bank.get_absolute_url(),
    "detail": lambda interview, question: question.get_absolute_url(),
    "answer": lambda interview, question: reverse(
        "questions:answer", kwargs={"bank_slug": question.bank.slug, "slug": question.slug}
    ),
    "practice": lambda interview, question: reverse("questions:practice"),
    "history": lambda interview, question: reverse("questions:history"),
    "history_questions": lambda interview, question: reverse("questions:history_questions"),
    "question_history": lambda interview, question: reverse(
        "questions:question_history", kwargs={"question_id": question.pk}
    ),
    "progress": lambda interview, question: reverse("questions:progress"),
    "export": lambda interview, question: reverse("questions:export"),
    "anki_weakest": lambda interview, question: reverse(
        "questions:anki_progress", kwargs={"which": "weakest"}
    ),
    "anki_due": lambda interview, question: reverse(
        "questions:anki_progress", kwargs={"which": "due"}
    ),
    "interview": lambda interview, question: interview.get_absolute_url(),
    "reveal": lambda interview, question: reverse(
        "questions:attempt_reveal", kwargs={"pk": interview.pk, "position": 1}
    ),
    "summary": lambda interview, question: interview.get_summary_url(),
    "settings": lambda interview, question: reverse("accounts:settings"),
}
query = st.one_of(
    st.dictionaries(
        st.sampled_from(["q", "level", "tag", "page", "bank", "format", "reveal", "preview"]),
        st.one_of(field_value, st.lists(field_value, max_size=3)),
        max_size=4,
    ),
    raw_body(["q", "level", "tag", "page", "bank", "format"]).map(lambda b: b.decode()),
)


@pytest.mark.parametrize("page", sorted(PAGES))
@settings(PROPERTY_SETTINGS, max_examples=10)
@given(params=query, htmx=st.booleans())
@example(params="bank=%00&q=%00&tag=%00&page=%00", htmx=False)  # NUL, which no text column holds
def test_pages_take_any_query_string(user, interview, questions, page, params, htmx):
    with rolled_back(user):
        url = PAGES[page](interview, questions[0])
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        client = signed_in(user)

        if isinstance(params, str):
            response = client.get(url, QUERY_STRING=params, **headers)
        else:
            response = client.get(url, params, **headers)

        # 400: a NUL in the URL, which no page can answer (interviewprep/middleware.py).
        assert response.status_code in (200, 302, 400, 404), f"{url}: {response.status_code}"
        if response.status_code == 400:
            sent = response.wsgi_request.GET.lists()
            assert any("\x00" in k or any("\x00" in v for v in vs) for k, vs in sent)
        if response.streaming:
            b"".join(response.streaming_content)


# --------------------------------------------------------------------------- the admin


markdown_text = st.one_of(
    form_text,
    st.lists(
        st.sampled_from(
            ["# h", "- item", "  - nested", "1. one", "| a | b |", "|---|---|", "```py", "```",
             "> quote", "<script>alert(1)</script>", "[link](javascript:alert(1))",
             "<img src=x onerror=alert(1)>", "**bold", "_it_", "    code", "***", "<div>"]
        ),
        max_size=12,
    ).map("\n".join),
)  # fmt: skip


@PROPERTY_SETTINGS
@given(
    fuzz=st.fixed_dictionaries(
        {},
        optional={
            "number": number_text,
            "level": st.one_of(st.sampled_from(["junior", "senior"]), field_value),
            "slug": st.one_of(slug_text, field_value),
            "prompt": st.one_of(form_text, long_text),
            "answer": markdown_text,
            "talking_points": st.lists(
                st.one_of(short_text, st.just("claim: " + "w " * 200), st.just("a | b | c")),
                max_size=5,
            ).map("\n".join),
            "tags": st.lists(number_text, max_size=3),
            "is_active": booleans,
            "bank": number_text,
            "use_derived_points": booleans,
        },
    ),
)
@example(fuzz={"tags": [str(2**63)]})  # an id no 64-bit column holds
@example(fuzz={"bank": "²"})  # a digit that is no number
@example(fuzz={"bank": "9" * 5000})  # more digits than int() reads
def test_the_admin_question_form_saves_only_what_it_accepts(editor, questions, fuzz):
    question = questions[0]
    with rolled_back(editor):
        before = Question.objects.filter(pk=question.pk).values().get()
        url = reverse("admin:questions_question_change", args=[question.pk])

        response = signed_in(editor).post(url, question_form_data(question, **fuzz))

        assert response.status_code in (200, 302), response.status_code
        saved = Question.objects.get(pk=question.pk)
        if response.status_code == 302:
            rendered = page_parts(saved.answer_html)
            assert rendered.scripts == [] and rendered.event_handlers == []
            assert not re.search(r"href=\W*javascript:", saved.answer_html, re.IGNORECASE)
        else:
            assert 'class="errornote"' in body(response)
            assert Question.objects.filter(pk=question.pk).values().get() == before
