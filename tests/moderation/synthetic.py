"""Synthetic test clips for the output check, made without any external image.

`FLAGGED_PARAMS` draws a flat, cartoon-like torso (a skin-tone ellipse with two shaded discs
and darker centres) that NudeNet's bundled 320n detector scores as FEMALE_BREAST_EXPOSED
(~0.8 at 360x640). The parameters were found at test-writing time by a random search (150
draws) followed by hill climbing (350 steps) over this small drawing space, maximising the
detector's best exposed-class score; they are stored here so the test is deterministic. The
clean clip is a plain gradient sky with a sun, which the detector scores near zero.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

FLAGGED_PARAMS = {
    "bg": [255.0, 27.25110512875712, 54.409049920357425],
    "skin": [197.92535108810563, 142.14799050650458, 120.6205228207822],
    "ty": 0.7273543277096037,
    "tw": 0.2756485368352442,
    "sep": 0.15833464911659414,
    "by": 0.46401031802033593,
    "br": 0.16292555982294177,
    "shade": 0.2690293982337166,
    "ar": 0.25057726739207925,
    "aox": 0.19660929551161513,
    "aoy": 0.18748354794577124,
    "areola": [201.6495988157799, 124.50514119315149, 119.83865333520927],
}


def render_flagged(height: int = 1280, width: int = 720, p: dict | None = None) -> np.ndarray:
    """RGB uint8 frame of the searched drawing (resolution-independent: sizes are fractions)."""
    p = p or FLAGGED_PARAMS
    h, w = height, width
    # The search ran on a 640x360 canvas; keep its geometry (fractions of that canvas).
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    sx, sy = w / 360.0, h / 640.0
    img = np.empty((h, w, 3), np.float32)
    img[:] = np.array(p["bg"], np.float32)
    skin = np.array(p["skin"], np.float32)
    cx, cy, rx, ry = w / 2, h * p["ty"], w * p["tw"], h * 0.6
    img[((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 < 1] = skin
    for side in (-1, 1):
        # Radii were fractions of the search canvas width; on a non-square canvas, scale both
        # axes so the drawing keeps its look.
        bx, by = cx + side * 360 * p["sep"] * sx, h * p["by"]
        r = 360 * p["br"] * sx
        dist = np.sqrt((xx - bx) ** 2 + ((yy - by) * sx / sy) ** 2)
        inside = dist < r
        shade = np.clip(1 - p["shade"] * (dist / r) ** 2 * ((yy - by) / r > -0.3), 0.5, 1)
        img[inside] = (skin * shade[..., None])[inside]
        under = (dist > r * 0.95) & (dist < r * 1.08) & (yy > by)
        img[under] = skin * 0.6
        ar = r * p["ar"]
        ax, ay = bx + side * r * p["aox"], by + r * p["aoy"]
        da = np.sqrt((xx - ax) ** 2 + (yy - ay) ** 2)
        img[da < ar] = np.array(p["areola"], np.float32)
        img[da < ar * 0.35] = np.array(p["areola"], np.float32) * 0.8
    return np.clip(img, 0, 255).astype(np.uint8)


def render_clean(height: int = 1280, width: int = 720) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    t = yy / height
    img = np.stack([80 + 120 * t, 140 + 60 * t, 230 - 80 * t], axis=-1)
    sun = (xx - width * 0.7) ** 2 + (yy - height * 0.25) ** 2 < (width * 0.08) ** 2
    img[sun] = (255, 220, 120)
    img[yy > height * 0.8] = (40, 110, 60)  # grass
    return img.astype(np.uint8)


def write_clip(path: Path, frames: list[np.ndarray], *, seconds: float, fps: int = 24) -> Path:
    """An H.264 MP4 showing `frames` in turn (equal shares of `seconds`)."""
    h, w = frames[0].shape[:2]
    total = int(seconds * fps)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "23"}
        for i in range(total):
            frame = frames[min(len(frames) - 1, i * len(frames) // total)]
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
