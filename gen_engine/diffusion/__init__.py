"""Optional diffusion backends: open text-to-video models in diffusers format from a local folder.

`families` recognises a checkpoint (Wan, LTX-Video, CogVideoX), `loader` loads it once per
process and places it in GPU memory, `speed` holds the engine's speed-ups and quality presets,
`clip` makes a clip's frames in windows from the physics render, and `tiny` builds tiny
random-weight checkpoints offline for tests and the small benchmark. Imported only when
`GenerationSpec.backend == "diffusers"`, so the default engine never loads diffusers.
"""
