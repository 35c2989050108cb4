"""Every asset comes from this site: no CDN, nothing fetched from elsewhere."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.interviewprep.pages import SIGNED_IN_PAGES, main_page_urls, page_parts, public_page_urls

CSS_EXTERNAL = re.compile(r"""(@import|url\()\s*['"]?\s*(https?:)?//""", re.IGNORECASE)


def static_path(url: str) -> str:
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, f"asset from another origin: {url}"
    assert parts.path.startswith("/" + settings.STATIC_URL.lstrip("/")), url
    return parts.path.removeprefix("/" + settings.STATIC_URL.lstrip("/"))


def assert_assets_are_local(html: str) -> list[str]:
    urls = page_parts(html).asset_urls
    assert urls, "the page links no asset"
    for url in urls:
        path = static_path(url)
        assert finders.find(path), f"{url} is not a static file of this project"
    return urls


@pytest.mark.parametrize("name", list(public_page_urls()))
def test_public_pages_load_only_local_assets(client, db, name):
    response = client.get(public_page_urls()[name])

    assert response.status_code == 200
    assert_assets_are_local(response.content.decode())


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_load_only_local_assets(client_logged_in, question, name):
    response = client_logged_in.get(main_page_urls(question=question)[name])

    assert response.status_code == 200
    assert_assets_are_local(response.content.decode())


def test_the_error_pages_load_only_local_assets(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert_assets_are_local(response.content.decode())


def test_htmx_is_served_by_this_site(client, db):
    response = client.get(public_page_urls()["landing"])

    urls = assert_assets_are_local(response.content.decode())
    assert any(url.endswith("django_htmx/htmx-2.min.js") for url in urls)


def test_stylesheets_import_nothing_from_elsewhere():
    stylesheets = [
        path
        for finder in finders.get_finders()
        for path, storage in finder.list([])
        if path.endswith(".css") and not path.startswith("admin/")
    ]
    assert "css/app.css" in stylesheets
    for path in stylesheets:
        text = finders.find(path)
        with open(text, encoding="utf-8") as css:
            assert not CSS_EXTERNAL.search(css.read()), f"{path} loads from another origin"
