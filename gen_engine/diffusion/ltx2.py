"""LTX-2: the family that makes the sound with the picture.

Three things differ from the silent families, read from diffusers 0.42.1's `pipelines/ltx2/`:

- The prompt. LTX-2 was trained on long, literal descriptions that name what is heard as well as
  what is seen, so the director's plan is written out the way the family's prompts are: the
  scene, each subject and what it does, the camera, then every line of dialogue in quotes with
  who says it, then the sounds (the simulated impacts in the order they happen, and the
  ambience).
- The conditioning. Physics-guided clips go through `LTX2ConditionPipeline` with the physics
  render as an `LTX2VideoCondition` from frame 0 (its strength: how firmly the render holds);
  cameo clips through `LTX2ImageToVideoPipeline` from the verified reference image.
- The output. `pipeline(...).audio` is a (batch, channels, samples) waveform at the vocoder's
  output rate, returned beside `frames`.

A cameo's own voice cannot be given to the model through these pipelines: `audio_latents` is
only the starting state of the audio stream, noised by the same `noise_scale` as the picture
and then denoised along the full schedule like everything else (there is no per-token audio
mask, and the step callback may replace only `latents` and the prompt embeddings, not the audio
latents); and the audio VAE's encoder takes a log-mel spectrogram whose front end (window,
filter bank, log floor) is not part of diffusers, so a track made here could not be encoded into
latents the model was trained on. The engine therefore lets the model voice the dialogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gen_engine.types import Event, GenerationError, GenerationSpec, ScenePlan

if TYPE_CHECKING:
    from gen_engine.diffusion.loader import LoadedModel

# The block the pipeline's spatio-temporal guidance perturbs by default (of 48 in LTX-2.x).
STG_BLOCK = 28
# At most this many impacts are named; a long bouncing clip does not fill the prompt with them.
MAX_NAMED_SOUNDS = 12
_SOUNDING = {
    "impact": "hits",
    "land": "lands",
    "splash": "splashes",
    "break": "shatters",
    "footstep": "steps",
}
_WHEN = {"day": "in daylight", "night": "at night", "sunset": "at sunset", "dawn": "at dawn"}
_WEATHER = {
    "clear": "under a clear sky",
    "rain": "in the rain",
    "snow": "in falling snow",
    "fog": "in fog",
    "wind": "in a strong wind",
}
_AMBIENCE = {
    "beach": "waves breaking on the shore",
    "city street": "distant traffic",
    "forest": "birdsong and rustling leaves",
    "kitchen": "a quiet kitchen hum",
    "space": "a low hum",
    "snow": "soft wind",
}


def describe(spec: GenerationSpec, plan: ScenePlan, events: tuple[Event, ...]) -> str:
    """The model's prompt for `plan`: picture, then speech, then sound."""
    names = {s.id: _name(s.name, s.color_name, s.kind) for s in plan.subjects}  # "the red ball"
    parts = [spec.prompt.strip().rstrip(".") + "."]
    when = _WHEN.get(plan.time_of_day, "")
    weather = _WEATHER.get(plan.weather, f"in {plan.weather} weather")
    place = " ".join(part for part in (plan.setting, when, weather) if part)
    parts.append(f"A {plan.style} shot of a {place}, {plan.camera} camera.")
    speakers = {line.speaker for line in plan.dialogue}
    for subject in plan.subjects:
        if subject.action == "talk" and subject.id in speakers:
            continue  # their line says it: 'The man says: "..."'
        parts.append(f"{_capital(names[subject.id])} {_verb(subject.action)}.")
    for cameo in spec.cameos:
        if cameo.appearance_notes:
            parts.append(f"{cameo.display_name}: {cameo.appearance_notes}.")
    for line in plan.dialogue:
        speaker = names.get(line.speaker, line.speaker)
        parts.append(f'{_capital(speaker)} says: "{line.text.strip()}"')
    sounds = [
        f"{names.get(e.subject, 'something')} {_SOUNDING[e.kind]} at {e.time:.1f} s"
        for e in events
        if e.kind in _SOUNDING and e.kind != "footstep"
    ][:MAX_NAMED_SOUNDS]
    if any(e.kind == "footstep" for e in events):
        sounds.append("footsteps")
    sounds.extend(plan.sound_cues)
    ambience = _AMBIENCE.get(plan.setting)
    if plan.weather in ("rain", "wind"):
        ambience = f"{plan.weather}" + (f" and {ambience}" if ambience else "")
    if ambience:
        sounds.append(f"ambience of {ambience}")
    if sounds:
        parts.append("Sounds: " + "; ".join(sounds) + ".")
    return " ".join(parts)


def call_arguments(model: LoadedModel, frames: int, steps: int) -> dict[str, Any]:
    """What every LTX-2 call takes beside the prompt and the conditioning. A distilled
    checkpoint runs the sigmas it was distilled on (when the step count is theirs) with every
    guidance off: text, modality and spatio-temporal, for the picture and the sound."""
    arguments: dict[str, Any] = {"frame_rate": float(model.family.fps), "num_frames": frames}
    layers = int(getattr(model.transformer.config, "num_layers", 0) or 0)
    if layers <= STG_BLOCK or model.distilled:  # no such block here, or no guidance wanted
        arguments.update(stg_scale=0.0, audio_stg_scale=0.0, spatio_temporal_guidance_blocks=None)
    if model.distilled:
        from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES

        arguments.update(
            audio_guidance_scale=1.0, modality_scale=1.0, audio_modality_scale=1.0,
            guidance_rescale=0.0, audio_guidance_rescale=0.0,
        )  # fmt: skip
        if steps == len(DISTILLED_SIGMA_VALUES):
            arguments["sigmas"] = list(DISTILLED_SIGMA_VALUES)
    return arguments


def conditioning(mode: str, init: list[Any] | None, image: Any, strength: float) -> dict[str, Any]:
    """The picture's condition: the physics render as frames for "video" or as the IC-LoRA's
    in-context reference for "reference", the cameo's reference image for "image"."""
    if mode == "image":
        return {"image": image}
    if mode == "reference" and init:
        from diffusers.pipelines.ltx2.pipeline_ltx2_ic_lora import LTX2ReferenceCondition

        # Clean reference tokens, as IC-LoRAs are trained (the LoRA decides how they steer).
        return {"reference_conditions": [LTX2ReferenceCondition(frames=init, strength=1.0)]}
    if mode == "video" and init:
        from diffusers.pipelines.ltx2 import LTX2VideoCondition

        # The engine's strength is how far the model may move from the render; the
        # condition's is how firmly the render holds.
        return {"conditions": [LTX2VideoCondition(frames=init, index=0, strength=1.0 - strength)]}
    return {}


IC_ADAPTER = "ic"


def use_ic_lora(model: LoadedModel, path: str) -> None:
    """Make the transformer's IC-LoRA active for an in-context call (`path` set) and inactive
    for every other call (`path` empty). The LoRA is loaded once, the first time it is asked
    for, into the transformer all the family's pipelines share."""
    pipeline = model.pipelines["reference"]
    if path and model.ic_lora != path:
        if model.ic_lora:
            pipeline.delete_adapters(IC_ADAPTER)
            model.ic_lora = ""
        try:
            pipeline.load_lora_weights(path, adapter_name=IC_ADAPTER)
        except (ImportError, OSError, ValueError, KeyError, RuntimeError, TypeError) as error:
            raise GenerationError(
                "ic_lora_invalid",
                f"The IC-LoRA {path} could not be loaded into this {model.family.label} "
                f"checkpoint: {error}",
            ) from error
        model.ic_lora = path
    if not model.ic_lora:
        return
    if path:
        pipeline.enable_lora()
    else:
        pipeline.disable_lora()


def audio_of(output: Any) -> npt.NDArray[np.float32] | None:
    """The (channels, samples) waveform of a pipeline output, or None when it has none."""
    audio = getattr(output, "audio", None)
    if audio is None:
        return None
    if hasattr(audio, "detach"):
        audio = audio.detach().float().cpu().numpy()
    track = np.asarray(audio, dtype=np.float32)
    if track.ndim == 3:
        track = track[0]
    if track.ndim == 1:
        track = track[None, :]
    return np.ascontiguousarray(track)


def audio_rate(model: LoadedModel) -> int:
    """Samples per second of the pipeline's audio: the vocoder's output rate."""
    pipeline = model.pipelines["text"]
    for part, key in (
        (pipeline.vocoder, "output_sampling_rate"),
        (pipeline.audio_vae, "sample_rate"),
    ):
        rate = getattr(getattr(part, "config", None), key, None)
        if rate:
            return int(rate)
    raise ValueError("The checkpoint names no audio sample rate.")


def _name(name: str, color: str, kind: str) -> str:
    if name[:1].isupper():  # a cameo's or a character's own name
        return name
    if name and name != kind and not name.startswith(f"{kind} "):  # "man" for a person
        return f"the {name}"
    return " ".join(word for word in ("the", color, kind) if word)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _verb(action: str) -> str:
    if not action or action == "idle":
        return "stands still"
    if action.endswith("s"):
        return action
    return f"{action}es" if action.endswith(("sh", "ch", "x")) else f"{action}s"
