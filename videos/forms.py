from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from cameos.models import Cameo
from cameos.permissions import MAX_CAMEOS_PER_VIDEO
from videos import options
from videos.models import Video


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(options.AUTO, "Auto (from the prompt)")] + [(v, v.capitalize()) for v in values]


def cameo_label(cameo: Cameo, *, viewer_id: int | None) -> str:
    if cameo.owner_id == viewer_id:
        return f"{cameo.display_name} (yours)"
    return f"{cameo.display_name} (@{cameo.owner.handle})"


class CameoPickField(forms.TypedMultipleChoiceField):
    """Checkboxes for the cameos the person may use. A posted id that is not in the list (access
    revoked since the page loaded, a hand-made request) is still passed on: the generation
    service then refuses it with the owner's reason instead of a bare "invalid choice"."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) <= 18


class CreateForm(forms.Form):
    prompt = forms.CharField(
        max_length=options.MAX_PROMPT_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "maxlength": options.MAX_PROMPT_CHARS,
                "placeholder": "A red ball bounces down stone steps at sunset…",
                "aria-describedby": "prompt-counter",
            }
        ),
        help_text="Describe who is in it, what happens, where and when.",
    )
    duration = forms.TypedChoiceField(
        choices=[(d, f"{d} seconds") for d in options.DURATIONS],
        coerce=int,
        initial=options.DEFAULT_DURATION,
    )
    aspect = forms.ChoiceField(
        choices=[("9:16", "9:16 vertical"), ("16:9", "16:9 wide"), ("1:1", "1:1 square")],
        initial=options.DEFAULT_ASPECT,
    )
    resolution = forms.TypedChoiceField(
        choices=[(r, f"{r}p") for r in options.RESOLUTIONS],
        coerce=int,
        initial=options.DEFAULT_RESOLUTION,
        help_text="Smaller is faster.",
    )
    style = forms.ChoiceField(choices=_choices(options.STYLES), initial=options.AUTO)
    camera = forms.ChoiceField(choices=_choices(options.CAMERAS), initial=options.AUTO)
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=options.MAX_SEED,
        help_text="Optional: the same prompt and seed make the same video.",
    )
    cameos = CameoPickField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {MAX_CAMEOS_PER_VIDEO} in all, counting people you @mention in the "
        "prompt.",
    )

    def __init__(
        self,
        *args: Any,
        cameo_choices: Iterable[Cameo] = (),
        viewer_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        picker = self.fields["cameos"]
        assert isinstance(picker, CameoPickField)
        picker.choices = [
            (cameo.pk, cameo_label(cameo, viewer_id=viewer_id)) for cameo in cameo_choices
        ]

    def clean_cameos(self) -> list[int]:
        picked = list(dict.fromkeys(self.cleaned_data.get("cameos") or []))
        if len(picked) > MAX_CAMEOS_PER_VIDEO:
            raise forms.ValidationError(
                f"Pick at most {MAX_CAMEOS_PER_VIDEO} cameos.", code="too_many_cameos"
            )
        return picked


class PublishForm(forms.Form):
    caption = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        choices=Video.Visibility.choices,
        initial=Video.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    adult_only = forms.BooleanField(required=False)
    allow_remix = forms.BooleanField(required=False)  # the form's checkbox starts as the draft's
