"""The OpenAPI schema, Swagger UI and ReDoc, served by the site itself (drf-spectacular-sidecar)
and public. CSP-clean: no inline script or style; each page loads a static initializer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class RedocView(SpectacularRedocView):
    """ReDoc injects its styles at run time (styled-components), which `style-src 'self'`
    blocks, and runs its search in a worker made from a blob. This one page allows inline
    styles and blob workers; scripts stay `'self'` only. (Its "powered by" logo points at a
    CDN: the CSP blocks it, so the page makes no outside request.)"""

    template_name = "api/redoc.html"
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        policy = settings.CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
        )
        response["Content-Security-Policy"] = policy
        return response
