from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import User
from accounts.social import Follow
from feed.models import Like, VideoStats, ViewEvent
from feed.seeding import seed_social
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_seeding_makes_consistent_social_data() -> None:
    report = seed_social(
        users=30, videos=80, likes=400, follows_per_user=5, clips=[("seed/a.mp4", "seed/a.jpg")]
    )
    assert User.objects.filter(handle__startswith="seed").count() == 30
    assert Video.objects.filter(status=Video.Status.PUBLISHED).count() == 80
    assert report.likes == Like.objects.count() > 300
    assert Follow.objects.count() > 100
    # Counters agree with the rows they count.
    assert VideoStats.objects.aggregate(n=Sum("likes"))["n"] == Like.objects.count()
    assert VideoStats.objects.count() == 80
    # Whoever liked a video watched it; every prompt's embedding is stored for steering.
    assert ViewEvent.objects.count() == Like.objects.count()
    assert VideoStats.objects.aggregate(n=Sum("views"))["n"] == ViewEvent.objects.count()
    assert not VideoStats.objects.filter(embedding__isnull=True).exists()
    assert set(Video.objects.values_list("video_file", flat=True)) == {"seed/a.mp4"}
    # Seeding again adds new people instead of colliding with the first batch.
    seed_social(users=5, videos=0, likes=0, clips=[])
    assert User.objects.filter(handle__startswith="seed").count() == 35


def test_seed_demo_refuses_negative_numbers() -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="must not be negative"):
        call_command("seed_demo", "--users", "-1", stdout=io.StringIO())
