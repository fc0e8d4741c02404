"""Where the actors live, so every worker (separate or in-process) declares all of them."""

from __future__ import annotations

import importlib

ACTOR_MODULES: tuple[str, ...] = ("videos.tasks", "sora_site.api.tasks")


def import_all_actors() -> None:
    for module in ACTOR_MODULES:
        importlib.import_module(module)
