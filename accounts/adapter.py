"""Glue between allauth and our accounts: handles are allauth's usernames, birthdates come from
the signup form, and the error messages speak of handles."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest

from accounts.handles import handle_is_reserved


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": "That handle is already taken.",
        "username_blacklisted": "That handle is reserved. Please choose another one.",
    }

    def clean_username(self, username: str, shallow: bool = False) -> str:
        # Handles are case-insensitive: "Alice" is checked, and stored, as "alice".
        handle = super().clean_username(username.strip().lower(), shallow=shallow)
        # After allauth's own checks, so a malformed handle gets the format message first.
        if handle_is_reserved(handle):
            raise self.validation_error("username_blacklisted")
        return handle

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
