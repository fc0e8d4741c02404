"""Small clips for the provenance tests: synthesise, mark, encode, transform, decode (PyAV)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np

from gen_engine.provenance import FrameMarker
from gen_engine.types import GenerationSpec

WIDTH, HEIGHT, FPS = 360, 640, 24
PAYLOAD = 0x5EED_CAFE_F00D


def spec_for(
    payload: int = PAYLOAD, handle: str = "tester", fps: int = FPS, **extra: object
) -> GenerationSpec:
    return GenerationSpec(
        prompt="a red ball bounces on a beach",
        duration=3,
        fps=fps,
        creator_handle=handle,
        video_id=extra.pop("video_id", "v-test-1"),  # type: ignore[arg-type]
        watermark_id=payload,
        **extra,  # type: ignore[arg-type]
    )


def scene_frames(count: int, width: int = WIDTH, height: int = HEIGHT, seed: int = 0) -> np.ndarray:
    """Textured background (like the renderer's grain), a gradient sky and moving discs."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack([90 + 80 * yy / height, 140 + 60 * yy / height, 200 - 40 * xx / width], -1)
    grain = rng.normal(0, 10, (height, width, 1)).astype(np.float32)
    ground = (yy > height * 0.7)[..., None] * np.array([40, 30, -60], np.float32)
    base = np.clip(sky + grain + ground, 0, 255).astype(np.uint8)
    frames = np.repeat(base[None], count, axis=0)
    for index in range(count):
        cx = width * (0.5 + 0.35 * np.sin(index / 9))
        cy = height * (0.5 + 0.3 * np.cos(index / 13))
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 < (width * 0.12) ** 2
        frames[index][disc] = (220, 50, 40)
    return frames


def encode(
    frames: Iterator[np.ndarray] | np.ndarray, path: Path, crf: int = 20, fps: int = FPS
) -> Path:
    """Progressive (faststart) H.264 MP4, the shape the engine delivers."""
    iterator = iter(frames)
    first = next(iterator)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = first.shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        for frame in [first, *iterator]:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def marked_clip(path: Path, spec: GenerationSpec, seconds: float = 3.0, seed: int = 0) -> Path:
    frames = scene_frames(int(seconds * spec.fps), seed=seed)
    marker = FrameMarker(spec)
    for start in range(0, len(frames), 16):
        marker.mark(frames[start : start + 16], start)
    return encode(frames, path, fps=spec.fps)


def decode_rgb(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def transform(
    source: Path, dest: Path, crf: int, change: Callable[[av.VideoFrame], av.VideoFrame]
) -> Path:
    """Decode, change each frame, re-encode with libx264 at `crf` (what a re-uploader does)."""
    with av.open(str(source)) as container:
        frames = [change(frame).to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    return encode(np.stack(frames), dest, crf=crf)


def remux_without_manifest(source: Path, dest: Path) -> Path:
    """Copy the video packets into a fresh MP4 (no re-encode): the C2PA box is dropped."""
    with av.open(str(source)) as inp, av.open(str(dest), "w") as out:
        in_stream = inp.streams.video[0]
        out_stream = out.add_stream_from_template(in_stream)
        for packet in inp.demux(in_stream):
            if packet.dts is None:
                continue
            packet.stream = out_stream
            out.mux(packet)
    return dest
