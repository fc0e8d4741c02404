"""Generations: ask for a video (idempotently), watch its progress, cancel or retry it."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_site.api import scopes
from sora_site.api.endpoints.base import user_of
from sora_site.api.selectors import job_owned, jobs_owned
from sora_site.api.serializers import GenerationCreateSerializer, GenerationSerializer
from sora_site.api.services import generation_request_idempotent
from videos import services as video_services
from videos.models import GenerationJob

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID): a retry with the same key and body returns the "
    "same generation instead of starting a second one; the same key with another body is a "
    "409. Keys are kept 24 hours, per person.",
)


class GenerationListCreateView(ListAPIView):
    required_scopes = {"GET": scopes.GENERATE, "POST": scopes.GENERATE}
    serializer_class = GenerationSerializer

    def get_queryset(self) -> QuerySet[GenerationJob]:
        return jobs_owned(user_id=user_of(self.request).pk)

    @extend_schema(tags=["generations"], summary="Your generations, newest first")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=GenerationCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(GenerationSerializer, description="Started (or replayed)."),
        },
        tags=["generations"],
        summary="Make a video from a prompt",
        description="Runs the same checks as the Create page: prompt moderation, cameo "
        "consent, the daily quota (lower for teens) and the limit on generations at "
        "once.\n\nCameos come from `cameo_ids` (the Create page's picker; ids from "
        "`GET /cameos/available`) and from @handle mentions of their owners in the prompt, "
        "merged without duplicates, at most two. Each must be usable by you (the owner's "
        "permission level, approvals, blocks, teen rules) and the prompt must respect its "
        "owner's restrictions; otherwise the request is refused with the reason and nothing "
        "is stored. Their owners are told and see the video in their appearance ledger."
        "\n\nRequired scope: `generate`.",
    )
    def post(self, request: Request) -> Response:
        form = GenerationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job, replayed = generation_request_idempotent(
            user=user_of(request),
            key=request.headers.get("Idempotency-Key"),
            body=dict(form.validated_data),
        )
        response = Response(GenerationSerializer(job).data, status=status.HTTP_201_CREATED)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class GenerationDetailView(APIView):
    required_scopes = {"GET": scopes.GENERATE}

    @extend_schema(
        responses=GenerationSerializer, tags=["generations"], summary="Status and progress"
    )
    def get(self, request: Request, public_id: str) -> Response:
        job = job_owned(user_id=user_of(request).pk, public_id=public_id)
        return Response(GenerationSerializer(job).data)


class GenerationCancelView(APIView):
    required_scopes = {"POST": scopes.GENERATE}

    @extend_schema(
        request=None,
        responses={200: GenerationSerializer},
        tags=["generations"],
        summary="Cancel a queued or running generation",
    )
    def post(self, request: Request, public_id: str) -> Response:
        user = user_of(request)
        job = job_owned(user_id=user.pk, public_id=public_id)
        job = video_services.job_cancel(user=user, video_public_id=job.video.public_id)
        return Response(GenerationSerializer(job).data)


class GenerationRetryView(APIView):
    required_scopes = {"POST": scopes.GENERATE}

    @extend_schema(
        request=None,
        responses={200: GenerationSerializer},
        tags=["generations"],
        summary="Retry a failed or cancelled generation",
    )
    def post(self, request: Request, public_id: str) -> Response:
        user = user_of(request)
        job = job_owned(user_id=user.pk, public_id=public_id)
        job = video_services.job_retry(user=user, video_public_id=job.video.public_id)
        return Response(GenerationSerializer(job).data)
