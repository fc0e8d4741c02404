"""Webhook endpoints of the calling app (or of the person's own scripts) and their deliveries."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_site.api import scopes
from sora_site.api.endpoints.base import application_of, row_id, user_of
from sora_site.api.models import WebhookDelivery, WebhookEndpoint
from sora_site.api.permissions import granted_scopes
from sora_site.api.selectors import deliveries_for, webhook_for, webhooks_for
from sora_site.api.serializers import (
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)
from sora_site.api.services import webhook_endpoint_create, webhook_endpoint_delete


class WebhookListCreateView(ListAPIView):
    required_scopes = {"GET": scopes.PROFILE_READ, "POST": scopes.PROFILE_READ}
    serializer_class = WebhookSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return webhooks_for(user=user_of(self.request), application=application_of(self.request))

    @extend_schema(tags=["webhooks"], summary="This app's webhooks")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer},
        tags=["webhooks"],
        summary="Register a webhook URL",
        description="The token needs the scope of each event: `generation.*` -> `generate`, "
        "`video.published` -> `videos:read`, `cameo.used` -> `cameos:read`. The URL must be "
        "http(s) on a public address. The secret is shown once.\n\nRequired scope: `profile:read`.",
    )
    def post(self, request: Request) -> Response:
        form = WebhookCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(
            user=user_of(request),
            application=application_of(request),
            url=form.validated_data["url"],
            events=form.validated_data["events"],
            granted_scopes=granted_scopes(request),
        )
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    required_scopes = {"GET": scopes.PROFILE_READ, "DELETE": scopes.PROFILE_READ}

    @extend_schema(responses=WebhookSerializer, tags=["webhooks"], summary="One webhook")
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhook_for(
            user=user_of(request),
            application=application_of(request),
            endpoint_id=row_id(endpoint_id, "webhook"),
        )
        return Response(WebhookSerializer(endpoint).data)

    @extend_schema(responses={204: None}, tags=["webhooks"], summary="Remove a webhook")
    def delete(self, request: Request, endpoint_id: int) -> Response:
        webhook_endpoint_delete(
            user=user_of(request),
            application=application_of(request),
            endpoint_id=row_id(endpoint_id, "webhook"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["webhooks"], summary="Delivery log of a webhook, newest first")
class WebhookDeliveriesView(ListAPIView):
    required_scopes = {"GET": scopes.PROFILE_READ}
    serializer_class = WebhookDeliverySerializer

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        endpoint = webhook_for(
            user=user_of(self.request),
            application=application_of(self.request),
            endpoint_id=row_id(int(self.kwargs["endpoint_id"]), "webhook"),
        )
        return deliveries_for(endpoint=endpoint)
