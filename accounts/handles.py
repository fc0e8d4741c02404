"""Which handles are reserved: one rule for every place a handle is chosen (allauth's
clean_username, see accounts/adapter.py, which signup and every allauth form run)."""

from __future__ import annotations

import re

from django.conf import settings

# Handles are a-z, 0-9, "_" and "." (accounts.models.HANDLE_PATTERN): digits and the two
# separators are what an impersonator puts around a reserved word ("admin_", "support1").
_WORD_BREAKS = re.compile(r"[._0-9]+")


def handle_is_reserved(handle: str) -> bool:
    """True when a reserved word (ACCOUNT_USERNAME_BLACKLIST) is the handle or one of its words.

    A handle's words are what separators and digits split it into, so "moderator.jane",
    "admin_", "support1" and "team_support" are reserved, while words that merely begin with
    the same letters ("supporter", "adminton") are not.
    """
    reserved = {word.lower() for word in settings.ACCOUNT_USERNAME_BLACKLIST}
    lowered = handle.strip().lower()
    if lowered in reserved:
        return True
    return any(word in reserved for word in _WORD_BREAKS.split(lowered) if word)
