"""Fill a database with realistic social data quickly, for demos and the feed benchmark.

Bulk inserts throughout; every seeded video points at one of a few real clips made by the engine
once (small, 480p 5 s), so media plays without rendering thousands of videos.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.social import Follow
from feed.models import Like, VideoStats
from videos.models import Video

logger = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 5000
SUBJECTS = (
    "a golden retriever",
    "a cat",
    "a skateboarder",
    "a chef",
    "two dancers",
    "a red ball",
    "an astronaut",
    "a girl in a yellow raincoat",
    "a horse",
    "three rubber balls",
)
ACTIONS = ("runs", "jumps", "dances", "bounces", "waves", "flips", "rolls", "walks")
PLACES = (
    "on the beach",
    "on a city street",
    "in a forest",
    "in a kitchen",
    "in the snow",
    "in a studio",
    "in space",
    "in a park",
)
TIMES = ("at sunset", "at night", "at dawn", "in the rain", "on a sunny day")
STYLES = ("", ", anime", ", claymation", ", watercolor", ", neon", ", noir", ", cinematic")
SEED_CLIP_PROMPTS = (
    "a red ball bounces on a city street at sunset",
    "a dog runs on the beach, cinematic",
    "a girl dances in the snow at night, neon",
)


@dataclass(frozen=True)
class SeedReport:
    users: int
    videos: int
    likes: int
    follows: int
    seconds: float


def _prompt(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(PLACES)} "
        f"{rng.choice(TIMES)}{rng.choice(STYLES)}"
    )


def seed_clips(count: int = len(SEED_CLIP_PROMPTS)) -> list[tuple[str, str]]:
    """(video, poster) storage names of real engine clips, made once and then reused."""
    clips: list[tuple[str, str]] = []
    for index, prompt in enumerate(SEED_CLIP_PROMPTS[:count]):
        video_name, poster_name = f"seed/clip{index}.mp4", f"seed/clip{index}.jpg"
        if not (default_storage.exists(video_name) and default_storage.exists(poster_name)):
            import gen_engine

            with tempfile.TemporaryDirectory() as out:
                result = gen_engine.generate(
                    gen_engine.GenerationSpec(
                        prompt=prompt, duration=5, resolution=480, seed=index
                    ),
                    out,
                )
                for source, name in (
                    (result.video_path, video_name),
                    (result.poster_path, poster_name),
                ):
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    default_storage.save(name, ContentFile(Path(source).read_bytes()))
        clips.append((video_name, poster_name))
    return clips


def seed_social(
    *,
    users: int,
    videos: int,
    likes: int,
    follows_per_user: int = 20,
    seed: int = 0,
    clips: list[tuple[str, str]] | None = None,
) -> SeedReport:
    started = timezone.now()
    rng = random.Random(seed)
    clips = clips if clips is not None else seed_clips()
    start = User.objects.filter(handle__startswith="seed").count()
    password = make_password(secrets.token_urlsafe(16))  # nobody logs in as a seeded user
    today = timezone.localdate()
    new_users = [
        User(
            email=f"seed{start + n}@seed.invalid",
            handle=f"seed{start + n}",
            display_name=f"Seed {start + n}",
            password=password,
            birthdate=today.replace(year=today.year - (15 if n % 10 == 0 else 30)),
        )
        for n in range(users)
    ]
    User.objects.bulk_create(new_users, batch_size=BATCH)
    user_ids = list(User.objects.filter(handle__startswith="seed").values_list("id", flat=True))
    if not user_ids:
        return SeedReport(0, 0, 0, 0, 0.0)

    now = timezone.now()
    video_rows = []
    for _ in range(videos):
        clip, poster = rng.choice(clips) if clips else ("", "")
        published = now - dt.timedelta(seconds=rng.randint(60, 30 * 86400))
        video_rows.append(
            Video(
                owner_id=rng.choice(user_ids),
                prompt=_prompt(rng),
                status=Video.Status.PUBLISHED,
                visibility=Video.Visibility.PUBLIC
                if rng.random() < 0.9
                else Video.Visibility.FOLLOWERS,
                video_file=clip,
                poster_file=poster,
                width=270,
                height=480,
                length_seconds=5.0,
                duration=5,
                resolution=480,
                created_at=published,
                published_at=published,
            )
        )
    with transaction.atomic():
        Video.objects.bulk_create(video_rows, batch_size=BATCH)
    video_ids = list(
        Video.objects.filter(status=Video.Status.PUBLISHED).values_list("id", flat=True)
    )

    follow_rows = {
        (follower, followee)
        for follower in user_ids[start:] or user_ids
        for followee in rng.sample(user_ids, min(follows_per_user, len(user_ids)))
        if follower != followee
    }
    follows = [Follow(follower_id=a, followee_id=b) for a, b in follow_rows]
    for follow_chunk in _chunks(follows):
        Follow.objects.bulk_create(follow_chunk, ignore_conflicts=True)

    like_pairs = {(rng.choice(user_ids), rng.choice(video_ids)) for _ in range(likes)}
    for like_chunk in _chunks([Like(user_id=u, video_id=v) for u, v in like_pairs]):
        Like.objects.bulk_create(like_chunk, ignore_conflicts=True)

    _recount_stats()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    seconds = (timezone.now() - started).total_seconds()
    logger.info("seed.done", extra={"users": users, "videos": videos, "likes": len(like_pairs)})
    return SeedReport(users, videos, len(like_pairs), len(follow_rows), seconds)


def _chunks(rows: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _recount_stats() -> None:
    """Counters from the rows themselves, in two statements whatever the size."""
    missing = Video.objects.filter(status=Video.Status.PUBLISHED, stats__isnull=True)
    for chunk in _chunks([VideoStats(video_id=pk) for pk in missing.values_list("id", flat=True)]):
        VideoStats.objects.bulk_create(chunk, ignore_conflicts=True)
    counts = (
        Like.objects.filter(video_id=OuterRef("video_id"))
        .values("video_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    VideoStats.objects.update(likes=Coalesce(Subquery(counts), 0))
