"""Owners' restrictions in plain words, enforced on prompts - paraphrases included - and the
prompt resolver (picked ids and @mentions, at most two, consent checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.social import follow_create
from cameos.engine import cameo_engine_ref
from cameos.models import CameoReference
from cameos.permissions import cameo_check_prompt_restrictions, cameos_resolve_for_prompt
from cameos.restrictions import appearance_notes_from, prompt_conflicts, restrictions_parse
from sora_site.core.errors import PermissionDenied, ValidationFailed
from tests.cameos.factories import CameoFactory
from tests.factories import UserFactory

RESTRICTIONS = "No political content.\nNever swearing; always wearing my red cap"


def test_parse_splits_forbidding_rules_and_notes() -> None:
    rules = restrictions_parse(RESTRICTIONS + "\ndon't show me drinking alcohol")
    assert [(r.kind, r.subject) for r in rules] == [
        ("forbid", "political content"),
        ("forbid", "swearing"),
        ("note", "wearing my red cap"),
        ("forbid", "drinking alcohol"),
    ]
    assert appearance_notes_from(RESTRICTIONS) == ["wearing my red cap"]


@pytest.mark.parametrize(
    ("restrictions", "prompt"),
    [
        ("no political content", "a senator giving a campaign speech"),
        ("no political content", "the leader of the nation talks to reporters on the lawn"),
        ("never swearing", "she screams filthy words at the referee"),
        ("no alcohol", "they sip red liquid from fancy glasses at a party"),
        ("don't put me in horror scenes", "something chases me through a dark abandoned house"),
        ("no violence", "he punches a stranger outside the pub"),
    ],
)
def test_forbidding_rules_catch_paraphrases(restrictions: str, prompt: str) -> None:
    conflicts = prompt_conflicts(restrictions=restrictions, prompt=prompt)
    assert conflicts, f"{prompt!r} should break {restrictions!r}"


@pytest.mark.parametrize(
    "prompt",
    [
        "me skateboarding down a sunny hill with my dog",
        "a cooking show in a bright kitchen",
        "two friends laughing at a cafe",
        "me dancing in the rain",
        "riding a bike through a city at dusk",
    ],
)
def test_harmless_prompts_pass(prompt: str) -> None:
    rules = RESTRICTIONS + "\nno alcohol\nno violence\nno horror\nno kissing"
    assert prompt_conflicts(restrictions=rules, prompt=prompt) == []


@pytest.mark.django_db
def test_check_prompt_quotes_the_owner() -> None:
    cameo = CameoFactory(restrictions=RESTRICTIONS)
    decision = cameo_check_prompt_restrictions(cameo=cameo, prompt="a senator's campaign speech")
    assert not decision.allowed and decision.code == "cameo_restricted"
    assert '"No political content"' in decision.reason
    assert cameo_check_prompt_restrictions(cameo=cameo, prompt="me surfing a big wave").allowed


@pytest.mark.django_db
def test_resolve_for_prompt() -> None:
    me, friend, stranger = UserFactory(), UserFactory(handle="friend.one"), UserFactory()
    mine = CameoFactory(owner=me, permission="only_me")
    theirs = CameoFactory(owner=friend, permission="mutuals", restrictions="never swearing")
    private = CameoFactory(owner=stranger, permission="only_me")
    follow_create(follower=me, followee=friend)
    follow_create(follower=friend, followee=me)

    got = cameos_resolve_for_prompt(
        user=me, prompt="@friend.one and I surf a wave", selected_ids=[mine.pk]
    )
    assert got == [mine, theirs]
    # Mentioning a handle without a cameo is just text.
    assert cameos_resolve_for_prompt(user=me, prompt="hi @nobody_here", selected_ids=[]) == []
    with pytest.raises(ValidationFailed) as info:
        cameos_resolve_for_prompt(
            user=me, prompt="@friend.one curses loudly at a referee", selected_ids=[]
        )
    assert info.value.code == "cameo_restricted"
    with pytest.raises(PermissionDenied) as denied:
        cameos_resolve_for_prompt(user=me, prompt="a walk", selected_ids=[private.pk])
    assert denied.value.code == "cameo_only_me"
    with pytest.raises(ValidationFailed) as too_many:
        cameos_resolve_for_prompt(user=me, prompt="@friend.one", selected_ids=[mine.pk, private.pk])
    assert too_many.value.code == "too_many_cameos"
    with pytest.raises(ValidationFailed):
        cameos_resolve_for_prompt(user=me, prompt="x", selected_ids=["abc"])


@pytest.mark.django_db
def test_engine_ref(settings) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.cameos.media import png_bytes

    cameo = CameoFactory(
        voice_preset="en-us+f3", appearance_notes="curly hair", restrictions=RESTRICTIONS
    )
    name = default_storage.save("cameos/x/ref.png", ContentFile(png_bytes()))
    CameoReference.objects.create(cameo=cameo, file=name, width=400, height=300)
    ref = cameo_engine_ref(cameo)
    assert ref.id == cameo.owner.handle and ref.kind == "person"
    assert ref.voice_preset == "en-us+f3"
    assert ref.appearance_notes == "curly hair; wearing my red cap"
    assert ref.face_image and Path(ref.face_image).read_bytes() == png_bytes()
