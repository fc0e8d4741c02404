from __future__ import annotations

from django import forms

from videos import options
from videos.models import Video


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(options.AUTO, "Auto (from the prompt)")] + [(v, v.capitalize()) for v in values]


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


class PublishForm(forms.Form):
    caption = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        choices=Video.Visibility.choices,
        initial=Video.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
