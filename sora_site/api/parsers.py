"""The API's JSON parser: DRF's, refusing deep nesting with a 400 instead of recursing.

It runs wherever DRF first reads the body, which for a Bearer token is inside authentication
(django-oauth-toolkit reads request.POST), so the limit holds before any view.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from sora_site.core.json_depth import MAX_JSON_DEPTH, json_too_deep


class DepthLimitedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_too_deep(text):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
