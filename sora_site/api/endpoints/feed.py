"""The person's feed, ranked, with its own cursor (the ranking fixes a snapshot), and the view
reports a player sends back (what the teen daily cap counts)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feed import services as feed_services
from feed.selectors import MAX_PAGE_SIZE, feed_page, remaining_today
from sora_site.api import scopes
from sora_site.api.endpoints.base import user_of
from sora_site.api.serializers import (
    FeedPageSerializer,
    ViewReportedSerializer,
    ViewReportSerializer,
)
from sora_site.core.errors import ValidationFailed


class FeedView(APIView):
    required_scopes = {"GET": scopes.FEED_READ}

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, required=False, description="From `next`."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                required=False,
                description=f"1-{MAX_PAGE_SIZE}.",
            ),
        ],
        responses=FeedPageSerializer,
        tags=["feed"],
        summary="Your feed",
        description="Teens get a daily limit of distinct videos watched (reported with "
        "`POST videos/{id}/view`; served or skipped videos do not count): `remaining_today` "
        "says how many are left, and once it is 0 `capped` turns true and `results` stays "
        "empty.\n\nRequired scope: `feed:read`.",
    )
    def get(self, request: Request) -> Response:
        raw_size = request.query_params.get("page_size", str(settings.FEED_PAGE_SIZE))
        try:
            page_size = int(raw_size)
        except ValueError:
            raise ValidationFailed("page_size must be a whole number.", code="page_size") from None
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValidationFailed(f"page_size must be 1-{MAX_PAGE_SIZE}.", code="page_size")
        cursor = request.query_params.get("cursor")
        page = feed_page(viewer=user_of(request), cursor=cursor, page_size=page_size)
        next_url = None
        if page.next_cursor:
            query = urlencode({"cursor": page.next_cursor, "page_size": page_size})
            next_url = request.build_absolute_uri(f"{request.path}?{query}")
        data = {
            "next": next_url,
            "results": [
                {
                    "video": item.video,
                    "reason": item.reason,
                    "why": item.why,
                    "suggested": item.suggested,
                    "liked": bool(getattr(item.video, "liked", False)),
                }
                for item in page.items
            ],
            "capped": page.capped,
            "remaining_today": page.remaining_today,
        }
        return Response(FeedPageSerializer(data, context={"request": request}).data)


class ViewReportView(APIView):
    """The site's player reports the same way (POST /feed/v/{id}/view)."""

    # Part of reading the feed: it writes only the person's own view record and daily count.
    required_scopes = {"POST": scopes.FEED_READ}

    @extend_schema(
        request=ViewReportSerializer,
        responses={200: ViewReportedSerializer},
        tags=["feed"],
        summary="Report watching a video",
        description="Send when the video leaves the screen, with how long it really played. "
        "A view counts once per person and video; later reports only add watch time. For a "
        "teen, a report of at least FEED_WATCHED_SECONDS (2 s by default, or the whole clip if "
        "shorter) counts the video towards today's limit, once a day however often it is "
        "reported.\n\nRequired scope: `feed:read`.",
    )
    def post(self, request: Request, public_id: str) -> Response:
        form = ViewReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        viewer = user_of(request)
        video = feed_services.video_for_viewer(viewer=viewer, public_id=public_id)
        feed_services.view_record(
            viewer=viewer, video=video, watch_seconds=form.validated_data["watch_seconds"]
        )
        return Response(ViewReportedSerializer({"remaining_today": remaining_today(viewer)}).data)
