"""Watching is not forking: the owner of a cameo in someone else's unpublished draft may watch it,
but neither the Remix page nor the API lets them remix it (and so publish a copy of it)."""

from __future__ import annotations

import pytest
from django.test import Client

from cameos.services import appearance_record
from sora_site.core.errors import PermissionDenied
from tests.api.conftest import client_for
from tests.cameos.factories import CameoFactory
from tests.factories import UserFactory
from tests.videos.factories import BEACH_DOG_PLAN as PLAN
from tests.videos.factories import VideoFactory
from videos.models import Video
from videos.selectors import video_viewable
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db


def _draft_with_cameo_of(person: object) -> Video:
    cameo = CameoFactory(owner=person)
    draft = VideoFactory(status=Video.Status.DRAFT_READY, plan=PLAN, cameo_ids=[cameo.pk])
    appearance_record(
        cameo=cameo, video_pk=draft.pk, video_public_id=draft.public_id, video_owner=draft.owner
    )
    return draft


def test_a_cameo_owner_may_watch_but_not_remix_a_draft(stub_broker: object) -> None:
    cameo_owner = UserFactory()
    draft = _draft_with_cameo_of(cameo_owner)
    # Watching still works: they co-own where they appear.
    assert video_viewable(viewer_id=cameo_owner.pk, public_id=draft.public_id) == draft
    with pytest.raises(PermissionDenied) as refused:
        remix_request(user=cameo_owner, parent_public_id=draft.public_id, edit="make it noir")
    assert refused.value.code == "not_published"
    assert Video.objects.count() == 1


def test_the_remix_page_refuses_a_draft_to_a_cameo_owner(stub_broker: object) -> None:
    cameo_owner = UserFactory()
    draft = _draft_with_cameo_of(cameo_owner)
    browser = Client()
    browser.force_login(cameo_owner)
    page = browser.get(f"/v/{draft.public_id}/remix")
    assert page.status_code == 403
    assert "Only published videos can be remixed" in page.content.decode()
    posted = browser.post(f"/v/{draft.public_id}/remix", {"edit": "make it noir"})
    assert posted.status_code == 403
    assert Video.objects.count() == 1
    # And the video page offers no Remix button for it.
    watched = browser.get(f"/v/{draft.public_id}/")
    assert watched.status_code == 200
    assert f"/v/{draft.public_id}/remix" not in watched.content.decode()


def test_the_api_refuses_a_draft_to_a_cameo_owner(stub_broker: object) -> None:
    cameo_owner = UserFactory()
    draft = _draft_with_cameo_of(cameo_owner)
    api = client_for(cameo_owner, ["generate", "videos:read"])
    assert api.get(f"/api/v1/videos/{draft.public_id}").status_code == 200  # may watch
    response = api.post(
        f"/api/v1/videos/{draft.public_id}/remix",
        {"edit": "make it noir"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_published"
    assert Video.objects.count() == 1


def test_published_videos_and_own_drafts_stay_remixable(stub_broker: object) -> None:
    cameo_owner = UserFactory()
    published = _draft_with_cameo_of(cameo_owner)
    Video.objects.filter(pk=published.pk).update(status=Video.Status.PUBLISHED)
    job = remix_request(user=cameo_owner, parent_public_id=published.public_id, edit="at night")
    assert job.video.parent_id == published.pk
    own = VideoFactory(owner=cameo_owner, status=Video.Status.DRAFT_READY, plan=PLAN)
    job = remix_request(user=cameo_owner, parent_public_id=own.public_id, edit="in the snow")
    assert job.video.parent_id == own.pk
