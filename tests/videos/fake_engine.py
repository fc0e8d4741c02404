"""A fast stand-in for gen_engine.generate, for tests of the job machinery only.

Same contract (spec, out_dir, on_progress, should_cancel) -> Result, and it writes a real,
playable H.264 MP4 (64x112, a dozen frames) and a JPEG poster, so storage and Range requests
see genuine files. Worker subprocesses use it through FRAMECAST_ENGINE_CALLABLE
("tests.videos.fake_engine:generate", see videos/engine_adapter.py); knobs, all optional:

  FRAMECAST_FAKE_ENGINE_SECONDS   how long a run takes (default 0.2), reporting progress
  FRAMECAST_FAKE_ENGINE_LOG       a file: one line "<video_id> <pid> start|done" per run
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from gen_engine.types import GenerationCancelled, GenerationSpec, Progress, Result, ScenePlan

STAGES = ("director", "physics", "render", "audio", "encode")


def _log(line: str) -> None:
    path = os.environ.get("FRAMECAST_FAKE_ENGINE_LOG")
    if path:
        with open(path, "a") as handle:
            handle.write(line + "\n")


def write_tiny_mp4(path: Path, frames: int = 12, size: tuple[int, int] = (64, 112)) -> None:
    width, height = size
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 24)
        for i in range(frames):
            image = np.full((height, width, 3), (i * 20) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def generate(
    spec: GenerationSpec,
    out_dir: str | os.PathLike[str],
    on_progress: Callable[[Progress], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> Result:
    total = float(os.environ.get("FRAMECAST_FAKE_ENGINE_SECONDS", "0.2"))
    _log(f"{spec.video_id} {os.getpid()} start")
    steps = max(1, int(total / 0.05))
    for step in range(steps):
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        if on_progress is not None:
            stage = STAGES[min(len(STAGES) - 1, step * len(STAGES) // steps)]
            on_progress(Progress(stage=stage, fraction=step / steps, message=stage))
        time.sleep(total / steps)
    out = Path(out_dir)
    video_path, poster_path = out / "video.mp4", out / "poster.jpg"
    write_tiny_mp4(video_path)
    Image.new("RGB", (64, 112), (200, 40, 60)).save(poster_path, "JPEG")
    if on_progress is not None:
        on_progress(Progress(stage="done", fraction=1.0, message="done"))
    plan = ScenePlan(
        prompt=spec.prompt,
        seed=spec.seed,
        subjects=(),
        setting="studio",
        time_of_day="day",
        weather="clear",
        style=spec.style or "cinematic",
        camera=spec.camera or "static",
    )
    _log(f"{spec.video_id} {os.getpid()} done")
    return Result(
        video_path=str(video_path),
        poster_path=str(poster_path),
        plan=plan,
        events=(),
        timings={"fake": total},
        width=64,
        height=112,
        duration=0.5,
    )
