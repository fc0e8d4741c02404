"""Provenance: visible moving watermark, invisible watermark, C2PA signing and verification.

    marker = FrameMarker(spec)            # per generation
    marker.mark(frames, first_index)      # on each batch of RGB uint8 frames, before encoding
    sign_mp4(path, spec, plan)            # after encoding (progressive, faststart MP4)
    verify(path) / detect(path)           # on any file, e.g. an upload to the Verify page

The site calls `configure(signing=..., watermark_key=...)` once at start-up; without it the
engine uses development keys (see keys.py) and a development watermark key.
"""

from gen_engine.provenance._config import configure, current_signing, current_watermark_key
from gen_engine.provenance.c2pa_signing import VerifyReport, sign_mp4, verify
from gen_engine.provenance.detection import Detection, detect
from gen_engine.provenance.keys import SigningConfig, development_signing_config
from gen_engine.provenance.visible import FrameMarker

__all__ = [
    "Detection",
    "FrameMarker",
    "SigningConfig",
    "VerifyReport",
    "configure",
    "current_signing",
    "current_watermark_key",
    "detect",
    "development_signing_config",
    "sign_mp4",
    "verify",
]
