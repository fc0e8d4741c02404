"""The prompt check: word rules plus a sentence-embedding classifier.

`check_prompt(text, teen=..., context=...)` answers allow / block / review with the policy
category, a score, a reason a person can read and the matched terms. Pure: no Django model
imports (videos imports this module). Thresholds come from Django settings when they are
configured (MODERATION_THRESHOLDS, MODERATION_TEEN_FACTOR, MODERATION_BENIGN_MARGIN) and from
the defaults below otherwise.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from moderation import embedding, exemplars, normalize, policy, rules

if TYPE_CHECKING:
    from numpy.typing import NDArray

ALLOW = "allow"
REVIEW = "review"
BLOCK = "block"
_VERDICT_RANK = {ALLOW: 0, REVIEW: 1, BLOCK: 2}
CONTEXTS = ("prompt", "remix", "caption", "dialogue", "comment", "report")

# Cosine similarity to the nearest exemplar of a category (all-MiniLM-L6-v2 embeddings).
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    # Calibrated on the "dev" and "heldout" rows of tests/data/moderation_prompts.csv: review
    # just above the best-scoring benign near-miss there, so the unseen splits stay honest.
    # Minors: only with a minor cue in the text, and then always a block.
    policy.MINORS_SEXUAL: {"block": 0.56, "review": 0.56},
    policy.SEXUAL: {"block": 0.62, "review": 0.53},
    policy.VIOLENCE: {"block": 0.66, "review": 0.57},
    policy.SELF_HARM: {"block": 0.64, "review": 0.56},
    policy.HATE: {"block": 0.62, "review": 0.51},
    policy.ILLEGAL: {"block": 0.62, "review": 0.48},
    # Names decide these two (rules.py lists); the embedding only sends look-alikes to review.
    policy.PUBLIC_FIGURE: {"block": 1.01, "review": 0.72},
    policy.PRIVATE_LIKENESS: {"block": 0.60, "review": 0.45},
    policy.COPYRIGHT: {"block": 1.01, "review": 0.66},
    policy.SPAM: {"block": 0.60, "review": 0.45},
}
# Teen accounts: every threshold multiplied by this (lower is stricter).
DEFAULT_TEEN_FACTOR = 0.9
# A benign exemplar this much closer than the best harmful one cancels an embedding verdict.
DEFAULT_BENIGN_MARGIN = 0.0
MAX_TEXT = 4000


@dataclass(frozen=True)
class ModerationDecision:
    verdict: str
    category: str = ""
    score: float = 0.0
    reason: str = ""
    matched: tuple[str, ...] = ()
    # The account is flagged (zero-tolerance category).
    flag_account: bool = False
    context: str = "prompt"
    source: str = ""  # "rules" or "embedding"
    scores: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False)

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOW

    @property
    def blocked(self) -> bool:
        return self.verdict == BLOCK

    @property
    def needs_review(self) -> bool:
        return self.verdict == REVIEW

    @property
    def category_title(self) -> str:
        return policy.category(self.category).title if self.category else ""


@dataclass(frozen=True)
class Config:
    thresholds: Mapping[str, Mapping[str, float]]
    teen_factor: float
    benign_margin: float


def current_config() -> Config:
    thresholds: dict[str, dict[str, float]] = {k: dict(v) for k, v in DEFAULT_THRESHOLDS.items()}
    teen_factor, margin = DEFAULT_TEEN_FACTOR, DEFAULT_BENIGN_MARGIN
    try:
        from django.conf import settings

        if settings.configured:
            for code, values in getattr(settings, "MODERATION_THRESHOLDS", {}).items():
                thresholds.setdefault(code, {}).update(values)
            teen_factor = float(getattr(settings, "MODERATION_TEEN_FACTOR", teen_factor))
            margin = float(getattr(settings, "MODERATION_BENIGN_MARGIN", margin))
    except ImportError:  # used outside Django: defaults
        pass
    return Config(thresholds, teen_factor, margin)


# --- Embedding side ------------------------------------------------------------------------------
_bank_lock = threading.Lock()
_bank: tuple[NDArray[np.float32], list[str], NDArray[np.float32]] | None = None


def _exemplar_bank() -> tuple[NDArray[np.float32], list[str], NDArray[np.float32]]:
    global _bank
    if _bank is None:
        with _bank_lock:
            if _bank is None:
                labels: list[str] = []
                texts: list[str] = []
                for code, items in exemplars.EXEMPLARS.items():
                    labels.extend([code] * len(items))
                    texts.extend(items)
                _bank = (embedding.embed(texts), labels, embedding.embed(list(exemplars.BENIGN)))
    return _bank


def warm_up() -> None:
    """Load the model and the exemplar bank now (a worker or web process may call this)."""
    _exemplar_bank()
    embedding_scores("warm up")


# A long prompt is also judged clause by clause, so one harmful clause among benign ones is not
# diluted in the whole-text embedding: split on punctuation and on the words that join clauses.
_CLAUSE_BREAK = re.compile(
    r"([,;:.!?()\[\]{}\n\u2014\u2013]+|\s-+\s|\b(?:and|while|then|but|until|till|with|whilst|so)\b)"
)
MAX_CLAUSES = 5
# A piece shorter than this is a modifier ("with a rope", "friends laughing"), not a clause: on
# its own its one noun decides the nearest exemplar ("a rope" -> hanging), so it stays joined to
# the piece before it.
MIN_CLAUSE_WORDS = 3
# The shared model runs single-threaded on batches of up to this many (core/embeddings.py).
_BATCH = 4


def _clauses(text: str) -> list[str]:
    parts = _CLAUSE_BREAK.split(normalize.base(text))
    pieces: list[str] = []
    pending = ""  # a joining word ("with") is kept when a short piece is joined back
    for i, part in enumerate(parts):
        if i % 2:  # a separator
            word = part.strip()
            pending = word if word.isalpha() else ""
            continue
        piece, joiner, pending = part.strip(), pending, ""
        if not piece:
            continue
        # Counted in the glossed form the model sees ("mucha sangre" is "a lot of blood").
        if pieces and len(normalize.forms(piece)[-1].split()) < MIN_CLAUSE_WORDS:
            pieces[-1] = " ".join(w for w in (pieces[-1], joiner, piece) if w)
        else:
            pieces.append(piece)
    if len(pieces) > 1 and len(normalize.forms(pieces[0])[-1].split()) < MIN_CLAUSE_WORDS:
        first = pieces.pop(0)
        pieces[0] = f"{first} {pieces[0]}"
    return pieces


def segments(text: str) -> tuple[str, ...]:
    """The whole text, then its clauses of three words or more (normalised, glossed form)."""
    whole = normalize.forms(text)[-1].strip()
    out = [whole]
    for piece in _clauses(text):
        clause = normalize.forms(piece)[-1].strip()
        if clause and clause not in out:
            out.append(clause)
        if len(out) > MAX_CLAUSES:
            break
    return tuple(out) if len(out) > 2 else (whole,)


def _score_vectors(vectors: NDArray[np.float32]) -> list[dict[str, float]]:
    harmful, labels, benign = _exemplar_bank()
    out = []
    for sims, benign_sims in zip(vectors @ harmful.T, vectors @ benign.T, strict=True):
        scores: dict[str, float] = {}
        for label, sim in zip(labels, sims.tolist(), strict=True):
            if sim > scores.get(label, -1.0):
                scores[label] = float(sim)
        scores["benign"] = float(benign_sims.max())
        out.append({k: round(v, 4) for k, v in scores.items()})
    return out


@functools.lru_cache(maxsize=4096)
def embedding_scores(text: str) -> tuple[dict[str, float], ...]:
    """Per segment (the whole text first, then its clauses): the cosine similarity of the
    nearest exemplar of each category, plus "benign" (nearest benign exemplar)."""
    parts = segments(text)
    vectors = np.concatenate(
        [embedding.embed(list(parts[i : i + _BATCH])) for i in range(0, len(parts), _BATCH)]
    )
    return tuple(_score_vectors(vectors))


def best_scores(per_segment: tuple[dict[str, float], ...]) -> dict[str, float]:
    """For display and records: each category's best segment; "benign" of the whole text."""
    best: dict[str, float] = {}
    for scores in per_segment:
        for code, sim in scores.items():
            if code != "benign" and sim > best.get(code, -1.0):
                best[code] = sim
    if per_segment:
        best["benign"] = per_segment[0]["benign"]
    return best


def _passing(per_segment: tuple[dict[str, float], ...], code: str, margin: float) -> float | None:
    """The best score of `code` over the segments not closer to a benign exemplar (by margin)."""
    return max(
        (seg[code] for seg in per_segment if code in seg and seg[code] - seg["benign"] >= margin),
        default=None,
    )


# --- The decision --------------------------------------------------------------------------------
def _reason(verdict: str, code: str, matched: tuple[str, ...], source: str) -> str:
    cat = policy.category(code)
    if code == policy.MINORS_SEXUAL:
        return (
            f"Refused under our policy on {cat.title.lower()}: this is never allowed, in any "
            f"form. The account has been flagged for review."
        )
    if source == "rules" and matched:
        why = "it mentions " + ", ".join(f"\u201c{m}\u201d" for m in matched[:3])
    else:
        why = "it closely resembles content this policy covers"
    if verdict == BLOCK:
        # Labelled: bare, the category's allowed examples read as part of the refusal.
        title = cat.title.lower()
        return f"Refused under our policy on {title}: {why}. What is allowed: {cat.allowed}"
    return f"Held for a moderator's review under our policy on {cat.title.lower()}: {why}."


def _make(
    verdict: str,
    code: str,
    score: float,
    matched: tuple[str, ...],
    source: str,
    context: str,
    scores: Mapping[str, float],
) -> ModerationDecision:
    return ModerationDecision(
        verdict=verdict,
        category=code,
        score=round(float(score), 4),
        reason=_reason(verdict, code, matched, source),
        matched=matched,
        flag_account=code == policy.MINORS_SEXUAL,
        context=context,
        source=source,
        scores=dict(scores),
    )


def _worse(a: tuple[int, int, Any], b: tuple[int, int, Any]) -> bool:
    return a[:2] > b[:2]


def check_prompt(
    text: str, *, teen: bool = False, context: str = "prompt", use_embedding: bool = True
) -> ModerationDecision:
    """Check one text (a prompt, remix prompt, caption, dialogue line or comment)."""
    text = (text or "")[:MAX_TEXT]
    if not text.strip():
        return ModerationDecision(verdict=ALLOW, context=context)
    config = current_config()
    forms = normalize.forms(text)
    hits = rules.evaluate(forms, normalize.base(text))

    # (verdict rank, severity, payload) - the worst candidate wins.
    best: tuple[int, int, tuple[str, str, float, tuple[str, ...], str]] | None = None

    def offer(verdict: str, code: str, score: float, matched: tuple[str, ...], src: str) -> None:
        nonlocal best
        cand = (
            _VERDICT_RANK[verdict],
            int(policy.severity_of(code)),
            (verdict, code, score, matched, src),
        )
        if best is None or _worse(cand, best):
            best = cand

    minor_cue = bool(rules.compiled()["minor"].search(" ".join(forms)))
    for hit in hits:
        if hit.strong or teen or hit.category == policy.MINORS_SEXUAL:
            offer(BLOCK, hit.category, 1.0, hit.terms, "rules")
        else:
            offer(REVIEW, hit.category, 0.6, hit.terms, "rules")

    scores: dict[str, float] = {}
    strong_block = best is not None and best[0] == _VERDICT_RANK[BLOCK]
    if use_embedding and not strong_block:
        per_segment = embedding_scores(text)
        scores = best_scores(per_segment)
        factor = config.teen_factor if teen else 1.0
        for code in policy.CATEGORY_CODES:
            sim = _passing(per_segment, code, config.benign_margin)
            if sim is None:
                continue
            limits = config.thresholds.get(code, {})
            block_t = float(limits.get("block", 1.01)) * factor
            review_t = float(limits.get("review", 1.01)) * factor
            if code == policy.MINORS_SEXUAL:
                # Zero tolerance: about a minor and close to the minors' or the adult sexual
                # exemplars (at the minors' lower threshold) is a block.
                sim = max(sim, _passing(per_segment, policy.SEXUAL, config.benign_margin) or 0.0)
                if sim >= review_t and minor_cue:
                    offer(BLOCK, code, sim, (), "embedding")
                continue
            if sim >= block_t:
                offer(BLOCK, code, sim, (), "embedding")
            elif sim >= review_t:
                offer(REVIEW, code, sim, (), "embedding")

    if best is None:
        return ModerationDecision(
            verdict=ALLOW,
            context=context,
            scores=scores,
            score=max((v for k, v in scores.items() if k != "benign"), default=0.0),
        )
    verdict, code, score, matched, src = best[2]
    # Sexual content and a minor in the same text: always the zero-tolerance category.
    if code == policy.SEXUAL and minor_cue:
        verdict, code = BLOCK, policy.MINORS_SEXUAL
    return _make(verdict, code, score, matched, src, context, scores)
