"""Cameos: the person's own cameos, their settings, access requests and the appearance ledger.
Every decision is made by cameos.services (consent, teen limits, blocks)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cameos import selectors as cameo_selectors
from cameos import services as cameo_services
from cameos.models import VOICE_CHOICES, Cameo, CameoGrant
from sora_site.api import scopes
from sora_site.api.endpoints.base import row_id, user_of
from sora_site.api.pagination import CreatedCursorPagination
from sora_site.core.errors import NotFound


class CameoPagination(CreatedCursorPagination):
    ordering = ("-created", "-id")


class CameoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Cameo.Kind.choices)
    display_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Cameo.Status.choices)
    permission = serializers.ChoiceField(choices=Cameo.Permission.choices)
    voice_preset = serializers.CharField()
    appearance_notes = serializers.CharField()
    restrictions = serializers.CharField(help_text="Rules for videos with this cameo, in words.")
    created = serializers.DateTimeField()


class CameoUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(required=False, max_length=60)
    permission = serializers.ChoiceField(choices=Cameo.Permission.choices, required=False)
    voice_preset = serializers.ChoiceField(choices=VOICE_CHOICES, required=False)
    appearance_notes = serializers.CharField(required=False, allow_blank=True, max_length=500)
    restrictions = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class GrantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.CharField(source="user.handle")
    status = serializers.ChoiceField(choices=CameoGrant.Status.choices)
    created = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class AppearanceSerializer(serializers.Serializer):
    cameo_id = serializers.IntegerField(source="appearance.cameo_id")
    cameo = serializers.CharField(source="appearance.cameo.display_name")
    video_id = serializers.CharField(source="appearance.video_public_id")
    video_owner = serializers.CharField(source="appearance.video_owner.handle", allow_null=True)
    created = serializers.DateTimeField(source="appearance.created")


class AppearanceListSerializer(serializers.Serializer):
    results = AppearanceSerializer(many=True)


def _my_cameo(request: Request, cameo_id: int) -> Cameo:
    cameo = cameo_selectors.cameo_owned(user=user_of(request), cameo_id=row_id(cameo_id, "cameo"))
    if cameo is None:
        raise NotFound("No such cameo.")
    return cameo


@extend_schema(tags=["cameos"], summary="Your cameos")
class CameoListView(ListAPIView):
    required_scopes = {"GET": scopes.CAMEOS_READ}
    serializer_class = CameoSerializer
    pagination_class = CameoPagination

    def get_queryset(self) -> QuerySet[Cameo]:
        return cameo_selectors.cameos_owned(user=user_of(self.request))


class CameoDetailView(APIView):
    required_scopes = {"GET": scopes.CAMEOS_READ, "PATCH": scopes.CAMEOS_WRITE}

    @extend_schema(responses=CameoSerializer, tags=["cameos"], summary="One of your cameos")
    def get(self, request: Request, cameo_id: int) -> Response:
        return Response(CameoSerializer(_my_cameo(request, cameo_id)).data)

    @extend_schema(
        request=CameoUpdateSerializer,
        responses={200: CameoSerializer},
        tags=["cameos"],
        summary="Change who may use a cameo, its voice, notes and restrictions",
        description="Teens' cameos cannot be open to everyone. Narrowing the permission applies "
        "at once. Required scope: `cameos:write`.",
    )
    def patch(self, request: Request, cameo_id: int) -> Response:
        cameo = _my_cameo(request, cameo_id)
        form = CameoUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data: dict[str, Any] = form.validated_data
        cameo = cameo_services.cameo_settings_update(
            cameo=cameo,
            user=user_of(request),
            permission=data.get("permission", cameo.permission),
            voice_preset=data.get("voice_preset", cameo.voice_preset),
            appearance_notes=data.get("appearance_notes", cameo.appearance_notes),
            restrictions=data.get("restrictions", cameo.restrictions),
            display_name=data.get("display_name"),
        )
        return Response(CameoSerializer(cameo).data)


@extend_schema(tags=["cameos"], summary="Requests to use a cameo, and the answers given")
class CameoGrantListView(ListAPIView):
    required_scopes = {"GET": scopes.CAMEOS_READ}
    serializer_class = GrantSerializer
    pagination_class = CameoPagination

    def get_queryset(self) -> QuerySet[CameoGrant]:
        cameo = _my_cameo(self.request, int(self.kwargs["cameo_id"]))
        return CameoGrant.objects.filter(cameo=cameo).select_related("user")


class CameoGrantDecideView(APIView):
    required_scopes = {"POST": scopes.CAMEOS_WRITE}
    action = ""

    @extend_schema(request=None, responses={200: GrantSerializer}, tags=["cameos"])
    def post(self, request: Request, cameo_id: int, grant_id: int) -> Response:
        cameo = _my_cameo(request, cameo_id)
        grant = CameoGrant.objects.filter(pk=row_id(grant_id, "request"), cameo=cameo).first()
        if grant is None:
            raise NotFound("No such request.")
        service = {
            "approve": cameo_services.grant_approve,
            "deny": cameo_services.grant_deny,
            "revoke": cameo_services.grant_revoke,
        }[self.action]
        grant = service(grant=grant, owner=user_of(request))
        return Response(GrantSerializer(grant).data)


class CameoAppearancesView(APIView):
    required_scopes = {"GET": scopes.CAMEOS_READ}

    @extend_schema(
        responses=AppearanceListSerializer,
        tags=["cameos"],
        summary="Where your cameos appeared (latest 100)",
    )
    def get(self, request: Request) -> Response:
        rows = cameo_selectors.appearances_for_owner(user=user_of(request))
        return Response(AppearanceListSerializer({"results": rows}).data)


class CameoAppearanceDeleteView(APIView):
    required_scopes = {"DELETE": scopes.CAMEOS_WRITE}

    @extend_schema(
        request=None,
        responses={204: None},
        tags=["cameos"],
        summary="Delete a video one of your cameos appears in",
        description="The owner of a cameo co-owns every video it is in, other people's drafts "
        "included: this deletes the video with its generation and files, and tells its "
        "creator who deleted it. `video_id` is the one `GET /cameos/appearances` lists. A "
        "video without one of your cameos is a 404, whether or not it exists; one that "
        "moderators are reviewing or have removed stays with them (409 `with_moderators`).",
    )
    def delete(self, request: Request, video_id: str) -> Response:
        cameo_services.appearance_delete_video(owner=user_of(request), video_public_id=video_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AvailableCameoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Cameo.Kind.choices)
    display_name = serializers.CharField()
    owner = serializers.CharField(source="owner.handle")


class AvailableCameoListSerializer(serializers.Serializer):
    results = AvailableCameoSerializer(many=True)


class CameoAvailableView(APIView):
    required_scopes = {"GET": scopes.CAMEOS_READ}

    @extend_schema(
        responses=AvailableCameoListSerializer,
        tags=["cameos"],
        summary="Cameos you may put in a video now (yours first), as the Create picker lists",
    )
    def get(self, request: Request) -> Response:
        cameos = cameo_selectors.cameos_available_for(user=user_of(request))
        return Response({"results": AvailableCameoSerializer(cameos, many=True).data})


class CameoRequestAccessView(APIView):
    required_scopes = {"POST": scopes.CAMEOS_WRITE}

    @extend_schema(
        request=None,
        responses={201: GrantSerializer},
        tags=["cameos"],
        summary="Ask a cameo's owner for permission to use it",
        description="Refused for your own cameo (400), a blocked or 'only me' cameo (403). "
        "Required scope: `cameos:write`.",
    )
    def post(self, request: Request, cameo_id: int) -> Response:
        cameo = cameo_selectors.cameo_visible(cameo_id=row_id(cameo_id, "cameo"))
        if cameo is None:
            raise NotFound("No such cameo.")
        grant = cameo_services.grant_request(cameo=cameo, user=user_of(request))
        return Response(GrantSerializer(grant).data, status=201)
