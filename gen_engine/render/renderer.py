"""The Renderer: precomputed background, batched subject drawing, weather, finishing."""

from __future__ import annotations

import math
import os
from dataclasses import replace
from functools import partial

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image

from gen_engine.physics import skeleton as sk
from gen_engine.physics.fixtures import Solid, place_fixtures, support_height
from gen_engine.physics.layout import (
    SHARD_MARK,
    camera_of,
    shard_parent,
    shard_subject,
    style_of,
)
from gen_engine.render import figures, raster
from gen_engine.render.backdrop import Backdrop, make_layer
from gen_engine.render.camera import camera_path, view_at
from gen_engine.render.contrast import background_colour, luminance, readable_colour, rim_colour
from gen_engine.render.fixtures import paint_fixtures
from gen_engine.render.framing import frame_action
from gen_engine.render.ink import Ink
from gen_engine.render.look import grade, grain_tile, light_for, vignette
from gen_engine.render.painter import Painter, flatten_planes
from gen_engine.render.scenery import draw_setting
from gen_engine.render.weather import Particles
from gen_engine.types import GenerationSpec, ScenePlan, Simulation, Subject

BATCH = 16
# On a GPU each batch costs Python time to launch its small kernels; larger batches amortise it
# (bench/render.py on an H200: see docs/PERFORMANCE.md). FRAMECAST_RENDER_BATCH overrides.
CUDA_BATCH = 120
PIXEL_BLOCK = 6  # the pixel style renders at 1/6 size and scales up with hard edges
FACE_TEXTURE = 96


def pick_device(device: str | None) -> torch.device:
    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def set_cpu_threads(threads: int | None = None) -> None:
    """Torch on CPU: all cores but one, which is left to the encoder running alongside.

    The rasteriser's work is many small patches, where extra intra-op threads mostly add
    synchronisation; on the 2-core target one torch thread plus the x264 thread is fastest.
    FRAMECAST_RENDER_THREADS overrides.
    """
    wanted = threads or int(os.environ.get("FRAMECAST_RENDER_THREADS", "0") or 0)
    torch.set_num_threads(max(1, wanted or min((os.cpu_count() or 2) - 1, 8)))


class Renderer:
    """Draws frames of a simulated plan. Deterministic: same plan, sim and spec -> same frames."""

    def __init__(
        self,
        plan: ScenePlan,
        sim: Simulation,
        spec: GenerationSpec,
        device: str | None = None,
        threads: int | None = None,
    ) -> None:
        self.plan, self.sim, self.spec = plan, sim, spec
        self.device = pick_device(device)
        if self.device.type == "cpu":
            set_cpu_threads(threads)
        self.style = style_of(plan, spec)
        self.light = light_for(plan.time_of_day)
        self.weather = plan.weather.strip().lower()
        self.out_w, self.out_h = spec.size
        block = PIXEL_BLOCK if self.style == "pixel" else 1
        self.w, self.h = max(self.out_w // block, 8), max(self.out_h // block, 8)
        self.solids = place_fixtures(plan.fixtures, sim.world_width)
        self.framing = frame_action(plan, sim, self.solids, self.h / self.w)
        self.ppm = self.framing.pixels_per_metre(sim.world_width, self.w)
        rest = self.framing if self.framing.zoom > 1 else None
        self.camera = camera_path(camera_of(plan, spec), sim.frame_count, sim.world_width, self.w,
                                  plan.seed, rest)  # fmt: skip
        self.seed = plan.seed & 0xFFFFFFFF
        default_batch = BATCH if self.device.type == "cpu" else CUDA_BATCH
        self.batch = int(os.environ.get("FRAMECAST_RENDER_BATCH", "0") or 0) or default_batch
        fog = self.weather == "fog"
        self.ink = Ink(self.style, self.light, self.weather, 0.25 if fog else 0.0, self.device,
                       self.w / 720)  # fmt: skip
        self.grain = grain_tile(self.style, self.seed, self.device)
        strength = {"noir": 0.55, "cinematic": 0.35, "vintage": 0.5, "neon": 0.4}.get(
            self.style, 0.2
        )
        self.vig_strength = strength
        self.vig_x = vignette(self.w, strength * 0.6, self.device)
        self.vig_y = vignette(self.h, strength * 0.4, self.device)
        self._build_background(0.5 if fog else 0.0)
        self.particles = (
            Particles(self.weather, self.w, self.h, self.seed, self.device)
            if self.weather in ("rain", "storm", "snow") else None
        )  # fmt: skip
        if self.weather == "storm" and self.particles is not None:
            self.particles.kind = "rain"
        self.faces = self._load_faces()
        self.rims: dict[str, torch.Tensor] = {}
        self.subjects = {s.id: self._readable(s, fog) for s in plan.subjects}
        for track in sim.tracks:  # pieces of something that broke: drawn like their parent
            parent = self.subjects.get(shard_parent(track.subject_id) or "")
            if parent is not None:
                number = int(track.subject_id.rpartition(SHARD_MARK)[2])
                self.subjects[track.subject_id] = shard_subject(parent, number)
        self.upscale = None
        if block > 1:
            rows = (torch.arange(self.out_h, device=self.device) * self.h) // self.out_h
            cols = (torch.arange(self.out_w, device=self.device) * self.w) // self.out_w
            self.upscale = (rows, cols)

    # ---- static layers -------------------------------------------------------------------

    def _build_background(self, fog: float) -> None:
        """Paint the setting once on a canvas wider and taller than any camera move needs."""
        seen_w, seen_h = self.w / self.ppm, self.h / self.ppm  # metres the resting frame shows
        centre, rest_top = self.framing.centre_x, self.framing.top
        margin_x = 0.22 * seen_w  # room for a pan or an orbit
        x0, x1 = centre - seen_w / 2 - margin_x, centre + seen_w / 2 + margin_x
        top, bottom = rest_top + 0.24 * seen_h, rest_top - 1.05 * seen_h  # and for a tilt
        cols = math.ceil((x1 - x0) * self.ppm)
        rows = math.ceil((top - bottom) * self.ppm)
        xs = (x0 + (np.arange(cols) + 0.5) / self.ppm).astype(np.float32)
        ys = (top - (np.arange(rows) + 0.5) / self.ppm).astype(np.float32)
        painter = Painter(np.zeros((rows, cols, 3), np.float32), xs, ys, self.ppm)
        sun = None
        if self.light.sun is not None:
            fx, fy = self.light.sun
            sun = (centre + (fx - 0.5) * seen_w, rest_top - fy * seen_h)
        rng = np.random.default_rng(self.seed)
        draw_setting(painter, self.plan.setting, self.light, self.weather, sun, rng)
        painter.layer(1.0)  # what the bodies collide with stands on the subjects' own ground
        paint_fixtures(painter, [self._readable_solid(painter, s, fog) for s in self.solids])
        self.support = partial(support_height, self.solids) if self.solids else None
        planes = painter.planes()
        flat = torch.from_numpy(flatten_planes(planes))
        grain = None
        if self.grain is not None:
            grain = self.grain.cpu().repeat((rows // 128 + 1, cols // 128 + 1, 1))[:rows, :cols]
        self.canvas_origin = (x0, top)
        self.background = self._graded(flat, grain, fog).to(self.device)
        self.backdrop: Backdrop | None = None
        self.static_frame: torch.Tensor | None = None
        if not self.camera.moves():  # bake vignette into the one background every frame starts from
            view = view_at(self.camera, 0, self.w, self.h, self.ppm)
            u0 = round((-view.ax / view.s - x0) * self.ppm)
            v0 = round((top - view.ay / view.s) * self.ppm)
            frame = self.background[v0 : v0 + self.h, u0 : u0 + self.w].float()
            frame = frame * self.vig_y[:, None, None].cpu().to(self.device)
            frame = frame * self.vig_x[None, :, None]
            self.static_frame = frame.clamp(0, 255).to(torch.uint8)
        elif len({plane.depth for plane in planes}) > 1:  # parallax: each plane on its own
            layers = []
            for plane in planes:
                alpha = None if plane.alpha is None else torch.from_numpy(plane.alpha)[..., None]
                rgb = self._graded(torch.from_numpy(plane.image), grain, fog)
                layers.append(make_layer(plane.depth, rgb, alpha))
            self.backdrop = Backdrop([layer.to(self.device) for layer in layers], (x0, top),
                                     self.ppm, self.camera, (self.w, self.h))  # fmt: skip

    def _readable_solid(self, painter: Painter, solid: Solid, fog: float) -> Solid:
        """The fixture in a colour that stands out from the background it is painted over - a
        brown table on a wooden kitchen floor - chosen as a subject's is (contrast.py)."""
        points = np.array([p for poly in solid.polygons for p in poly] +
                          [(x, y) for x, y, _ in solid.circles])  # fmt: skip
        if len(points) == 0:
            return solid
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        behind = painter.colour_behind(float(x0), float(x1), float(y0), float(y1))
        seen = self._graded(torch.from_numpy(behind).reshape(1, 1, 3), None, fog)
        colour, _ = readable_colour(solid.colour, seen.reshape(3).numpy().astype(np.float64),
                                    self.style, self.light, self.weather, fog)  # fmt: skip
        return solid if colour == solid.colour else replace(solid, colour=colour)

    def _graded(self, image: torch.Tensor, grain: torch.Tensor | None, fog: float) -> torch.Tensor:
        if self.style == "neon":
            image = image * 0.35
        graded = grade(image, self.style, self.light, self.weather, fog)
        if grain is not None:
            graded = graded + grain
        return graded.clamp(0, 255).round().to(torch.uint8)

    def _readable(self, subject: Subject, fog: bool) -> Subject:
        """The subject in a colour that stands out from the background behind it (contrast.py),
        judged where it starts and half way through the clip."""
        track = next((t for t in self.sim.tracks if t.subject_id == subject.id), None)
        if track is None or len(track.position) == 0:
            return subject
        x0, top = self.canvas_origin
        half = max(subject.size, 0.1) * 0.5 * self.ppm
        behind = []
        for frame in (0, len(track.position) // 2):
            x, y = (float(v) for v in track.position[frame])
            col, row = (x - x0) * self.ppm, (top - y) * self.ppm
            rows = slice(max(int(row - half), 0), max(int(row + half), 1))
            cols = slice(max(int(col - half), 0), max(int(col + half), 1))
            behind.append(background_colour(self.background, rows, cols))
        mean = np.mean(np.stack(behind), axis=0)
        colour, needs_rim = readable_colour(subject.color, mean, self.style, self.light,
                                            self.weather, 0.25 if fog else 0.0)  # fmt: skip
        if needs_rim:
            self.rims[subject.id] = torch.tensor(rim_colour(luminance(mean)), dtype=torch.float32,
                                                 device=self.device)  # fmt: skip
        return subject if colour == subject.color else replace(subject, color=colour)

    def _load_faces(self) -> dict[str, torch.Tensor]:
        """Each cameo's face image, cropped to its central square, read once."""
        faces: dict[str, torch.Tensor] = {}
        for cameo in self.spec.cameos:
            if not cameo.face_image:
                continue
            with Image.open(cameo.face_image) as img:
                rgb = img.convert("RGB")
                side = min(rgb.size)
                left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
                square = rgb.crop((left, top, left + side, top + side))
                square = square.resize((FACE_TEXTURE, FACE_TEXTURE), Image.Resampling.BILINEAR)
                faces[cameo.id] = torch.from_numpy(np.asarray(square, np.float32).copy()).to(
                    self.device
                )
        return faces

    # ---- frames ----------------------------------------------------------------------------

    def poster_frame_index(self) -> int:
        """The first impact or landing shows the scene's action; otherwise a third of the way in."""
        for e in self.sim.events:
            if e.kind in ("impact", "land", "splash") and e.frame < self.sim.frame_count:
                return min(e.frame + 1, self.sim.frame_count - 1)
        return self.sim.frame_count // 3

    def world_to_pixel(self, frame: int, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Where world points (..., 2) in metres land in output frame `frame`, in pixels."""
        v = view_at(self.camera, frame, self.w, self.h, self.ppm)
        pts = np.asarray(points, dtype=np.float64)
        scale = self.out_w / self.w
        return np.stack([v.ax + pts[..., 0] * v.s, v.ay - pts[..., 1] * v.s], -1) * scale

    def render(self, start: int, stop: int) -> npt.NDArray[np.uint8]:
        """Frames start..stop-1. Claymation moves on twos, as stop motion is shot: each odd
        frame repeats the even one before it (the sound stays on the exact sample, so a contact
        is heard at most one frame from the picture that shows it)."""
        out = self._render(start, stop)
        if self.style != "claymation":
            return out
        start = max(0, start)
        for i in range(len(out)):
            if (start + i) % 2 == 1:
                out[i] = out[i - 1] if i > 0 else self._render(start + i - 1, start + i)[0]
        return out

    def _render(self, start: int, stop: int) -> npt.NDArray[np.uint8]:
        start, stop = max(0, start), min(stop, self.sim.frame_count)
        out = np.empty((max(stop - start, 0), self.out_h, self.out_w, 3), np.uint8)
        direct = self.device.type == "cpu" and self.upscale is None
        with torch.inference_mode():
            for first in range(start, stop, self.batch):
                last = min(first + self.batch, stop)
                chunk = torch.from_numpy(out[first - start : last - start])
                if direct:  # draw straight into the returned array: no copy
                    self._batch(first, last, chunk)
                else:  # one device-to-host copy straight into the returned array
                    chunk.copy_(self._batch(first, last, None))
        return out

    def _batch(self, first: int, last: int, target: torch.Tensor | None) -> torch.Tensor:
        count = last - first
        pixels = self._backgrounds(first, last, target)
        subtle = self.vig_strength < 0.3  # faint vignettes only matter on the background
        canvas = raster.Canvas(
            pixels, None if subtle else self.vig_x, None if subtle else self.vig_y, self.grain
        )
        views = [view_at(self.camera, k, self.w, self.h, self.ppm) for k in range(first, last)]
        dev = self.device
        fr = figures.Frames(
            torch.tensor([v.ax for v in views], dtype=torch.float32, device=dev),
            torch.tensor([v.ay for v in views], dtype=torch.float32, device=dev),
            torch.tensor([v.s for v in views], dtype=torch.float32, device=dev),
        )
        sl = slice(first, last)
        for track in self.sim.tracks:
            subject = self.subjects.get(track.subject_id)
            if subject is not None:
                figures.shadow(canvas, fr, subject, track, sl, self.ink, self.support)
        for track in self.sim.tracks:
            subject = self.subjects.get(track.subject_id)
            if subject is None:
                continue
            self.ink.rim = self.rims.get(subject.id)
            if track.joints is not None and track.joints.shape[1] == len(sk.SKELETON):
                face = self.faces.get(subject.cameo_id or "")
                figures.biped(canvas, fr, subject, track, sl, self.ink, self.seed, face)
            elif track.joints is not None and track.joints.shape[1] == len(sk.FLYER_SKELETON):
                figures.flyer(canvas, fr, subject, track, sl, self.ink)
            elif track.joints is not None:
                figures.quadruped(canvas, fr, subject, track, sl, self.ink)
            else:
                figures.thing(canvas, fr, subject, track, sl, self.ink)
        self.ink.rim = None
        if self.particles is not None:
            self.particles.draw(pixels, first)
        if self.upscale is not None:
            rows, cols = self.upscale
            pixels = pixels[:, rows][:, :, cols]
        assert pixels.shape[0] == count
        return pixels

    def _backgrounds(self, first: int, last: int, target: torch.Tensor | None) -> torch.Tensor:
        count = last - first
        frames = target
        if frames is None:
            frames = torch.empty((count, self.h, self.w, 3), dtype=torch.uint8, device=self.device)
        if self.static_frame is not None:
            frames.copy_(self.static_frame.unsqueeze(0).expand(count, -1, -1, -1))
            return frames
        if self.backdrop is not None:
            for i, k in enumerate(range(first, last)):
                self.backdrop.draw(frames[i], k)
            return frames
        x0, top = self.canvas_origin
        rows_max, cols_max = self.background.shape[:2]
        for i, k in enumerate(range(first, last)):
            v = view_at(self.camera, k, self.w, self.h, self.ppm)
            if abs(v.s - self.ppm) < 1e-6:  # pure shift: a slice
                u0 = round((-v.ax / v.s - x0) * self.ppm)
                v0 = round((top - v.ay / v.s) * self.ppm)
                u0 = min(max(u0, 0), cols_max - self.w)
                v0 = min(max(v0, 0), rows_max - self.h)
                frames[i] = self.background[v0 : v0 + self.h, u0 : u0 + self.w]
                continue
            sx = torch.arange(self.w, device=self.device, dtype=torch.float32) + 0.5
            sy = torch.arange(self.h, device=self.device, dtype=torch.float32) + 0.5
            cols = (((sx - v.ax) / v.s - x0) * self.ppm).long().clamp(0, cols_max - 1)
            rows = ((top - (v.ay - sy) / v.s) * self.ppm).long().clamp(0, rows_max - 1)
            frames[i] = self.background[rows][:, cols]
        return frames
