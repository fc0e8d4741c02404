"""Videos: the person's own list, one video, publish, unpublish, delete, likes, comments."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feed import selectors as feed_selectors
from feed import services as feed_services
from feed.models import Comment
from sora_site.api import scopes
from sora_site.api.endpoints.base import row_id, user_of
from sora_site.api.selectors import videos_owned
from sora_site.api.serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    LikeSerializer,
    PublishSerializer,
    VideoSerializer,
    VideoSettingsSerializer,
)
from videos import selectors as video_selectors
from videos import services as video_services
from videos.models import Video


@extend_schema(
    tags=["videos"],
    summary="Your videos (drafts and published)",
    parameters=[
        OpenApiParameter("status", str, enum=list(Video.Status.values), required=False),
        OpenApiParameter("visibility", str, enum=list(Video.Visibility.values), required=False),
    ],
)
class VideoListView(ListAPIView):
    required_scopes = {"GET": scopes.VIDEOS_READ}
    serializer_class = VideoSerializer

    def get_queryset(self) -> QuerySet[Video]:
        params = self.request.query_params
        return videos_owned(
            user_id=user_of(self.request).pk,
            status=params.get("status"),
            visibility=params.get("visibility"),
        )


class VideoDetailView(APIView):
    required_scopes = {
        "GET": scopes.VIDEOS_READ,
        "PATCH": scopes.VIDEOS_WRITE,
        "DELETE": scopes.VIDEOS_WRITE,
    }

    @extend_schema(
        responses=VideoSerializer, tags=["videos"], summary="A video: yours, or a published one"
    )
    def get(self, request: Request, public_id: str) -> Response:
        video = video_selectors.video_viewable(viewer_id=user_of(request).pk, public_id=public_id)
        return Response(VideoSerializer(video, context={"request": request}).data)

    @extend_schema(
        request=VideoSettingsSerializer,
        responses={200: VideoSerializer},
        tags=["videos"],
        summary="Change one of your videos' settings (allow remixes, allow downloads)",
    )
    def patch(self, request: Request, public_id: str) -> Response:
        form = VideoSettingsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        video = video_services.video_settings_change(
            user=user_of(request),
            public_id=public_id,
            allow_remix=form.validated_data.get("allow_remix"),
            allow_download=form.validated_data.get("allow_download"),
        )
        return Response(VideoSerializer(video, context={"request": request}).data)

    @extend_schema(responses={204: None}, tags=["videos"], summary="Delete one of your drafts")
    def delete(self, request: Request, public_id: str) -> Response:
        video_services.video_delete_draft(user=user_of(request), public_id=public_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoPublishView(APIView):
    required_scopes = {"POST": scopes.VIDEOS_WRITE}

    @extend_schema(
        request=PublishSerializer,
        responses={200: VideoSerializer},
        tags=["videos"],
        summary="Publish a finished draft",
    )
    def post(self, request: Request, public_id: str) -> Response:
        form = PublishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        video = video_services.video_publish(
            user=user_of(request),
            public_id=public_id,
            caption=form.validated_data["caption"],
            visibility=form.validated_data["visibility"],
            adult_only=form.validated_data["adult_only"],
            allow_remix=form.validated_data["allow_remix"],
        )
        return Response(VideoSerializer(video, context={"request": request}).data)


class VideoUnpublishView(APIView):
    required_scopes = {"POST": scopes.VIDEOS_WRITE}

    @extend_schema(
        request=None,
        responses={200: VideoSerializer},
        tags=["videos"],
        summary="Unpublish: the video becomes a draft again",
    )
    def post(self, request: Request, public_id: str) -> Response:
        video = video_services.video_unpublish(user=user_of(request), public_id=public_id)
        return Response(VideoSerializer(video, context={"request": request}).data)


class LikeView(APIView):
    required_scopes = {"POST": scopes.SOCIAL_WRITE, "DELETE": scopes.SOCIAL_WRITE}

    def _set(self, request: Request, public_id: str, liked: bool) -> Response:
        viewer = user_of(request)
        video = feed_services.video_for_viewer(viewer=viewer, public_id=public_id)
        feed_services.like_set(viewer=viewer, video=video, liked=liked)
        likes = feed_selectors.video_counters(video)["likes"]
        return Response(LikeSerializer({"liked": liked, "likes": likes}).data)

    @extend_schema(request=None, responses={200: LikeSerializer}, tags=["social"], summary="Like")
    def post(self, request: Request, public_id: str) -> Response:
        return self._set(request, public_id, True)

    @extend_schema(request=None, responses={200: LikeSerializer}, tags=["social"], summary="Unlike")
    def delete(self, request: Request, public_id: str) -> Response:
        return self._set(request, public_id, False)


class CommentsView(ListAPIView):
    required_scopes = {"GET": scopes.FEED_READ, "POST": scopes.SOCIAL_WRITE}
    serializer_class = CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        video = feed_services.video_for_viewer(
            viewer=user_of(self.request), public_id=self.kwargs["public_id"]
        )
        # The page's selector: removed, limited and report-hidden comments stay out of both.
        return feed_selectors.comments_for(video, limit=None)

    @extend_schema(tags=["social"], summary="Comments on a video, newest first")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
        tags=["social"],
        summary="Comment on a video",
    )
    def post(self, request: Request, public_id: str) -> Response:
        form = CommentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        viewer = user_of(request)
        video = feed_services.video_for_viewer(viewer=viewer, public_id=public_id)
        comment = feed_services.comment_create(
            viewer=viewer, video=video, text=form.validated_data["text"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    required_scopes = {"DELETE": scopes.SOCIAL_WRITE}

    @extend_schema(
        responses={204: None},
        tags=["social"],
        summary="Delete a comment (yours, or one on your video)",
    )
    def delete(self, request: Request, comment_id: int) -> Response:
        feed_services.comment_delete(
            viewer=user_of(request), comment_id=row_id(comment_id, "comment")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
