from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import UserFactory
from videos.models import Video


class PublishedVideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    owner = factory.SubFactory(UserFactory)
    prompt = factory.Sequence(lambda n: f"a red ball bounces in a studio, take {n}")
    status = Video.Status.PUBLISHED
    visibility = Video.Visibility.PUBLIC
    published_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(minutes=n + 1))
