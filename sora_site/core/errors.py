"""The project's error hierarchy. Services raise these; views and the API render them.

Each carries a stable `code` and a `detail` a person can read. The HTML views show `detail`;
the API answers `{"detail": ..., "code": ...}` with `status`.
"""

from __future__ import annotations


class ApplicationError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code


class ValidationFailed(ApplicationError):
    default_code = "invalid"


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "permission_denied"


class NotFound(ApplicationError):
    status = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    status = 409
    default_code = "conflict"


class LimitExceeded(ApplicationError):
    status = 429
    default_code = "limit_exceeded"

    def __init__(
        self, detail: str, *, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(detail, code=code)
        # Seconds until the limit frees up, for Retry-After; None: not known.
        self.retry_after = retry_after


class PayloadTooLarge(ApplicationError):
    status = 413
    default_code = "file_too_large"
