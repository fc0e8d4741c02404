"""Render stage: a batched torch rasterizer (CUDA when present, CPU otherwise).

Public API: `Renderer(plan, sim, spec, device=None).render(start, stop)` -> (n, H, W, 3) uint8 RGB
and `Renderer.poster_frame_index()`.
"""

from gen_engine.render.renderer import Renderer, pick_device, set_cpu_threads

__all__ = ["Renderer", "pick_device", "set_cpu_threads"]
