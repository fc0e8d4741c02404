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


# A parent plan for remix tests: one dog running on a beach (ScenePlan.to_dict() shape).
BEACH_DOG_PLAN = {
    "prompt": "a dog runs on the beach",
    "seed": 0,
    "setting": "beach",
    "time_of_day": "day",
    "weather": "clear",
    "style": "cinematic",
    "camera": "static",
    "subjects": [
        {
            "id": "s0",
            "kind": "dog",
            "category": "character",
            "color": [200, 150, 90],
            "color_name": "tan",
            "size": 0.6,
            "action": "run",
        }
    ],
}
