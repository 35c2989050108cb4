from decimal import Decimal

import pytest
from django.urls import reverse

URL = reverse("accounts:settings")


def _data(**overrides) -> dict:
    return {
        "default_question_count": "10",
        "default_seconds_junior": "120",
        "default_seconds_senior": "600",
        "extra_time": "1.5",
        "timezone": "Europe/Berlin",
        "desired_retention": "0.85",
        **overrides,
    }


def test_it_shows_every_section(client_logged_in):
    response = client_logged_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Practice defaults",
        "Accessibility",
        "Time zone",
        "Password",
        "Your data",
        "Danger zone",
    ):
        assert f">{heading}</h2>" in html
    assert reverse("accounts:password_change") in html
    assert reverse("accounts:delete") in html


def test_it_shows_the_saved_times_in_minutes(client_logged_in):
    html = client_logged_in.get(URL).content.decode()

    assert "180 seconds is 3 minutes." in html
    assert "300 seconds is 5 minutes." in html
    assert "10 to 1800 seconds (up to 30 minutes)." in html


def test_it_labels_the_extra_time_choices_as_a_group(client_logged_in):
    html = client_logged_in.get(URL).content.decode()

    assert "<legend" in html and "Extra time on timed questions" in html
    for label in ("No extra time (×1)", "Time and a half (×1.5)", "Double time (×2)"):
        assert label in html


def test_it_offers_time_zones_grouped_with_utc_first(client_logged_in):
    html = client_logged_in.get(URL).content.decode()

    assert '<option value="UTC" selected>' in html
    assert '<optgroup label="Europe">' in html
    assert '<option value="Europe/Berlin">Berlin</option>' in html


def test_a_valid_post_saves_every_setting(client_logged_in, user):
    response = client_logged_in.post(URL, _data(), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Your settings were saved." in response.content.decode()
    user.refresh_from_db()
    assert user.default_question_count == 10
    assert user.default_seconds_junior == 120
    assert user.default_seconds_senior == 600
    assert user.extra_time == "1.5"
    assert user.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("default_question_count", "0", "Choose from 1 to 60 questions."),
        ("default_question_count", "61", "Choose from 1 to 60 questions."),
        ("default_seconds_junior", "9", "Choose from 10 to 1800 seconds (30 minutes)."),
        ("default_seconds_senior", "1801", "Choose from 10 to 1800 seconds (30 minutes)."),
        ("default_seconds_junior", "3 minutes", "Enter a whole number of seconds."),
        ("default_seconds_junior", "²", "Enter a whole number of seconds."),
        ("default_seconds_junior", "9" * 5000, "Enter a whole number of seconds."),
        ("extra_time", "3.0", "Select a valid choice."),
        ("timezone", "Mars/Olympus_Mons", "Select a valid choice."),
    ],
)
def test_it_rejects_out_of_range_values_and_keeps_the_input(
    client_logged_in, user, field, value, message
):
    response = client_logged_in.post(URL, _data(**{field: value}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your settings were not saved." in html
    assert message in html
    kept = (
        "default_seconds_senior" if field == "default_seconds_junior" else "default_seconds_junior"
    )
    assert f'name="{kept}" value="{_data()[kept]}"' in html
    user.refresh_from_db()
    assert (user.default_question_count, user.timezone) == (5, "UTC")


def test_a_rejected_form_says_the_typed_seconds_in_minutes(client_logged_in):
    response = client_logged_in.post(URL, _data(default_seconds_senior="5000"))

    assert "5000 seconds is 1 hour 23 minutes 20 seconds." in response.content.decode()


def test_it_keeps_a_valid_zone_alias_set_elsewhere(client_logged_in, user):
    user.timezone = "US/Eastern"
    user.save()

    html = client_logged_in.get(URL).content.decode()

    assert '<option value="US/Eastern" selected>' in html


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={URL}"


def test_it_links_to_the_export_only_when_it_exists(client_logged_in):
    from django.urls import NoReverseMatch

    html = client_logged_in.get(URL).content.decode()

    try:
        export_url = reverse("questions:export")
    except NoReverseMatch:
        assert "Export your interviews and answers" not in html
    else:
        assert f'href="{export_url}"' in html


def test_it_offers_the_desired_retention_with_its_default(client_logged_in, user):
    html = client_logged_in.get(URL).content.decode()

    assert ">Spaced repetition</h2>" in html
    assert 'name="desired_retention" value="0.90"' in html
    assert 'min="0.70"' in html and 'max="0.97"' in html
    assert user.desired_retention == Decimal("0.90")


def test_a_valid_post_saves_the_desired_retention(client_logged_in, user):
    client_logged_in.post(URL, _data(desired_retention="0.93"))

    user.refresh_from_db()
    assert user.desired_retention == Decimal("0.93")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.69", "Choose from 0.70 to 0.97."),
        ("0.98", "Choose from 0.70 to 0.97."),
        ("0.905", "Use at most two decimals, for example 0.85."),
        ("ninety", "Enter a number such as 0.90."),
    ],
)
def test_it_rejects_a_desired_retention_out_of_range(client_logged_in, user, value, message):
    response = client_logged_in.post(URL, _data(desired_retention=value))

    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.desired_retention == Decimal("0.90")


def test_the_database_refuses_a_desired_retention_out_of_range(user):
    from django.db import IntegrityError, transaction

    from accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(desired_retention=Decimal("0.50"))
