"""OpenAI's request vocabulary (model, seconds, size) onto this instance's engine options.

Both model names run this instance's one engine (GEN_ENGINE_BACKEND and its settings); as on
OpenAI, they differ in the sizes they allow: `sora-2` up to 720p, `sora-2-pro` also the two
1080p-class sizes. A video's `model` names the tier it was made at, derived from its
resolution, so the answer of every read agrees with the answer of the create.
"""

from __future__ import annotations

from dataclasses import dataclass

from gen_engine.types import ASPECTS, DURATIONS, RESOLUTIONS, GenerationSpec
from sora_site.api.openai_compat.errors import BadParameter

SORA_2 = "sora-2"
SORA_2_PRO = "sora-2-pro"
MODELS: dict[str, str] = {
    SORA_2: SORA_2,
    "sora-2-2025-10-06": SORA_2,
    "sora-2-2025-12-08": SORA_2,
    SORA_2_PRO: SORA_2_PRO,
    "sora-2-pro-2025-10-06": SORA_2_PRO,
}
PRO_RESOLUTION = 1080
DEFAULT_MODEL = SORA_2
DEFAULT_SECONDS = "4"
DEFAULT_SIZE = "720x1280"
# OpenAI's sizes, onto (aspect, short side). 1024x1792 and 1792x1024 are made at the engine's
# 1080p (1080x1920, 1920x1080): its nearest size, not smaller than asked.
OPENAI_SIZES: dict[str, tuple[str, int]] = {
    "720x1280": ("9:16", 720),
    "1280x720": ("16:9", 720),
    "1024x1792": ("9:16", 1080),
    "1792x1024": ("16:9", 1080),
}
OPENAI_SECONDS = (4, 8, 12, 16, 20)


def _native_size(aspect: str, resolution: int) -> str:
    width, height = GenerationSpec(prompt="", aspect=aspect, resolution=resolution).size
    return f"{width}x{height}"


# Every (aspect, resolution) the engine makes has exactly one name: OpenAI's where it has one,
# otherwise the engine's own pixel size (480x854, 720x720, ...), so small sizes can be asked for.
SIZE_NAMES: dict[tuple[str, int], str] = {value: name for name, value in OPENAI_SIZES.items()}
for _aspect in ASPECTS:
    for _resolution in RESOLUTIONS:
        SIZE_NAMES.setdefault((_aspect, _resolution), _native_size(_aspect, _resolution))
SIZES: dict[str, tuple[str, int]] = {name: value for value, name in SIZE_NAMES.items()}


@dataclass(frozen=True)
class EngineRequest:
    model: str
    duration: int
    aspect: str
    resolution: int


def seconds_to_duration(seconds: object) -> int:
    """OpenAI's 4/8/12/16/20 s onto the engine's lengths (5/10/15/20): the nearest one not
    shorter than asked. The engine's own lengths are accepted as they are."""
    try:
        value = int(str(seconds).strip())
    except ValueError:
        value = -1
    allowed = sorted({*OPENAI_SECONDS, *DURATIONS})
    if value not in allowed:
        raise BadParameter(
            f"seconds must be one of {', '.join(str(s) for s in allowed)}.", param="seconds"
        )
    return min(d for d in DURATIONS if d >= value)


def engine_request(*, model: object, seconds: object, size: object) -> EngineRequest:
    model_name = MODELS.get(str(model).strip()) if model is not None else DEFAULT_MODEL
    if model_name is None:
        raise BadParameter(
            f"Unknown model {str(model)[:60]!r}: this instance offers {', '.join(sorted(MODELS))}.",
            param="model",
            code="model_not_found",
        )
    size_name = DEFAULT_SIZE if size is None else str(size).strip()
    if size_name not in SIZES:
        raise BadParameter(
            f"size must be one of {', '.join(SIZES)}.", param="size", code="invalid_size"
        )
    aspect, resolution = SIZES[size_name]
    if resolution == PRO_RESOLUTION and model_name != SORA_2_PRO:
        raise BadParameter(
            f"size {size_name} needs the model {SORA_2_PRO}.", param="size", code="invalid_size"
        )
    duration = seconds_to_duration(DEFAULT_SECONDS if seconds is None else seconds)
    return EngineRequest(model=model_name, duration=duration, aspect=aspect, resolution=resolution)


def size_name(aspect: str, resolution: int) -> str:
    return SIZE_NAMES.get((aspect, resolution), _native_size(aspect, resolution))


def model_name(resolution: int) -> str:
    return SORA_2_PRO if resolution >= PRO_RESOLUTION else SORA_2
