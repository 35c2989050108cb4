import os

import pytest
from django.test import Client

from tests.factories import PASSWORD, BankFactory, QuestionFactory, TagFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty local-memory cache, as with an empty database (a
    Redis cache, with REDIS_URL set, may be shared and is left alone)."""
    from django.core.cache import cache, caches
    from django.core.cache.backends.locmem import LocMemCache

    local = isinstance(caches["default"], LocMemCache)
    if local:
        cache.clear()
    yield
    if local:
        cache.clear()


@pytest.fixture
def midday():
    """Today at noon UTC, the clock still running: a test that puts practice "a few
    minutes ago" and expects it "today" must not straddle midnight."""
    from datetime import UTC, datetime, time

    import time_machine

    noon = datetime.combine(datetime.now(UTC).date(), time(12), tzinfo=UTC)
    with time_machine.travel(noon, tick=True):
        yield noon


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", email="staff@example.com", is_staff=True)


@pytest.fixture
def client_logged_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def bank(db):
    return BankFactory()


@pytest.fixture
def tag(bank):
    return TagFactory(bank=bank, name="Compute", slug="compute")


@pytest.fixture
def question(bank, tag):
    return QuestionFactory(bank=bank, tags=[tag])


@pytest.fixture
def aws_bank(db):
    """The real seeded AWS bank (all 60 questions), loaded from fixtures/aws.json."""
    from django.core.management import call_command

    call_command("import_questions", "fixtures/aws.json", verbosity=0)
    from questions.models import Bank

    return Bank.objects.get(slug="aws")
