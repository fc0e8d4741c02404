from __future__ import annotations

from typing import Any

from django import forms

from cameos.models import VOICE_CHOICES, Cameo


class CameoSettingsForm(forms.Form):
    display_name = forms.CharField(label="Name shown in credits", max_length=60)
    permission = forms.ChoiceField(label="Who may use this cameo", choices=Cameo.Permission.choices)
    voice_preset = forms.ChoiceField(label="Voice", choices=VOICE_CHOICES)
    appearance_notes = forms.CharField(
        label="Appearance notes",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='How you look in videos, e.g. "curly hair, glasses".',
    )
    restrictions = forms.CharField(
        label="Restrictions",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='In plain words, one per line: "no political content", "never swearing", '
        '"always wearing my red cap".',
    )

    def __init__(self, *args: Any, teen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teen:
            field = self.fields["permission"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in Cameo.Permission.choices if c[0] != "everyone"]
            field.help_text = "Cameos of people under 18 are never open to everyone."


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CharacterForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=60)
    images = MultipleFileField(
        label="Images (1-4)",
        required=False,
        widget=MultipleImageInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif", "multiple": True}
        ),
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB each.",
    )
    clip = forms.FileField(
        label="Or a short clip",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/*"}),
        help_text="Up to 15 seconds, at most 50 MB.",
    )
    voice_preset = forms.ChoiceField(label="Voice", choices=VOICE_CHOICES)
    permission = forms.ChoiceField(
        label="Who may use this character", choices=Cameo.Permission.choices
    )
    appearance_notes = forms.CharField(
        label="Appearance notes",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, teen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teen:
            field = self.fields["permission"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in Cameo.Permission.choices if c[0] != "everyone"]


class BlockForm(forms.Form):
    handle = forms.CharField(label="Block someone from this cameo (their @handle)", max_length=31)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (shown to the person when rejected)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
