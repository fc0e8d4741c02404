"""Lineage pages by cursor (depth first, nothing skipped or repeated, a constant number of
queries) and the stored remix counts kept by the create and delete services."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import user_delete
from tests.api.conftest import client_for
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.videos.factories import VideoFactory
from videos import lineage
from videos.models import Video
from videos.services.publishing import video_delete_draft
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db

PLAN = {"prompt": "a cat", "seed": 0, "setting": "studio", "subjects": []}
PER_PAGE = 3


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(lineage, "DESCENDANTS_PER_PAGE", PER_PAGE)
    yield


def _remix_of(parent: Video, **fields: object) -> Video:
    """A published remix written directly (the services are tested below)."""
    fields.setdefault("status", Video.Status.PUBLISHED)
    return VideoFactory(
        parent=parent,
        root_id=parent.root_id or parent.pk,
        depth=parent.depth + 1,
        lineage_path=f"{parent.lineage_path}{parent.pk}/",
        plan=PLAN,
        **fields,
    )


def _tree() -> tuple[Video, list[Video]]:
    """A root and 9 descendants; returns them in depth-first order (children by id, as text)."""
    root = VideoFactory(status=Video.Status.PUBLISHED, plan=PLAN)
    a = _remix_of(root, caption="a")
    a1 = _remix_of(a, caption="a1")
    a1x = _remix_of(a1, caption="a1x")
    a2 = _remix_of(a, caption="a2")
    b = _remix_of(root, caption="b")
    b1 = _remix_of(b, caption="b1")
    c = _remix_of(root, caption="c")
    c1 = _remix_of(c, caption="c1")
    c2 = _remix_of(c, caption="c2")
    nodes = [a, a1, a1x, a2, b, b1, c, c1, c2]

    def key(video: Video) -> bytes:
        return f"{video.lineage_path}{video.pk}/".encode()

    return root, sorted(nodes, key=key)


def _walk_api(api: Client, url: str, key: str, param: str) -> Iterator[dict]:
    query = ""
    while True:
        body = api.get(url + query).json()
        yield body
        if body[key] is None:
            return
        query = f"?{param}={body[key]}"


def test_api_pages_walk_the_tree_depth_first_both_ways(small_pages: None) -> None:
    root, in_order = _tree()
    api = client_for(UserFactory(), ["videos:read"])
    url = f"/api/v1/videos/{root.public_id}/lineage"
    pages = list(_walk_api(api, url, "next_cursor", "after"))
    seen = [node["id"] for page in pages for node in page["descendants"]]
    assert seen == [video.public_id for video in in_order]
    assert [len(page["descendants"]) for page in pages] == [3, 3, 3]
    assert [page["has_previous"] for page in pages] == [False, True, True]
    assert [node["depth"] for node in pages[0]["descendants"]] == [v.depth for v in in_order[:3]]
    # ...and back from the last page.
    back = api.get(f"{url}?before={pages[-1]['previous_cursor']}").json()
    assert [node["id"] for node in back["descendants"]] == seen[3:6]
    first = api.get(f"{url}?before={back['previous_cursor']}").json()
    assert [node["id"] for node in first["descendants"]] == seen[:3]
    assert first["previous_cursor"] is None and first["next_cursor"] is not None


def test_a_subtree_page_stays_inside_the_subtree(small_pages: None) -> None:
    _, in_order = _tree()
    a = next(video for video in in_order if video.caption == "a")
    body = client_for(UserFactory(), ["videos:read"]).get(f"/api/v1/videos/{a.public_id}/lineage")
    below_a = [
        v.public_id for v in in_order if v.lineage_path.startswith(f"{a.lineage_path}{a.pk}/")
    ]
    assert len(below_a) == 3
    assert [node["id"] for node in body.json()["descendants"]] == below_a
    assert body.json()["next_cursor"] is None


def test_page_links_follow_the_cursor_with_the_same_queries(small_pages: None) -> None:
    root, in_order = _tree()
    client = Client()
    client.force_login(UserFactory())
    url = f"/v/{root.public_id}/lineage"
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url).content.decode()
    after = re.search(r'href="\?after=([^"]+)"', first)
    assert after is not None and "Previous" not in first
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(f"{url}?after={after.group(1)}").content.decode()
    assert in_order[3].public_id in second and in_order[2].public_id not in second
    assert 'rel="prev"' in second and 'rel="next"' in second
    assert len(second_queries) == len(first_queries)


def test_a_cursor_not_made_here_is_refused(small_pages: None) -> None:
    root, in_order = _tree()
    api = client_for(UserFactory(), ["videos:read"])
    url = f"/api/v1/videos/{root.public_id}/lineage"
    for query in (f"?after={in_order[2].pk}", "?before=abc", "?after=x&before=y"):
        response = api.get(url + query)
        assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"
    page = Client().get(f"/v/{root.public_id}/lineage?after=forged")
    assert page.status_code == 200 and in_order[0].public_id in page.content.decode()


def test_a_cursor_on_an_unavailable_node_leaks_nothing(small_pages: None) -> None:
    root, in_order = _tree()
    hidden = in_order[2]
    Video.objects.filter(pk=hidden.pk).update(status=Video.Status.REMOVED, caption="secret caption")
    body = client_for(UserFactory(), ["videos:read"]).get(
        f"/api/v1/videos/{root.public_id}/lineage"
    )
    tree = body.json()
    assert tree["descendants"][2] == {
        "depth": hidden.depth,
        "available": False,
        "id": None,
        "owner": None,
        "caption": None,
    }
    assert tree["next_cursor"] and str(hidden.pk) != tree["next_cursor"]
    text = body.content.decode()
    assert hidden.public_id not in text and "secret caption" not in text
    assert hidden.owner.handle not in text


def test_remix_services_keep_the_stored_counts(stub_broker: object) -> None:
    root = VideoFactory(status=Video.Status.PUBLISHED, plan=PLAN)
    maker = UserFactory()
    child = remix_request(user=maker, parent_public_id=root.public_id, edit="anime").video
    Video.objects.filter(pk=child.pk).update(status=Video.Status.PUBLISHED, plan=PLAN)
    other = remix_request(user=UserFactory(), parent_public_id=root.public_id, edit="noir").video
    grandchild = remix_request(user=maker, parent_public_id=child.public_id, edit="neon").video
    counts = dict(Video.objects.values_list("pk", "descendant_count"))
    assert counts == {root.pk: 3, child.pk: 1, other.pk: 0, grandchild.pk: 0}
    assert Video.objects.get(pk=root.pk).remix_count == 2

    video_delete_draft(user=other.owner, public_id=other.public_id)
    root.refresh_from_db()
    assert (root.descendant_count, root.remix_count) == (2, 1)

    # The account goes with its remixes; the grandchild was its too.
    user_delete(user=maker, password=DEFAULT_PASSWORD)
    root.refresh_from_db()
    assert (root.descendant_count, root.remix_count) == (0, 0)
    tree = client_for(UserFactory(), ["videos:read"]).get(
        f"/api/v1/videos/{root.public_id}/lineage"
    )
    assert tree.json()["descendant_count"] == 0 and tree.json()["descendants"] == []


def test_deleting_a_middle_draft_keeps_its_remixes_counted(stub_broker: object) -> None:
    root = VideoFactory(status=Video.Status.PUBLISHED, plan=PLAN)
    maker = UserFactory()
    child = remix_request(user=maker, parent_public_id=root.public_id, edit="anime").video
    Video.objects.filter(pk=child.pk).update(status=Video.Status.DRAFT_READY, plan=PLAN)
    grandchild = remix_request(user=maker, parent_public_id=child.public_id, edit="neon").video
    video_delete_draft(user=maker, public_id=child.public_id)
    root.refresh_from_db()
    assert (root.descendant_count, root.remix_count) == (1, 0)
    tree = client_for(maker, ["videos:read"]).get(f"/api/v1/videos/{root.public_id}/lineage")
    assert [node["id"] for node in tree.json()["descendants"]] == [grandchild.public_id]
