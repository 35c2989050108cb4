"""Every `manage.py` line in the code blocks of README.md and docs/*.md works as printed in a
fresh clone after `make run`, in an environment holding only PATH and HOME.

Each line runs in its own process, with the variables the line itself sets; a production line
(`DEBUG=0`) also gets the SECRET_KEY and ALLOWED_HOSTS docs/deploy.md exports on a server first,
and must refuse to run without them. Only where the data goes is changed: a throwaway SQLite
database (migrated, with the AWS bank, as `make run` leaves it) and a throwaway static folder,
so nothing is written into the checkout.
"""

import os
import re
import secrets
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^\s*(```|~~~)")
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
# The interpreter the docs run manage.py with: the project's .venv/bin/python, which is the
# one running these tests (docs/security.md's `python` means the same).
INTERPRETERS = {".venv/bin/python", "python"}
PLACEHOLDER = "…"
# What docs/deploy.md has the operator export on a server before its `DEBUG=0` steps; also
# stands in for a `…` the docs print in place of a secret.
SERVER_ENV = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "prep.example.com"}


@dataclass(frozen=True)
class DocumentedCommand:
    doc: str
    line_number: int
    env: dict[str, str] = field(hash=False)
    command: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line_number}:{self.command}"

    @property
    def production(self) -> bool:
        return self.env.get("DEBUG") == "0"

    def runs_as_printed(self) -> bool:
        """Cheap commands that ask for nothing and write only to the throwaway database and
        static folder run as printed; the rest run with --help, which still loads the
        settings and the command."""
        if self.command in {"check", "collectstatic", "migrate", "shell"}:
            # shell's --help would not load the settings (a core command does not need
            # them), so docs/deploy.md's snippet makes the throwaway alice an editor.
            return True
        if self.command == "build_bank_fixture":
            return "--check" in self.args  # without it, it rewrites fixtures/aws.json
        if self.command == "evaluate_scoring":
            # --rows writes a file; docs/feedback.md's public data set lies beside the
            # repository, not in a clone of it.
            csv = (ROOT / self.args[0]).resolve()
            return "--rows" not in self.args and csv.is_relative_to(ROOT)
        # createsuperuser asks for a name and password, import_questions writes questions
        # and export_questions writes a file.
        return False

    def argv(self) -> list[str]:
        if self.runs_as_printed():
            return [self.command, *self.args]
        return [self.command, "--help"]


def _words(text: str, following: list[str]) -> list[str]:
    """The shell words of a command, read on into the following lines while a quote is
    open (`shell -c "` and its snippet)."""
    for line in following:
        try:
            return shlex.split(text, comments=True)
        except ValueError:
            text += "\n" + line
    return shlex.split(text, comments=True)


def documented_commands() -> list[DocumentedCommand]:
    commands = []
    for path in DOCS:
        in_block = False
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            number = index + 1
            if FENCE.match(line):
                in_block = not in_block
            elif in_block and "manage.py" in line:
                before, _, after = line.partition("manage.py")
                *assignments, interpreter = before.split()
                assert interpreter in INTERPRETERS, f"{path.name}:{number} runs {interpreter}"
                assert all(ASSIGNMENT.match(word) for word in assignments), line
                command, *args = _words(after, lines[index + 1 :])
                commands.append(
                    DocumentedCommand(
                        doc=str(path.relative_to(ROOT)),
                        line_number=number,
                        env=dict(word.split("=", 1) for word in assignments),
                        command=command,
                        args=tuple(args),
                    )
                )
    return commands


COMMANDS = documented_commands()
PRODUCTION_COMMANDS = [command for command in COMMANDS if command.production]


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def clean_env(tmp_path_factory) -> dict[str, str]:
    """PATH and HOME, a throwaway database in the state `make run` leaves, and a throwaway
    static folder."""
    folder = tmp_path_factory.mktemp("fresh-clone")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(folder)),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
    }
    signed_up = "from accounts.models import User; User.objects.create_user('alice')"
    for argv in (
        ["migrate", "--noinput"],
        ["import_questions", "fixtures/aws.json"],
        ["shell", "-c", signed_up],  # docs/deploy.md makes alice, who signed up, an editor
    ):
        result = run(argv, env)
        assert result.returncode == 0, result.stdout + result.stderr
    return env


def env_for(command: DocumentedCommand, clean_env: dict[str, str]) -> dict[str, str]:
    env = dict(clean_env)
    if command.production:
        env.update(SERVER_ENV)
    for name, value in command.env.items():
        env[name] = SERVER_ENV[name] if value == PLACEHOLDER else value
    return env


def test_the_docs_print_the_commands_a_newcomer_needs():
    printed = {(command.doc, command.command) for command in COMMANDS}

    assert ("README.md", "createsuperuser") in printed
    assert ("README.md", "build_bank_fixture") in printed
    assert ("docs/deploy.md", "migrate") in printed
    assert ("docs/security.md", "check") in printed
    assert any(command.runs_as_printed() for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command.id)
def test_documented_command_works_as_printed(command, clean_env):
    result = run(command.argv(), env_for(command, clean_env))

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    if not command.runs_as_printed():
        assert f"usage: manage.py {command.command}" in result.stdout


@pytest.mark.parametrize("command", PRODUCTION_COMMANDS, ids=lambda command: command.id)
def test_production_steps_refuse_to_run_without_the_server_variables(command, clean_env):
    env = {**clean_env, **{k: v for k, v in command.env.items() if v != PLACEHOLDER}}

    result = run(command.argv(), env)

    assert result.returncode != 0
    assert "must be set when DEBUG is off" in result.stderr


def test_the_readme_admin_account_can_be_made_in_a_fresh_clone(clean_env):
    env = {
        **clean_env,
        "DJANGO_SUPERUSER_USERNAME": "admin",
        "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16),
    }

    result = run(["createsuperuser", "--noinput"], env)

    assert result.returncode == 0, result.stderr
    assert "Superuser created successfully." in result.stdout
