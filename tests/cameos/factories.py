from __future__ import annotations

import factory

from cameos.models import Cameo, CameoGrant
from tests.factories import UserFactory


class CameoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cameo

    owner = factory.SubFactory(UserFactory)
    kind = Cameo.Kind.PERSON
    display_name = factory.LazyAttribute(lambda c: c.owner.name)
    status = Cameo.Status.VERIFIED
    permission = Cameo.Permission.ONLY_ME
    owner_is_teen = factory.LazyAttribute(lambda c: c.owner.is_teen)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CameoGrant

    cameo = factory.SubFactory(CameoFactory)
    user = factory.SubFactory(UserFactory)
    status = CameoGrant.Status.APPROVED
