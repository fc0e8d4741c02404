"""Measure the moderation checks: check_prompt latency, and the output check against the
generation it is added to.

    .venv/bin/python bench/moderation.py [--seconds 10] [--runs 5] [--prompts-only]

Prints Markdown tables for docs/PERFORMANCE.md. The prompt latencies are for distinct texts
(the embedding cache is bypassed), after warm-up. The output check runs on a clip the engine
makes here (10 s, 9:16, 720x1280, real motion - a static synthetic clip decodes several times
faster and under-counts), and the engine's own wall time on the same machine in the same run is
the denominator of "share of a generation". Each output-check run clears the text cache, so the
dialogue lines and the prompt (which the output gate checks again) are paid every time, as in a
worker. Three ways, interleaved run by run so a change of machine load hits them alike; wall and
CPU (this process, all threads) are reported as medians:
- "square": the first way, reproduced here: decode with deblocking, then NudeNet on each frame
  padded to a 320x320 square, one after the other;
- "file": `check_output`, decoding the finished MP4 (what re-checks and engines without a frame
  sampler still use);
- "engine": what the worker does now: the measured generation ran with a `FrameCollector` as its
  `frame_sampler`, and `check_output_frames` checks the frames it collected. Its share adds the
  sampler's own time inside the generation (`timings["frame_sample"]`) to the check.
"""

from __future__ import annotations

import argparse
import csv
import functools
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
    parser.add_argument(
        "--prompts-only", action="store_true", help="skip the output check (no generation)"
    )
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
    for name in ("everyday_prompts.csv", "everyday_prompts_holdout.csv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as handle:
            everyday = [row["text"] for row in csv.DictReader(handle)]
        held = sum(not classifier.check_prompt(text).allowed for text in everyday)
        print(
            f"| {name}: refused or held | {held}/{len(everyday)} = "
            f"{100 * held / len(everyday):.1f}% |"
        )
    if args.prompts_only:
        return
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


def _file_check(path: str, lines: list[str], prompt: str) -> int:
    from moderation import classifier, output_check

    decision = output_check.check_output(path, lines)
    classifier.check_prompt(prompt)  # the output gate checks the prompt again
    return decision.frames_checked


def _engine_frames_check(frames: list[Any], lines: list[str], prompt: str) -> int:
    from moderation import classifier, output_check

    decision = output_check.check_output_frames(frames, lines)
    classifier.check_prompt(prompt)
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
        collector = output_check.FrameCollector(fps=spec.fps)
        generation_s, generation_cpu, result = _measure(
            lambda: generate(spec, str(Path(folder) / "clip"), frame_sampler=collector)
        )
        sampler_s = float(result.timings.get("frame_sample", 0.0))
        frames = collector.covering(float(result.duration))
        if frames is None:
            raise SystemExit("the engine's frames do not cover the clip")
        path = result.video_path
        checks: dict[str, Callable[[], int]] = {
            "square": lambda: _previous_check(path, lines, prompt),
            "file": lambda: _file_check(path, lines, prompt),
            "engine": lambda: _engine_frames_check(frames, lines, prompt),
        }
        runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in checks}
        parts: dict[str, list[tuple[float, float, Any]]] = {"decode": [], "detect": []}
        for _ in range(args.runs):
            for label, check in checks.items():
                classifier.embedding_scores.cache_clear()
                runs[label].append(_measure(check))
            # The file check's two halves on their own, one after the other.
            parts["decode"].append(_measure(lambda: output_check.sample_frames(path)))
            decoded = [frame for _, frame in parts["decode"][-1][2]]
            parts["detect"].append(_measure(functools.partial(output_check.detect_frames, decoded)))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average at the end: {load:.1f}")
    print(
        f"\n| {args.seconds:.0f} s 720x1280 engine clip, median of {args.runs} | wall | CPU | "
        "share of the generation (wall) |\n| --- | --- | --- | --- |"
    )
    print(
        f"| generation (engine, warm, with the sampler) | {generation_s:.2f} s | "
        f"{generation_cpu:.2f} s | |"
    )
    print(
        f"| of which the frame sampler ({len(frames)} frames downscaled) | "
        f"{sampler_s * 1000:.0f} ms | | {100 * sampler_s / generation_s:.1f}% |"
    )
    titles = {
        "square": "first way (decode, square 320x320 input)",
        "file": "decoding the MP4 (`check_output`)",
        "engine": "engine frames (`check_output_frames`)",
    }
    for label, rows in runs.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        extra = sampler_s if label == "engine" else 0.0
        share = f"{100 * (wall + extra) / generation_s:.1f}%"
        if extra:
            share += f" (with the sampler's {extra * 1000:.0f} ms)"
        print(
            f"| output check, {titles[label]}: {rows[0][2]} frames + {len(lines)} dialogue "
            f"lines + prompt | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {share} |"
        )
    for label, title in (("decode", "decode + sample frames"), ("detect", "NudeNet on them")):
        wall = statistics.median(r[0] for r in parts[label])
        cpu = statistics.median(r[1] for r in parts[label])
        print(
            f"| of which (file check, run alone) {title} | {wall * 1000:.0f} ms | "
            f"{cpu * 1000:.0f} ms | {100 * wall / generation_s:.1f}% |"
        )


if __name__ == "__main__":
    main()
