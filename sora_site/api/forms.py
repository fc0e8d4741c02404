from __future__ import annotations

from django import forms

from sora_site.api.scopes import SCOPES

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What the token is for, e.g. “upload script on my laptop”."
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, f"{scope} — {text}") for scope, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    expires = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, initial="90")


class AppForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Shown to people on the consent screen.")
    redirect_uris = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where people are sent back after consenting; one per line.",
    )
    client_type = forms.ChoiceField(
        choices=[
            ("public", "Public: a mobile, desktop or browser app that cannot keep a secret"),
            ("confidential", "Confidential: a server that keeps the client secret"),
        ],
        widget=forms.RadioSelect,
        initial="public",
    )
