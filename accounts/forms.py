from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import User, timezone_choices


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="Email address",
        help_text="For password resets. Never shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class SettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices)

    class Meta:
        model = User
        fields = (
            "default_question_count",
            "default_seconds_junior",
            "default_seconds_senior",
            "extra_time",
            "timezone",
        )
