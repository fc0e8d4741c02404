"""Small plans and specs for the physics and render tests."""

from __future__ import annotations

from typing import Any

from gen_engine.types import GenerationSpec, ScenePlan, Subject


def subject(subject_id: str, kind: str = "person", **overrides: Any) -> Subject:
    category = "object" if kind in ("ball", "box", "board", "balloon") else "character"
    if kind in ("car", "bike", "boat"):
        category = "vehicle"
    fields: dict[str, Any] = {
        "id": subject_id,
        "kind": kind,
        "category": category,
        "color": (200, 40, 40),
        "color_name": "red",
        "size": 1.7 if category == "character" else 0.3,
        "action": "idle",
        "material": "rubber",
    }
    fields.update(overrides)
    return Subject(**fields)


def plan(*subjects: Subject, **overrides: Any) -> ScenePlan:
    fields: dict[str, Any] = {
        "prompt": "test",
        "seed": 5,
        "subjects": subjects,
        "setting": "studio",
        "time_of_day": "day",
        "weather": "clear",
        "style": "cinematic",
        "camera": "static",
    }
    fields.update(overrides)
    return ScenePlan(**fields)


def spec(duration: int = 2, **overrides: Any) -> GenerationSpec:
    fields: dict[str, Any] = {"prompt": "test", "duration": duration, "resolution": 144}
    fields.update(overrides)
    return GenerationSpec(**fields)
