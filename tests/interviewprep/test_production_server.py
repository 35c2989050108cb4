"""gunicorn with production settings, as `make serve` runs it: static files through
WhiteNoise with hashed names and compression, friendly error pages, TLS behind a proxy."""

import http.client
import re
from pathlib import Path

import pytest

from bench.run import free_port, start_gunicorn
from tests.interviewprep.pages import page_parts
from tests.interviewprep.test_settings_deploy import MANAGE, production_env, run

HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg)$")
VIA_TLS_PROXY = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


class Server:
    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, path: str, headers: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
            response = connection.getresponse()
            body = response.read()
            return response.status, dict(response.getheaders()), body
        finally:
            connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("production")
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = run([*MANAGE, *command], env)
        assert result.returncode == 0, result.stderr
    port = free_port()
    process, log = start_gunicorn(env, port=port, workers=1, log_path=folder / "gunicorn.log")
    try:
        yield Server(port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_healthz_answers_plain_http_for_the_load_balancer(server):
    status, _, body = server.get("/healthz/")

    assert (status, body) == (200, b"ok")


def test_plain_http_pages_redirect_to_https(server):
    status, headers, _ = server.get("/accounts/login/")

    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/accounts/login/"


def test_pages_via_the_tls_proxy_carry_hsts_and_csp(server):
    status, headers, _ = server.get("/accounts/login/", VIA_TLS_PROXY)

    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "'nonce-" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_static_files_have_hashed_names_and_are_served_compressed(server):
    _, _, body = server.get("/accounts/login/", VIA_TLS_PROXY)
    urls = page_parts(body.decode()).asset_urls
    assert any("/css/app." in url for url in urls)
    assert any("/htmx-2.min." in url for url in urls)

    for url in urls:
        assert HASHED.search(url), f"{url} has no content hash"
        status, headers, _ = server.get(url, {"Accept-Encoding": "gzip", **VIA_TLS_PROXY})
        assert status == 200, url
        assert "immutable" in headers["Cache-Control"]
        # WhiteNoise keeps no compressed copy of files too small to gain from one.
        if "/css/app." in url or "/htmx-2.min." in url:
            assert headers.get("Content-Encoding") == "gzip", url
            assert headers["Vary"] == "Accept-Encoding"


def test_an_unknown_url_gets_the_friendly_404(server):
    status, headers, body = server.get("/no/such/page/", VIA_TLS_PROXY)

    assert status == 404
    assert b"We could not find that page" in body
    assert "Content-Security-Policy" in headers
