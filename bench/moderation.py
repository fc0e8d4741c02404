"""Measure the moderation checks: check_prompt latency, and the output check against the
generation it is added to.

    .venv/bin/python bench/moderation.py [--seconds 10] [--runs 5]

Prints Markdown tables for docs/PERFORMANCE.md. The prompt latencies are for distinct texts
(the embedding cache is bypassed), after warm-up. The output check runs on a clip the engine
makes here (10 s, 9:16, 720x1280, real motion - a static synthetic clip decodes several times
faster and under-counts), and the engine's own wall time on the same machine in the same run is
the denominator of "share of a generation". Each output-check run clears the text cache, so the
dialogue lines and the prompt (which the output gate checks again) are paid every time, as in a
worker. "before" is the previous way, reproduced here: decode with deblocking, then NudeNet on
each frame padded to a 320x320 square, one after the other; "after" is `check_output` as it is
now. The two are interleaved run by run so a change of machine load hits both alike; wall and
CPU (this process, all threads) are reported as medians.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from moderation import classifier, output_check

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

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average before the output check: {load:.1f}")
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
    _bench_output_check(args)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), _cpu()
    value = fn()
    return time.perf_counter() - wall, _cpu() - cpu, value


def _previous_check(path: str, lines: list[str], prompt: str) -> int:
    """The output check as it was before: serial decode (deblocked), square 320x320 tensors."""
    import av
    import numpy as np

    from moderation import classifier, output_check

    session = output_check.get_detector()
    name = session.get_inputs()[0].name
    sampled = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        next_t = 0.0
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            if t + 1e-6 < next_t:
                continue
            scale = min(1.0, 320 / max(frame.width, frame.height))
            sampled.append(
                frame.to_ndarray(
                    format="rgb24",
                    width=max(2, int(frame.width * scale)),
                    height=max(2, int(frame.height * scale)),
                )
            )
            next_t = t + 1.0
    for rgb in sampled:
        square = np.zeros((320, 320, 3), dtype=np.uint8)
        square[: rgb.shape[0], : rgb.shape[1]] = rgb
        blob = (square.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        output_check._best_exposed(session.run(None, {name: blob})[0][0])
    for line in lines:
        classifier.check_prompt(line, context="dialogue")
    classifier.check_prompt(prompt)
    return len(sampled)


def _current_check(path: str, lines: list[str], prompt: str) -> int:
    from moderation import classifier, output_check

    decision = output_check.check_output(path, lines)
    classifier.check_prompt(prompt)  # the output gate checks the prompt again
    return decision.frames_checked


def _bench_output_check(args: argparse.Namespace) -> None:
    from gen_engine import GenerationSpec, generate
    from moderation import classifier, output_check

    prompt = "two friends play catch in a park at sunset"
    lines = ["Nice throw!", "Let's go again, higher this time."]
    with tempfile.TemporaryDirectory() as folder:
        spec = GenerationSpec(prompt=prompt, duration=int(args.seconds), resolution=720)
        # A first, short generation warms the engine's models, as in a worker that has run one.
        for name in ("warm", "clip"):
            (Path(folder) / name).mkdir()
        generate(GenerationSpec(prompt=prompt, duration=5), str(Path(folder) / "warm"))
        generation_s, generation_cpu, result = _measure(
            lambda: generate(spec, str(Path(folder) / "clip"))
        )
        path = result.video_path
        runs: dict[str, list[tuple[float, float, int]]] = {"before": [], "after": []}
        parts: dict[str, list[tuple[float, float, Any]]] = {"decode": [], "detect": []}
        for _ in range(args.runs):
            for label, check in (("before", _previous_check), ("after", _current_check)):
                classifier.embedding_scores.cache_clear()
                runs[label].append(_measure(lambda check=check: check(path, lines, prompt)))
            # The "after" check's two halves on their own, one after the other.
            parts["decode"].append(_measure(lambda: output_check.sample_frames(path)))
            frames = [frame for _, frame in parts["decode"][-1][2]]
            parts["detect"].append(
                _measure(lambda frames=frames: output_check.detect_frames(frames))
            )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average at the end: {load:.1f}")
    print(
        f"\n| {args.seconds:.0f} s 720x1280 engine clip, median of {args.runs} | wall | CPU | "
        "share of the generation (wall) |\n| --- | --- | --- | --- |"
    )
    print(f"| generation (engine, warm) | {generation_s:.2f} s | {generation_cpu:.2f} s | |")
    for label, rows in runs.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        print(
            f"| output check {label}: {rows[0][2]} frames + {len(lines)} dialogue lines + prompt "
            f"| {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {100 * wall / generation_s:.1f}% |"
        )
    for label, title in (("decode", "decode + sample frames"), ("detect", "NudeNet on them")):
        wall = statistics.median(r[0] for r in parts[label])
        cpu = statistics.median(r[1] for r in parts[label])
        print(
            f"| of which (after, run alone) {title} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms "
            f"| {100 * wall / generation_s:.1f}% |"
        )


if __name__ == "__main__":
    main()
