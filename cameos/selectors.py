"""Reads about cameos, each scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from cameos.models import Cameo, CameoAppearance, CameoBlock, CameoGrant, VerificationAttempt
from cameos.permissions import cameos_usable_by
from cameos.services import VideoCard, video_resolver

APPEARANCES_PAGE = 100
AVAILABLE_PAGE = 200


def cameos_available_for(*, user: User) -> QuerySet[Cameo]:
    """Every cameo `user` may use (their own first), for the Create picker."""
    return (
        cameos_usable_by(user)
        .select_related("owner")
        .order_by("kind", "display_name", "id")[:AVAILABLE_PAGE]
    )


def cameos_owned(*, user: User) -> QuerySet[Cameo]:
    return Cameo.objects.filter(owner=user).order_by("kind", "created", "id")


def cameo_owned(*, user: User, cameo_id: int) -> Cameo | None:
    return Cameo.objects.filter(owner=user, pk=cameo_id).first()


def cameo_visible(*, cameo_id: int) -> Cameo | None:
    """A usable cameo anyone may see the name of (the request-access page)."""
    return (
        Cameo.objects.filter(
            pk=cameo_id,
            status__in=[Cameo.Status.VERIFIED, Cameo.Status.ACTIVE],
            owner__is_active=True,
        )
        .select_related("owner")
        .first()
    )


@dataclass
class ManageData:
    requests: list[CameoGrant]
    approved: list[CameoGrant]
    denied: list[CameoGrant]
    blocks: list[CameoBlock]
    last_attempt: VerificationAttempt | None


def cameo_manage_data(*, cameo: Cameo) -> ManageData:
    grants = list(cameo.grants.select_related("user").order_by("-created", "-id"))
    return ManageData(
        requests=[g for g in grants if g.status == CameoGrant.Status.REQUESTED],
        approved=[g for g in grants if g.status == CameoGrant.Status.APPROVED],
        denied=[
            g for g in grants if g.status in (CameoGrant.Status.DENIED, CameoGrant.Status.REVOKED)
        ],
        blocks=list(cameo.blocks.select_related("user").order_by("-created", "-id")),
        last_attempt=cameo.attempts.order_by("-created", "-id").first(),
    )


@dataclass
class AppearanceRow:
    appearance: CameoAppearance
    card: VideoCard | None


def appearances_for_owner(*, user: User) -> list[AppearanceRow]:
    """Every video any of the user's cameos appeared in, newest first, with what the videos
    app tells about each (one query for the ledger, one through the resolver)."""
    rows = list(
        CameoAppearance.objects.filter(cameo__owner=user)
        .select_related("cameo", "video_owner")
        .order_by("-created", "-id")[:APPEARANCES_PAGE]
    )
    resolver = video_resolver()
    cards: dict[int, VideoCard] = resolver([r.video_id for r in rows]) if resolver and rows else {}
    return [AppearanceRow(r, cards.get(r.video_id)) for r in rows]


def appearance_owner_ids(*, video_pk: int) -> list[int]:
    """Owners of cameos in a video: the videos app treats them as co-owners (may watch and
    delete the video, drafts included)."""
    return list(
        CameoAppearance.objects.filter(video_id=video_pk)
        .values_list("cameo__owner_id", flat=True)
        .distinct()
    )


def verification_queue() -> QuerySet[VerificationAttempt]:
    return VerificationAttempt.objects.filter(
        status=VerificationAttempt.Status.AWAITING_REVIEW
    ).select_related("cameo", "cameo__owner")
