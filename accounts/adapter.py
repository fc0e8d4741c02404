"""Glue between allauth and our accounts: handles are allauth's usernames, birthdates come from
the signup form, and the error messages speak of handles."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest

from accounts import invites
from accounts.handles import handle_is_reserved
from sora_site.core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": "That handle is already taken.",
        "username_blacklisted": "That handle is reserved. Please choose another one.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # FRAMECAST_SIGNUP=closed shows allauth's "sign-up closed" page (with the waitlist);
        # in invite mode the form itself asks for a code.
        return invites.signup_mode() != invites.CLOSED

    def clean_username(self, username: str, shallow: bool = False) -> str:
        # Handles are case-insensitive: "Alice" is checked, and stored, as "alice".
        handle = super().clean_username(username.strip().lower(), shallow=shallow)
        # After allauth's own checks, so a malformed handle gets the format message first.
        if handle_is_reserved(handle):
            raise self.validation_error("username_blacklisted")
        return handle

    def get_client_ip(self, request: HttpRequest) -> str:
        # The project's one answer (trusted proxies from settings), so allauth's limits and
        # ours count the same client; it also never raises on a short X-Forwarded-For.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> AbstractBaseUser:
        # The age gate already ran in the form's clean(): nothing reaches here without a valid,
        # allowed birthdate. Set it before the first save so the row is never incomplete.
        birthdate = form.cleaned_data.get("birthdate")
        if birthdate is not None:
            user.birthdate = birthdate  # type: ignore[attr-defined]
        return super().save_user(request, user, form, commit=commit)
