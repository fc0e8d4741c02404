"""The model families the diffusers backend knows, recognised from a checkpoint's model_index.json.

LTX-2 (2.0, 2.3, 2.5: `LTX2Pipeline` folders) makes its sound with the picture; the others are
silent and the default engine's soundtrack is laid under their frames.

A family says which diffusers pipeline classes make text-to-video, video-to-video and
image-to-video from the same components, and its published working size, clip length, frame
rate and sampling defaults. Shape rules (multiples, frame counts) are read from the loaded
components instead (see `loader.Geometry`), because variants of one family differ there (the
Wan 2.2 5B VAE compresses 16x, the 2.1 VAE 8x).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gen_engine.types import GenerationError


@dataclass(frozen=True)
class Family:
    name: str
    label: str
    text_pipeline: str  # diffusers class for text-to-video
    video_pipeline: str  # for video-to-video from the physics render
    image_pipeline: str | None  # image-to-video from the same components, when the family has one
    published_size: tuple[int, int]  # (long side, short side) of the published checkpoints
    window_frames: int  # frames one pass makes at the published size
    fps: int  # the frame rate the family was trained at
    steps: int
    guidance: float
    max_sequence_length: int
    # Wan's pipeline runs the conditional and unconditional passes one after the other; the
    # engine batches them (see speed.GuidancePairing). LTX and CogVideoX already batch.
    pairs_guidance: bool = False
    makes_audio: bool = False  # the pipeline returns an audio track with the frames
    distilled_steps: int = 0  # steps of the family's step-distilled checkpoints (0: none)
    reference_pipeline: str | None = None  # in-context (IC-LoRA) video-to-video, when it has one


WAN = Family(
    name="wan",
    label="Wan 2.1/2.2",
    text_pipeline="WanPipeline",
    video_pipeline="WanVideoToVideoPipeline",
    image_pipeline=None,
    published_size=(832, 480),
    window_frames=81,
    fps=16,
    steps=50,
    guidance=5.0,
    max_sequence_length=512,
    pairs_guidance=True,
)
LTX = Family(
    name="ltx",
    label="LTX-Video",
    text_pipeline="LTXPipeline",
    video_pipeline="LTXConditionPipeline",
    image_pipeline="LTXImageToVideoPipeline",
    published_size=(768, 512),
    window_frames=121,
    fps=24,
    steps=40,
    guidance=3.0,
    max_sequence_length=128,
)
# LTX-2's defaults as diffusers 0.42.1 ships them: 768x512 at 24 fps, 30 steps, guidance 3; one
# pass may run up to 20 s (481 frames), so a product clip is one window and one unbroken track.
LTX2 = Family(
    name="ltx2",
    label="LTX-2",
    text_pipeline="LTX2Pipeline",
    video_pipeline="LTX2ConditionPipeline",
    image_pipeline="LTX2ImageToVideoPipeline",
    published_size=(768, 512),
    window_frames=481,
    fps=24,
    steps=30,
    guidance=3.0,
    max_sequence_length=1024,
    makes_audio=True,
    distilled_steps=8,
    reference_pipeline="LTX2InContextPipeline",
)
COGVIDEOX = Family(
    name="cogvideox",
    label="CogVideoX",
    text_pipeline="CogVideoXPipeline",
    video_pipeline="CogVideoXVideoToVideoPipeline",
    image_pipeline=None,
    published_size=(720, 480),
    window_frames=49,
    fps=8,
    steps=50,
    guidance=6.0,
    max_sequence_length=226,
)

# model_index.json `_class_name` -> family. Image-to-video-only checkpoints (Wan I2V with its
# CLIP image encoder, CogVideoX-I2V) are named so the refusal can say what they are.
_BY_PIPELINE = {
    "WanPipeline": WAN,
    "WanVideoToVideoPipeline": WAN,
    "LTXPipeline": LTX,
    "LTXConditionPipeline": LTX,
    "LTXImageToVideoPipeline": LTX,
    "LTX2Pipeline": LTX2,
    "LTX2ConditionPipeline": LTX2,
    "LTX2ImageToVideoPipeline": LTX2,
    "CogVideoXPipeline": COGVIDEOX,
    "CogVideoXVideoToVideoPipeline": COGVIDEOX,
}
_IMAGE_ONLY = {"WanImageToVideoPipeline", "CogVideoXImageToVideoPipeline"}
FAMILIES = (WAN, LTX, LTX2, COGVIDEOX)


def read_model_index(model_dir: str | Path) -> dict[str, object]:
    folder = Path(model_dir)
    index = folder / "model_index.json"
    if not folder.is_dir():
        raise GenerationError(
            "checkpoint_missing",
            f"The model folder {folder} does not exist. Download a diffusers-format checkpoint "
            "(for example Wan2.1-T2V-1.3B-Diffusers) and point GEN_ENGINE_MODEL_DIR at it.",
        )
    if not index.is_file():
        raise GenerationError(
            "checkpoint_invalid",
            f"{folder} has no model_index.json; it is not a diffusers-format checkpoint.",
        )
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GenerationError(
            "checkpoint_invalid", f"{index} could not be read as JSON: {error}"
        ) from error
    if not isinstance(data, dict):
        raise GenerationError("checkpoint_invalid", f"{index} is not a JSON object.")
    return data


def detect_family(model_dir: str | Path) -> Family:
    """The family of the checkpoint in `model_dir`, or a GenerationError saying why not."""
    class_name = str(read_model_index(model_dir).get("_class_name", ""))
    family = _BY_PIPELINE.get(class_name)
    if family is not None:
        return family
    if class_name in _IMAGE_ONLY:
        raise GenerationError(
            "checkpoint_unsupported",
            f"{class_name} checkpoints make video only from an image; this engine supports the "
            "text-to-video checkpoints of Wan and CogVideoX (image-to-video comes from LTX-Video).",
        )
    known = ", ".join(sorted(_BY_PIPELINE))
    raise GenerationError(
        "checkpoint_unsupported",
        f"The checkpoint's pipeline {class_name or '(none)'} is not supported; expected one of "
        f"{known}.",
    )
