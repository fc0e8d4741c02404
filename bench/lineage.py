"""Lineage page and lineage API on a seeded remix tree.

    .venv/bin/python bench/lineage.py [--small] [--descendants 10000] [--depth 200]
                                      [--repeat 100] [--explain]

Seeds (bulk inserts, level by level) one remix tree: a root, a chain of `--depth` remixes and
bushy branches grown at random under it, `--descendants` in all, with a mix of public,
followers-only, draft, held and removed nodes so "unavailable" nodes are in every page. Then,
signed in as one seeded person (session for the page, a personal access token for the API),
requests the lineage page and `GET /api/v1/videos/<id>/lineage` of the root, the mid-depth chain
node, the deepest node and the root's page that starts after the mid-depth node (thousands of
nodes into its subtree) `--repeat` times each through Django's test client, in process, and
reports the server time (the Server-Timing header: time inside Django) p50/p95. It also counts
the queries of each request and checks they equal those of the same requests on a tiny tree:
the lineage reads must not grow with the tree. `--explain` prints the plans of the lineage
queries for the root.

Database: DATABASE_URL when set (a PostgreSQL one is created if missing), else the SQLite file
var/bench_lineage.sqlite3. Earlier bench trees are deleted first. `--small` runs in seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from django.test import Client

    from accounts.models import User
    from videos.models import Video

HANDLE_PREFIX = "lbench"  # every seeded person's handle starts so; earlier runs are deleted
TARGET_P50_MS = 50.0
BATCH = 1000


@dataclass(frozen=True)
class TreeShape:
    descendants: int  # below the root
    depth: int  # the chain's length: the deepest node's depth
    owners: int
    repeat: int


FULL = TreeShape(descendants=10_000, depth=200, owners=300, repeat=100)
SMALL = TreeShape(descendants=300, depth=30, owners=20, repeat=5)
TINY = TreeShape(descendants=4, depth=4, owners=3, repeat=1)


@dataclass(frozen=True)
class SeededTree:
    root: Video
    middle: Video  # the chain node at half the depth
    deepest: Video
    viewer: User
    size: int

    def nodes(self) -> dict[str, tuple[Video, str]]:
        """What is measured: a video's lineage and the query string of the page asked for."""
        from urllib.parse import urlencode

        from videos.lineage import cursor_encode

        # A page deep inside the root's subtree (thousands of nodes in, depth first): keyset
        # pagination reads it as cheaply as the first one.
        deep_page = "?" + urlencode({"after": cursor_encode(self.middle.pk)})
        return {
            "root": (self.root, ""),
            "middle": (self.middle, ""),
            "deepest": (self.deepest, ""),
            "root, after middle": (self.root, deep_page),
        }


@dataclass(frozen=True)
class Measurement:
    endpoint: str
    node: str
    depth: int
    server_ms: list[float]
    queries: int

    @property
    def p50(self) -> float:
        return percentile(self.server_ms, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.server_ms, 0.95)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- set-up --------------------------------------------------------------------------------------


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_setup() -> str:
    """Point Django at the bench database, migrate it; returns the database URL used."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        _ensure_postgres_database(url)
    elif not url:
        (ROOT / "var").mkdir(exist_ok=True)
        url = f"sqlite:///{ROOT / 'var' / 'bench_lineage.sqlite3'}"
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
    # Thousands of API requests from one token: the rate limit is not what is measured.
    os.environ.setdefault("API_THROTTLE_TOKEN", "1000000/min")
    os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


# --- seeding -------------------------------------------------------------------------------------


def _parents(shape: TreeShape, rng: random.Random) -> list[int]:
    """parent index of every node (-1 for the root): nodes 1..depth are the chain, the rest
    hang under a random earlier node that is not at the maximum depth."""
    parents = [-1]
    depths = [0]
    for index in range(1, shape.depth + 1):
        parents.append(index - 1)
        depths.append(index)
    open_nodes = list(range(shape.depth))  # the deepest chain node stays a leaf
    for index in range(shape.depth + 1, shape.descendants + 1):
        parent = rng.choice(open_nodes)
        parents.append(parent)
        depths.append(depths[parent] + 1)
        if depths[index] < shape.depth:
            open_nodes.append(index)
    return parents


def _status_for(rng: random.Random) -> tuple[str, str]:
    from videos.models import Video

    roll = rng.random()
    if roll < 0.85:
        return Video.Status.PUBLISHED, Video.Visibility.PUBLIC
    if roll < 0.92:
        return Video.Status.PUBLISHED, Video.Visibility.FOLLOWERS
    if roll < 0.96:
        return Video.Status.DRAFT_READY, Video.Visibility.PUBLIC
    if roll < 0.98:
        return Video.Status.IN_REVIEW, Video.Visibility.PUBLIC
    return Video.Status.REMOVED, Video.Visibility.PUBLIC


def bench_data_delete() -> None:
    """Remove the trees of earlier runs (their owners, and so their videos)."""
    from accounts.models import User
    from videos.models import Video

    owners = User.objects.filter(handle__startswith=HANDLE_PREFIX)
    # Cut the tree's links first so deleting does not walk 10 000 SET_NULL updates per level.
    Video.objects.filter(owner__in=owners).update(parent=None, root=None)
    owners.delete()


def seed_tree(shape: TreeShape, *, seed: int = 0) -> SeededTree:
    """One remix tree of `shape`, written with bulk inserts one depth level at a time (a
    node's lineage path holds its ancestors' ids, so a level needs the previous one's)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from accounts.social import Block, Follow
    from videos.models import Video

    rng = random.Random(seed)
    run = secrets.token_hex(3)
    today = timezone.localdate()
    password = make_password(None)  # nobody signs in with a password
    owners = User.objects.bulk_create(
        [
            User(
                email=f"{HANDLE_PREFIX}{run}_{n}@bench.invalid",
                handle=f"{HANDLE_PREFIX}{run}_{n}",
                display_name=f"Bench {n}",
                password=password,
                birthdate=today.replace(year=today.year - 30),
            )
            for n in range(shape.owners + 2)
        ],
        batch_size=BATCH,
    )
    viewer, blocked, owners = owners[0], owners[1], owners[2:]
    # The viewer follows a tenth of the owners (followers-only nodes then differ per viewer)
    # and blocked someone who owns a few branch nodes, so every visibility rule is exercised.
    Follow.objects.bulk_create(
        [Follow(follower=viewer, followee=owner) for owner in owners[:: max(len(owners) // 10, 1)]]
    )
    Block.objects.bulk_create([Block(blocker=viewer, blocked=blocked)])

    parents = _parents(shape, rng)
    # The stored counts the remix services keep, computed here as the rows bypass them (a
    # parent always comes before its children).
    descendant_counts = [0] * len(parents)
    remix_counts = [0] * len(parents)
    for index in range(len(parents) - 1, 0, -1):
        descendant_counts[parents[index]] += 1 + descendant_counts[index]
        remix_counts[parents[index]] += 1
    now = timezone.now()
    videos: list[Video] = [None] * len(parents)  # type: ignore[list-item]
    by_depth: dict[int, list[int]] = {}
    depth_of = [0] * len(parents)
    for index, parent_index in enumerate(parents):
        depth_of[index] = 0 if parent_index < 0 else depth_of[parent_index] + 1
        by_depth.setdefault(depth_of[index], []).append(index)
    for depth in sorted(by_depth):
        level = []
        for index in by_depth[depth]:
            parent = videos[parents[index]] if parents[index] >= 0 else None
            on_chain = index <= shape.depth
            status, visibility = (
                (Video.Status.PUBLISHED, Video.Visibility.PUBLIC) if on_chain else _status_for(rng)
            )
            owner = blocked if not on_chain and index % 50 == 0 else owners[index % len(owners)]
            level.append(
                Video(
                    owner=owner,
                    prompt=f"bench video {index}: a ball rolls down a hill",
                    caption=f"remix number {index}" if index else "the original",
                    remix_edit=f"edit {index}" if parent else "",
                    status=status,
                    visibility=visibility,
                    plan={"setting": "hill"},
                    parent=parent,
                    root_id=(parent.root_id or parent.pk) if parent else None,
                    depth=depth,
                    lineage_path=f"{parent.lineage_path}{parent.pk}/" if parent else "",
                    descendant_count=descendant_counts[index],
                    remix_count=remix_counts[index],
                    created_at=now,
                    published_at=now if status == Video.Status.PUBLISHED else None,
                )
            )
        for index, video in zip(
            by_depth[depth], Video.objects.bulk_create(level, batch_size=BATCH), strict=True
        ):
            videos[index] = video
    _analyze()
    return SeededTree(
        root=videos[0],
        middle=videos[shape.depth // 2],
        deepest=videos[shape.depth],
        viewer=viewer,
        size=len(videos) - 1,
    )


def _analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE videos_video")


# --- measuring -----------------------------------------------------------------------------------


def clients_for(viewer: User) -> dict[str, tuple[Client, Callable[[Video], str]]]:
    """The page (signed in with a session) and the API (a personal access token)."""
    from django.test import Client
    from django.urls import reverse

    from sora_site.api.scopes import VIDEOS_READ
    from sora_site.api.services import pat_create

    page = Client()
    page.force_login(viewer)
    _, token = pat_create(user=viewer, name="lineage bench", scopes=[VIDEOS_READ])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return {
        "page": (page, lambda video: reverse("videos:lineage", args=[video.public_id])),
        "api": (api, lambda video: f"/api/v1/videos/{video.public_id}/lineage"),
    }


def _server_ms(response: Any) -> float:
    timing = response.headers.get("Server-Timing", "")
    if response.status_code != 200 or not timing.startswith("app;dur="):
        raise RuntimeError(f"lineage request failed: {response.status_code} {timing!r}")
    return float(timing.removeprefix("app;dur="))


def count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _server_ms(client.get(url))
    return len(queries)


def measure_tree(tree: SeededTree, repeat: int, warmup: int = 3) -> list[Measurement]:
    results = []
    for endpoint, (client, url_of) in clients_for(tree.viewer).items():
        for node, (video, query_string) in tree.nodes().items():
            url = url_of(video) + query_string
            for _ in range(warmup):  # first requests fill caches and write "token last used"
                _server_ms(client.get(url))
            queries = count_queries(client, url)
            timings = [_server_ms(client.get(url)) for _ in range(repeat)]
            results.append(Measurement(endpoint, node, video.depth, timings, queries))
    return results


def explain_lineage(video: Video, viewer_id: int, after: Video | None = None) -> str:
    """The plans of the queries lineage_for runs for `video`, for its first page or the one
    after `after` (EXPLAIN ANALYZE on PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from videos.lineage import PageCursor, lineage_for

    page_cursor = PageCursor("after", after.pk) if after is not None else None
    with CaptureQueriesContext(connection) as captured:
        lineage_for(video=video, viewer_id=viewer_id, cursor=page_cursor)
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(prefix + query["sql"])
            rows = "\n".join(" | ".join(str(col) for col in row) for row in cursor.fetchall())
            plans.append(f"-- {query['sql'][:200]}...\n{rows}")
    return "\n\n".join(plans)


# --- the run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    vendor: str
    tree: SeededTree
    seed_seconds: float
    measurements: list[Measurement]
    tiny_queries: dict[tuple[str, str], int]

    @property
    def constant_queries(self) -> bool:
        return all(m.queries == self.tiny_queries[(m.endpoint, m.node)] for m in self.measurements)

    def lines(self) -> list[str]:
        out = [
            f"database: {self.vendor}; tree: {self.tree.size} descendants, "
            f"depth {self.tree.deepest.depth}; "
            f"seeded in {self.seed_seconds:.1f} s",
            "| endpoint | node (depth) | requests | server p50 ms | server p95 ms | queries "
            "(tiny tree) |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for m in self.measurements:
            tiny = self.tiny_queries[(m.endpoint, m.node)]
            out.append(
                f"| {m.endpoint} | {m.node} ({m.depth}) | {len(m.server_ms)} | {m.p50:.1f} | "
                f"{m.p95:.1f} | {m.queries} ({tiny}) |"
            )
        out.append(
            "query count independent of tree size: " + ("yes" if self.constant_queries else "NO")
        )
        worst = max(m.p50 for m in self.measurements)
        verdict = "met" if worst < TARGET_P50_MS else "NOT met"
        out.append(f"worst p50: {worst:.1f} ms (target < {TARGET_P50_MS:.0f} ms: {verdict})")
        return out


def run(shape: TreeShape, *, repeat: int | None = None, seed: int = 0) -> Report:
    """Seed a tiny tree and a `shape` tree, measure both; needs Django set up and migrated."""
    from django.db import connection

    bench_data_delete()
    tiny = seed_tree(TINY, seed=seed)
    tiny_queries = {(m.endpoint, m.node): m.queries for m in measure_tree(tiny, repeat=1, warmup=2)}
    started = time.perf_counter()
    tree = seed_tree(shape, seed=seed)
    seed_seconds = time.perf_counter() - started
    measurements = measure_tree(tree, repeat=repeat or shape.repeat)
    return Report(
        vendor=connection.vendor,
        tree=tree,
        seed_seconds=seed_seconds,
        measurements=measurements,
        tiny_queries=tiny_queries,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="a small tree: runs in seconds")
    parser.add_argument("--descendants", type=int, default=None)
    parser.add_argument("--depth", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--explain", action="store_true", help="print the lineage query plans")
    parser.add_argument("--keep", action="store_true", help="leave the seeded trees in place")
    args = parser.parse_args()
    base = SMALL if args.small else FULL
    shape = TreeShape(
        descendants=args.descendants or base.descendants,
        depth=args.depth or base.depth,
        owners=base.owners,
        repeat=args.repeat or base.repeat,
    )
    if shape.depth > shape.descendants:
        parser.error("--depth cannot exceed --descendants")
    url = django_setup()
    print(f"database: {url.split('@')[-1]}")
    report = run(shape)
    print("\n".join(report.lines()))
    if args.explain:
        tree = report.tree
        print("\n-- the root's first page\n" + explain_lineage(tree.root, tree.viewer.pk))
        print("\n-- the root's page after the middle node")
        print(explain_lineage(tree.root, tree.viewer.pk, after=tree.middle))
    if not args.keep:
        bench_data_delete()
    mean = statistics.fmean(m.p50 for m in report.measurements)
    print(f"mean p50 over endpoints and nodes: {mean:.1f} ms")
    return 0 if report.constant_queries else 1


if __name__ == "__main__":
    raise SystemExit(main())
