"""What a viewer may report: one rule for the report page and the API.

Videos they may watch (drafts, blocked and followers-only videos stay hidden), active accounts
(by handle), and comments on videos they may watch. Anything else is NotFound, so a report form
never confirms that something hidden exists. Upper half of moderation: it reads videos and feed.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.selectors import user_by_handle
from sora_site.core.errors import NotFound, ValidationFailed

REPORTABLE_KINDS = ("video", "comment", "account")
MAX_DB_INT = 2**31 - 1


def report_target_for(*, viewer: User, kind: str, object_id: str) -> Any:
    from feed.models import Comment
    from videos.selectors import video_viewable

    if kind == "video":
        return video_viewable(viewer_id=viewer.pk, public_id=object_id)
    if kind == "account":
        person = user_by_handle(handle=object_id.lstrip("@"))
        if person is None:
            raise NotFound("No such account.")
        return person
    if kind == "comment":
        # isdigit() alone lets "²" through to int(), which rejects it (a 500).
        if not (object_id.isascii() and object_id.isdigit()) or int(object_id) > MAX_DB_INT:
            raise NotFound("No such comment.")
        comment = Comment.objects.select_related("video").filter(pk=int(object_id)).first()
        if comment is None:
            raise NotFound("No such comment.")
        video_viewable(viewer_id=viewer.pk, public_id=comment.video.public_id)
        return comment
    raise ValidationFailed(f"target_type must be one of {', '.join(REPORTABLE_KINDS)}.")
