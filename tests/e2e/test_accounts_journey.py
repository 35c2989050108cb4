"""Accounts in a real browser: sign up (through the emailed link), settings, log out and in,
lockout, deletion."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
NEW_PASSWORD = "a-long-and-unusual-passphrase-7"


CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/signup/confirm/[^\s]+/)")


def _sign_up(page, live_server, username: str, email: str = "") -> None:
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(email or f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()


def _fail_login(page, live_server, username: str, times: int) -> None:
    for _ in range(times):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()


@pytest.fixture
def lockout_page(context):
    """A page that fails on script errors, but accepts the 429 the lockout page answers with
    (Chromium logs every 4xx document as a console error)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "status of 429" not in msg.text
            else None
        ),
    )
    yield page
    assert not errors, f"browser errors: {errors}"


def test_a_new_user_signs_up_sets_preferences_logs_out_and_back_in(page, live_server, mailoutbox):
    _sign_up(page, live_server, "dana")

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    [message] = mailoutbox
    assert message.to == ["dana@example.com"]
    page.goto(live_server.url + CONFIRM_LINK.search(message.body).group(1))
    expect(page.get_by_label("Username")).to_have_value("dana")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Welcome, dana! Your account is ready.")).to_be_visible()

    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    page.get_by_label("Questions per interview").fill("8")
    senior = page.get_by_label("Seconds per senior question")
    senior.fill("240")
    expect(page.get_by_text("240 seconds is 4 minutes.")).to_be_visible()
    page.get_by_role("radio", name="Double time (×2)").check()
    page.get_by_label("Your time zone").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_text("Your settings were saved.")).to_be_visible()
    expect(page.get_by_label("Questions per interview")).to_have_value("8")
    expect(page.get_by_role("radio", name="Double time (×2)")).to_be_checked()
    user = get_user_model().objects.get(username="dana")
    assert (user.default_question_count, user.default_seconds_senior) == (8, 240)
    assert (user.extra_time, user.timezone) == ("2.0", "Asia/Kolkata")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()

    login(page, live_server, "dana", NEW_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_signing_up_with_a_taken_address_looks_the_same_and_tells_its_owner(
    page, live_server, user, mailoutbox
):
    _sign_up(page, live_server, "mallory", email="ALICE@example.com")

    expect(page).to_have_url(f"{live_server.url}/accounts/signup/sent/")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("already exists")).to_have_count(0)
    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert "Your username: alice" in message.body
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_settings_errors_are_explained_and_input_kept(page, live_server, user):
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/accounts/settings/")

    page.get_by_label("Questions per interview").fill("99")
    page.get_by_label("Seconds per senior question").fill("420")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("alert")).to_contain_text("Your settings were not saved.")
    expect(page.get_by_text("Choose from 1 to 60 questions.").last).to_be_visible()
    expect(page.get_by_label("Questions per interview")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Seconds per senior question")).to_have_value("420")


def test_repeated_failed_logins_lock_the_account_with_a_clear_message(
    lockout_page, live_server, user
):
    page = lockout_page
    _fail_login(page, live_server, "alice", 4)
    expect(page.get_by_text("That username and password do not match an account.")).to_be_visible()

    _fail_login(page, live_server, "alice", 1)

    expect(page.get_by_role("heading", name="Logging in is paused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Try again in 15 minutes.")
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Logging in is paused")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()


def test_a_user_deletes_their_account(page, live_server, user):
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/accounts/settings/")

    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Your current password").fill("not-it")
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(
        page.get_by_text("That is not your current password. Nothing was deleted.")
    ).to_be_visible()

    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Your account and all its data were deleted")).to_be_visible()
    assert not get_user_model().objects.filter(username="alice").exists()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_account_pages_fit_the_screen(browser, live_server, user, other_user, width):
    viewport = DESKTOP if width == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, is_mobile=width == "phone")
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)

    def shoot(name: str) -> None:
        assert_fits(page)
        page.screenshot(path=SCREENSHOTS / f"accounts-{name}-{width}.png", full_page=True)

    try:
        page.goto(f"{live_server.url}/accounts/signup/")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_text("This field is required.").first).to_be_visible()
        shoot("signup-errors")

        page.goto(f"{live_server.url}/accounts/login/")
        shoot("login")

        login(page, live_server, "alice", PASSWORD)
        page.goto(f"{live_server.url}/accounts/settings/")
        shoot("settings")
        page.get_by_label("Questions per interview").fill("0")
        page.get_by_label("Seconds per senior question").fill("5000")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("alert")).to_be_visible()
        shoot("settings-errors")
        page.goto(f"{live_server.url}/accounts/delete/")
        shoot("delete")
        page.get_by_role("button", name="Log out").click()

        _fail_login(page, live_server, "bob", 5)
        expect(page.get_by_role("heading", name=re.compile("paused"))).to_be_visible()
        shoot("lockout")
    finally:
        context.close()
