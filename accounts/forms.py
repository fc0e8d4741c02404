from django import forms


class SignupExtraForm(forms.Form):
    def signup(self, request, user):  # type: ignore[no-untyped-def]
        return None
