"""Production settings, checked in fresh processes with a production environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
MANAGE_SHELL = [*MANAGE, "shell", "--no-imports", "-c"]
SETTINGS_TO_JSON = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "STATICFILES_BACKEND": s.STORAGES["staticfiles"]["BACKEND"],
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
}))
"""


def production_env(**overrides: str | None) -> dict[str, str]:
    """The process environment of a production server: DEBUG and TESTING off. An override
    of None leaves the variable out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_"))}
    env.update(
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        DJANGO_SETTINGS_MODULE="interviewprep.settings",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def settings_in(env: dict[str, str], via: list[str] | None = None) -> dict:
    """The settings a process started with env sees: plain Python (as the server entry
    points load them), or via a command such as manage.py shell -c."""
    result = run([*(via or [sys.executable, "-c"]), SETTINGS_TO_JSON], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_passes_with_production_settings():
    result = run([*MANAGE, "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    # Only the HSTS preload-list reminder is silenced, until the operator opts in.
    assert "no issues (1 silenced)" in result.stdout


def test_check_deploy_passes_when_the_operator_opts_into_hsts_preload():
    env = production_env(SECURE_HSTS_PRELOAD="1")

    result = run([*MANAGE, "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_flags_a_short_secret_key():
    env = production_env(SECRET_KEY="too-short")

    result = run([*MANAGE, "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_check_deploy_flags_plain_http_without_the_tls_switches():
    env = production_env(SECURE_SSL="0")

    result = run([*MANAGE, "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(variable):
    env = production_env(**{variable: ""})

    result = run([*MANAGE, "check"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_gunicorn_refuses_to_load_the_app_without(variable):
    # The server's entry point adds no development default: DEBUG is simply unset.
    env = production_env(DEBUG=None, **{variable: None})
    gunicorn = str(Path(sys.executable).parent / "gunicorn")

    result = run([gunicorn, "--check-config", "interviewprep.wsgi:application"], env)

    assert result.returncode != 0
    assert f"{variable} must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_the_asgi_entry_point_refuses_to_start_without(variable):
    env = production_env(DEBUG=None, **{variable: None})

    result = run([sys.executable, "-c", "import interviewprep.asgi"], env)

    assert result.returncode != 0
    assert f"{variable} must be set when DEBUG is off" in result.stderr


def test_manage_py_defaults_to_local_development():
    env = production_env(DEBUG=None, SECRET_KEY=None, ALLOWED_HOSTS=None)

    settings = settings_in(env, via=MANAGE_SHELL)

    assert settings["DEBUG"] is True
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_manage_py_keeps_production_settings_where_a_secret_key_is_set():
    settings = settings_in(production_env(DEBUG=None), via=MANAGE_SHELL)

    assert settings["DEBUG"] is False
    assert settings["STATICFILES_BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_manage_py_on_a_server_still_needs_allowed_hosts():
    env = production_env(DEBUG=None, ALLOWED_HOSTS=None)

    result = run([*MANAGE, "check"], env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_debug_mode_needs_neither_secret_key_nor_allowed_hosts():
    env = production_env(DEBUG="1", SECRET_KEY="", ALLOWED_HOSTS="")

    result = run([*MANAGE, "check"], env)

    assert result.returncode == 0, result.stderr


def test_production_defaults_to_tls_behind_a_proxy():
    settings = settings_in(production_env())

    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_HSTS_PRELOAD"] is False
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["ALLOWED_HOSTS"] == ["example.com"]


def test_production_serves_compressed_hashed_static_files():
    settings = settings_in(production_env())

    assert settings["STATICFILES_BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_secure_ssl_off_turns_every_tls_switch_off():
    settings = settings_in(production_env(SECURE_SSL="0"))

    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["CSRF_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SECURE_PROXY_SSL_HEADER"] is None


def test_hsts_and_proxy_header_are_separately_switchable():
    env = production_env(SECURE_HSTS_SECONDS="3600", SECURE_PROXY_SSL_HEADER="0")

    settings = settings_in(env)

    assert settings["SECURE_HSTS_SECONDS"] == 3600
    assert settings["SECURE_PROXY_SSL_HEADER"] is None
    assert settings["SECURE_SSL_REDIRECT"] is True


def test_collectstatic_writes_a_manifest_of_hashed_compressed_files(tmp_path):
    env = production_env(STATIC_ROOT=str(tmp_path))

    result = run([*MANAGE, "collectstatic", "--noinput"], env)

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["css/app.css"]
    assert hashed_css != "css/app.css"
    assert (tmp_path / hashed_css).is_file()
    assert (tmp_path / f"{hashed_css}.gz").is_file()
    assert "django_htmx/htmx-2.min.js" in manifest
