"""factory_boy factories shared by the whole suite."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from questions.models import (
    Attempt,
    AttemptStatus,
    Bank,
    InterviewMode,
    InterviewStatus,
    Level,
    MockInterview,
    Question,
    Tag,
    TagKind,
)

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank
        django_get_or_create = ("slug",)

    name = "AWS"
    slug = "aws"
    description = "Amazon Web Services interview questions."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("bank", "slug")

    bank = factory.SubFactory(BankFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kind = TagKind.DOMAIN


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    bank = factory.SubFactory(BankFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"question-{n + 1}")
    prompt = factory.Sequence(lambda n: f"What is AWS service number {n + 1} used for?")
    answer = "It is used for **things**.\n\n- Availability Zones\n- Regions\n"
    level = Level.JUNIOR
    talking_points = factory.LazyFunction(
        lambda: [
            {"term": "Availability Zone", "synonyms": ["AZ"]},
            {"term": "Region", "synonyms": []},
        ]
    )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class MockInterviewFactory(factory.django.DjangoModelFactory):
    """A finished interview; add its questions with AttemptFactory(interview=...)."""

    class Meta:
        model = MockInterview

    owner = factory.SubFactory(UserFactory)
    bank = factory.SubFactory(BankFactory)
    mode = InterviewMode.MOCK
    status = InterviewStatus.COMPLETED
    question_count = 5
    seconds_junior = 180
    seconds_senior = 300


class AttemptFactory(factory.django.DjangoModelFactory):
    """An answered attempt whose snapshot fields are copied from its question."""

    class Meta:
        model = Attempt

    interview = factory.SubFactory(MockInterviewFactory)
    owner = factory.LazyAttribute(lambda o: o.interview.owner)
    question = factory.SubFactory(QuestionFactory, bank=factory.SelfAttribute("..interview.bank"))
    position = factory.Sequence(lambda n: n + 1)
    prompt = factory.LazyAttribute(lambda o: o.question.prompt)
    model_answer = factory.LazyAttribute(lambda o: o.question.answer)
    model_answer_html = factory.LazyAttribute(lambda o: o.question.answer_html)
    talking_points = factory.LazyAttribute(lambda o: o.question.talking_points)
    level = factory.LazyAttribute(lambda o: o.question.level)
    tag_slugs = factory.LazyAttribute(lambda o: [t.slug for t in o.question.tags.all()])
    seconds_allowed = 180
    started = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=2))
    deadline = factory.LazyAttribute(
        lambda o: o.started + timedelta(seconds=o.seconds_allowed) if o.seconds_allowed else None
    )
    submitted = factory.LazyAttribute(lambda o: o.started + timedelta(seconds=90))
    status = AttemptStatus.ANSWERED
    answer = "Spread it over several Availability Zones in one Region."
    coverage = 100
    covered_points = factory.LazyFunction(lambda: ["Availability Zone", "Region"])
