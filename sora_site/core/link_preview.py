"""Link preview tags (Open Graph, Twitter cards) as data: the pages that may be previewed build
a list, `templates/_preview_tags.html` writes it into <head>."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetaTag:
    attribute: str  # "property" for Open Graph, "name" for Twitter cards and author
    key: str
    content: str


def meta_tags(rows: list[tuple[str, str, str]]) -> list[MetaTag]:
    return [MetaTag(attribute, key, content) for attribute, key, content in rows]
