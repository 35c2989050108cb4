"""The bank and a question with the keyboard alone: skip link, filters, reveal by Enter,
every control reachable by Tab and visibly focused."""

import re

import pytest
from playwright.sync_api import expect

from questions.models import Question
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    key: el.id || el.getAttribute("href") || el.name + "=" + el.value || el.textContent.trim(),
    text: (el.labels && el.labels.length ? el.labels[0].textContent : el.textContent).trim(),
    outline: style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}"""

# Every control a keyboard user must be able to reach on a page.
CONTROLS = """() => Array.from(document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])"
))
  .filter(el => !el.disabled && el.getClientRects().length > 0)
  .filter(el => getComputedStyle(el).visibility !== "hidden")
  .map(el => el.id || el.getAttribute("href") || el.name + "=" + el.value
    || el.textContent.trim())"""


def _focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def _tab_until(page, pattern: str, *, limit: int = 150) -> dict:
    """Press Tab until the focused control's text or label matches ``pattern``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused and re.search(pattern, focused["text"]):
            return focused
    raise AssertionError(f"Tab never reached a control matching {pattern!r}")


def _tab_through_the_page(page, url: str) -> list[dict]:
    """Load ``url`` and Tab from the top of the page to the bottom; return every control
    focused on the way."""
    page.goto(url)
    seen: list[dict] = []
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused is None or (seen and focused["key"] == seen[0]["key"]):
            break
        seen.append(focused)
    else:
        raise AssertionError("Tab did not come back round to the start of the page")
    return seen


def _assert_every_control_is_reached_with_visible_focus(page, url: str) -> list[dict]:
    seen = _tab_through_the_page(page, url)
    controls = set(page.evaluate(CONTROLS))
    reached = {f["key"] for f in seen}
    assert controls - reached == set(), f"not reachable by Tab: {controls - reached}"
    unseen = [f["key"] for f in seen if f["outline"] < 2 or not f["onScreen"]]
    assert unseen == [], f"focused without a visible outline, or off screen: {unseen}"
    return seen


def test_the_skip_link_is_first_visible_when_focused_and_jumps_to_the_content(
    page, live_server, user, aws_bank
):
    login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + aws_bank.get_absolute_url())

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search questions and answers")).to_be_focused()


def test_the_bank_is_usable_with_the_keyboard_alone(page, live_server, user, aws_bank):
    login(page, live_server, user.username, PASSWORD)
    seen = _assert_every_control_is_reached_with_visible_focus(
        page, live_server.url + aws_bank.get_absolute_url()
    )
    assert len([f for f in seen if f["id"].startswith("tag-")]) == aws_bank.tags.count()
    assert (
        len([f for f in seen if f["text"] in aws_bank.questions.values_list("prompt", flat=True)])
        == 20
    )

    page.goto(live_server.url + aws_bank.get_absolute_url())
    _tab_until(page, r"^Search questions and answers$")
    page.keyboard.type("Lambda")
    page.wait_for_url(re.compile(r"\?q=Lambda"))

    _tab_until(page, r"^Senior \(30\)$")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"\?q=Lambda&level=senior$"))
    expect(page.get_by_role("checkbox", name="Senior")).to_be_checked()
    # The swap leaves focus where it was, so the user can keep filtering.
    assert _focused(page)["text"].startswith("Senior")

    _tab_until(page, r"^Lambda \(\d+\)$")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"&tag=lambda$"))

    first = page.locator("#results .q-title").first
    prompt = first.inner_text()
    _tab_until(page, "^" + re.escape(prompt) + "$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt)


def test_a_question_is_usable_with_the_keyboard_alone(page, live_server, user, aws_bank):
    question = Question.objects.get(bank=aws_bank, slug="ec2-pricing-models")
    following = Question.objects.get(bank=aws_bank, number=question.number + 1)
    login(page, live_server, user.username, PASSWORD)
    seen = _assert_every_control_is_reached_with_visible_focus(
        page, live_server.url + question.get_absolute_url()
    )
    assert "Reveal answer" in [f["text"] for f in seen]

    page.goto(live_server.url + question.get_absolute_url())
    _tab_until(page, r"^Reveal answer$")
    page.keyboard.press("Enter")

    answer = page.get_by_role("region", name="Model answer")
    expect(answer.get_by_role("table")).to_be_visible()
    expect(answer).to_be_focused()
    # htmx settles the swap (and applies autofocus) just after it; wait for that first.
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
    page.wait_for_timeout(100)
    # Tab goes on from the answer to the links after it, not back to the top of the page.
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "← Previous question"
    _assert_every_control_is_reached_with_visible_focus(
        page, live_server.url + question.get_absolute_url() + "?reveal=1"
    )

    _tab_until(page, r"^Next question →$")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + following.get_absolute_url())
