"""The permission matrix: every level x relationship x adult/teen owner and user, through
`cameo_can_use` and the picker's query (`cameos_usable_by`), which must agree."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.social import block_create, follow_create
from cameos import services
from cameos.models import Cameo, CameoGrant
from cameos.permissions import cameo_can_use, cameo_consent_still_valid, cameos_usable_by
from sora_site.core.errors import ValidationFailed
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import TeenFactory, UserFactory

pytestmark = pytest.mark.django_db

LEVELS = ["only_me", "approved", "mutuals", "everyone"]
RELATIONS = ["self", "approved", "blocked", "follower", "mutual", "approved_mutual", "stranger"]
AGES = [("adult", "adult"), ("adult", "teen"), ("teen", "adult"), ("teen", "teen")]


def expected(level: str, relation: str, owner_teen: bool, user_teen: bool) -> bool:
    """The rule, written out independently of the code under test."""
    if relation == "self":
        return True
    if relation == "blocked" or level == "only_me":
        return False
    granted = relation in ("approved", "approved_mutual")
    mutual = relation in ("mutual", "approved_mutual")
    if owner_teen and not user_teen:
        return granted and mutual
    if level == "approved":
        return granted
    if level == "mutuals" or (level == "everyone" and owner_teen):
        return granted or mutual
    return True


def _user(age: str):
    return TeenFactory() if age == "teen" else UserFactory()


def _relate(cameo: Cameo, owner, user, relation: str) -> None:
    if relation in ("approved", "approved_mutual", "blocked"):
        GrantFactory(cameo=cameo, user=user, status=CameoGrant.Status.APPROVED)
    if relation in ("follower", "mutual", "approved_mutual", "blocked"):
        follow_create(follower=user, followee=owner)
    if relation in ("mutual", "approved_mutual", "blocked"):
        follow_create(follower=owner, followee=user)
    if relation == "blocked":  # a block beats a grant and follows (and removes the follows)
        block_create(blocker=owner, blocked=user)


@pytest.mark.parametrize(("owner_age", "user_age"), AGES)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("level", LEVELS)
def test_permission_matrix(level: str, relation: str, owner_age: str, user_age: str) -> None:
    owner = _user(owner_age)
    owner_teen = owner_age == "teen"
    if owner_teen and level == "everyone":
        # Cannot be saved (see below); an older row that says "everyone" acts as "mutuals".
        cameo = CameoFactory(owner=owner, permission=level, owner_is_teen=False)
    else:
        cameo = CameoFactory(owner=owner, permission=level)
    user = owner if relation == "self" else _user(user_age)
    _relate(cameo, owner, user, relation)
    user_teen = owner_teen if relation == "self" else user_age == "teen"
    want = expected(level, relation, owner_teen, user_teen)

    decision = cameo_can_use(cameo=cameo, user=user)
    assert decision.allowed is want, decision
    if not want:
        assert decision.reason and decision.code != "ok"
    assert cameos_usable_by(user).filter(pk=cameo.pk).exists() is want


def test_reverse_block_and_cameo_block_refuse() -> None:
    owner, fan, other = UserFactory(), UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="everyone")
    assert cameo_can_use(cameo=cameo, user=fan).allowed
    block_create(blocker=fan, blocked=owner)  # the user blocked the owner: honoured too
    assert cameo_can_use(cameo=cameo, user=fan).code == "cameo_blocked"
    services.cameo_block_add(cameo=cameo, owner=owner, user=other)
    assert cameo_can_use(cameo=cameo, user=other).code == "cameo_blocked"
    assert not cameos_usable_by(other).filter(pk=cameo.pk).exists()
    assert not cameos_usable_by(fan).filter(pk=cameo.pk).exists()


@pytest.mark.parametrize("status", ["pending_verification", "rejected", "revoked"])
def test_unusable_cameos_refuse_everyone_even_the_owner(status: str) -> None:
    cameo = CameoFactory(permission="everyone", status=status)
    for user in (cameo.owner, UserFactory()):
        assert not cameo_can_use(cameo=cameo, user=user).allowed
        assert not cameos_usable_by(user).filter(pk=cameo.pk).exists()


def test_anonymous_and_inactive_owner() -> None:
    from django.contrib.auth.models import AnonymousUser

    cameo = CameoFactory(permission="everyone")
    assert cameo_can_use(cameo=cameo, user=AnonymousUser()).code == "login_required"
    cameo.owner.is_active = False
    cameo.owner.save(update_fields=["is_active"])
    assert not cameo_can_use(cameo=cameo, user=UserFactory()).allowed


def test_teen_cameo_can_never_be_everyone() -> None:
    teen = TeenFactory()
    cameo = CameoFactory(owner=teen, permission="mutuals")
    with pytest.raises(ValidationFailed) as info:
        services.cameo_settings_update(
            cameo=cameo, user=teen, permission="everyone", voice_preset="en-us"
        )
    assert info.value.code == "teen_everyone"
    cameo.refresh_from_db()
    assert cameo.permission == "mutuals"
    with pytest.raises(IntegrityError), transaction.atomic():
        Cameo.objects.filter(pk=cameo.pk).update(permission="everyone")


def test_revocation_takes_effect_at_once() -> None:
    owner, friend = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="mutuals")
    follow_create(follower=owner, followee=friend)
    follow_create(follower=friend, followee=owner)
    assert cameo_consent_still_valid(cameo_ids=[cameo.pk], user=friend).allowed

    services.cameo_settings_update(
        cameo=cameo, user=owner, permission="only_me", voice_preset="en-us"
    )
    decision = cameo_consent_still_valid(cameo_ids=[cameo.pk], user=friend)
    assert not decision.allowed and decision.code == "cameo_only_me"
    assert cameo_consent_still_valid(cameo_ids=[cameo.pk], user=owner).allowed


def test_grant_revoke_and_deletion_refuse_consent() -> None:
    owner, fan = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="approved")
    grant = services.grant_request(cameo=cameo, user=fan)
    assert not cameo_consent_still_valid(cameo_ids=[cameo.pk], user=fan).allowed
    services.grant_approve(grant=grant, owner=owner)
    assert cameo_consent_still_valid(cameo_ids=[cameo.pk], user=fan).allowed
    services.grant_revoke(grant=grant, owner=owner)
    assert cameo_consent_still_valid(cameo_ids=[cameo.pk], user=fan).code == "cameo_not_approved"
    cameo_id = cameo.pk
    services.cameo_delete(cameo=cameo, user=owner)
    assert cameo_consent_still_valid(cameo_ids=[cameo_id], user=owner).code == "cameo_deleted"
