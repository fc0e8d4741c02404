"""/v1/videos: thin views over the same services and selectors as /api/v1/."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cameos.models import Cameo
from cameos.selectors import cameo_owned
from cameos.services import character_cameo_create, character_upload_max_bytes
from sora_site.api import scopes
from sora_site.api.endpoints.base import MAX_DB_INT, user_of
from sora_site.api.openai_compat import mapping
from sora_site.api.openai_compat import serializers as s
from sora_site.api.openai_compat.errors import BadParameter, openai_exception_handler
from sora_site.api.openai_compat.schema import OpenAICompatSchema
from sora_site.api.openai_compat.spritesheet import spritesheet_for
from sora_site.api.parsers import DepthLimitedJSONParser
from sora_site.api.selectors import videos_owned
from sora_site.api.services import generation_request_idempotent
from sora_site.core.converters import PublicIdConverter
from sora_site.core.errors import Conflict, NotFound
from sora_site.core.media import serve_stored_file
from sora_site.core.uploads import upload_limit
from videos import selectors as video_selectors
from videos.models import Video
from videos.services import video_delete_draft
from videos.services.remix import remix_request

# The alphabet the resolver admits into paths (core/converters.py), for ids from a query or body.
PUBLIC_ID = re.compile(rf"^{PublicIdConverter.regex}$")
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
POLL_MIN_MS, POLL_MAX_MS = 250, 5000
TAGS = ["openai-videos"]


class OpenAIView(APIView):
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]
    schema = OpenAICompatSchema()

    def get_exception_handler(self) -> Any:
        return openai_exception_handler


def _owned(request: Request, video_id: str) -> Video:
    # Path ids passed the resolver's converter; an id from a body (edits) has not, and a NUL
    # must never reach PostgreSQL.
    if not PUBLIC_ID.match(video_id):
        raise NotFound("No such video.", code="video_not_found")
    video = (
        videos_owned(user_id=user_of(request).pk)
        .select_related("parent")
        .filter(public_id=video_id)
        .first()
    )
    if video is None:
        raise NotFound("No such video.", code="video_not_found")
    return video


def _video_response(video: Video, status: int = 200) -> Response:
    body = s.video_object(video)
    response = Response(body, status=status)
    if body["status"] in (s.QUEUED, s.IN_PROGRESS):
        # The SDK's poller sleeps this long between reads: about a quarter of what is left.
        estimate_ms = 1000 * video_selectors.generation_estimate_seconds(duration=video.duration)
        left = estimate_ms * (1 - body["progress"] / 100)
        response["openai-poll-after-ms"] = str(int(min(POLL_MAX_MS, max(POLL_MIN_MS, left / 4))))
    return response


def _reload(public_id: str) -> Video:
    return Video.objects.select_related("job", "parent").get(public_id=public_id)


def _data(request: Request) -> Any:
    data = request.data
    if not hasattr(data, "get"):
        raise BadParameter("Send the parameters as a form or a JSON object.", param=None)
    return data


def _field(request: Request, name: str) -> Any:
    """The field as sent; None only when it was not sent. An empty value is not "absent": the
    SDK leaves out what it does not set, so `size=""` is a bad size (400), not the default."""
    return _data(request).get(name)


def _text(request: Request, name: str) -> str:
    value = _field(request, name)
    if value in (None, ""):
        raise BadParameter(f"{name} is required.", param=name, code="missing_required_parameter")
    if not isinstance(value, str):
        raise BadParameter(f"{name} must be a string.", param=name)
    return value


class VideosView(OpenAIView):
    required_scopes = {"GET": scopes.VIDEOS_READ, "POST": scopes.GENERATE}

    @extend_schema(
        operation_id="openai_videos_list",
        tags=TAGS,
        summary="Your videos (OpenAI shape, cursor pages)",
        parameters=[
            OpenApiParameter("after", str, description="The last id of the page before."),
            OpenApiParameter("limit", int, description=f"1-{MAX_LIMIT}, {DEFAULT_LIMIT} default."),
            OpenApiParameter("order", str, enum=["asc", "desc"], description="desc by default."),
        ],
        responses={200: s.VideoListSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            limit = -1
        if not 1 <= limit <= MAX_LIMIT:
            raise BadParameter(f"limit must be 1-{MAX_LIMIT}.", param="limit")
        order = params.get("order", "desc")
        if order not in ("asc", "desc"):
            raise BadParameter("order must be asc or desc.", param="order")
        videos: QuerySet[Video] = videos_owned(user_id=user_of(request).pk).select_related("parent")
        after = params.get("after")
        if after is not None:
            if not PUBLIC_ID.match(after):
                raise BadParameter("after is not one of your video ids.", param="after")
            anchor = videos.filter(public_id=after).first()
            if anchor is None:
                raise BadParameter("after is not one of your video ids.", param="after")
            op = "gt" if order == "asc" else "lt"
            videos = videos.filter(
                Q(**{f"created_at__{op}": anchor.created_at})
                | Q(created_at=anchor.created_at, **{f"id__{op}": anchor.pk})
            )
        ordering = ["created_at", "id"] if order == "asc" else ["-created_at", "-id"]
        page = list(videos.order_by(*ordering)[: limit + 1])
        data = [s.video_object(video) for video in page[:limit]]
        return Response(
            {
                "object": "list",
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": len(page) > limit,
            }
        )

    @extend_schema(
        operation_id="openai_videos_create",
        tags=TAGS,
        summary="Make a video (OpenAI's POST /videos)",
        description="Same checks as every other way in: prompt moderation (a refused prompt is "
        "a 400 naming the policy), cameo consent for @mentions, the daily quota and the limit "
        "of generations at once (429). An `Idempotency-Key` header works as on /api/v1/.",
        request={"multipart/form-data": s.VideoCreateForm, "application/json": s.VideoCreateForm},
        responses={200: s.VideoObjectSerializer},
    )
    def post(self, request: Request) -> Response:
        if "input_reference" in _data(request) or "input_reference" in request.FILES:
            raise BadParameter(
                "input_reference is not supported: this instance's engine has no image "
                "condition. Send the prompt alone.",
                param="input_reference",
                code="unsupported_parameter",
            )
        prompt = _text(request, "prompt")
        wanted = mapping.engine_request(
            model=_field(request, "model"),
            seconds=_field(request, "seconds"),
            size=_field(request, "size"),
        )
        job, _ = generation_request_idempotent(
            user=user_of(request),
            key=request.headers.get("Idempotency-Key"),
            body={
                "prompt": prompt,
                "duration": wanted.duration,
                "aspect": wanted.aspect,
                "resolution": wanted.resolution,
            },
        )
        return _video_response(_reload(job.video.public_id))


class VideoDetailView(OpenAIView):
    required_scopes = {"GET": scopes.VIDEOS_READ, "DELETE": scopes.VIDEOS_WRITE}

    @extend_schema(
        operation_id="openai_videos_retrieve",
        tags=TAGS,
        summary="One of your videos; `openai-poll-after-ms` while it is being made",
        responses={200: s.VideoObjectSerializer},
    )
    def get(self, request: Request, video_id: str) -> Response:
        return _video_response(_owned(request, video_id))

    @extend_schema(
        operation_id="openai_videos_delete",
        tags=TAGS,
        summary="Delete one of your drafts (a published video: 409, unpublish it first)",
        responses={200: s.VideoDeletedSerializer},
    )
    def delete(self, request: Request, video_id: str) -> Response:
        video = _owned(request, video_id)
        video_delete_draft(user=user_of(request), public_id=video.public_id)
        return Response({"id": video.public_id, "object": "video.deleted", "deleted": True})


class _AnyAccept(BaseContentNegotiation):
    """The content answers with the file's own type whatever Accept says; errors are JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class VideoContentView(OpenAIView):
    required_scopes = {"GET": scopes.VIDEOS_READ}
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="openai_videos_content",
        tags=TAGS,
        summary="The MP4 (Range-capable), its thumbnail, or a spritesheet of its frames",
        parameters=[
            OpenApiParameter("variant", str, enum=["video", "thumbnail", "spritesheet"]),
        ],
        responses={
            (200, "video/mp4"): OpenApiTypes.BINARY,
            (206, "video/mp4"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, video_id: str) -> HttpResponse | StreamingHttpResponse:
        variant = request.query_params.get("variant", "video")
        if variant not in ("video", "thumbnail", "spritesheet"):
            raise BadParameter("variant must be video, thumbnail or spritesheet.", param="variant")
        video = _owned(request, video_id)
        if s.video_status(video) != s.COMPLETED or not video.video_file:
            raise Conflict("This video is not completed yet.", code="video_not_ready")
        if variant == "video":
            return serve_stored_file(
                request, video.video_file.name, content_type="video/mp4", private=True
            )
        if variant == "thumbnail":
            if not video.poster_file:
                raise NotFound("This video has no thumbnail.", code="asset_unavailable")
            return serve_stored_file(
                request, video.poster_file.name, content_type="image/jpeg", private=True
            )
        response = HttpResponse(spritesheet_for(video.video_file.name), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=60"
        return response


def _remix(request: Request, parent_id: str, prompt: str) -> Response:
    parent = _owned(request, parent_id)
    job = remix_request(user=user_of(request), parent_public_id=parent.public_id, edit=prompt)
    return _video_response(_reload(job.video.public_id))


class VideoRemixView(OpenAIView):
    required_scopes = {"POST": scopes.GENERATE}

    @extend_schema(
        operation_id="openai_videos_remix",
        tags=TAGS,
        summary="Remix one of your completed videos: its plan plus the prompt as the edit",
        request=s.VideoRemixForm,
        responses={200: s.VideoObjectSerializer},
    )
    def post(self, request: Request, video_id: str) -> Response:
        return _remix(request, video_id, _text(request, "prompt"))


def _video_reference(request: Request) -> str:
    if "video" in request.FILES:
        raise BadParameter(
            "Uploading a video to edit or extend is not supported by this instance: pass "
            '{"id": ...} of one of your completed videos.',
            param="video",
            code="unsupported_parameter",
        )
    reference = _field(request, "video")
    video_id = reference.get("id") if isinstance(reference, dict) else _field(request, "video[id]")
    if not isinstance(video_id, str) or not video_id:
        raise BadParameter('video must be {"id": ...}.', param="video")
    return video_id


class VideoEditView(OpenAIView):
    required_scopes = {"POST": scopes.GENERATE}

    @extend_schema(
        operation_id="openai_videos_edit",
        tags=TAGS,
        summary="Edit a completed video: a remix with the prompt as its edit",
        request=s.VideoEditForm,
        responses={200: s.VideoObjectSerializer},
    )
    def post(self, request: Request) -> Response:
        prompt = _text(request, "prompt")
        return _remix(request, _video_reference(request), prompt)


class VideoExtensionView(OpenAIView):
    required_scopes = {"POST": scopes.GENERATE}

    @extend_schema(
        operation_id="openai_videos_extend",
        tags=TAGS,
        summary="Not supported by this instance yet (400)",
        request=s.VideoExtendForm,
        responses={200: s.VideoObjectSerializer},
    )
    def post(self, request: Request) -> Response:
        raise BadParameter(
            "Extending a video is not supported by this instance yet.",
            param=None,
            code="unsupported_operation",
        )


@upload_limit(character_upload_max_bytes)
class CharactersView(OpenAIView):
    required_scopes = {"POST": scopes.CAMEOS_WRITE}

    @extend_schema(
        operation_id="openai_characters_create",
        tags=TAGS,
        summary="Make a character cameo from a short clip",
        request={"multipart/form-data": s.CharacterCreateForm},
        responses={200: s.CharacterSerializer},
    )
    def post(self, request: Request) -> Response:
        name = _text(request, "name")
        clip = request.FILES.get("video")
        if clip is None:
            raise BadParameter("video (a clip file) is required.", param="video")
        cameo = character_cameo_create(owner=user_of(request), display_name=name, clip=clip)
        return Response(s.character_object(cameo))


class CharacterDetailView(OpenAIView):
    required_scopes = {"GET": scopes.CAMEOS_READ}

    @extend_schema(
        operation_id="openai_characters_retrieve",
        tags=TAGS,
        summary="One of your character cameos",
        responses={200: s.CharacterSerializer},
    )
    def get(self, request: Request, character_id: str) -> Response:
        digits = character_id.removeprefix(s.CHARACTER_PREFIX)
        cameo = None
        if digits.isascii() and digits.isdigit() and 0 < int(digits) <= MAX_DB_INT:
            cameo = cameo_owned(user=user_of(request), cameo_id=int(digits))
        if cameo is None or cameo.kind != Cameo.Kind.CHARACTER:
            raise NotFound("No such character.", code="character_not_found")
        return Response(s.character_object(cameo))
