"""Forms: the signup form (allauth's, plus handle wording and the age gate), profile settings,
account deletion, and the admin's user forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import invites
from accounts.images import AVATAR_MAX_BYTES
from accounts.models import MIN_AGE, User, age_on
from sora_site.core.errors import ValidationFailed

OLDEST_AGE = 120


def birthdate_check(birthdate: dt.date, *, today: dt.date | None = None) -> None:
    """The age gate. Raises ValidationError with a message for the person signing up."""
    today = today or timezone.localdate()
    if birthdate > today:
        raise forms.ValidationError("Your birthdate cannot be in the future.", code="future")
    age = age_on(birthdate, today)
    if age > OLDEST_AGE:
        raise forms.ValidationError("Please enter your real birthdate.", code="implausible")
    if age < MIN_AGE:
        raise forms.ValidationError(
            f"You must be at least {MIN_AGE} years old to create a {settings.SITE_NAME} account.",
            code="too_young",
        )


class DateInput(forms.DateInput):
    input_type = "date"


class SignupForm(AllauthSignupForm):
    """allauth's signup form with the handle (allauth's username) and the birthdate.

    The birthdate is checked in the form's validation, before allauth saves anything: a refused
    signup leaves no user, no email address row and no session behind.
    """

    birthdate = forms.DateField(
        label="Birthdate",
        widget=DateInput(attrs={"autocomplete": "bday"}),
        help_text=f"You must be at least {MIN_AGE}. Accounts of people under 18 get teen settings.",
    )
    field_order = ["email", "username", "birthdate", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handle = self.fields["username"]
        handle.label = "Handle"
        handle.help_text = "Your public @name: 3-30 of a-z, 0-9, _ and . (not case-sensitive)."
        handle.widget.attrs.update(
            {"placeholder": "yourname", "autocapitalize": "none", "spellcheck": "false"}
        )
        if invites.signup_mode() == invites.INVITE:
            self.fields["invite_code"] = forms.CharField(
                label="Invite code",
                max_length=40,
                required=False,  # clean_invite_code says what is wrong, in its own words
                help_text="From a member's invite; not case-sensitive.",
                widget=forms.TextInput(attrs={"autocapitalize": "characters",
                                              "autocomplete": "off", "spellcheck": "false"}),
            )  # fmt: skip
            self.order_fields(["invite_code", *self.field_order])

    def clean_birthdate(self) -> dt.date:
        birthdate: dt.date = self.cleaned_data["birthdate"]
        birthdate_check(birthdate)
        return birthdate

    def clean_invite_code(self) -> str:
        try:
            invite = invites.invite_check(self.cleaned_data.get("invite_code", ""))
        except ValidationFailed as refused:
            raise forms.ValidationError(refused.detail, code=refused.code) from None
        return invite.code

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        """In invite mode the account and the use of its code are one transaction: the use is
        taken first, by a conditional update, so a code with one use left lets in one of two
        people signing up at the same moment (the other is told, and nothing of theirs stays)."""
        if "invite_code" not in self.fields:
            return super().try_save(request)
        with transaction.atomic():
            invite = invites.invite_take(self.cleaned_data["invite_code"])
            user, response = super().try_save(request)
            if user is None:  # the address has an account already: allauth says so by email
                transaction.set_rollback(True)
            else:
                invites.invite_record(invite, user)
        return user, response


class WaitlistForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Display name", max_length=60, required=False)
    bio = forms.CharField(label="Bio", max_length=500, required=False, widget=forms.Textarea)
    avatar = forms.FileField(
        label="Avatar",
        required=False,
        help_text=(
            f"PNG, JPEG, WebP or GIF, at most {AVATAR_MAX_BYTES // (1024 * 1024)} MB. "
            "It is re-encoded and its metadata removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    remove_avatar = forms.BooleanField(label="Remove my avatar", required=False)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="This deletes your account, your profile and your files. It cannot be undone.",
    )


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "handle", "birthdate")


class UserAdminChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
