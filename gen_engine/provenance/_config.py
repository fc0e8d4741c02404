"""Process-wide provenance settings: the signing keys and the watermark key.

The site calls `gen_engine.provenance.configure(...)` once at start-up with its own keys; when
nothing is configured the engine falls back to development keys (generated on first use, outside
the repository) and the development watermark key, so the engine works out of the box.
"""

from __future__ import annotations

import threading

from gen_engine.provenance.invisible import DEV_WATERMARK_KEY
from gen_engine.provenance.keys import SigningConfig, development_signing_config

_lock = threading.Lock()
_signing: SigningConfig | None = None
_watermark_key: bytes | None = None


def configure(signing: SigningConfig | None = None, watermark_key: bytes | None = None) -> None:
    """Set the process defaults. None restores the development default for that item."""
    global _signing, _watermark_key
    if watermark_key is not None and len(watermark_key) < 16:
        raise ValueError("watermark_key must be at least 16 bytes")
    with _lock:
        _signing = signing
        _watermark_key = watermark_key


def current_signing() -> SigningConfig:
    with _lock:
        configured = _signing
    return configured if configured is not None else development_signing_config()


def current_watermark_key() -> bytes:
    with _lock:
        configured = _watermark_key
    return configured if configured is not None else DEV_WATERMARK_KEY
