"""Issue 19, the video page and sharing: the feed's actions on the video page, download (as
stored, C2PA intact, named after the caption, turned off by the creator), link previews on public
pages only, oEmbed, and the one page other sites may frame."""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

import gen_engine
from gen_engine.provenance import verify
from tests.factories import TeenFactory, UserFactory
from tests.videos.factories import VideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db
BODY = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8


def _published(body: bytes = BODY, **fields: object) -> Video:
    video = VideoFactory(
        status=Video.Status.PUBLISHED,
        caption=fields.pop("caption", "Sunset Skate: the long ride home!"),
        width=720,
        height=1280,
        **fields,
    )
    video.video_file.name = default_storage.save(
        f"videos/{video.public_id}/clip.mp4", ContentFile(body)
    )
    video.poster_file.name = default_storage.save(
        f"videos/{video.public_id}/poster.jpg", ContentFile(b"\xff\xd8poster")
    )
    video.save(update_fields=["video_file", "poster_file"])
    return video


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


class _Head(HTMLParser):
    """The <meta> tags of a page, as a crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "meta" and "content" in values:
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values["content"]
        if tag == "link":
            self.links.append(values)


def _head(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


# --- the video page carries the feed's actions ---------------------------------------------


def test_video_page_has_the_feeds_actions_for_a_signed_in_viewer() -> None:
    video = _published()
    page = _client(UserFactory()).get(f"/v/{video.public_id}/").content.decode()
    assert 'class="actions actions-row"' in page
    for action in ("feed-like", "feed-comments-toggle", "feed-remix", "feed-share", "feed-follow"):
        assert f"action {action}" in page or f'class="{action}"' in page, action
    assert f'href="/v/{video.public_id}/download"' in page
    assert f'href="/report/video/{video.public_id}/"' in page
    assert f'href="/@{video.owner.handle}"' in page or f'href="/@{video.owner.handle}/"' in page
    assert "js/actions.js" in page
    # The feed's items are drawn by the same template, as a rail.
    feed_items = Path("templates/feed/_items.html").read_text()
    assert '{% include "feed/_actions.html" with layout="rail" %}' in feed_items


def test_signed_out_visitors_get_links_to_log_in_instead_of_buttons() -> None:
    video = _published()
    page = Client().get(f"/v/{video.public_id}/").content.decode()
    assert "Log in to like" in page and "Log in to comment" in page
    assert "feed-like" not in page and "feed-follow" not in page
    assert "/report/video/" not in page
    assert f'href="/v/{video.public_id}/download"' in page  # public and allowed: anyone


def test_like_count_shown_on_the_page_is_the_videos() -> None:
    from feed.services import like_set

    video = _published()
    liker = UserFactory()
    like_set(viewer=liker, video=video, liked=True)
    page = _client(liker).get(f"/v/{video.public_id}/").content.decode()
    like = re.search(
        r'class="action feed-like" aria-pressed="(\w+)".*?class="count">(\d+)<', page, re.S
    )
    assert like is not None and like.groups() == ("true", "1")


# --- download --------------------------------------------------------------------------------


def _body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_download_is_the_stored_file_as_an_attachment_named_after_the_caption() -> None:
    video = _published()
    response = _client(UserFactory()).get(f"/v/{video.public_id}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == (
        'attachment; filename="sunset-skate-the-long-ride-home.mp4"'
    )
    assert _body(response) == BODY


def test_download_of_a_real_clip_keeps_its_c2pa_manifest(tmp_path: Path) -> None:
    spec = gen_engine.GenerationSpec(
        prompt="a red ball bounces in a studio", duration=5, resolution=480, video_id="dl1"
    )
    clip = Path(gen_engine.generate(spec, tmp_path).video_path)
    video = _published(body=clip.read_bytes())
    downloaded = _body(Client().get(f"/v/{video.public_id}/download"))
    assert downloaded == clip.read_bytes()
    with tempfile.NamedTemporaryFile(suffix=".mp4") as copy:
        copy.write(downloaded)
        copy.flush()
        report = verify(copy.name)
    assert report.ok, report.errors
    assert report.summary  # the generation assertions are there to read


def test_creator_turns_downloads_off_and_only_they_may_still_download() -> None:
    video = _published()
    owner = _client(video.owner)
    response = owner.post(f"/v/{video.public_id}/settings", {"allow_remix": "1"})
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.allow_download is False and video.allow_remix is True
    stranger = _client(UserFactory())
    refused = stranger.get(f"/v/{video.public_id}/download")
    assert refused.status_code == 403
    assert "turned downloads off" in refused.content.decode()
    page = stranger.get(f"/v/{video.public_id}/").content.decode()
    assert f"/v/{video.public_id}/download" not in page
    assert owner.get(f"/v/{video.public_id}/download").status_code == 200
    api = stranger.get(f"/api/v1/videos/{video.public_id}").json()
    assert api["allow_download"] is False and api["links"]["download"] is None


def test_download_follows_who_may_watch() -> None:
    from accounts.social import follow_create

    follower, stranger = UserFactory(), UserFactory()
    video = _published(visibility=Video.Visibility.FOLLOWERS)
    follow_create(follower=follower, followee=video.owner)
    allowed = _client(follower).get(f"/v/{video.public_id}/download")
    assert allowed.status_code == 200 and "private" in allowed["Cache-Control"]
    assert _client(stranger).get(f"/v/{video.public_id}/download").status_code == 404
    draft = VideoFactory(status=Video.Status.DRAFT_READY)
    assert _client(stranger).get(f"/v/{draft.public_id}/download").status_code == 404


def test_the_api_changes_download_settings_and_refuses_an_empty_change() -> None:
    from tests.api.conftest import client_for

    video = _published()
    api = client_for(video.owner)
    url = f"/api/v1/videos/{video.public_id}"
    changed = api.patch(url, '{"allow_download": false}', content_type="application/json")
    assert changed.status_code == 200 and changed.json()["allow_download"] is False
    assert changed.json()["allow_remix"] is True  # left alone
    empty = api.patch(url, "{}", content_type="application/json")
    assert empty.status_code == 400
    video.refresh_from_db()
    assert (video.allow_download, video.allow_remix) == (False, True)


# --- link previews ---------------------------------------------------------------------------


def test_public_video_page_has_open_graph_and_player_card_tags() -> None:
    video = _published()
    head = _head(Client().get(f"/v/{video.public_id}/").content.decode())
    meta = head.meta
    base = "http://testserver"
    assert meta["og:type"] == "video.other"
    assert meta["og:title"] == "Sunset Skate: the long ride home!"
    assert f"@{video.owner.handle}" in meta["og:description"]
    assert meta["og:url"] == f"{base}/v/{video.public_id}/"
    assert meta["og:image"] == f"{base}/media/v/{video.public_id}/poster"
    assert meta["og:video"] == f"{base}/media/v/{video.public_id}/video"
    assert (meta["og:video:type"], meta["og:video:width"], meta["og:video:height"]) == (
        "video/mp4",
        "720",
        "1280",
    )
    assert meta["author"] == f"@{video.owner.handle}"
    assert meta["twitter:card"] == "player"
    assert meta["twitter:player"] == f"{base}/embed/{video.public_id}/"
    oembed = [link for link in head.links if link.get("type") == "application/json+oembed"]
    assert len(oembed) == 1
    assert quote(f"{base}/v/{video.public_id}/", safe="") in oembed[0]["href"]


@pytest.mark.parametrize(
    "fields",
    [{"visibility": Video.Visibility.FOLLOWERS}, {"adult_only": True}],
    ids=["followers-only", "adult-only"],
)
def test_no_previews_on_videos_not_everyone_may_watch(fields: dict[str, object]) -> None:
    video = _published(**fields)
    owner_view = _client(video.owner).get(f"/v/{video.public_id}/")
    assert owner_view.status_code == 200  # the page is there for who may see it
    head = _head(owner_view.content.decode())
    assert not [key for key in head.meta if key.startswith(("og:", "twitter:"))]
    assert not [link for link in head.links if "oembed" in link.get("type", "")]
    assert Client().get(f"/v/{video.public_id}/").status_code == 404


def test_profiles_have_previews_except_teens() -> None:
    adult = UserFactory(bio="I make skate videos.")
    meta = _head(Client().get(f"/@{adult.handle}/").content.decode()).meta
    assert meta["og:type"] == "profile"
    assert meta["og:title"] == f"{adult.name} (@{adult.handle})"
    assert meta["og:description"] == "I make skate videos."
    assert meta["profile:username"] == adult.handle
    teen = TeenFactory()
    teen_meta = _head(Client().get(f"/@{teen.handle}/").content.decode()).meta
    assert not [key for key in teen_meta if key.startswith(("og:", "twitter:"))]


# --- oEmbed and the embeddable player --------------------------------------------------------


def test_oembed_answers_for_a_public_video_with_an_iframe_of_the_embed_page() -> None:
    video = _published()
    url = f"http://testserver/v/{video.public_id}/"
    answer = Client().get("/oembed", {"url": url, "format": "json"})
    assert answer.status_code == 200
    data = answer.json()
    assert data["version"] == "1.0" and data["type"] == "video"
    assert data["author_name"] == f"@{video.owner.handle}"
    assert (data["width"], data["height"]) == (360, 640)
    assert f'src="http://testserver/embed/{video.public_id}/"' in data["html"]
    assert data["thumbnail_url"].endswith(f"/media/v/{video.public_id}/poster")
    small = Client().get("/oembed", {"url": url, "maxwidth": "180"}).json()
    assert (small["width"], small["height"]) == (180, 320)
    by_path = Client().get("/oembed", {"url": f"/embed/{video.public_id}/"})
    assert by_path.status_code == 200


def test_oembed_refuses_clearly() -> None:
    public = _published()
    private = _published(visibility=Video.Visibility.FOLLOWERS)
    cases = [
        ({}, 400, "url_required"),
        ({"url": f"/v/{public.public_id}/", "format": "xml"}, 501, "format_not_implemented"),
        ({"url": f"/v/{public.public_id}/", "maxwidth": "wide"}, 400, "invalid_size"),
        ({"url": f"/v/{private.public_id}/"}, 404, "not_found"),
        ({"url": "http://other.example/v/abc/"}, 404, "not_found"),
        ({"url": "/drafts/"}, 404, "not_found"),
        ({"url": "http://[::1"}, 400, "invalid_url"),
    ]
    for query, status, code in cases:
        response = Client().get("/oembed", query)
        assert response.status_code == status, query
        assert response.json()["code"] == code, query


def test_only_the_embed_page_may_be_framed_by_other_sites() -> None:
    video = _published()
    embed = Client().get(f"/embed/{video.public_id}/")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    html = embed.content.decode()
    assert f'src="/media/v/{video.public_id}/video"' in html
    assert f'href="/v/{video.public_id}/"' in html and 'target="_blank"' in html
    for path in (f"/v/{video.public_id}/", "/feed/", "/oembed?url=x", "/"):
        response = Client().get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path


def test_embed_of_a_video_not_everyone_may_watch_shows_nothing_of_it() -> None:
    private = _published(visibility=Video.Visibility.FOLLOWERS, caption="secret caption")
    response = _client(private.owner).get(f"/embed/{private.public_id}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "not available" in html and "secret caption" not in html and "<video" not in html
