"""Remix: a new draft from a parent's plan and an edit in plain words, with consent and policy
checked again for the remixer - inherited cameos included.

The parent's remix counter (`feed.models.VideoStats.remixes`: the remixes people can see, i.e.
published ones) lives in the feed, which videos may not import. The feed registers a listener
with `register_remix_count_listener(fn)` from its AppConfig.ready(); every service that moves a
remix into or out of "published" calls `remix_published_changed`, inside its transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accounts.models import User
from cameos.models import Cameo
from cameos.permissions import (
    MAX_CAMEOS_PER_VIDEO,
    UseDecision,
    cameo_can_use,
    cameos_resolve_for_prompt,
)
from sora_site.core.errors import Conflict, PermissionDenied, ValidationFailed
from sora_site.core.text import reject_nul
from videos.models import GenerationJob, Video
from videos.selectors import video_remixable
from videos.services.generation import GenerationOptions, draft_create, moderation_gate

logger = logging.getLogger(__name__)

MAX_EDIT_CHARS = 500
REMIXABLE = (Video.Status.PUBLISHED, Video.Status.DRAFT_READY)

# fn(parent video id, +1 or -1): a remix of that video was published, or stopped being so.
RemixCountListener = Callable[[int, int], None]
_remix_count_listeners: list[RemixCountListener] = []


def register_remix_count_listener(fn: RemixCountListener) -> RemixCountListener:
    """Idempotent; call it from an AppConfig.ready()."""
    if fn not in _remix_count_listeners:
        _remix_count_listeners.append(fn)
    return fn


def remix_published_changed(*, video: Video, was_published: bool) -> None:
    """Call after changing `video.status`, in the same transaction (a rollback undoes the count
    too): a remix that became published adds one to its parent's count, one that stopped being
    published (unpublished, removed by moderation) takes one away."""
    is_published = video.status == Video.Status.PUBLISHED
    if video.parent_id is None or is_published == was_published:
        return
    for listener in _remix_count_listeners:
        listener(video.parent_id, 1 if is_published else -1)


@dataclass(frozen=True)
class InheritedCameo:
    cameo: Cameo
    decision: UseDecision


def remix_parent(*, user: User, public_id: str) -> Video:
    """The video `user` wants to remix: published (or their own draft), finished, and open to
    remixes. The Remix page and the API both come through here."""
    parent = video_remixable(viewer_id=user.pk, public_id=public_id)
    if parent.status not in REMIXABLE or not parent.plan:
        raise Conflict("Only a finished video can be remixed.", code="not_ready")
    if not parent.allow_remix and parent.owner_id != user.pk:
        raise PermissionDenied(
            f"@{parent.owner.handle} has turned remixing off for this video.",
            code="remix_disabled",
        )
    return parent


def inherited_cameos(*, user: User, parent: Video) -> list[InheritedCameo]:
    """Every cameo of the parent with whether `user` may use it now (deleted ones are gone)."""
    cameos = Cameo.objects.filter(pk__in=parent.cameo_ids).select_related("owner")
    by_id = {cameo.pk: cameo for cameo in cameos}
    return [
        InheritedCameo(by_id[pk], cameo_can_use(cameo=by_id[pk], user=user))
        for pk in parent.cameo_ids
        if pk in by_id
    ]


def remix_request(
    *, user: User, parent_public_id: str, edit: str, drop_cameo_ids: Iterable[int | str] = ()
) -> GenerationJob:
    edit = reject_nul((edit or "").strip(), "edit")
    if not edit:
        raise ValidationFailed("Say how to change the video.", code="empty_edit")
    if len(edit) > MAX_EDIT_CHARS:
        raise ValidationFailed(
            f"Keep the edit under {MAX_EDIT_CHARS} characters.", code="edit_too_long"
        )
    parent = remix_parent(user=user, public_id=parent_public_id)
    moderation_gate(user=user, prompt=edit, context="remix")
    try:
        dropped = {int(pk) for pk in drop_cameo_ids}
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("Choose cameos to drop from the list.", code="invalid") from exc
    kept: list[Cameo] = []
    removals: list[str] = []
    inherited_all = inherited_cameos(user=user, parent=parent)
    present = {inherited.cameo.pk for inherited in inherited_all}
    withdrawn = len({pk for pk in parent.cameo_ids if pk not in present})
    for inherited in inherited_all:
        handle = inherited.cameo.owner.handle
        if inherited.cameo.pk in dropped:
            removals.append(f"remove @{handle}")
        elif not inherited.decision.allowed:
            raise PermissionDenied(
                f"This video has {inherited.cameo.display_name}'s cameo, which you may not use: "
                f"{inherited.decision.reason} Drop it, or swap it in your edit "
                f'("swap @{handle} for @someone").',
                code="inherited_cameo_refused",
            )
        elif f"@{handle}" not in edit.lower():  # a swap names it in the edit: not kept then
            kept.append(inherited.cameo)
    added = cameos_resolve_for_prompt(user=user, prompt=edit)
    cameos = list({cameo.pk: cameo for cameo in [*kept, *added]}.values())
    if len(cameos) > MAX_CAMEOS_PER_VIDEO:
        raise ValidationFailed(
            f"A video can have at most {MAX_CAMEOS_PER_VIDEO} cameos.", code="too_many_cameos"
        )
    engine_edit = "; ".join([edit, *removals])
    opts = GenerationOptions(
        prompt=parent.prompt,
        duration=parent.duration,
        aspect=parent.aspect,
        resolution=parent.resolution,
        # No overrides: the parent's plan already holds its style and camera, and the edit may
        # change them ("make it claymation"); an override would undo the edit.
        style="",
        camera="",
        seed=parent.seed,
    )
    return draft_create(user=user, opts=opts, cameos=cameos, parent=parent, remix_edit=engine_edit,
                        cameos_left_out=withdrawn)  # fmt: skip
