"""Measure the moderation checks: check_prompt latency, and the output check on a 10 s clip.

    .venv/bin/python bench/moderation.py [--seconds 10] [--fps 24]

Prints a Markdown table for docs/PERFORMANCE.md. The prompt latencies are for distinct texts
(the embedding cache is bypassed), after warm-up; the clip is a synthetic 720x1280 H.264 file.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=int, default=24)
    args = parser.parse_args()

    import django

    django.setup()
    from moderation import classifier, output_check
    from tests.moderation.synthetic import render_clean, write_clip

    started = time.perf_counter()
    classifier.warm_up()
    output_check.get_detector()
    warm = time.perf_counter() - started

    with (ROOT / "tests" / "data" / "moderation_prompts.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["text"] for row in rows]
    classifier.embedding_scores.cache_clear()
    timings, allowed = [], []
    for text in texts:
        t0 = time.perf_counter()
        decision = classifier.check_prompt(text)
        timings.append((time.perf_counter() - t0) * 1000)
        if decision.allowed:  # went through the embedding model (no rule blocked it)
            allowed.append(timings[-1])
    rules_only = []
    for text in texts[:100]:
        t0 = time.perf_counter()
        classifier.check_prompt(text, use_embedding=False)
        rules_only.append((time.perf_counter() - t0) * 1000)

    with tempfile.TemporaryDirectory() as folder:
        clip = write_clip(
            Path(folder) / "clip.mp4", [render_clean()], seconds=args.seconds, fps=args.fps
        )
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            frames = output_check.sample_frames(str(clip))
            t1 = time.perf_counter()
            output_check.detect_frames([f for _, f in frames])
            t2 = time.perf_counter()
            decision = output_check.check_output(
                str(clip), ["Look at that view!", "Let's climb higher."]
            )
            t3 = time.perf_counter()
            runs.append((t1 - t0, t2 - t1, t3 - t2, decision.frames_checked))
        best = min(runs, key=lambda r: r[2])

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average at the end: {load:.1f}")
    print("| figure | value |\n| --- | --- |")
    print(f"| model + detector warm-up (once per process) | {warm:.1f} s |")
    print(
        f"| check_prompt, {len(timings)} distinct prompts: p50 / p95 | "
        f"{statistics.median(timings):.1f} ms / {_pct(timings, 0.95):.1f} ms |"
    )
    print(
        f"| check_prompt, the {len(allowed)} allowed ones (embedding path): p50 / p95 | "
        f"{statistics.median(allowed):.1f} ms / {_pct(allowed, 0.95):.1f} ms |"
    )
    print(
        f"| check_prompt rules only: p50 / p95 | {statistics.median(rules_only):.2f} ms / "
        f"{_pct(rules_only, 0.95):.2f} ms |"
    )
    print(
        f"| output check, {args.seconds:.0f} s 720x1280 clip, {best[3]} frames (1/s) + 2 "
        f"dialogue lines: total (best of 3) | {best[2] * 1000:.0f} ms |"
    )
    print(f"| of which decode + sample frames | {best[0] * 1000:.0f} ms |")
    print(
        f"| of which NudeNet on the sampled frames | {best[1] * 1000:.0f} ms "
        f"({best[1] * 1000 / max(best[3], 1):.0f} ms a frame) |"
    )


if __name__ == "__main__":
    main()
