"""Test media made on the fly with PyAV: verification clips from a real photo of a face
(scikit-image's "astronaut", public domain, shipped in its wheel), and images."""

from __future__ import annotations

import io
import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image


def face_photo() -> np.ndarray:
    from skimage import data

    return data.astronaut()  # 512x512 RGB; Haar's frontal cascade finds the face


def make_clip(
    path: Path,
    *,
    seconds: float = 4.0,
    size: tuple[int, int] = (360, 640),
    fps: int = 10,
    face: bool = True,
    move: bool = True,
    audio: str | None = "speech",
    fmt: str = "webm",
) -> Path:
    """A clip: the photo sliding left then right (a head turn as the detector sees it), with
    speech-like audio (syllable bursts), silence, or no audio stream at all."""
    width, height = size
    photo = face_photo()
    scale = width / photo.shape[1] * 0.9
    new_size = (round(photo.shape[1] * scale), round(photo.shape[0] * scale))
    small = np.asarray(Image.fromarray(photo).resize(new_size))
    vcodec, acodec = ("libvpx", "libopus") if fmt == "webm" else ("libx264", "aac")
    with av.open(str(path), "w", format=fmt) as out:
        vs = out.add_stream(vcodec, rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = (
            {"preset": "ultrafast"}
            if vcodec == "libx264"
            else {"deadline": "realtime", "cpu-used": "8"}
        )
        as_ = out.add_stream(acodec, rate=48000, layout="mono") if audio else None
        frames = round(seconds * fps)
        for i in range(frames):
            canvas = np.full((height, width, 3), 60, np.uint8)
            if face:
                phase = i / max(1, frames - 1)
                dx = round(math.sin(phase * 2 * math.pi) * width * 0.12) if move else 0
                x0 = (width - small.shape[1]) // 2 + dx
                y0 = height // 5
                xs, xe = max(0, -x0), min(small.shape[1], width - x0)
                canvas[y0 : y0 + small.shape[0], x0 + xs : x0 + xe] = small[:, xs:xe]
            else:
                canvas[:] = (np.arange(width)[None, :, None] * 255 // width).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for packet in vs.encode(frame):
                out.mux(packet)
        for packet in vs.encode():
            out.mux(packet)
        if as_ is not None:
            rate = 48000
            t = np.arange(int(seconds * rate)) / rate
            if audio == "speech":
                envelope = (np.sin(2 * np.pi * 3 * t) > 0.2).astype(np.float32)  # syllables
                vibrato = 1 + 0.5 * np.sin(2 * np.pi * 5 * t)
                wave = 0.3 * envelope * np.sin(2 * np.pi * 220 * t) * vibrato
            else:
                wave = np.zeros_like(t)
            samples = wave.astype(np.float32)
            step = 960 if fmt == "webm" else 1024
            pts = 0
            for start in range(0, len(samples) - step + 1, step):
                chunk = samples[start : start + step].reshape(1, -1)
                af = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                af.sample_rate = rate
                af.pts = pts
                pts += step
                for packet in as_.encode(af):
                    out.mux(packet)
            for packet in as_.encode():
                out.mux(packet)
    return path


def png_bytes(
    size: tuple[int, int] = (400, 300), color: tuple[int, int, int] = (200, 80, 40)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()
