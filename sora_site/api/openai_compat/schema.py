"""OpenAPI for /v1/: the same scopes and error statuses as /api/v1/, with OpenAI's error body."""

from __future__ import annotations

from typing import Any

from sora_site.api.openai_compat.serializers import OpenAIErrorSerializer
from sora_site.api.schema import ERROR_DESCRIPTIONS, WRITE_METHODS, ScopedAutoSchema


class OpenAICompatSchema(ScopedAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super(ScopedAutoSchema, self)._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "405", "406", "429"]
        if self.method in WRITE_METHODS:
            codes += ["409", "413", "415"]
        if self.method == "GET":
            codes += ["409", "416"]
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(
                    OpenAIErrorSerializer, code, direction=direction
                )
                response["description"] = ERROR_DESCRIPTIONS.get(code, "Error.")
                responses[code] = response
        return responses
