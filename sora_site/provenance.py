"""Hands the site's provenance keys to the engine, once per process, before signing or verifying."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gen_engine import provenance

_lock = threading.Lock()
_configured = False


def configure_provenance() -> None:
    global _configured
    with _lock:
        if _configured:
            return
        files = {
            "C2PA_CERT_CHAIN_FILE": settings.C2PA_CERT_CHAIN_FILE,
            "C2PA_PRIVATE_KEY_FILE": settings.C2PA_PRIVATE_KEY_FILE,
            "C2PA_TRUST_ANCHOR_FILE": settings.C2PA_TRUST_ANCHOR_FILE,
        }
        missing = [name for name, value in files.items() if not value]
        if settings.PRODUCTION and (missing or not settings.WATERMARK_KEY):
            names = [*missing, *([] if settings.WATERMARK_KEY else ["FRAMECAST_WATERMARK_KEY"])]
            raise ImproperlyConfigured(f"Provenance keys are required in production: {names}")
        signing = None
        if not missing:
            signing = provenance.SigningConfig(
                cert_chain_pem=Path(files["C2PA_CERT_CHAIN_FILE"]).read_bytes(),
                private_key_pem=Path(files["C2PA_PRIVATE_KEY_FILE"]).read_bytes(),
                trust_anchor_pem=Path(files["C2PA_TRUST_ANCHOR_FILE"]).read_bytes(),
            )
        watermark_key = settings.WATERMARK_KEY.encode() if settings.WATERMARK_KEY else None
        provenance.configure(signing=signing, watermark_key=watermark_key)
        _configured = True


def trust_anchor_pem() -> bytes:
    """The root the site's manifests chain to: configured, or the development root."""
    configure_provenance()
    return provenance.current_signing().trust_anchor_pem or b""
