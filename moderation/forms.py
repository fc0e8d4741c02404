from __future__ import annotations

from django import forms

from moderation import policy


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Which rule does it break?",
        choices=policy.REPORT_REASON_CHOICES,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything a moderator should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why is this decision wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
