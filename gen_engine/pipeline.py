"""The engine's main walk: spec -> plan -> speech -> physics -> audio -> frames -> MP4 + poster.

Guarantees to the caller (the site's worker and the CLI):
- only `GenerationError` (with a stable `code`) or `GenerationCancelled` ever leaves `generate`;
  anything unexpected inside a stage becomes GenerationError("engine_failure") with the cause
  chained;
- `should_cancel` is polled between stages and between render batches (each well under 0.25 s
  of work at the default size), and a cancelled or failed run leaves no file it created behind:
  everything is written under temporary names in `out_dir` and renamed only at the very end;
- frames stream through in batches (rendered, marked, queued to an encoder thread), so memory
  does not grow with the clip's length;
- an optional `frame_sampler(frame_index, frame)` receives a small copy (long side
  FRAME_SAMPLE_LONG_SIDE) of one marked frame per second of output (FRAME_SAMPLE_FPS), as it is
  rendered: the site's output moderation check reads these instead of decoding the MP4 again.
  It runs inside the render stage, so an exception it raises ends the run as
  GenerationError("engine_failure") (GenerationCancelled passes through) and leaves no files.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import math
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gen_engine import encode
from gen_engine.types import (
    ASPECTS,
    DURATIONS,
    MAX_PROMPT_CHARS,
    RESOLUTIONS,
    CancelCheck,
    GenerationCancelled,
    GenerationError,
    GenerationSpec,
    Progress,
    ProgressCallback,
    Result,
)

logger = logging.getLogger(__name__)

SUPPORTED_FPS = (24,)
SUPPORTED_BACKENDS = ("default", "diffusers")
MAX_SEED = 2**63 - 1
MAX_WATERMARK_ID = 2**48 - 1
MAX_BATCH_FRAMES = 24
MIN_RENDER_UPDATES = 12  # progress messages during render+encode (>= 10 promised)
VIDEO_NAME = "video.mp4"
POSTER_NAME = "poster.jpg"
# What a frame sampler gets: one frame per second of output (frame 0, fps, 2*fps, ...), after
# the watermark marks (what viewers see), scaled so its long side is NudeNet's input side.
FRAME_SAMPLE_FPS = 1
FRAME_SAMPLE_LONG_SIDE = 320

FrameSampler = Callable[[int, npt.NDArray[np.uint8]], None]

# Share of the whole run each stage reports, in order; render dominates.
_STAGE_SPAN = {
    "director": (0.0, 0.04),
    "speech": (0.04, 0.07),
    "physics": (0.07, 0.12),
    "audio": (0.12, 0.17),
    "render": (0.17, 0.93),
    "encode": (0.93, 0.96),
    "provenance": (0.96, 0.99),
    "poster": (0.99, 1.0),
}
# With a diffusion model, denoising dominates; the frame loop then only scales and encodes.
_DIFFUSION_SPAN = {**_STAGE_SPAN, "diffuse": (0.17, 0.88), "render": (0.88, 0.93)}


def validate_spec(spec: Any) -> GenerationSpec:
    """Check what the engine can make; raise GenerationError with a stable code otherwise."""
    _check_prompt(spec)
    assert isinstance(spec, GenerationSpec)  # for the type checker; _check_prompt made sure
    _check_choice(spec.duration, DURATIONS, "invalid_duration", "Duration", " seconds")
    _check_choice(spec.aspect, ASPECTS, "invalid_aspect", "Aspect ratio", "")
    _check_choice(spec.resolution, RESOLUTIONS, "invalid_resolution", "Resolution", "p")
    _check_choice(spec.fps, SUPPORTED_FPS, "invalid_fps", "Frame rate", " fps")
    _check_choice(spec.backend, SUPPORTED_BACKENDS, "unsupported_backend", "Backend", "")
    if spec.backend == "diffusers" and spec.diffusion is None:
        raise GenerationError(
            "backend_not_configured",
            "The diffusers backend needs a checkpoint folder (GEN_ENGINE_MODEL_DIR).",
        )
    if not _is_int(spec.seed) or not 0 <= spec.seed <= MAX_SEED:
        raise GenerationError("invalid_seed", f"The seed must be a whole number 0..{MAX_SEED}.")
    if not _is_int(spec.watermark_id) or not 0 <= spec.watermark_id <= MAX_WATERMARK_ID:
        raise GenerationError("invalid_watermark_id", "The watermark id must fit in 48 bits.")
    return spec


def _check_prompt(spec: Any) -> None:
    if not isinstance(spec, GenerationSpec):
        raise GenerationError("invalid_spec", "The request is not a GenerationSpec.")
    if not isinstance(spec.prompt, str):
        raise GenerationError("invalid_prompt", "The prompt must be text.")
    if not spec.prompt.strip():
        raise GenerationError("empty_prompt", "Write a prompt describing the video.")
    try:
        spec.prompt.encode("utf-8")
    except UnicodeEncodeError as error:  # lone surrogates, e.g. from a JSON "\ud800" escape
        raise GenerationError(
            "invalid_prompt", "The prompt contains characters that are not valid text."
        ) from error
    if len(spec.prompt) > MAX_PROMPT_CHARS:
        raise GenerationError(
            "prompt_too_long",
            f"The prompt has {len(spec.prompt)} characters; the limit is {MAX_PROMPT_CHARS}.",
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_choice(value: Any, allowed: tuple[Any, ...], code: str, what: str, unit: str) -> None:
    if isinstance(value, bool) or value not in allowed:
        choices = ", ".join(f"{choice}{unit}" for choice in allowed)
        raise GenerationError(code, f"{what} {value!r} is not supported; choose one of {choices}.")


def provenance_module() -> Any:
    """gen_engine.provenance: every clip is watermarked and signed (bench/engine.py alone may
    switch it off, to measure what it costs)."""
    return importlib.import_module("gen_engine.provenance")


class _Run:
    """Book-keeping for one generation: timings, progress, cancellation, temporary files."""

    def __init__(
        self,
        on_progress: ProgressCallback | None,
        should_cancel: CancelCheck | None,
        spans: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        self.spans = spans or _STAGE_SPAN
        self.timings: dict[str, float] = {}
        self._on_progress = on_progress
        self._should_cancel = should_cancel
        self.temporary: list[Path] = []

    def check_cancel(self) -> None:
        if self._should_cancel is not None and self._should_cancel():
            raise GenerationCancelled("The generation was cancelled.")

    def progress(self, stage: str, within: float, message: str = "") -> None:
        low, high = self.spans.get(stage, (1.0, 1.0))
        fraction = low + (high - low) * min(max(within, 0.0), 1.0)
        if self._on_progress is not None:
            self._on_progress(Progress(stage=stage, fraction=round(fraction, 4), message=message))

    @contextlib.contextmanager
    def stage(self, name: str, message: str, timing_key: str = "") -> Iterator[None]:
        """Time a stage, announce it, and turn any unexpected failure into engine_failure."""
        self.check_cancel()
        self.progress(name, 0.0, message)
        started = time.perf_counter()
        try:
            yield
        except (GenerationError, GenerationCancelled):
            raise
        except Exception as error:
            raise GenerationError(
                "engine_failure", f"The {name} stage failed: {type(error).__name__}: {error}"
            ) from error
        finally:
            key = timing_key or name
            self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - started

    def temp_path(self, out_dir: Path, final_name: str) -> Path:
        stem, _, suffix = final_name.rpartition(".")
        path = out_dir / f".{stem}.{secrets.token_hex(6)}.partial.{suffix}"
        self.temporary.append(path)
        return path

    def remove_temporary(self) -> None:
        for path in self.temporary:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def generate(
    spec: GenerationSpec,
    out_dir: str | os.PathLike[str],
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    *,
    provenance: bool = True,
    frame_sampler: FrameSampler | None = None,
) -> Result:
    """Make `<out_dir>/video.mp4` and `<out_dir>/poster.jpg` for `spec`.

    `provenance=False` skips watermarking and signing; it exists for the benchmark that measures
    their overhead and is not offered to the site. `frame_sampler`, when given, is called with
    (frame index, RGB uint8 array of long side FRAME_SAMPLE_LONG_SIDE or less) for frame 0 and
    every `spec.fps // FRAME_SAMPLE_FPS`-th frame after it; the array is the caller's to keep.
    """
    validate_spec(spec)
    return generate_unchecked(
        spec,
        out_dir,
        on_progress,
        should_cancel,
        provenance=provenance,
        frame_sampler=frame_sampler,
    )


def generate_unchecked(
    spec: GenerationSpec,
    out_dir: str | os.PathLike[str],
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    *,
    provenance: bool = True,
    frame_sampler: FrameSampler | None = None,
) -> Result:
    """`generate` without the product limits on duration and size, for tests and tools that
    need clips smaller than any the site offers (e.g. 144x256 for one second). The prompt is
    still checked; every other guarantee of `generate` holds."""
    started = time.perf_counter()
    diffusion = spec.backend == "diffusers"
    run = _Run(on_progress, should_cancel, _DIFFUSION_SPAN if diffusion else None)
    encoder: encode.ClipEncoder | None = None
    try:
        _check_prompt(spec)
        run.check_cancel()
        directory = _prepare_dir(out_dir)
        with run.stage("director", "Reading the prompt"):
            from gen_engine.director import plan_scene

            plan = plan_scene(
                spec.prompt,
                seed=spec.seed,
                style=spec.style,
                camera=spec.camera,
                cameos=spec.cameos,
                remix_of=spec.remix_of,
            )
        with run.stage("speech", "Voicing the dialogue"):
            from gen_engine.speech import synthesize_dialogue

            spoken = synthesize_dialogue(plan, float(spec.duration), spec.fps)
        with run.stage("physics", "Simulating the scene"):
            from gen_engine.physics import simulate

            sim = simulate(plan, spec, spoken)
        with run.stage("audio", "Mixing the sound"):
            from gen_engine.audio import SAMPLE_RATE, engine_mix, engine_stems

            # The stems are kept: a model's own track may be mixed with them below.
            stems = engine_stems(plan, sim, spoken, float(spec.duration), SAMPLE_RATE)
            soundtrack = engine_mix(stems, SAMPLE_RATE)
        audio_source, audio_model = "engine", ""
        prov = provenance_module() if provenance else None
        video_tmp = run.temp_path(directory, VIDEO_NAME)
        poster_tmp = run.temp_path(directory, POSTER_NAME)
        width, height = spec.size
        from gen_engine.render import Renderer

        renderer: Any = None
        framing = None  # the physics render's resting camera, which a model's frames follow
        if diffusion:
            with run.stage("diffuse", "Generating with the diffusion model"):
                from gen_engine.diffusion.clip import make_clip

                physics_render = Renderer(plan, sim, spec)
                framing = physics_render.framing
                renderer = make_clip(
                    spec,
                    plan,
                    physics_render,
                    lambda within, message: run.progress("diffuse", within, message),
                    run.check_cancel,
                )
                wanted = spec.diffusion.audio if spec.diffusion is not None else "engine"
                if renderer.audio is not None and wanted != "engine":
                    run.progress("diffuse", 1.0, "Mastering the model's sound")
                    soundtrack, audio_source = _model_soundtrack(spec, renderer, stems, sim)
                    audio_model = renderer.model_label
        with run.stage("render", "Rendering frames", timing_key="render_loop"):
            if renderer is None:
                renderer = Renderer(plan, sim, spec)
            marker = prov.FrameMarker(spec) if prov is not None else None
            encoder = encode.ClipEncoder(
                video_tmp, width, height, spec.fps, soundtrack, sample_rate=SAMPLE_RATE
            )
            sampling = _Sampling(frame_sampler, spec.fps) if frame_sampler is not None else None
            poster = _render_frames(run, renderer, marker, encoder, spec.frame_count, sampling)
            framing = framing or renderer.framing
        with run.stage("encode", "Finishing the video file"):
            stats = encoder.finish()
            encoder = None
            run.timings["encode_overlapped"] = stats.seconds_busy
            run.progress("encode", 1.0, f"{stats.bytes_written} bytes")
        with run.stage("provenance", "Signing the video"):
            summary = _sign(prov, video_tmp, spec, plan, (audio_source, audio_model))
        with run.stage("poster", "Saving the poster"):
            encode.write_poster(poster, poster_tmp)
        video_path, poster_path = directory / VIDEO_NAME, directory / POSTER_NAME
        os.replace(video_tmp, video_path)
        os.replace(poster_tmp, poster_path)
    except (GenerationCancelled, GenerationError):
        _cleanup(run, encoder)
        raise
    except Exception as error:  # defensive: a failure outside any stage (e.g. os.replace)
        _cleanup(run, encoder)
        raise GenerationError(
            "engine_failure", f"Generation failed: {type(error).__name__}: {error}"
        ) from error
    except BaseException:  # KeyboardInterrupt, SystemExit: leave no partial files either
        _cleanup(run, encoder)
        raise
    run.timings["total"] = time.perf_counter() - started
    result = Result(
        video_path=str(video_path),
        poster_path=str(poster_path),
        plan=plan,
        events=sim.events,
        timings=dict(run.timings),
        width=width,
        height=height,
        duration=float(spec.duration),
        provenance=summary,
        framing=framing,
        audio_source=audio_source,
        audio_model=audio_model,
    )
    try:
        run.progress("done", 1.0, "Ready")
    except GenerationCancelled:
        raise  # too late to undo: the files are complete; the caller decides what to keep
    except Exception as error:  # the caller's callback failed; the promise still holds
        raise GenerationError("engine_failure", f"Progress callback failed: {error}") from error
    logger.info(
        "gen_engine.generate.done",
        extra={"timings": result.timings, "width": width, "height": height},
    )
    return result


def _prepare_dir(out_dir: str | os.PathLike[str]) -> Path:
    directory = Path(out_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GenerationError(
            "output_unwritable", f"Cannot create the output folder {directory}: {error}"
        ) from error
    return directory


def batch_size(frame_count: int) -> int:
    """Frames per render batch: at most MAX_BATCH_FRAMES, and at least MIN_RENDER_UPDATES
    batches so progress moves often and cancellation is noticed quickly."""
    return max(1, min(MAX_BATCH_FRAMES, math.ceil(frame_count / MIN_RENDER_UPDATES)))


GPU_READ_AHEAD = 120  # frames; bench/render.py on an H200: 0.48 s for 240 frames vs 1.63 s at 16


class ReadAhead:
    """Serves a GPU renderer's frames in the frame loop's small slices from large batches.

    On a GPU a batch costs mostly the Python time to launch its many small kernels, so fewer,
    larger batches are several times faster, while the loop wants small slices so progress moves
    and cancellation is noticed. Frames are rendered `ahead` at a time and handed out in order.
    """

    def __init__(self, renderer: Any, frame_count: int, ahead: int) -> None:
        self.renderer, self.frame_count, self.ahead = renderer, frame_count, ahead
        self.low, self.high = 0, 0
        self.frames: npt.NDArray[np.uint8] | None = None

    def poster_frame_index(self) -> int:
        return int(self.renderer.poster_frame_index())

    def render(self, start: int, stop: int) -> npt.NDArray[np.uint8]:
        if self.frames is None or not self.low <= start < stop <= self.high:
            self.low = start
            self.high = min(self.frame_count, max(stop, start + self.ahead))
            self.frames = self.renderer.render(self.low, self.high)
        return self.frames[start - self.low : stop - self.low]


class _Sampling:
    """Hands the frame sampler a downscaled copy of every `every`-th frame of a batch."""

    def __init__(self, sampler: FrameSampler, fps: int) -> None:
        self.sampler = sampler
        self.every = max(1, round(fps / FRAME_SAMPLE_FPS))

    def feed(self, frames: npt.NDArray[np.uint8], first_index: int) -> None:
        first_sampled = -(-first_index // self.every) * self.every
        for index in range(first_sampled, first_index + len(frames), self.every):
            self.sampler(index, downscale(frames[index - first_index], FRAME_SAMPLE_LONG_SIDE))


def downscale(frame: npt.NDArray[np.uint8], long_side: int) -> npt.NDArray[np.uint8]:
    """A new (h, w, 3) uint8 array whose long side is at most `long_side`, box-filtered.

    PIL on one frame, measured on a busy core for 720x1280 -> 180x320: `reduce` (a whole-number
    factor, the common case) ~2.7 ms, a general BOX resize ~3-9 ms, torch's area interpolation
    with its float conversions ~11 ms. Frames already small enough are copied as they are.
    """
    height, width = frame.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1.0:
        return np.array(frame, dtype=np.uint8, copy=True)
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(frame))
    factor = max(height, width) // long_side
    if max(height, width) == factor * long_side and height % factor == 0 == width % factor:
        return np.asarray(image.reduce(factor), dtype=np.uint8)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(image.resize(size, Image.Resampling.BOX), dtype=np.uint8)


def _render_frames(
    run: _Run,
    renderer: Any,
    marker: Any | None,
    encoder: encode.ClipEncoder,
    frame_count: int,
    sampling: _Sampling | None = None,
) -> npt.NDArray[np.uint8]:
    """Render, mark and queue every frame; return a copy of the (marked) poster frame."""
    poster_index = min(max(int(renderer.poster_frame_index()), 0), frame_count - 1)
    poster: npt.NDArray[np.uint8] | None = None
    step = batch_size(frame_count)
    device = getattr(renderer, "device", None)
    if device is not None and getattr(device, "type", "") == "cuda":
        renderer = ReadAhead(renderer, frame_count, step * math.ceil(GPU_READ_AHEAD / step))
    spent = {"render": 0.0, "watermark": 0.0, "encode_wait": 0.0}
    if sampling is not None:
        spent["frame_sample"] = 0.0
    for start in range(0, frame_count, step):
        run.check_cancel()
        stop = min(frame_count, start + step)
        clock = time.perf_counter()
        frames = renderer.render(start, stop)
        spent["render"] += time.perf_counter() - clock
        if marker is not None:
            run.check_cancel()
            clock = time.perf_counter()
            frames = marker.mark(frames, start)
            spent["watermark"] += time.perf_counter() - clock
        if start <= poster_index < stop:
            poster = np.array(frames[poster_index - start], dtype=np.uint8, copy=True)
        if sampling is not None:
            clock = time.perf_counter()
            sampling.feed(frames, start)
            spent["frame_sample"] += time.perf_counter() - clock
        run.check_cancel()
        clock = time.perf_counter()
        encoder.submit(frames)  # blocks only while the encoder thread is behind
        spent["encode_wait"] += time.perf_counter() - clock
        run.progress("render", stop / frame_count, f"Frame {stop} of {frame_count}")
    run.timings.update(spent)
    if poster is None:  # unreachable for frame_count >= 1; kept for type narrowing
        raise GenerationError("engine_failure", "The renderer produced no poster frame.")
    return poster


def _model_soundtrack(
    spec: GenerationSpec, frames: Any, stems: Any, sim: Any
) -> tuple[npt.NDArray[np.float32], str]:
    """The model's track as the clip's soundtrack, and where the sound came from. A picture
    that follows the physics render must sound its contacts where they are shown: when the
    model's track misses them, the engine's foley is mixed in (see audio.model_track)."""
    from gen_engine.audio import SAMPLE_RATE, model_track

    assert spec.diffusion is not None
    fitted = model_track.fit(frames.audio, frames.audio_rate, float(spec.duration), SAMPLE_RATE)
    choice = spec.diffusion.audio
    times = model_track.contact_times(sim.events, spec.fps)
    if choice == "model" and frames.mode in ("video", "reference"):
        heard = model_track.impacts_heard(fitted, times, SAMPLE_RATE)
        if heard < model_track.IMPACTS_KEPT_MIN:
            logger.info(
                "gen_engine.audio.contacts_missed",
                extra={"heard": round(heard, 3), "contacts": len(times)},
            )
            choice = "mix"
    return model_track.soundtrack(fitted, stems, choice, SAMPLE_RATE, times), choice


def _sign(
    prov: Any | None,
    video: Path,
    spec: GenerationSpec,
    plan: Any,
    audio: tuple[str, str] = ("engine", ""),
) -> dict[str, Any]:
    if prov is None:
        return {"status": "disabled"}
    summary = dict(prov.sign_mp4(str(video), spec, plan, audio=audio))
    summary.setdefault("status", "signed")
    return summary


def _cleanup(run: _Run, encoder: encode.ClipEncoder | None) -> None:
    if encoder is not None:
        with contextlib.suppress(Exception):
            encoder.abort()
    run.remove_temporary()
