"""Make a clip's frames with a diffusion model, in windows, from the physics render.

The model works at its own size, frame rate and clip length (Wan: 480x832, 16 fps, 81 frames).
The requested duration is covered by consecutive windows; in video-to-video mode each window is
initialised from the physics render of the same instants, so motion and timing - and therefore
the sound made from the same event timeline - stay in sync. The result is served to the
pipeline's frame loop through the Renderer's interface, resampled to the output frame rate and
scaled to the output size, so watermarking, encoding and signing are the same as for the default
engine.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image

from gen_engine.diffusion import loader, ltx2
from gen_engine.diffusion.families import Family
from gen_engine.diffusion.loader import Geometry, LoadedModel
from gen_engine.diffusion.speed import quality_preset
from gen_engine.types import (
    DiffusionSettings,
    GenerationCancelled,
    GenerationError,
    GenerationSpec,
    ScenePlan,
)

logger = logging.getLogger(__name__)
NEGATIVE_PROMPT = "blurry, low quality, distorted, deformed hands, flicker, text, jpeg artifacts"
Frames = npt.NDArray[np.uint8]
StepProgress = Callable[[float, str], None]


class _Stop(Exception):
    """Raised from the step callback to leave the denoising loop at once."""


@dataclass
class DiffusionFrames:
    """The model's frames, served like `Renderer.render(start, stop)` at the output fps/size."""

    native: Frames  # (N, h, w, 3) at the model's frame rate
    native_fps: float
    out_fps: int
    size: tuple[int, int]  # output (width, height)
    poster_index: int
    # The model's own track, (channels, samples) at `audio_rate`, when the family makes sound.
    audio: npt.NDArray[np.float32] | None = None
    audio_rate: int = 0
    model_label: str = ""
    mode: str = "text"  # how the model was conditioned: text, video (the render) or image

    def poster_frame_index(self) -> int:
        return self.poster_index

    def render(self, start: int, stop: int) -> Frames:
        last = len(self.native) - 1
        picks = [min(last, round(i / self.out_fps * self.native_fps)) for i in range(start, stop)]
        frames = torch.from_numpy(self.native[picks])
        width, height = self.size
        if frames.shape[1:3] != (height, width):
            scaled = torch.nn.functional.interpolate(
                frames.permute(0, 3, 1, 2).float(), size=(height, width), mode="bilinear"
            )
            frames = scaled.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
        return np.ascontiguousarray(frames.numpy())


def make_clip(
    spec: GenerationSpec,
    plan: ScenePlan,
    physics: Any,
    progress: StepProgress,
    check_cancel: Callable[[], None],
) -> DiffusionFrames:
    """Run the model over the whole clip; `physics` is the default engine's Renderer."""
    settings = spec.diffusion
    if settings is None:
        raise GenerationError(
            "backend_not_configured",
            "The diffusers backend needs GEN_ENGINE_MODEL_DIR (a diffusers checkpoint folder).",
        )
    progress(0.0, "Loading the model")
    model = loader.load(settings)
    family = model.family
    mode = choose_mode(settings, spec, model)
    width, height = working_size(spec, family, model.geometry, settings)
    window = window_length(settings.window_frames or family.window_frames, model.geometry)
    total = max(1, math.ceil(spec.frame_count / spec.fps * family.fps))
    spans = [(start, min(window, total - start)) for start in range(0, total, window)]
    made: list[Frames] = []
    sounds: list[npt.NDArray[np.float32]] = []
    events = tuple(getattr(getattr(physics, "sim", None), "events", ()))
    prompt = ltx2.describe(spec, plan, events) if family.makes_audio else describe(spec, plan)
    encoded: dict[int, dict[str, Any]] = {}  # one text encoding per loaded model, not per window
    for index, (start, length) in enumerate(spans):
        check_cancel()
        frames_wanted = window_length(length, model.geometry)
        job = _Window(
            spec=spec,
            settings=settings,
            prompt=prompt,
            mode=mode,
            size=(width, height),
            frames=frames_wanted,
            seed=(spec.seed + index) % 2**63,
            init=_physics_frames(physics, spec, family.fps, start, frames_wanted, (width, height))
            if mode in ("video", "image", "reference")
            else None,
            encoded=encoded,
        )

        def on_step(fraction: float, i: int = index) -> None:
            progress((i + fraction) / len(spans), f"Window {i + 1} of {len(spans)}")

        model, frames = _run_with_oom_retry(model, job, on_step, check_cancel)
        made.append(frames[:length])
        if job.audio is not None:  # the window's share of the track, as long as its frames
            sounds.append(job.audio[:, : round(length / family.fps * ltx2.audio_rate(model))])
    native = np.concatenate(made)[:total]
    poster = min(int(physics.poster_frame_index()), spec.frame_count - 1)
    return DiffusionFrames(
        native,
        float(family.fps),
        spec.fps,
        spec.size,
        max(poster, 0),
        audio=np.concatenate(sounds, axis=1) if sounds else None,
        audio_rate=ltx2.audio_rate(model) if sounds else 0,
        model_label=family.label,
        mode=mode,
    )


def choose_mode(settings: DiffusionSettings, spec: GenerationSpec, model: LoadedModel) -> str:
    mode = settings.mode
    if mode in ("auto", "video"):
        # Full strength lets the model ignore the render: that is text-to-video, said plainly.
        if settings.strength >= 1.0:
            return "text"
        if settings.ic_lora:  # the render goes in as the IC-LoRA's in-context reference
            if "reference" not in model.pipelines:
                raise GenerationError(
                    "mode_unsupported",
                    f"GEN_ENGINE_IC_LORA is set, but {model.family.label} checkpoints have no "
                    "in-context pipeline; IC-LoRAs are for LTX-2.",
                )
            return "reference"
        if "video" in model.pipelines:
            return "video"
        if mode == "video":
            raise GenerationError(
                "mode_unsupported",
                f"This {model.family.label} checkpoint has no video-to-video pipeline here "
                "(two-expert Wan 2.2 checkpoints); use mode text.",
            )
        logger.warning(
            "gen_engine.diffusion.no_video_mode",
            extra={"family": model.family.name, "mode": "text"},
        )
        return "text"
    if mode == "image" and "image" not in model.pipelines:
        raise GenerationError(
            "mode_unsupported",
            f"{model.family.label} checkpoints have no image-to-video pipeline here; "
            "use mode video or text.",
        )
    return mode


def working_size(
    spec: GenerationSpec, family: Family, geometry: Geometry, settings: DiffusionSettings
) -> tuple[int, int]:
    if geometry.fixed_size is not None:
        return geometry.fixed_size
    if settings.working_size is not None:
        width, height = settings.working_size
    else:
        long, short = family.published_size
        if spec.aspect == "9:16":
            width, height = short, long
        elif spec.aspect == "16:9":
            width, height = long, short
        else:
            width = height = int(math.sqrt(long * short))
    multiple = geometry.spatial_multiple
    return (max(multiple, round(width / multiple) * multiple),
            max(multiple, round(height / multiple) * multiple))  # fmt: skip


def window_length(frames: int, geometry: Geometry) -> int:
    """The smallest valid frame count (temporal_factor * k + 1) that holds `frames`."""
    factor = geometry.temporal_factor
    return factor * max(1, math.ceil((max(frames, 2) - 1) / factor)) + 1


def describe(spec: GenerationSpec, plan: ScenePlan) -> str:
    """The model's prompt: the user's words plus what the director settled."""
    parts = [spec.prompt.strip()]
    parts.append(
        f"{plan.style} style, {plan.setting}, {plan.time_of_day}, {plan.weather} weather, "
        f"{plan.camera} camera."
    )
    for cameo in spec.cameos:
        if cameo.appearance_notes:
            parts.append(f"{cameo.display_name}: {cameo.appearance_notes}.")
    return " ".join(parts)


def _physics_frames(
    physics: Any,
    spec: GenerationSpec,
    native_fps: int,
    start: int,
    count: int,
    size: tuple[int, int],
) -> list[Image.Image]:
    """The physics render at the model's instants (start..start+count at native_fps)."""
    last = spec.frame_count - 1
    wanted = [min(last, round((start + j) / native_fps * spec.fps)) for j in range(count)]
    rendered: dict[int, Frames] = {}
    needed = set(wanted)
    first = wanted[0]
    while first <= wanted[-1]:
        stop = min(last + 1, first + 16)
        batch = physics.render(first, stop)
        for offset in range(stop - first):
            if first + offset in needed:
                rendered[first + offset] = batch[offset]
        first = stop
    width, height = size
    bilinear = Image.Resampling.BILINEAR
    return [Image.fromarray(rendered[i]).resize((width, height), bilinear) for i in wanted]


@dataclass
class _Window:
    spec: GenerationSpec
    settings: DiffusionSettings
    prompt: str
    mode: str
    size: tuple[int, int]
    frames: int
    seed: int
    init: list[Image.Image] | None
    encoded: dict[int, dict[str, Any]]  # shared by a clip's windows, keyed by id(model)
    audio: npt.NDArray[np.float32] | None = None  # set by run_window when the model made sound


def _run_with_oom_retry(
    model: LoadedModel,
    job: _Window,
    on_step: Callable[[float], None],
    check_cancel: Callable[[], None],
) -> tuple[LoadedModel, Frames]:
    try:
        return model, run_window(model, job, on_step, check_cancel)
    except torch.OutOfMemoryError as error:
        lower = loader.load_lower(job.settings, model)
        if lower is None:
            raise _out_of_memory(model, error) from error
    try:
        return lower, run_window(lower, job, on_step, check_cancel)
    except torch.OutOfMemoryError as error:
        raise _out_of_memory(lower, error) from error


def _out_of_memory(model: LoadedModel, error: BaseException) -> GenerationError:
    return GenerationError(
        "gpu_out_of_memory",
        f"The GPU ran out of memory even with the {model.memory} strategy "
        f"({model.family.label}); choose a shorter or smaller video or a bigger GPU.",
    )


def run_window(
    model: LoadedModel,
    job: _Window,
    on_step: Callable[[float], None],
    check_cancel: Callable[[], None],
) -> Frames:
    family, settings = model.family, job.settings
    steps = settings.steps or (family.distilled_steps if model.distilled else family.steps)
    if job.mode == "video" and family.name not in ("ltx", "ltx2"):  # SDEdit: int(steps * strength)
        steps = max(steps, math.ceil(1.0 / settings.strength))
    default_guidance = 1.0 if model.distilled else family.guidance
    guidance = settings.guidance if settings.guidance is not None else default_guidance
    pipeline = model.pipelines["text" if job.mode == "text" else job.mode]
    width, height = job.size

    def step_end(pipe: Any, i: int, _t: Any, _tensors: dict[str, Any]) -> dict[str, Any]:
        try:
            check_cancel()
        except GenerationCancelled as cancelled:
            raise _Stop from cancelled
        on_step((i + 1) / max(1, int(getattr(pipe, "num_timesteps", steps) or steps)))
        return {}

    arguments: dict[str, Any] = {
        "width": width,
        "height": height,
        "num_inference_steps": steps,
        "guidance_scale": guidance,
        "generator": torch.Generator("cpu").manual_seed(job.seed),
        "output_type": "np",
        "max_sequence_length": _max_tokens(model),
        "callback_on_step_end": step_end,
    }
    arguments.update(_conditioning(model, job, settings, steps))
    if family.reference_pipeline is not None:  # the IC-LoRA acts only on in-context calls
        ltx2.use_ic_lora(model, settings.ic_lora if job.mode == "reference" else "")
    if id(model) not in job.encoded:
        job.encoded[id(model)] = _prompts(model, pipeline, job.prompt, guidance)
    arguments.update(job.encoded[id(model)])
    try:
        output = denoise(model, pipeline, arguments, settings.quality, steps)
    except _Stop as stop:
        raise GenerationCancelled("The generation was cancelled.") from stop
    if family.makes_audio:
        job.audio = ltx2.audio_of(output)
    video = np.asarray(output.frames[0], dtype=np.float32)
    return (video.clip(0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def denoise(
    model: LoadedModel, pipeline: Any, arguments: dict[str, Any], quality: str, steps: int
) -> Any:
    """One pipeline call the engine's way: guidance pairing armed with the embeddings passed,
    the quality preset's step cache, inference mode. bench/gpu_backends.py times this."""
    if model.pairing is not None and arguments.get("prompt_embeds") is not None:
        model.pairing.expect(arguments["prompt_embeds"], arguments.get("negative_prompt_embeds"))
    try:
        with torch.inference_mode(), quality_preset(model, quality, steps):
            return pipeline(**arguments)
    finally:
        if model.pairing is not None:
            model.pairing.clear()


def _conditioning(
    model: LoadedModel, job: _Window, settings: DiffusionSettings, steps: int
) -> dict[str, Any]:
    family = model.family.name
    extra: dict[str, Any] = {}
    if family == "ltx2":
        extra.update(ltx2.call_arguments(model, job.frames, steps))
        image = _reference_image(job) if job.mode == "image" else None
        extra.update(ltx2.conditioning(job.mode, job.init, image, settings.strength))
        return extra
    if family == "ltx":
        extra["frame_rate"] = model.family.fps
    if job.mode == "text":
        extra["num_frames"] = job.frames
    elif job.mode == "image":
        extra.update(num_frames=job.frames, image=_reference_image(job))
    elif family == "ltx":
        # LTX conditions on the clip instead of noising it: the condition's strength is how
        # firmly the render holds, the inverse of the engine's "how far the model may move".
        extra.update(video=job.init, strength=1.0 - settings.strength, num_frames=job.frames)
    else:
        extra.update(video=job.init, strength=settings.strength)
    return extra


def _reference_image(job: _Window) -> Image.Image:
    """A cameo's face reference when there is one, else the first frame of the physics render."""
    for cameo in job.spec.cameos:
        if cameo.face_image:
            try:
                with Image.open(cameo.face_image) as face:
                    return face.convert("RGB").resize(job.size, Image.Resampling.BILINEAR)
            except OSError:
                continue
    if not job.init:
        raise GenerationError("engine_failure", "No image to start the video from.")
    return job.init[0]


def _prompts(model: LoadedModel, pipeline: Any, prompt: str, guidance: float) -> dict[str, Any]:
    """Wan: encode here so the guidance pairing can recognise the two embeddings it is given."""
    if model.pairing is None:
        return {"prompt": prompt, "negative_prompt": NEGATIVE_PROMPT}
    with torch.inference_mode():
        cond, uncond = pipeline.encode_prompt(
            prompt=prompt,
            negative_prompt=NEGATIVE_PROMPT,
            do_classifier_free_guidance=guidance > 1.0,
            max_sequence_length=_max_tokens(model),
            device=pipeline._execution_device,
        )
    dtype = model.transformer.dtype  # the pipeline casts to this; same dtype keeps identity
    cond = cond.to(dtype)
    uncond = uncond.to(dtype) if uncond is not None else None
    return {"prompt_embeds": cond, "negative_prompt_embeds": uncond}


def _max_tokens(model: LoadedModel) -> int:
    pipeline = model.pipelines["text"]
    limit = int(getattr(pipeline.tokenizer, "model_max_length", 0) or 0)
    config = model.transformer.config
    if model.family.name == "cogvideox":
        return int(config.max_text_seq_length)
    family_limit = model.family.max_sequence_length
    return min(family_limit, limit) if 0 < limit < 10**6 else family_limit
