"""Path converters that admit only the alphabet of what they name.

A `<str:>` segment lets anything but "/" through to the database, and PostgreSQL refuses a NUL
in text with an error (a 500). These match only what the site itself makes, so a NUL, a
non-ASCII or overlong segment is a 404 from the resolver, before any view or query runs.
Registered once, by sora_site.apps.SiteConfig.ready(), before any URLconf is loaded.
"""

from __future__ import annotations

from django.urls import register_converter


class _TextConverter:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class PublicIdConverter(_TextConverter):
    """Public ids of videos and jobs: secrets.token_urlsafe (videos.models.new_public_id),
    stored in a CharField of 16."""

    regex = "[A-Za-z0-9_-]{1,16}"


class HandleConverter(_TextConverter):
    """Handles: a-z, 0-9, "_" and "." up to 30 (accounts.models.HANDLE_PATTERN). Capitals are
    let through because links are case-insensitive (views lowercase them before the lookup)."""

    regex = "[A-Za-z0-9_.]{1,30}"


class ObjectRefConverter(_TextConverter):
    """What a report names: a public id, a handle (with or without "@") or a comment number."""

    regex = "@?[A-Za-z0-9_.-]{1,30}"


CONVERTERS = {
    "public_id": PublicIdConverter,
    "handle": HandleConverter,
    "object_ref": ObjectRefConverter,
}


def register_converters() -> None:
    for name, converter in CONVERTERS.items():
        register_converter(converter, name)
