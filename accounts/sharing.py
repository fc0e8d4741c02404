"""The link preview of a profile (Open Graph, Twitter summary card). None for teens: a shared
link to a minor's profile shows no name, picture or bio in other apps."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import User
from accounts.templatetags.accounts_tags import avatar_url
from sora_site.core.link_preview import MetaTag, meta_tags


def profile_preview_tags(person: User, absolute: Callable[[str], str]) -> list[MetaTag]:
    if person.is_teen:
        return []
    title = f"{person.name} (@{person.handle})"
    description = Truncator(person.bio).chars(200) or f"Videos by @{person.handle}."
    rows = [
        ("property", "og:site_name", settings.SITE_NAME),
        ("property", "og:type", "profile"),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", absolute(reverse("accounts:profile", args=[person.handle]))),
        ("property", "profile:username", person.handle),
        ("name", "author", f"@{person.handle}"),
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    avatar = avatar_url(person)
    if avatar:
        rows += [
            ("property", "og:image", absolute(avatar)),
            ("property", "og:image:alt", f"@{person.handle}'s picture"),
            ("name", "twitter:image", absolute(avatar)),
        ]
    return meta_tags(rows)
