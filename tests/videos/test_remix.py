"""Remix and lineage: consent and policy again, lineage kept, nothing leaks from hidden nodes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cameos.models import Cameo
from sora_site.core.errors import NotFound, PermissionDenied
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import TeenFactory, UserFactory
from tests.videos.factories import BEACH_DOG_PLAN as PLAN
from tests.videos.factories import VideoFactory
from videos import engine_adapter
from videos.lineage import lineage_for
from videos.models import Video
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db


def _published(**fields: object) -> Video:
    fields.setdefault("plan", PLAN)
    return VideoFactory(status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC, **fields)


def test_remix_keeps_the_parent_prompt_and_records_lineage(stub_broker: object) -> None:
    parent = _published()
    child_job = remix_request(
        user=UserFactory(), parent_public_id=parent.public_id, edit="make it claymation"
    )
    child = child_job.video
    assert child.prompt == parent.prompt and child.remix_edit == "make it claymation"
    assert (child.parent, child.root_id, child.depth) == (parent, parent.pk, 1)
    Video.objects.filter(pk=child.pk).update(status=Video.Status.PUBLISHED, plan=PLAN)
    grandchild = remix_request(
        user=UserFactory(), parent_public_id=child.public_id, edit="at night in the snow"
    ).video
    assert grandchild.root_id == parent.pk and grandchild.depth == 2
    assert grandchild.lineage_path == f"{parent.pk}/{child.pk}/"


def test_engine_receives_the_parent_plan_and_the_edit(
    stub_broker: object, tmp_path: object
) -> None:
    parent = _published()
    child = remix_request(
        user=UserFactory(), parent_public_id=parent.public_id, edit="add a dog that barks"
    ).video
    spec = engine_adapter.spec_for(child)
    assert spec.remix_of is not None
    assert spec.remix_of.parent_plan.setting == "beach"
    assert spec.remix_of.edit_prompt == "add a dog that barks"
    assert spec.remix_of.parent_video_id == parent.public_id
    assert spec.style is None and spec.camera is None  # the edit may change them


def test_remix_disabled_is_refused_in_service_and_page(stub_broker: object) -> None:
    parent = _published(allow_remix=False)
    with pytest.raises(PermissionDenied) as error:
        remix_request(user=UserFactory(), parent_public_id=parent.public_id, edit="neon")
    assert error.value.code == "remix_disabled"
    client = Client()
    client.force_login(UserFactory())
    response = client.post(f"/v/{parent.public_id}/remix", {"edit": "neon"})
    assert response.status_code == 403 and "turned remixing off" in response.content.decode()
    assert Video.objects.count() == 1


def test_teens_videos_are_not_remixable_by_default(stub_broker: object) -> None:
    job = remix_request(user=TeenFactory(), parent_public_id=_published().public_id, edit="anime")
    assert job.video.allow_remix is False


def test_someone_elses_draft_cannot_be_remixed_or_seen_in_lineage(stub_broker: object) -> None:
    draft = VideoFactory(status=Video.Status.DRAFT_READY, plan=PLAN)
    with pytest.raises(NotFound):
        remix_request(user=UserFactory(), parent_public_id=draft.public_id, edit="noir")
    client = Client()
    client.force_login(UserFactory())
    assert client.get(f"/v/{draft.public_id}/lineage").status_code == 404
    assert client.post(f"/v/{draft.public_id}/remix", {"edit": "noir"}).status_code == 404


def test_policy_check_runs_on_the_edit(stub_broker: object) -> None:
    parent = _published()
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        f"/v/{parent.public_id}/remix", {"edit": "make the dog covered in blood and gore, graphic"}
    )
    assert response.status_code == 400
    assert Video.objects.count() == 1


def test_inherited_cameo_without_permission_is_refused_or_dropped(stub_broker: object) -> None:
    owner = UserFactory(handle="ana")
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.APPROVED)
    allowed = UserFactory()
    GrantFactory(cameo=cameo, user=allowed)
    parent = _published(owner=allowed, cameo_ids=[cameo.pk])
    stranger = UserFactory()
    with pytest.raises(PermissionDenied) as error:
        remix_request(user=stranger, parent_public_id=parent.public_id, edit="make it anime")
    assert error.value.code == "inherited_cameo_refused" and "swap" in error.value.detail
    dropped = remix_request(
        user=stranger,
        parent_public_id=parent.public_id,
        edit="make it anime",
        drop_cameo_ids=[str(cameo.pk)],
    ).video
    assert dropped.cameo_ids == [] and "remove @ana" in dropped.remix_edit
    kept = remix_request(user=allowed, parent_public_id=parent.public_id, edit="make it anime")
    assert kept.video.cameo_ids == [cameo.pk]


def test_a_remix_that_leaves_out_a_withdrawn_cameo_says_so_on_the_draft(
    stub_broker: object,
) -> None:
    owner = UserFactory(handle="ana")
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE)
    parent = _published(cameo_ids=[cameo.pk])
    cameo.delete()  # the owner withdrew their likeness after the parent was published
    remixer = UserFactory()
    draft = remix_request(user=remixer, parent_public_id=parent.public_id, edit="anime").video
    assert draft.cameo_ids == [] and draft.cameos_left_out == 1
    client = Client()
    client.force_login(remixer)
    page = client.get("/drafts/").content.decode()
    assert "A cameo in the original was left out: its owner withdrew it" in page
    plain = remix_request(user=remixer, parent_public_id=_published().public_id, edit="noir")
    assert plain.video.cameos_left_out == 0  # nothing left out, nothing said


def test_revoked_cameo_blocks_publishing_the_draft(stub_broker: object) -> None:
    from videos.services import video_publish

    owner, user = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.APPROVED)
    GrantFactory(cameo=cameo, user=user)
    draft = VideoFactory(owner=user, status=Video.Status.DRAFT_READY, cameo_ids=[cameo.pk])
    cameo.permission = Cameo.Permission.ONLY_ME
    cameo.save(update_fields=["permission"])
    with pytest.raises(PermissionDenied):
        video_publish(user=user, public_id=draft.public_id, caption="", visibility="public")
    draft.refresh_from_db()
    assert draft.status == Video.Status.DRAFT_READY


def test_lineage_shows_hidden_ancestors_as_unavailable_without_leaking(stub_broker: object) -> None:
    root = _published(caption="the very first one")
    middle = remix_request(user=UserFactory(), parent_public_id=root.public_id, edit="anime").video
    Video.objects.filter(pk=middle.pk).update(
        status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC, plan=PLAN
    )
    leaf = remix_request(user=UserFactory(), parent_public_id=middle.public_id, edit="noir").video
    Video.objects.filter(pk=leaf.pk).update(
        status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC
    )
    Video.objects.filter(pk=root.pk).update(status=Video.Status.REMOVED)
    body = Client().get(f"/v/{leaf.public_id}/lineage").content.decode()
    assert "Unavailable video" in body
    assert "the very first one" not in body and root.public_id not in body
    assert middle.public_id in body


def test_deleting_a_parent_keeps_its_remixes(stub_broker: object) -> None:
    parent = _published()
    child = remix_request(user=UserFactory(), parent_public_id=parent.public_id, edit="neon").video
    parent.delete()
    child.refresh_from_db()
    assert child.parent_id is None and child.depth == 1
    tree = lineage_for(video=child, viewer_id=None)
    assert [node.available for node in tree.ancestors] == [False]


def test_lineage_page_query_count_does_not_grow_with_the_tree(stub_broker: object) -> None:
    def measure(size: int) -> int:
        root = _published()
        for _ in range(size):
            remix_request(user=UserFactory(), parent_public_id=root.public_id, edit="anime")
        with CaptureQueriesContext(connection) as queries:
            tree = lineage_for(video=root, viewer_id=None)
            [node.video.owner.handle for node in tree.descendants if node.video]
        assert tree.descendant_count == size
        return len(queries)

    assert measure(2) == measure(9) <= 4


def test_cameo_owner_may_watch_drafts_using_their_likeness(stub_broker: object) -> None:
    from cameos.services import appearance_record

    owner, maker = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE)
    draft = VideoFactory(
        owner=maker,
        status=Video.Status.DRAFT_READY,
        cameo_ids=[cameo.pk],
        poster_file="videos/x/poster.jpg",
    )
    client = Client()
    client.force_login(owner)
    assert client.get(f"/v/{draft.public_id}/").status_code == 404  # not in the ledger yet
    appearance_record(
        cameo=cameo, video_pk=draft.pk, video_public_id=draft.public_id, video_owner=maker
    )
    assert client.get(f"/v/{draft.public_id}/").status_code == 200
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(f"/v/{draft.public_id}/").status_code == 404
    page = client.get("/cameo/appearances/").content.decode()
    assert f"/v/{draft.public_id}/" in page and f"by @{maker.handle}" in page
