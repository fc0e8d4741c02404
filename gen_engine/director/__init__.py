"""The director: a prompt (or a remix edit) becomes a ScenePlan.

    plan_scene(prompt, *, seed=0, style=None, camera=None, cameos=(), remix_of=None) -> ScenePlan

Words are matched against the documented vocabulary (docs/ENGINE_VOCABULARY.md, built from
`vocab_*.py`) exactly first, then with a sentence-embedding model for paraphrases. The model
(and torch) loads on first need, not at import; `warm_up()` loads it ahead of time.
"""

from __future__ import annotations

from gen_engine.director.embedding import is_loaded, warm_up
from gen_engine.director.plan import plan_scene
from gen_engine.types import CameoRef, RemixOf, ScenePlan

__all__ = ["CameoRef", "RemixOf", "ScenePlan", "is_loaded", "plan_scene", "warm_up"]
