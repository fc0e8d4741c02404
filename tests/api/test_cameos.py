"""Cameo endpoints: the owner's cameos, settings under the same rules as the cameo page,
access requests, the appearance ledger; nobody else's."""

from __future__ import annotations

import pytest

from cameos.models import Cameo, CameoAppearance, CameoGrant
from tests.api.conftest import client_for
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import TeenFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_owner_lists_and_changes_a_cameo() -> None:
    cameo = CameoFactory()
    api = client_for(cameo.owner)
    listed = api.get("/api/v1/cameos").json()["results"]
    assert [c["id"] for c in listed] == [cameo.pk]
    changed = api.patch(
        f"/api/v1/cameos/{cameo.pk}",
        {"permission": "mutuals", "restrictions": "no rain"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    cameo.refresh_from_db()
    assert (cameo.permission, cameo.restrictions) == ("mutuals", "no rain")


def test_teen_cameos_cannot_be_open_to_everyone() -> None:
    cameo = CameoFactory(owner=TeenFactory())
    response = client_for(cameo.owner).patch(
        f"/api/v1/cameos/{cameo.pk}", {"permission": "everyone"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "teen_everyone"
    cameo.refresh_from_db()
    assert cameo.permission == Cameo.Permission.ONLY_ME


def test_requests_are_answered_by_the_owner_only() -> None:
    grant = GrantFactory(status=CameoGrant.Status.REQUESTED)
    cameo = grant.cameo
    stranger = client_for(UserFactory())
    assert stranger.get(f"/api/v1/cameos/{cameo.pk}").status_code == 404
    assert stranger.get(f"/api/v1/cameos/{cameo.pk}/requests").status_code == 404
    path = f"/api/v1/cameos/{cameo.pk}/requests/{grant.pk}/approve"
    assert stranger.post(path).status_code == 404
    grant.refresh_from_db()
    assert grant.status == CameoGrant.Status.REQUESTED

    owner = client_for(cameo.owner)
    requests = owner.get(f"/api/v1/cameos/{cameo.pk}/requests").json()["results"]
    assert [(r["id"], r["status"]) for r in requests] == [(grant.pk, "requested")]
    approved = owner.post(path)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert owner.post(f"/api/v1/cameos/{cameo.pk}/requests/{grant.pk}/revoke").json()["status"] == (
        "revoked"
    )


def test_appearance_ledger_shows_only_my_cameos() -> None:
    mine = CameoFactory()
    other = CameoFactory()
    CameoAppearance.objects.create(
        cameo=mine, video_id=1, video_public_id="vid-mine", video_owner=mine.owner
    )
    CameoAppearance.objects.create(
        cameo=other, video_id=2, video_public_id="vid-other", video_owner=other.owner
    )
    rows = client_for(mine.owner).get("/api/v1/cameos/appearances").json()["results"]
    assert [r["video_id"] for r in rows] == ["vid-mine"]


def test_available_cameos_and_request_access() -> None:
    me, star = UserFactory(), UserFactory(handle="star")
    mine = CameoFactory(owner=me)
    open_cameo = CameoFactory(owner=star, permission="everyone")
    asked = CameoFactory(owner=UserFactory(), permission="approved")
    api = client_for(me, ["cameos:read", "cameos:write"])
    listed = [row["id"] for row in api.get("/api/v1/cameos/available").json()["results"]]
    assert mine.pk in listed and open_cameo.pk in listed and asked.pk not in listed
    response = api.post(f"/api/v1/cameos/{asked.pk}/request-access")
    assert response.status_code == 201 and response.json()["status"] == "requested"
    assert CameoGrant.objects.filter(cameo=asked, user=me).exists()
    response = api.post(f"/api/v1/cameos/{mine.pk}/request-access")
    assert response.status_code == 400 and response.json()["code"] == "own_cameo"
    assert api.post("/api/v1/cameos/999999/request-access").status_code == 404
