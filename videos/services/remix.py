"""Remix: a new draft from a parent's plan and an edit in plain words, with consent and policy
checked again for the remixer - inherited cameos included."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User
from cameos.models import Cameo
from cameos.permissions import UseDecision, cameo_can_use, cameos_resolve_for_prompt
from sora_site.core.errors import Conflict, PermissionDenied, ValidationFailed
from videos.models import GenerationJob, Video
from videos.selectors import video_viewable
from videos.services.generation import GenerationOptions, draft_create, moderation_gate

MAX_EDIT_CHARS = 500
REMIXABLE = (Video.Status.PUBLISHED, Video.Status.DRAFT_READY)


@dataclass(frozen=True)
class InheritedCameo:
    cameo: Cameo
    decision: UseDecision


def remix_parent(*, user: User, public_id: str) -> Video:
    """The video `user` wants to remix: visible to them, finished, and open to remixes."""
    parent = video_viewable(viewer_id=user.pk, public_id=public_id)
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
    edit = (edit or "").strip()
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
    for inherited in inherited_cameos(user=user, parent=parent):
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
    if len(cameos) > 2:
        raise ValidationFailed("A video can have at most two cameos.", code="too_many_cameos")
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
    return draft_create(user=user, opts=opts, cameos=cameos, parent=parent, remix_edit=engine_edit)
