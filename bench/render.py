"""Render speed of the default clip (720x1280, 10 s at 24 fps, a few subjects), for the record.

    .venv/bin/python bench/render.py [--frames N] [--threads T]

Prints frames per second of `Renderer.render` (wall clock and CPU time) plus the set-up time.
CPU time is the better figure on a shared machine: with one torch thread it is what the wall
clock would be on an idle one.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from gen_engine.physics import simulate
from gen_engine.render import Renderer
from gen_engine.types import GenerationSpec, ScenePlan, Subject


def default_scene() -> ScenePlan:
    subjects = (
        Subject("s0", "person", "character", (40, 90, 200), "blue", 1.7, "walk"),
        Subject("s1", "dog", "character", (150, 100, 50), "brown", 0.6, "run"),
        Subject("s2", "ball", "object", (215, 40, 40), "red", 0.3, "bounce"),
        Subject("s3", "person", "character", (200, 80, 60), "red", 1.6, "wave"),
    )
    return ScenePlan("a person walks a dog in the park while a friend waves and a ball bounces",
                     0, subjects, "park", "day", "clear", "cinematic", "static")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--camera", default="static")
    parser.add_argument("--warmup", type=int, default=0, help="frames rendered before timing")
    args = parser.parse_args()
    plan = default_scene()
    spec = GenerationSpec(plan.prompt, duration=10, resolution=720, camera=args.camera)
    sim = simulate(plan, spec)
    started = time.perf_counter()
    renderer = Renderer(plan, sim, spec, threads=args.threads or None)
    setup = time.perf_counter() - started
    if args.warmup:  # first CUDA kernels and caches, not part of a steady worker's render
        renderer.render(0, min(args.warmup, spec.frame_count))
    if renderer.device.type == "cuda":
        torch.cuda.synchronize()
    count = min(args.frames, spec.frame_count)
    wall, cpu = time.perf_counter(), time.process_time()
    renderer.render(0, count)
    if renderer.device.type == "cuda":
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    width, height = spec.size
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())} on {platform.node()} "
          f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}), torch threads "
          f"{torch.get_num_threads()}, device {renderer.device}")  # fmt: skip
    print(
        f"{count} frames of {width}x{height}: setup {setup:.2f} s, render {wall:.2f} s wall "
        f"({count / wall:.1f} frames/s), {cpu:.2f} s CPU ({count / cpu:.1f} frames/s of CPU)"
    )


if __name__ == "__main__":
    main()
