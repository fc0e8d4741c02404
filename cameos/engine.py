"""From a cameo to the engine's frozen `CameoRef` (gen_engine speaks only in dataclasses)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage

from cameos.models import Cameo
from cameos.restrictions import appearance_notes_from
from gen_engine import CameoRef

# Reference images copied from remote storage (S3) are cached here, by storage name. The names
# are random and never reused, so a cached copy is never stale; the operator may clear the
# folder at any time (it is re-filled on demand).
REMOTE_CACHE_DIR = Path(tempfile.gettempdir()) / "framecast-cameo-refs"


def reference_local_path(name: str) -> str:
    """A local file path for a stored reference image (the file itself on local storage)."""
    try:
        return default_storage.path(name)
    except NotImplementedError:
        pass
    REMOTE_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    suffix = Path(name).suffix or ".png"
    target = REMOTE_CACHE_DIR / (hashlib.sha256(name.encode()).hexdigest() + suffix)
    if not target.exists():
        handle, partial = tempfile.mkstemp(dir=REMOTE_CACHE_DIR, suffix=".part")
        with os.fdopen(handle, "wb") as out, default_storage.open(name, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        os.replace(partial, target)
    return str(target)


def cameo_engine_ref(cameo: Cameo) -> CameoRef:
    """The engine's view of a cameo: id = the owner's handle (character: handle-cameo id),
    the first reference image as a local path, the voice, and the appearance notes (the
    owner's notes plus the positive rules of the restrictions, e.g. "wearing my red cap")."""
    reference = cameo.references.order_by("position", "id").first()
    notes = [cameo.appearance_notes.strip(), *appearance_notes_from(cameo.restrictions)]
    handle = cameo.owner.handle
    return CameoRef(
        id=handle if cameo.kind == Cameo.Kind.PERSON else f"{handle}-{cameo.pk}",
        display_name=cameo.display_name,
        face_image=reference_local_path(reference.file.name) if reference else None,
        voice_preset=cameo.voice_preset,
        appearance_notes="; ".join(n for n in notes if n),
        kind="person" if cameo.kind == Cameo.Kind.PERSON else "character",
    )
