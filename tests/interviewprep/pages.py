"""What the security and offline-asset tests read out of rendered pages."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import reverse

EMBEDDING_TAGS = {"img", "source", "audio", "video", "iframe", "embed"}


@dataclass
class Script:
    src: str | None
    nonce: str | None
    body: str = ""


@dataclass
class PageParts:
    scripts: list[Script] = field(default_factory=list)
    asset_urls: list[str] = field(default_factory=list)
    inline_styles: int = 0
    event_handlers: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts = PageParts()
        self._script: Script | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.parts.event_handlers += [
            name for name in attributes if name.startswith("on") or name.startswith("hx-on")
        ]
        if tag == "style" or "style" in attributes:
            self.parts.inline_styles += 1
        if tag == "script":
            self._script = Script(src=attributes.get("src"), nonce=attributes.get("nonce"))
            self.parts.scripts.append(self._script)
            if attributes.get("src"):
                self.parts.asset_urls.append(attributes["src"])
        elif tag == "link" and attributes.get("href"):
            self.parts.asset_urls.append(attributes["href"])
        elif tag in EMBEDDING_TAGS and attributes.get("src"):
            self.parts.asset_urls.append(attributes["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.body += data


def page_parts(html: str) -> PageParts:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.parts


SIGNED_IN_PAGES = (
    "home",
    "bank",
    "question",
    "question revealed",
    "practice",
    "history",
    "progress",
    "settings",
)


def main_page_urls(*, question) -> dict[str, str]:
    """Every main page a visitor or a signed-in user reaches from the navigation."""
    return {
        "home": reverse("questions:home"),
        "bank": question.bank.get_absolute_url(),
        "question": question.get_absolute_url(),
        "question revealed": question.get_absolute_url() + "?reveal=1",
        "practice": reverse("questions:practice"),
        "history": reverse("questions:history"),
        "progress": reverse("questions:progress"),
        "settings": reverse("accounts:settings"),
    }


def public_page_urls() -> dict[str, str]:
    return {
        "landing": reverse("questions:home"),
        "login": reverse("accounts:login"),
        "signup": reverse("accounts:signup"),
    }
