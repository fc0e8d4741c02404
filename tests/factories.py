"""Factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


def birthdate_for_age(age: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - age) - dt.timedelta(days=1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    handle = factory.Sequence(lambda n: f"user{n}")
    birthdate = factory.LazyFunction(lambda: birthdate_for_age(30))
    display_name = factory.LazyAttribute(lambda u: u.handle.title())
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _persist_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save(update_fields=["password"])


class TeenFactory(UserFactory):
    birthdate = factory.LazyFunction(lambda: birthdate_for_age(15))
