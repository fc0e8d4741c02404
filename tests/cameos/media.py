"""Test media made on the fly with PyAV: verification clips from real photos of faces
(scikit-image's "astronaut" from the front and "camera" in profile, public domain, shipped in
its wheel), and images."""

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


def profile_photo() -> np.ndarray:
    """scikit-image's "camera" (public domain): a man seen from the side, which Haar's profile
    cascade finds - the middle of a head turn as the detector sees one."""
    from skimage import data

    gray = data.camera()
    return np.stack([gray] * 3, axis=-1)


def _placed(photo: np.ndarray, width: int) -> np.ndarray:
    scale = width / photo.shape[1] * 0.9
    size = (round(photo.shape[1] * scale), round(photo.shape[0] * scale))
    return np.asarray(Image.fromarray(photo).resize(size))


def _picture(kind: str, phase: float, width: int, height: int, photos: dict[str, np.ndarray]
             ) -> np.ndarray:  # fmt: skip
    """One frame of the clip at `phase` (0..1 of its length)."""
    canvas = np.full((height, width, 3), 60, np.uint8)
    if kind == "none":
        canvas[:] = (np.arange(width)[None, :, None] * 255 // width).astype(np.uint8)
        return canvas
    face = photos["front"]
    dx = round(math.sin(phase * 2 * math.pi) * width * 0.12) if kind == "slide" else 0
    if kind == "turn":  # facing the camera, then in profile from TURN_AT on, then back
        dx = round(math.sin(phase * 9 * math.pi) * width * 0.02)  # a little sway all along
        t = phase
        into, out_of = 0.66, 0.86  # of the clip: the turn in the recorder's last seconds
        mix = min(max((t - into) / 0.05, 0.0), 1.0) * min(max((out_of - t) / 0.05, 0.0), 1.0)
        face = (photos["front"] * (1 - mix) + photos["side"] * mix).astype(np.uint8)
    x0 = (width - face.shape[1]) // 2 + dx
    y0 = height // 5
    xs, xe = max(0, -x0), min(face.shape[1], width - x0)
    canvas[y0 : y0 + face.shape[0], x0 + xs : x0 + xe] = face[:, xs:xe]
    return canvas


def make_clip(
    path: Path,
    *,
    seconds: float = 9.0,
    size: tuple[int, int] = (360, 640),
    fps: int = 10,
    face: bool = True,
    motion: str = "turn",
    loop: bool = False,
    audio: str | None = "speech",
    fmt: str = "webm",
) -> Path:
    """A verification clip. `motion`: "turn" (from the front, in profile, from the front again:
    the genuine article), "slide" (a photo slid left and right: the attack), "still". `loop`
    plays the first half twice. `audio`: "speech" (syllable bursts throughout), "late" (bursts
    only after the numbers were shown), "silence", or None (no audio stream)."""
    width, height = size
    photos = {"front": _placed(face_photo(), width), "side": _placed(profile_photo(), width)}
    kind = motion if face else "none"
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
        half = frames // 2
        for i in range(frames):
            source = i % half if loop else i
            length = half if loop else frames
            canvas = _picture(kind, source / max(1, length - 1), width, height, photos)
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
            if audio in ("speech", "late"):
                envelope = (np.sin(2 * np.pi * 3 * t) > 0.2).astype(np.float32)  # syllables
                if audio == "late":  # nothing while the numbers were on screen
                    envelope[t < 6.0] = 0.0
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
