"""What `videos` calls: the prompt gate before anything is generated, and the output gate
after the engine has made a file. Imports nothing from videos or feed.

    from moderation.gate import prompt_gate, output_gate

    prompt_gate(user=user, text=prompt, context="prompt")   # raises to refuse
    decision = output_gate(video=video, video_path=path, dialogue=lines, frames=sampled,
                           audio_source=result.audio_source, audio_model=result.audio_model)
    if decision.held: ...move the draft to in_review...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings

from moderation import classifier, records, selectors
from moderation.classifier import ModerationDecision
from moderation.models import Case
from moderation.output_check import (
    AUDIO_NOT_TRANSCRIBED,
    OutputDecision,
    check_output,
    check_output_frames,
    dialogue_from_plan,
    hear,
)
from sora_site.core.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    import numpy as np
    from django.db import models
    from numpy.typing import NDArray

    from accounts.models import User

__all__ = [
    "AccountSuspended",
    "PromptRefused",
    "dialogue_from_plan",
    "output_gate",
    "prompt_gate",
]


class PromptRefused(ApplicationError):
    """The text breaks the content policy. `detail` names the policy and why."""

    status = 400
    default_code = "moderation_blocked"

    def __init__(self, decision: ModerationDecision) -> None:
        super().__init__(decision.reason, code="moderation_blocked")
        self.decision = decision
        self.category = decision.category


class AccountSuspended(PermissionDenied):
    default_code = "account_suspended"


def prompt_gate(*, user: User, text: str, context: str = "prompt") -> ModerationDecision:
    """Check a prompt, remix prompt, caption or comment of `user` before anything is stored.

    Raises AccountSuspended (suspended/banned account) or PromptRefused (verdict block). Returns
    the decision otherwise: "allow", or "review" (the caller goes on; the output gate holds the
    result for a moderator). Block and review decisions are recorded; a zero-tolerance one also
    flags the account and opens a case at once.
    """
    if selectors.account_is_suspended(user):
        raise AccountSuspended(
            "Your account is suspended, so you cannot create or post right now. "
            "See 'My moderation decisions' for the reason and how to appeal.",
            code="account_suspended",
        )
    decision = classifier.check_prompt(
        text, teen=bool(getattr(user, "is_teen", False)), context=context
    )
    if not decision.allowed:
        records.decision_record(user=user, text=text, decision=decision)
    if decision.blocked:
        raise PromptRefused(decision)
    return decision


def output_gate(
    *,
    video: models.Model,
    video_path: str,
    dialogue: Iterable[str] = (),
    prompt: str | None = None,
    frames: Sequence[tuple[float, NDArray[np.uint8]]] | None = None,
    audio_source: str = "engine",
    audio_model: str = "",
) -> OutputDecision:
    """Check a generated file. When the result is held, a case is opened on `video`; the
    caller (videos) moves the draft to in_review so the owner cannot publish it.

    `frames` are the (time, frame) samples the engine handed over while rendering (see
    `moderation.output_check.FrameCollector`); without them the file at `video_path` is
    decoded and sampled.
    `audio_source` is the result's (gen_engine Result.audio_source): when a model made the
    sound ("model", "mix"), what is said in the file is transcribed with the Whisper checkpoint
    in GEN_ENGINE_ASR_DIR and checked as dialogue; without one the draft goes through as before
    and the audit log (and any case) says the audio was not transcribed.
    The prompt is checked again too: a prompt that was sent to review is held here.
    """
    owner = records.owner_of(video)
    teen = bool(getattr(owner, "is_teen", False))
    heard = hear(
        video_path,
        audio_source=audio_source,
        audio_model=audio_model,
        asr_dir=settings.GEN_ENGINE_ASR_DIR,
    )
    if frames:
        decision = check_output_frames(frames, list(dialogue), teen=teen, heard=heard)
    else:
        decision = check_output(video_path, list(dialogue), teen=teen, heard=heard)
    text = prompt if prompt is not None else str(getattr(video, "prompt", ""))
    prompt_decision = classifier.check_prompt(text, teen=teen) if text else None
    if decision.held:
        # The reason goes with the scores so the case says why, e.g. that it was what is heard.
        records.case_open_for_output(
            video, {**decision.scores, "reason": decision.reason}, category=decision.category
        )
        return decision
    if prompt_decision is not None and not prompt_decision.allowed:
        reason = f"Held for review: {prompt_decision.reason}"
        scores: dict[str, Any] = {
            **decision.scores,
            "prompt": dict(prompt_decision.scores),
            "reason": reason,
        }
        records.case_open_for_output(
            video,
            scores,
            category=prompt_decision.category,
            opened_by=Case.OpenedBy.PROMPT_REVIEW,
        )
        return OutputDecision(
            verdict="held",
            category=prompt_decision.category,
            reason=reason,
            nudity_score=decision.nudity_score,
            frames_checked=decision.frames_checked,
            frames=decision.frames,
            dialogue=decision.dialogue,
            heard=decision.heard,
            audio=decision.audio,
            elapsed=decision.elapsed,
            scores=scores,
        )
    if decision.audio is not None and decision.audio.status == AUDIO_NOT_TRANSCRIBED:
        # Nothing else is stored for a draft that passes: the audit log keeps, for moderators
        # and operators, that this one went out with its speech unheard.
        records.audit_write(
            actor=None,
            action="output.audio_not_transcribed",
            target=video,
            reason=decision.audio.note,
            data=dict(decision.scores.get("audio", {})),
        )
    return decision
