"""`{% load accounts_tags %}` then `{{ someone|avatar_url }}`: the URL of a person's avatar
("" when they have none), served by accounts whatever the storage backend is."""

from __future__ import annotations

import posixpath

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def avatar_url(user: object) -> str:
    avatar = getattr(user, "avatar", None)
    if not avatar:
        return ""
    return reverse("accounts:avatar", kwargs={"name": posixpath.basename(avatar.name)})
