"""factory_boy factories shared by the whole suite."""

import factory
from django.contrib.auth import get_user_model

from questions.models import Bank, Level, Question, Tag, TagKind

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
