"""Reports (moderation.services.report_create) and Verify (videos.verify.verify_upload)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.policy import REPORT_REASON_CHOICES
from moderation.services import report_create
from moderation.targets import REPORTABLE_KINDS, report_target_for
from sora_site.api import scopes
from sora_site.api.endpoints.base import user_of
from sora_site.api.serializers import VideoSerializer
from sora_site.core.client_ip import client_ip
from sora_site.core.errors import ValidationFailed
from sora_site.core.uploads import upload_limit
from videos.models import VerifyCheck
from videos.verify import (
    VerifyOutcome,
    outcome_of,
    verify_check_get,
    verify_rate_take,
    verify_upload,
)


class ReportCreateSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=list(REPORTABLE_KINDS))
    target_id = serializers.CharField(
        max_length=64, help_text="Video id, comment id, or account handle."
    )
    reason = serializers.ChoiceField(choices=REPORT_REASON_CHOICES)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    created = serializers.DateTimeField()


class ReportView(APIView):
    required_scopes = {"POST": scopes.SOCIAL_WRITE}

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        tags=["moderation"],
        summary="Report a video, comment or account",
    )
    def post(self, request: Request) -> Response:
        form = ReportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reporter = user_of(request)
        target = report_target_for(
            viewer=reporter,
            kind=form.validated_data["target_type"],
            object_id=form.validated_data["target_id"],
        )
        report = report_create(
            reporter=reporter,
            target=target,
            reason=form.validated_data["reason"],
            note=form.validated_data["note"],
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The video file to check (MP4, MOV, WebM).")


class VerifySerializer(serializers.Serializer):
    from_this_site = serializers.BooleanField()
    c2pa_state = serializers.CharField(help_text="Trusted, Valid, Invalid, NoManifest or Error.")
    c2pa = serializers.DictField(help_text="The C2PA report.")
    watermark_found = serializers.BooleanField()
    watermark_confidence = serializers.FloatField()
    video = VideoSerializer(allow_null=True, help_text="Only when it is published and public.")
    made_on = serializers.DateField(allow_null=True, help_text="When the video is not public.")


class VerifyCheckSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=VerifyCheck.Status.choices)
    url = serializers.CharField(help_text="Where to read the findings (GET).")
    result = VerifySerializer(allow_null=True, help_text="The findings, once `status` is done.")
    error = serializers.CharField(allow_blank=True, help_text="Why a failed check failed.")


def _outcome_data(outcome: VerifyOutcome) -> dict[str, Any]:
    return {
        "from_this_site": outcome.from_this_site,
        "c2pa_state": outcome.c2pa_state,
        "c2pa": outcome.c2pa,
        "watermark_found": outcome.watermark_found,
        "watermark_confidence": outcome.watermark_confidence,
        "video": outcome.video,
        "made_on": outcome.made_on,
    }


def _check_data(request: Request, check: VerifyCheck) -> dict[str, Any]:
    findings = check.findings if check.status == VerifyCheck.Status.DONE else None
    return {
        "id": check.id,
        "status": check.status,
        "url": request.build_absolute_uri(reverse("api:verify-check", args=[check.id])),
        "result": _outcome_data(outcome_of(findings)) if findings is not None else None,
        "error": check.error,
    }


@upload_limit(lambda: settings.VERIFY_MAX_UPLOAD_BYTES)
class VerifyView(APIView):
    required_scopes = {"POST": scopes.VIDEOS_READ}
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": VerifyUploadSerializer},
        responses={200: VerifySerializer, 202: VerifyCheckSerializer},
        tags=["verify"],
        summary="Check a video file's content credentials and watermark",
        description=(
            "The file is checked and not kept. A file the detector reads quickly is answered "
            "at once (200); a larger one is checked by a worker (202 with the check's `url`, "
            "also in `Location`: poll it until `status` is `done` or `failed`; the file is "
            "deleted once checked, the findings kept for an hour). Each client address has a "
            "budget of checks shared with the /verify page (429 with Retry-After past it). "
            "Required scope: `videos:read`."
        ),
    )
    def post(self, request: Request) -> Response:
        # The page's budget: one per client address, however it calls.
        verify_rate_take(client=client_ip(request._request) or "unknown")
        upload: Any = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("Send the video as the multipart field `file`.", code="file")
        result = verify_upload(upload=upload, size=int(upload.size or 0))
        if isinstance(result, VerifyCheck):
            data = VerifyCheckSerializer(
                _check_data(request, result), context={"request": request}
            ).data
            headers = {"Location": data["url"]}
            return Response(data, status=status.HTTP_202_ACCEPTED, headers=headers)
        return Response(VerifySerializer(_outcome_data(result), context={"request": request}).data)


class VerifyCheckView(APIView):
    required_scopes = {"GET": scopes.VIDEOS_READ}

    @extend_schema(
        responses={200: VerifyCheckSerializer},
        tags=["verify"],
        summary="Read a queued Verify check",
        description="Findings are kept an hour after the upload. Required scope: `videos:read`.",
    )
    def get(self, request: Request, check_id: uuid.UUID) -> Response:
        check = verify_check_get(check_id)
        if check is None:
            raise NotFound("No such check (findings are kept for an hour).")
        data = _check_data(request, check)
        return Response(VerifyCheckSerializer(data, context={"request": request}).data)
