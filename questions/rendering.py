"""Markdown → safe HTML for model answers and anything editors write.

Markdown is rendered with Python-Markdown (tables, fenced code) and the result is
sanitized with nh3, so editor content can never inject script, styles or handlers.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre",
    "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
_ALLOWED_CODE_CLASS_PREFIX = "language-"


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "code" and attribute == "class":
        classes = [c for c in value.split() if c.startswith(_ALLOWED_CODE_CLASS_PREFIX)]
        return " ".join(classes) or None
    return value


def render_markdown(text: str) -> str:
    html = markdown.markdown(
        text or "",
        extensions=["tables", "fenced_code", "sane_lists"],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
