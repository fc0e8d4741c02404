"""bench/lineage.py keeps working: its small run seeds a tree, measures the lineage page and API
and finds the same query count as on a tiny tree (in the test database, on SQLite or PostgreSQL)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "lineage.py"

pytestmark = pytest.mark.django_db


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_lineage", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_small_run_measures_every_node_with_a_constant_query_count() -> None:
    bench = _bench()
    report = bench.run(bench.SMALL, repeat=2)
    assert report.tree.size == bench.SMALL.descendants
    assert report.tree.deepest.depth == bench.SMALL.depth
    assert {(m.endpoint, m.node) for m in report.measurements} == {
        (endpoint, node)
        for endpoint in ("page", "api")
        for node in ("root", "middle", "deepest", "root, after middle")
    }
    assert all(len(m.server_ms) == 2 and m.p50 > 0 for m in report.measurements)
    assert report.constant_queries, report.lines()
    text = "\n".join(report.lines())
    assert "query count independent of tree size: yes" in text


def test_the_seeded_tree_has_the_asked_shape() -> None:
    bench = _bench()
    from videos.models import Video

    tree = bench.seed_tree(bench.TreeShape(descendants=40, depth=12, owners=4, repeat=1))
    rows = Video.objects.filter(root_id=tree.root.pk)
    assert rows.count() == 40
    assert max(rows.values_list("depth", flat=True)) == 12
    deepest = Video.objects.get(pk=tree.deepest.pk)
    assert deepest.lineage_path.count("/") == 12 and deepest.lineage_path.startswith(
        f"{tree.root.pk}/"
    )
    for video in rows.select_related("parent")[:40]:
        assert video.lineage_path == f"{video.parent.lineage_path}{video.parent.pk}/"
    # The stored counts are those the remix services would have kept.
    for video in [tree.root, *rows]:
        below = Video.objects.filter(tree_path__startswith=f"{video.lineage_path}{video.pk}/")
        assert Video.objects.get(pk=video.pk).descendant_count == below.count() - 1
        assert Video.objects.get(pk=video.pk).remix_count == video.remixes.count()
