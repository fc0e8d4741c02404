"""Factories for videos and their jobs."""

from __future__ import annotations

import factory

from tests.factories import UserFactory
from videos.models import GenerationJob, Video


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    owner = factory.SubFactory(UserFactory)
    prompt = factory.Sequence(lambda n: f"a red ball bounces down the stairs, take {n}")
    duration = 5
    resolution = 480
    seed = factory.Sequence(lambda n: n)


class GenerationJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenerationJob

    video = factory.SubFactory(VideoFactory)
    owner = factory.SelfAttribute("video.owner")
