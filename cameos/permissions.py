"""Who may put which cameo into a video. One rule, two forms that must agree:

- `cameo_can_use(cameo=, user=)`: the decision for one pair, with a reason a person can read;
- `cameos_usable_by(user)`: the same rule as one database query (the picker, /cameos/available/).

The rule:
1. The cameo must be usable (verified person cameo or active character) and its owner active.
2. The owner may always use their own usable cameo.
3. A block (account-wide in either direction, or on this cameo) refuses.
4. only_me: the owner only. approved: an approved grant. mutuals: mutual follows or an approved
   grant. everyone: anyone signed in.
5. A teen's cameo is never open to everyone (enforced when saving, too), and an adult may use a
   teen's cameo only with an approved grant AND mutual follows (and not when it is only_me).
   Teens using adults' cameos follow the normal rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import ADULT_AGE
from accounts.social import Block, Follow
from cameos.models import Cameo, CameoBlock, CameoGrant
from sora_site.core.errors import PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from accounts.models import User

USABLE_STATUSES = (Cameo.Status.VERIFIED, Cameo.Status.ACTIVE)


# Refusals the owner can lift by approving a request: the refusal offers "Request access".
ASKABLE = frozenset({"cameo_not_approved", "cameo_mutuals_only", "cameo_teen_protected"})


class CameoRefused(PermissionDenied):
    """A cameo the user may not use, naming it, so the page can offer to ask its owner."""

    def __init__(self, detail: str, *, code: str, cameo_id: int | None) -> None:
        super().__init__(detail, code=code)
        self.cameo_id = cameo_id

    @property
    def askable(self) -> bool:
        return self.cameo_id is not None and self.code in ASKABLE


@dataclass(frozen=True)
class UseDecision:
    allowed: bool
    reason: str = ""
    code: str = "ok"
    cameo_id: int | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def raise_if_denied(self) -> None:
        if not self.allowed:
            raise CameoRefused(self.reason, code=self.code, cameo_id=self.cameo_id)


ALLOWED = UseDecision(True, "", "ok")


def _deny(reason: str, code: str) -> UseDecision:
    return UseDecision(False, reason, code)


def _is_teen(user: Any) -> bool:
    return bool(getattr(user, "is_teen", False))


def _has_grant(cameo: Cameo, user: User) -> bool:
    return CameoGrant.objects.filter(
        cameo=cameo, user=user, status=CameoGrant.Status.APPROVED
    ).exists()


def _are_mutuals(a: User, b: User) -> bool:
    return Follow.objects.filter(Q(follower=a, followee=b) | Q(follower=b, followee=a)).count() == 2


def cameo_can_use(*, cameo: Cameo, user: Any) -> UseDecision:
    """May `user` put `cameo` into a video right now? Never raises; see UseDecision."""
    decision = _decide(cameo, user)
    return decision if decision.allowed else replace(decision, cameo_id=cameo.pk)


def _decide(cameo: Cameo, user: Any) -> UseDecision:
    name = cameo.display_name
    if user is None or not getattr(user, "is_authenticated", False):
        return _deny("Sign in to use cameos.", "login_required")
    if cameo.status not in USABLE_STATUSES:
        if cameo.status == Cameo.Status.REVOKED:
            return _deny(f"The cameo {name} has been switched off.", "cameo_revoked")
        return _deny(f"The cameo {name} is not verified.", "cameo_unverified")
    owner = cameo.owner
    if not owner.is_active:
        return _deny(f"The cameo {name} is not available.", "cameo_unavailable")
    if owner.pk == user.pk:
        return ALLOWED
    if not user.is_active:
        return _deny("Your account is not active.", "inactive")
    blocked = (
        Block.objects.filter(
            Q(blocker=owner, blocked=user) | Q(blocker=user, blocked=owner)
        ).exists()
        or CameoBlock.objects.filter(cameo=cameo, user=user).exists()
    )
    if blocked:
        return _deny(f"You cannot use the cameo {name}.", "cameo_blocked")
    level = cameo.permission
    if level == Cameo.Permission.ONLY_ME:
        return _deny(f"Only its owner can use the cameo {name}.", "cameo_only_me")
    owner_teen = _is_teen(owner)
    if owner_teen and not _is_teen(user):
        if _has_grant(cameo, user) and _are_mutuals(owner, user):
            return ALLOWED
        return _deny(
            f"{name} belongs to a teen: adults need their approval and must follow each other.",
            "cameo_teen_protected",
        )
    if level == Cameo.Permission.APPROVED:
        if _has_grant(cameo, user):
            return ALLOWED
        return _deny(
            f"The owner of {name} has not approved you. Ask for access first.",
            "cameo_not_approved",
        )
    if level == Cameo.Permission.MUTUALS or (level == Cameo.Permission.EVERYONE and owner_teen):
        if _has_grant(cameo, user) or _are_mutuals(owner, user):
            return ALLOWED
        return _deny(
            f"Only people who follow each other with the owner of {name} can use it.",
            "cameo_mutuals_only",
        )
    return ALLOWED  # everyone, adult owner


def _teen_cutoff(today: dt.date) -> dt.date:
    """People born after this date are teens today (accounts.models.age_on semantics)."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February: the 18th birthday is on 1 March in common years
        return today.replace(year=today.year - ADULT_AGE, month=3, day=1) - dt.timedelta(days=1)


def cameos_usable_by(user: Any) -> QuerySet[Cameo]:
    """Every cameo `user` may use, as one query (the same rule as cameo_can_use)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Cameo.objects.none()
    owner_teen = Q(owner__birthdate__gt=_teen_cutoff(timezone.localdate()))
    granted = Exists(
        CameoGrant.objects.filter(
            cameo=OuterRef("pk"), user=user, status=CameoGrant.Status.APPROVED
        )
    )
    mutual = Exists(Follow.objects.filter(follower=user, followee=OuterRef("owner"))) & Exists(
        Follow.objects.filter(follower=OuterRef("owner"), followee=user)
    )
    blocked = Exists(
        Block.objects.filter(
            Q(blocker=OuterRef("owner"), blocked=user) | Q(blocker=user, blocked=OuterRef("owner"))
        )
    ) | Exists(CameoBlock.objects.filter(cameo=OuterRef("pk"), user=user))
    P = Cameo.Permission
    if _is_teen(user):
        others = (
            Q(permission=P.APPROVED) & granted
            | Q(permission=P.MUTUALS) & (granted | mutual)
            | Q(permission=P.EVERYONE) & ~owner_teen
            | Q(permission=P.EVERYONE) & owner_teen & (granted | mutual)
        )
    else:
        others = (
            ~owner_teen
            & (
                Q(permission=P.APPROVED) & granted
                | Q(permission=P.MUTUALS) & (granted | mutual)
                | Q(permission=P.EVERYONE)
            )
            | owner_teen & ~Q(permission=P.ONLY_ME) & granted & mutual
        )
    return Cameo.objects.filter(
        Q(status__in=USABLE_STATUSES, owner__is_active=True)
        & (Q(owner=user) | (~Q(owner=user) & ~blocked & others))
    )


def cameo_consent_still_valid(*, cameo_ids: Iterable[int], user: Any) -> UseDecision:
    """Re-check consent for every cameo in a video (when its job runs and at publish).

    A cameo that was deleted counts as refused. Returns the first refusal, or ALLOWED."""
    ids = list(dict.fromkeys(int(i) for i in cameo_ids))
    if not ids:
        return ALLOWED
    cameos = {c.pk: c for c in Cameo.objects.filter(pk__in=ids).select_related("owner")}
    for cameo_id in ids:
        cameo = cameos.get(cameo_id)
        if cameo is None:
            return _deny("A cameo in this video was deleted by its owner.", "cameo_deleted")
        decision = cameo_can_use(cameo=cameo, user=user)
        if not decision.allowed:
            return decision
    return ALLOWED


# --- restrictions and prompts -------------------------------------------------------------------

MAX_CAMEOS_PER_VIDEO = 2
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9_.]{3,30})", re.I)


def cameo_check_prompt_restrictions(*, cameo: Cameo, prompt: str) -> UseDecision:
    """Does `prompt` respect the owner's restrictions? Refuses with the owner's own words."""
    from cameos.restrictions import prompt_conflicts

    conflicts = prompt_conflicts(restrictions=cameo.restrictions, prompt=prompt)
    if not conflicts:
        return ALLOWED
    words = "; ".join(f'"{c.rule.text}"' for c in conflicts[:3])
    return _deny(
        f"{cameo.display_name}'s owner asks: {words}. Change the prompt or leave the cameo out.",
        "cameo_restricted",
    )


def cameos_resolve_for_prompt(
    *, user: Any, prompt: str, selected_ids: Iterable[int | str] = ()
) -> list[Cameo]:
    """The cameos a prompt asks for: picked ids plus @handle mentions of owners (their person
    cameo). At most two; each must be usable by `user` and its restrictions respected.
    Raises ValidationFailed / PermissionDenied with the reason; returns them in order."""
    ids: list[int] = []
    for raw in selected_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise ValidationFailed("Pick cameos from the list.", code="invalid_cameo") from None
    handles = list(dict.fromkeys(h.lower() for h in _MENTION.findall(prompt or "")))
    found: dict[int, Cameo] = {}
    if ids:
        for cameo in Cameo.objects.filter(pk__in=ids).select_related("owner"):
            found[cameo.pk] = cameo
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationFailed("One of the picked cameos does not exist.", code="no_cameo")
    chosen: list[Cameo] = [found[i] for i in dict.fromkeys(ids)]
    if handles:
        by_handle = {
            c.owner.handle.lower(): c
            for c in Cameo.objects.filter(
                kind=Cameo.Kind.PERSON, owner__handle__in=handles
            ).select_related("owner")
        }
        for handle in handles:
            mentioned = by_handle.get(handle)
            if mentioned is None:
                # A mention of someone without a cameo is just text in the prompt.
                continue
            if all(c.pk != mentioned.pk for c in chosen):
                chosen.append(mentioned)
    if len(chosen) > MAX_CAMEOS_PER_VIDEO:
        raise ValidationFailed(
            f"A video can have at most {MAX_CAMEOS_PER_VIDEO} cameos.", code="too_many_cameos"
        )
    for cameo in chosen:
        cameo_can_use(cameo=cameo, user=user).raise_if_denied()
        decision = cameo_check_prompt_restrictions(cameo=cameo, prompt=prompt)
        if not decision.allowed:
            raise ValidationFailed(decision.reason, code=decision.code)
    return chosen
