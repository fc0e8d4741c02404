"""Feed pieces shown on other apps' pages (the profile's videos and follower counts, the action
row of the video page)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import User
from accounts.social import is_blocked_between, is_following
from feed import selectors
from videos.models import Video

register = template.Library()


@register.inclusion_tag("feed/_profile_section.html", takes_context=True)
def profile_section(context: dict[str, Any], person: User) -> dict[str, Any]:
    viewer = context["request"].user
    signed_in = viewer.is_authenticated
    blocked = signed_in and viewer.pk != person.pk and is_blocked_between(viewer, person)
    return {
        "person": person,
        "counts": selectors.follow_counts(person),
        "videos": []
        if blocked
        else selectors.profile_videos(person, viewer if signed_in else None),
        "is_self": signed_in and viewer.pk == person.pk,
        "signed_in": signed_in,
        "following": signed_in and not blocked and is_following(viewer, person),
        "blocked": blocked,
    }


@register.inclusion_tag("feed/_actions.html", takes_context=True)
def video_actions(context: dict[str, Any], video: Video) -> dict[str, Any]:
    """The feed's actions (like, comment, remix, share, download, report, the creator) under the
    player of a video page, from the same template and script as the feed's rail."""
    request = context["request"]
    viewer = request.user if request.user.is_authenticated else None
    return {
        "video": selectors.video_with_viewer_flags(video, viewer),
        "user": request.user,
        "request": request,
        "layout": "row",
    }
