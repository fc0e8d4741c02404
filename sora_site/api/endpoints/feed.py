"""The person's feed, ranked, with its own cursor (the ranking fixes a snapshot)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feed.selectors import MAX_PAGE_SIZE, feed_page
from sora_site.api import scopes
from sora_site.api.endpoints.base import user_of
from sora_site.api.serializers import FeedPageSerializer
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
        description="Teens get a daily limit: `capped` turns true and `results` stays "
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
