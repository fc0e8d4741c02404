"""What a shared link of a video carries: the link preview tags (Open Graph, Twitter card), the
oEmbed answer and the download's file name. Only for videos anyone may watch
(`Video.open_to_everyone`): a followers-only or adult-only video shares nothing but its URL."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator, slugify

from sora_site.core.link_preview import MetaTag, meta_tags
from videos.models import Video

# What an embed is sized to when the asker sets no bounds: a phone-sized vertical player, as
# the short-video sites' own embeds are (a 720x1280 frame would fill a page).
EMBED_DEFAULT_WIDTH = 360
EMBED_DEFAULT_HEIGHT = 640
DOWNLOAD_NAME_CHARS = 60

Absolute = Callable[[str], str]  # a path on this site -> its absolute URL


def title_of(video: Video, chars: int = 70) -> str:
    return Truncator(video.caption or video.prompt).chars(chars)


def frame_size(video: Video) -> tuple[int, int]:
    """The picture's size in pixels; a file made before sizes were stored counts as 720x1280."""
    return (video.width or 720, video.height or 1280)


def embed_size(video: Video, max_width: int | None, max_height: int | None) -> tuple[int, int]:
    """The embed's size: the frame's shape, at most the default size and the asker's bounds."""
    width, height = frame_size(video)
    bound_width = min(max_width or EMBED_DEFAULT_WIDTH, EMBED_DEFAULT_WIDTH)
    bound_height = min(max_height or EMBED_DEFAULT_HEIGHT, EMBED_DEFAULT_HEIGHT)
    scale = min(bound_width / width, bound_height / height)
    return (max(1, round(width * scale)), max(1, round(height * scale)))


def _links(video: Video, absolute: Absolute) -> dict[str, str]:
    kwargs = {"public_id": video.public_id}
    return {
        name: absolute(reverse(f"videos:{name}", kwargs=kwargs))
        for name in ("video", "media_video", "media_poster", "embed")
    }


def link_preview_tags(video: Video, absolute: Absolute) -> list[MetaTag]:
    """Open Graph and Twitter player card tags for a public video page; none for any other."""
    if not video.open_to_everyone:
        return []
    links = _links(video, absolute)
    width, height = frame_size(video)
    embed_width, embed_height = embed_size(video, None, None)
    title = title_of(video)
    description = f"A video by @{video.owner.handle} on {settings.SITE_NAME}: " + Truncator(
        video.caption or video.prompt
    ).chars(160)
    tags = [
        ("property", "og:site_name", settings.SITE_NAME),
        ("property", "og:type", "video.other"),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", links["video"]),
        ("property", "og:image", links["media_poster"]),
        ("property", "og:image:type", "image/jpeg"),
        ("property", "og:image:width", str(width)),
        ("property", "og:image:height", str(height)),
        ("property", "og:image:alt", f"Poster frame of {title}"),
        ("property", "og:video", links["media_video"]),
        ("property", "og:video:type", "video/mp4"),
        ("property", "og:video:width", str(width)),
        ("property", "og:video:height", str(height)),
        ("name", "author", f"@{video.owner.handle}"),
        ("name", "twitter:card", "player"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", links["media_poster"]),
        ("name", "twitter:player", links["embed"]),
        ("name", "twitter:player:width", str(embed_width)),
        ("name", "twitter:player:height", str(embed_height)),
        ("name", "twitter:player:stream", links["media_video"]),
        ("name", "twitter:player:stream:content_type", "video/mp4"),
    ]
    if links["media_video"].startswith("https://"):
        tags.append(("property", "og:video:secure_url", links["media_video"]))
    return meta_tags(tags)


def oembed_discovery_url(video: Video, absolute: Absolute) -> str | None:
    """The page's `<link rel="alternate" type="application/json+oembed">`, for public videos."""
    if not video.open_to_everyone:
        return None
    query = urlencode({"format": "json", "url": _links(video, absolute)["video"]})
    return f"{absolute(reverse('videos:oembed'))}?{query}"


def oembed(
    video: Video, absolute: Absolute, *, max_width: int | None, max_height: int | None
) -> dict[str, object]:
    """The oEmbed 1.0 "video" answer for a public video: an iframe of its embed page."""
    links = _links(video, absolute)
    width, height = embed_size(video, max_width, max_height)
    poster_width, poster_height = frame_size(video)
    title = title_of(video)
    html = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" frameborder="0" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>',
        links["embed"],
        width,
        height,
        title,
    )
    return {
        "version": "1.0",
        "type": "video",
        "provider_name": settings.SITE_NAME,
        "provider_url": absolute("/"),
        "title": title,
        "author_name": f"@{video.owner.handle}",
        "author_url": absolute(reverse("accounts:profile", kwargs={"handle": video.owner.handle})),
        "html": str(html),
        "width": width,
        "height": height,
        "thumbnail_url": links["media_poster"],
        "thumbnail_width": poster_width,
        "thumbnail_height": poster_height,
    }


def download_name(video: Video) -> str:
    """The file name a download is saved under: the caption (or prompt) as a slug."""
    slug = slugify(video.caption or video.prompt)[:DOWNLOAD_NAME_CHARS].strip("-")
    return f"{slug or f'{slugify(settings.SITE_NAME)}-{video.public_id}'}.mp4"
