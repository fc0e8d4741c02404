"""Checks on free text that reaches the database without a Django form or DRF field.

Forms and serializers refuse NUL characters already; text that a service takes straight from
a view (comments, remix edits, feed tuning) must too: PostgreSQL cannot store a NUL in a text
column, so it would otherwise surface as a 500 there (SQLite stores it silently).
"""

from __future__ import annotations

from sora_site.core.errors import ValidationFailed


def reject_nul(text: str, what: str) -> str:
    if "\x00" in text:
        raise ValidationFailed(
            f"The {what} contains a NUL character, which can't be stored.",
            code="invalid_characters",
        )
    return text
