from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.formatting import duration_words
from accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SettingsForm,
    SignupConfirmForm,
    SignUpForm,
)
from accounts.rate_limits import Limit, rate_limits_hit
from accounts.selectors import account_data_counts, pending_signup_for_key
from accounts.services import (
    AddressTaken,
    UsernameTaken,
    account_delete,
    signup_begin,
    signup_confirm,
)
from interviewprep.client_ip import client_ip

TAKEN_MEANWHILE = "That username was taken a moment ago. Please choose another."


def _site_url(request: HttpRequest) -> str:
    """The scheme and host that links in emails start with."""
    return f"{request.scheme}://{request.get_host()}"


def _email_wait(
    request: HttpRequest, *, action: str, email: str, per_ip: int, per_address: int
) -> int:
    """Count a request that sends email for ``action`` from this client to ``email``
    against the limits: 0 when allowed, else the seconds to wait."""
    window = settings.ACCOUNT_EMAIL_WINDOW_MINUTES * 60
    return rate_limits_hit(
        hits=[
            (Limit(f"{action}-ip", per_ip, window), client_ip(request) or "unknown"),
            (Limit(f"{action}-address", per_address, window), email.strip().lower()),
        ]
    )


def _too_many(request: HttpRequest, *, wait: int, what: str) -> HttpResponse:
    """429: too many emails asked for; nothing was sent."""
    response = render(
        request, "registration/rate_limited.html", {"wait": wait, "what": what}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up: a valid form emails the address and shows "check your email", the same
    whether or not the address already has an account (only a taken username is said)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        wait = _email_wait(
            request,
            action="signup",
            email=email,
            per_ip=settings.SIGNUP_LIMIT_PER_IP,
            per_address=settings.SIGNUP_LIMIT_PER_ADDRESS,
        )
        if wait:
            return _too_many(request, wait=wait, what="sign-up")
        unsaved = form.save(commit=False)  # the password hashed, nothing stored
        signup_begin(
            username=unsaved.username,
            email=email,
            password=unsaved.password,
            site_url=_site_url(request),
        )
        return redirect("accounts:signup_sent")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
@login_not_required
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html")


@require_http_methods(["GET", "POST"])
@login_not_required
def signup_confirm_view(request: HttpRequest, key: str) -> HttpResponse:
    """The emailed link: create the account (a button, so that mail scanners opening the
    link create nothing), log in and go home."""
    pending = pending_signup_for_key(key=key)
    if pending is None:
        return render(request, "registration/signup_confirm.html", {"validlink": False})
    form = SignupConfirmForm(
        request.POST if request.method == "POST" else None,
        initial={"username": pending.username},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_confirm(pending=pending, username=form.cleaned_data["username"])
        except AddressTaken:
            context = {"validlink": False, "address_taken": True}
            return render(request, "registration/signup_confirm.html", context)
        except (UsernameTaken, IntegrityError):
            form.add_error("username", TAKEN_MEANWHILE)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"validlink": True, "form": form, "email": pending.email}
    return render(request, "registration/signup_confirm.html", context)


class LoginView(auth_views.LoginView):
    """Log in. Failed attempts are counted by django-axes (the form passes the request to
    ``authenticate``); once locked out, AxesMiddleware answers with registration/lockout.html."""

    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out (POST only: a GET answers 405)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out. See you next time.")
        return response


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings were saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.success(request, "Your account and all its data were deleted.")
        return redirect("questions:home")
    counts = account_data_counts(user=request.user)
    return render(request, "accounts/delete.html", {"form": form, "counts": counts})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        wait = _email_wait(
            self.request,
            action="password-reset",
            email=email,
            per_ip=settings.PASSWORD_RESET_LIMIT_PER_IP,
            per_address=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        )
        if wait:
            return _too_many(self.request, wait=wait, what="password reset")
        self.extra_email_context = {
            "link_lifetime": duration_words(settings.PASSWORD_RESET_TIMEOUT),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever set a new password through the emailed link owns the address: a login
        # lockout on the account ends, so they can log in with it at once.
        axes_reset(username=self.user.get_username())
        return response
