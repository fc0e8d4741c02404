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
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.social import Follow
from feed.models import Like, VideoStats, ViewEvent
from videos.models import Video

logger = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 5000
ADULT_ONLY_SHARE = 0.05  # seeded videos marked adult-only, so the teen filter has work to do
# Distinct prompts the seeded videos draw from: each is embedded once (MiniLM does ~40-600
# sentences/s here depending on load, so embedding 100 000 distinct prompts would dominate).
PROMPT_POOL = 2000
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
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each step


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
    embed: bool = True,
) -> SeedReport:
    started = timezone.now()
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        phases[name] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()

    rng = random.Random(seed)
    clips = clips if clips is not None else seed_clips()
    phase("clips")
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
    phase("users")

    now = timezone.now()
    prompts = sorted({_prompt(rng) for _ in range(PROMPT_POOL)})
    video_rows = []
    for _ in range(videos):
        clip, poster = rng.choice(clips) if clips else ("", "")
        published = now - dt.timedelta(seconds=rng.randint(60, 30 * 86400))
        video_rows.append(
            Video(
                owner_id=rng.choice(user_ids),
                prompt=rng.choice(prompts),
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
                adult_only=rng.random() < ADULT_ONLY_SHARE,
            )
        )
    with transaction.atomic():
        created = Video.objects.bulk_create(video_rows, batch_size=BATCH)
    phase("videos")
    _stats_create(created, embed=embed)
    phase("embeddings")
    video_ids = list(
        Video.objects.filter(status=Video.Status.PUBLISHED).values_list("id", flat=True)
    )

    follow_rows = {
        (follower, followee)
        for follower in user_ids[start:] or user_ids
        for followee in rng.sample(user_ids, min(follows_per_user, len(user_ids)))
        if follower != followee
    }
    _rows_insert(Follow, ("follower_id", "followee_id", "created_at"), follow_rows, now)
    phase("follows")

    like_pairs = {(rng.choice(user_ids), rng.choice(video_ids)) for _ in range(likes) if video_ids}
    _rows_insert(Like, ("user_id", "video_id", "created_at"), like_pairs, now)
    # Whoever liked a video watched it: the feed's "unseen" filter then has real rows to skip.
    views = ("viewer_id", "video_id", "created_at")
    _rows_insert(ViewEvent, views, like_pairs, now, skip_conflicts=False)
    phase("likes and views")

    _recount_stats()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    phase("counters")
    seconds = (timezone.now() - started).total_seconds()
    logger.info("seed.done", extra={"users": users, "videos": videos, "likes": len(like_pairs)})
    return SeedReport(users, videos, len(like_pairs), len(follow_rows), seconds, phases)


def _chunks(rows: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _stats_create(videos: list[Video], *, embed: bool) -> None:
    """A counters row per new video, with its prompt's embedding when `embed` (seeded prompts
    repeat, so each distinct one is embedded once): the feed then ranks at its steady state
    instead of embedding hundreds of candidates in the first requests."""
    vectors: dict[str, bytes] = {}
    if embed and videos:
        from sora_site.core import embeddings

        prompts = sorted({video.prompt for video in videos})
        for chunk in _chunks(prompts, 1024):
            for prompt, vector in zip(chunk, embeddings.embed(chunk), strict=True):
                vectors[prompt] = embeddings.to_bytes(vector)
    rows = [(video.pk, vectors.get(video.prompt)) for video in videos]
    _rows_insert(VideoStats, ("video_id", "embedding"), rows)


def _rows_insert(
    model: type[Model],
    columns: tuple[str, ...],
    rows: Iterable[tuple[Any, ...]],
    *extra: Any,
    skip_conflicts: bool = True,
) -> None:
    """Insert plain tuples (each followed by `extra` values), skipping rows that would collide.

    PostgreSQL gets COPY into a scratch table and one INSERT ... ON CONFLICT DO NOTHING (about
    ten times faster than batched INSERTs for a million rows), or COPY straight into the table
    when nothing can collide (`skip_conflicts=False`); other databases bulk_create.
    Columns not named take the model's default (Django defaults are not database defaults).
    """
    defaults = {
        field.column: field.get_default()
        for field in model._meta.concrete_fields
        if field.column not in columns and field.has_default() and not field.primary_key
    }
    columns = (*columns, *defaults)
    extra = (*extra, *defaults.values())
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, (*row, *extra), strict=True))) for row in rows]
        for chunk in _chunks(objects):
            model.objects.bulk_create(chunk, ignore_conflicts=True)  # type: ignore[attr-defined]
        return
    from psycopg import sql

    table = sql.Identifier(model._meta.db_table)
    names = sql.SQL(", ").join(sql.Identifier(column) for column in columns)
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: COPY and composed identifiers
        if not skip_conflicts:
            with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
                for row in rows:
                    copy.write_row((*row, *extra))
            return
        cursor.execute(
            sql.SQL("CREATE TEMP TABLE seed_rows AS SELECT {} FROM {} WITH NO DATA").format(
                names, table
            )
        )
        with cursor.copy(sql.SQL("COPY seed_rows ({}) FROM STDIN").format(names)) as copy:
            for row in rows:
                copy.write_row((*row, *extra))
        cursor.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM seed_rows ON CONFLICT DO NOTHING").format(
                table, names, names
            )
        )
        cursor.execute("DROP TABLE seed_rows")


def _recount_stats() -> None:
    """Counters from the rows themselves, in a few statements whatever the size."""
    missing = Video.objects.filter(status=Video.Status.PUBLISHED, stats__isnull=True)
    _rows_insert(VideoStats, ("video_id",), ((pk,) for pk in missing.values_list("id", flat=True)))
    likes = Like.objects.filter(video_id=OuterRef("video_id")).values("video_id")
    views = ViewEvent.objects.filter(video_id=OuterRef("video_id")).values("video_id")
    VideoStats.objects.update(
        likes=Coalesce(Subquery(likes.annotate(n=Count("id")).values("n")), 0),
        views=Coalesce(Subquery(views.annotate(n=Count("id")).values("n")), 0),
    )
