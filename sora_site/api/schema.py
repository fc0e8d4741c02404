"""OpenAPI details: the shared error body, error responses on every operation, and security
schemes that list the scope each operation needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from sora_site.api.permissions import required_scope_for
from sora_site.api.scopes import SCOPES


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can read.")
    code = serializers.CharField(help_text="A stable machine-readable code.")
    errors = serializers.DictField(
        required=False, help_text="Validation errors per field (400 `invalid` only)."
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`invalid` and service codes such as `prompt`, `caption`).",
    "401": "No credentials, or an invalid, expired or revoked token.",
    "403": "The token lacks the scope (`insufficient_scope`) or the action is not allowed.",
    "404": "Not found, or not visible to you.",
    "405": "Method not allowed.",
    "406": "Only application/json responses are offered.",
    "409": "Conflict with the current state (for example publishing a draft that is not ready).",
    "415": "Send application/json.",
    "429": "Rate limit or quota reached; see the Retry-After header.",
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ScopedAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "405", "406", "429"]
        if self.method in WRITE_METHODS:
            codes += ["409", "415"]
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def get_description(self) -> str:
        description = super().get_description() or ""
        scope = required_scope_for(self.view, self.method)
        if scope:
            description = f"{description}\n\nRequired scope: `{scope}`.".strip()
        return description


def _scope_list(auto_schema: Any) -> list[str]:
    scope = required_scope_for(auto_schema.view, auto_schema.method)
    return [scope] if scope else []


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "sora_site.api.authentication.PersonalAccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "fcp_<prefix>_<secret>",
            "description": "A personal access token made at /settings/tokens/.",
        }


class OAuth2BearerScheme(OpenApiAuthenticationExtension):
    target_class = "sora_site.api.authentication.OAuth2BearerAuthentication"
    name = "oauth2"
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        return {self.name: _scope_list(auto_schema)}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        base = getattr(settings, "SITE_URL", "")
        return {
            "type": "oauth2",
            "description": "Authorization code with PKCE (S256). Register an app at "
            "/developers/apps/.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{base}/oauth/authorize/",
                    "tokenUrl": f"{base}/oauth/token/",
                    "refreshUrl": f"{base}/oauth/token/",
                    "scopes": dict(SCOPES),
                }
            },
        }
