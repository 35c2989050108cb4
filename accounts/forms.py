import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone as django_timezone

from accounts.formatting import duration_words
from accounts.models import ExtraTime, User

SECONDS_MIN, SECONDS_MAX = 10, 1800
QUESTIONS_MIN, QUESTIONS_MAX = 1, 60
RETENTION_MIN, RETENTION_MAX = Decimal("0.70"), Decimal("0.97")
USERNAME_TAKEN = (
    "That username is taken (upper and lower case count as the same). Please choose another."
)


class SignUpForm(auth_forms.UserCreationForm):
    error_messages = {
        **auth_forms.UserCreationForm.error_messages,
        "password_mismatch": "The two passwords do not match. Type the same password twice.",
    }
    email = forms.EmailField(
        label="Email address",
        help_text=(
            "We email you a link there to finish signing up, and password reset links if "
            "you ask for them. Nobody else sees it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        help_texts = {
            "username": "Up to 150 characters: letters, digits and @ . + - _ only.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "Password"
        self.fields["password2"].label = "Confirm password"
        self.fields["password2"].help_text = "Type the same password again."

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(USERNAME_TAKEN, code="unique")
        return username

    def clean_email(self) -> str:
        # Whether the address already has an account is not said here: sign-up answers
        # the same either way and emails the address (accounts.services.signup_begin).
        return User.objects.normalize_email(self.cleaned_data["email"])

    def _get_validation_exclusions(self) -> set[str]:
        # Nor by the model's unique constraint on the address.
        return super()._get_validation_exclusions() | {"email"}


class SignupConfirmForm(forms.Form):
    """The username of an account whose sign-up link was opened (it may have been taken
    since the sign-up form was sent)."""

    username = auth_forms.UsernameField(
        label="Username",
        max_length=150,
        validators=[User.username_validator],
        help_text=SignUpForm.Meta.help_texts["username"],
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(USERNAME_TAKEN, code="unique")
        return username


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password do not match an account. "
            "Check both and try again; the password is case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "Username"
        # Django sets the length on the widget only: refuse a longer name before it reaches
        # authentication (and the lockout's records of failed names).
        username.validators.append(MaxLengthValidator(username.max_length))
        self.fields["password"].label = "Password"


def _seconds_help(*, field_id: str, example: int) -> str:
    """Help for a seconds field, with the current value said in minutes (kept live by JS)."""
    in_words = f"{example} second{'' if example == 1 else 's'} is {duration_words(example)}."
    return (
        f"{SECONDS_MIN} to {SECONDS_MAX} seconds (up to {duration_words(SECONDS_MAX)}). "
        f'<span data-duration-of="{field_id}">{in_words}</span>'
    )


# The tz database's geographic areas; other names (US/Eastern, Etc/GMT+5, …) are aliases.
TIMEZONE_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)


def timezone_choices() -> list:
    """UTC first, then every zone grouped by its area ("Europe", "America", …)."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(zoneinfo.available_timezones()):
        area, _, place = name.partition("/")
        if area in TIMEZONE_AREAS and place:
            groups[area].append((name, place.replace("_", " ").replace("/", " – ")))
    return [("UTC", "UTC (Coordinated Universal Time)"), *sorted(groups.items())]


class SettingsForm(forms.ModelForm):
    default_question_count = forms.IntegerField(
        label="Questions per interview",
        min_value=QUESTIONS_MIN,
        max_value=QUESTIONS_MAX,
        help_text=f"From {QUESTIONS_MIN} to {QUESTIONS_MAX}. You can still change it each time.",
        error_messages={
            "min_value": f"Choose from {QUESTIONS_MIN} to {QUESTIONS_MAX} questions.",
            "max_value": f"Choose from {QUESTIONS_MIN} to {QUESTIONS_MAX} questions.",
            "invalid": "Enter a whole number of questions.",
            "required": "Enter how many questions an interview should have.",
        },
    )
    default_seconds_junior = forms.IntegerField(
        label="Seconds per freshers & intermediate question",
        min_value=SECONDS_MIN,
        max_value=SECONDS_MAX,
    )
    default_seconds_senior = forms.IntegerField(
        label="Seconds per senior question",
        min_value=SECONDS_MIN,
        max_value=SECONDS_MAX,
    )
    extra_time = forms.ChoiceField(
        label="Extra time on timed questions",
        choices=[
            (ExtraTime.NONE, "No extra time (×1)"),
            (ExtraTime.HALF, "Time and a half (×1.5)"),
            (ExtraTime.DOUBLE, "Double time (×2)"),
        ],
        widget=forms.RadioSelect,
        help_text=(
            "Multiplies the time of every timed question, for example if you use a screen "
            "reader, type slowly or answer in a second language. Practice mode has no timer."
        ),
    )
    timezone = forms.ChoiceField(label="Your time zone", choices=timezone_choices)
    desired_retention = forms.DecimalField(
        label="Desired retention",
        min_value=RETENTION_MIN,
        max_value=RETENTION_MAX,
        max_digits=3,
        decimal_places=2,
        help_text=(
            f"From {RETENTION_MIN} to {RETENTION_MAX}: the share of questions you aim to recall "
            "when they come back for review (0.90 means 90%). Higher brings questions back "
            "sooner and more often; lower, later and less often."
        ),
        error_messages={
            "min_value": f"Choose from {RETENTION_MIN} to {RETENTION_MAX}.",
            "max_value": f"Choose from {RETENTION_MIN} to {RETENTION_MAX}.",
            "max_decimal_places": "Use at most two decimals, for example 0.85.",
            "max_digits": "Use at most two decimals, for example 0.85.",
            "invalid": "Enter a number such as 0.90.",
            "required": "Enter a desired retention, for example 0.90.",
        },
    )

    class Meta:
        model = User
        fields = (
            "default_question_count",
            "default_seconds_junior",
            "default_seconds_senior",
            "extra_time",
            "timezone",
            "desired_retention",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("default_seconds_junior", "default_seconds_senior"):
            field = self.fields[name]
            field.widget.attrs.update({"step": 1, "inputmode": "numeric"})
            field.help_text = _seconds_help(
                field_id=(self.auto_id or "id_%s") % self.add_prefix(name),
                example=self._seconds_to_explain(name),
            )
            message = (
                f"Choose from {SECONDS_MIN} to {SECONDS_MAX} seconds "
                f"({duration_words(SECONDS_MAX)})."
            )
            field.error_messages.update(
                {
                    "min_value": message,
                    "max_value": message,
                    "invalid": "Enter a whole number of seconds.",
                    "required": "Enter a number of seconds.",
                }
            )
        self.fields["default_question_count"].widget.attrs["inputmode"] = "numeric"
        self.fields["desired_retention"].widget.attrs["inputmode"] = "decimal"
        zone = self.instance.tzinfo
        known = {value for _, group in self.fields["timezone"].choices[1:] for value, _ in group}
        current = self.instance.timezone
        if current not in known | {"UTC"} and current in zoneinfo.available_timezones():
            # A zone set elsewhere (an alias such as "US/Eastern") stays selectable.
            self.fields["timezone"].choices = [
                (current, current),
                *self.fields["timezone"].choices,
            ]
        local_now = django_timezone.now().astimezone(zone)
        self.fields["timezone"].help_text = (
            "Used for dates and for counting practice days in your streak. "
            f"It is {local_now:%H:%M} now in {zone.key.replace('_', ' ')}."
        )

    def _seconds_to_explain(self, name: str) -> int:
        """What the help text says in minutes: the typed value when it is a sensible whole
        number (so a re-rendered form explains what was entered), else the saved one."""
        if self.is_bound:
            try:
                typed = int(self.data.get(self.add_prefix(name), ""))
            except (TypeError, ValueError):
                typed = 0
            if 0 < typed < 10**7:
                return typed
        return getattr(self.instance, name)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your current password. Nothing was deleted.",
                code="password_incorrect",
            )
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": "That is not your current password. Please try again.",
        "password_mismatch": "The two new passwords do not match.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = "Type the new password again."


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "The address you signed up with."


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {
        **auth_forms.SetPasswordForm.error_messages,
        "password_mismatch": "The two new passwords do not match.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = "Type the new password again."
