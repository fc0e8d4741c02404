"""The director's entry point."""

from __future__ import annotations

from collections.abc import Sequence

from gen_engine.director.build import plan_from_reading
from gen_engine.director.parse import canonical, read_text
from gen_engine.director.terms import CAMERA, STYLE
from gen_engine.director.text import check_length
from gen_engine.types import CameoRef, RemixOf, ScenePlan


def _overrides(style: str | None, camera: str | None) -> dict[str, str]:
    overrides = {}
    if style is not None and style.strip():
        overrides[STYLE] = canonical(STYLE, style)
    if camera is not None and camera.strip():
        overrides[CAMERA] = canonical(CAMERA, camera)
    return overrides


def plan_scene(
    prompt: str,
    *,
    seed: int = 0,
    style: str | None = None,
    camera: str | None = None,
    cameos: Sequence[CameoRef] = (),
    remix_of: RemixOf | None = None,
) -> ScenePlan:
    """Turn `prompt` into a ScenePlan; with `remix_of`, apply its edit to the parent plan.

    Deterministic: the same arguments always give the same plan. Raises GenerationError
    ("empty_prompt", "prompt_too_long", "unknown_style", "unknown_camera") on bad input.
    `style` and `camera`, when given, override what the prompt says.
    """
    overrides = _overrides(style, camera)
    if remix_of is not None:
        from gen_engine.director.remix import apply_edit

        edit = remix_of.edit_prompt if remix_of.edit_prompt.strip() else prompt
        return apply_edit(
            remix_of.parent_plan, check_length(edit), seed=seed, cameos=cameos, overrides=overrides
        )
    text = check_length(prompt)
    reading = read_text(text, cameos)
    return plan_from_reading(reading, prompt=prompt, seed=seed, overrides=overrides)
