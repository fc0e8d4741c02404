"""Remix a video and read its family tree: the same services as the site's Remix and lineage
pages, so consent, policy and visibility rules are identical."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_site.api import scopes
from sora_site.api.endpoints.base import user_of
from sora_site.api.serializers import GenerationSerializer
from videos.lineage import Lineage, LineageNode, cursor_decode, lineage_for
from videos.selectors import video_viewable
from videos.services.remix import MAX_EDIT_CHARS, remix_request


class RemixCreateSerializer(serializers.Serializer):
    edit = serializers.CharField(
        max_length=MAX_EDIT_CHARS, help_text='The change in plain words: "make it claymation".'
    )
    drop_cameos = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Ids of inherited cameos to leave out (needed when you may not use them).",
    )


class LineageNodeSerializer(serializers.Serializer):
    depth = serializers.IntegerField()
    available = serializers.BooleanField()
    id = serializers.CharField(allow_null=True, help_text="null when unavailable to you")
    owner = serializers.CharField(allow_null=True)
    caption = serializers.CharField(allow_null=True)


class LineageSerializer(serializers.Serializer):
    id = serializers.CharField()
    ancestors = LineageNodeSerializer(many=True)
    descendants = LineageNodeSerializer(many=True)
    descendant_count = serializers.IntegerField()
    direct_remix_count = serializers.IntegerField()
    has_next = serializers.BooleanField()
    has_previous = serializers.BooleanField()
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last one."
    )
    previous_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `before` for the previous page; null on the first."
    )


def _node(node: LineageNode) -> dict[str, Any]:
    video = node.video
    return {
        "depth": node.depth,
        "available": video is not None,
        "id": video.public_id if video else None,
        "owner": video.owner.handle if video else None,
        "caption": (video.caption or video.prompt) if video else None,
    }


def _lineage(tree: Lineage) -> dict[str, Any]:
    return {
        "id": tree.video.public_id,
        "ancestors": [_node(n) for n in tree.ancestors],
        "descendants": [_node(n) for n in tree.descendants],
        "descendant_count": tree.descendant_count,
        "direct_remix_count": tree.direct_remix_count,
        "has_next": tree.has_next,
        "has_previous": tree.has_previous,
        "next_cursor": tree.next_cursor,
        "previous_cursor": tree.previous_cursor,
    }


class RemixView(APIView):
    required_scopes = {"POST": scopes.GENERATE}

    @extend_schema(
        request=RemixCreateSerializer,
        responses={201: GenerationSerializer},
        tags=["remix"],
        summary="Remix a video: its plan plus your edit",
        description="Only published videos (and your own drafts) can be remixed: someone "
        "else's draft you may watch, because your cameo is in it, is refused (403 "
        "`not_published`). Refused too when the owner turned remixing off (403 "
        "`remix_disabled`), when "
        "an inherited cameo may not be used by you and is not dropped (403 "
        "`inherited_cameo_refused`), or when the edit breaks the content policy (400).\n\n"
        "Required scope: `generate`.",
    )
    def post(self, request: Request, public_id: str) -> Response:
        form = RemixCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = remix_request(
            user=user_of(request),
            parent_public_id=public_id,
            edit=form.validated_data["edit"],
            drop_cameo_ids=form.validated_data["drop_cameos"],
        )
        return Response(GenerationSerializer(job).data, status=status.HTTP_201_CREATED)


class LineageView(APIView):
    required_scopes = {"GET": scopes.VIDEOS_READ}

    @extend_schema(
        responses={200: LineageSerializer},
        tags=["remix"],
        summary="A video's ancestors and a page of its remixes",
        description="Remixes come depth first, 50 a page; follow `next_cursor` (as `after`) "
        "or `previous_cursor` (as `before`). A cursor not made by this server is refused (400 "
        "`invalid_cursor`).",
        parameters=[
            OpenApiParameter("after", str, description="`next_cursor` of the page before"),
            OpenApiParameter("before", str, description="`previous_cursor` of the page after"),
        ],
    )
    def get(self, request: Request, public_id: str) -> Response:
        user = user_of(request)
        video = video_viewable(viewer_id=user.pk, public_id=public_id)
        cursor = cursor_decode(
            after=request.query_params.get("after"), before=request.query_params.get("before")
        )
        return Response(_lineage(lineage_for(video=video, viewer_id=user.pk, cursor=cursor)))
