"""Asking for someone's cameo (issue 20): a "Request access" button on their profile and in the
refusal that names a cameo you may not use, one click to ask, and the owner's answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cameos.models import Cameo, CameoGrant
from tests.cameos.factories import CameoFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_only() -> Cameo:
    return CameoFactory(owner=UserFactory(handle="ana"), permission=Cameo.Permission.APPROVED)


def test_the_profile_offers_a_one_click_request(client: Client, approved_only: Cameo) -> None:
    maker = UserFactory(handle="bo")
    client.force_login(maker)
    profile = client.get(reverse("accounts:profile", args=["ana"])).content.decode()
    action = reverse("cameos:request", args=[approved_only.pk])
    assert "Request access" in profile and f'action="{action}"' in profile
    client.post(action)
    grant = CameoGrant.objects.get(cameo=approved_only, user=maker)
    assert grant.status == CameoGrant.Status.REQUESTED
    profile = client.get(reverse("accounts:profile", args=["ana"])).content.decode()
    assert "Request access" not in profile and "haven't answered yet" in profile


@pytest.mark.parametrize(
    "permission,offered",
    [(Cameo.Permission.ONLY_ME, False), (Cameo.Permission.EVERYONE, False)],
)
def test_no_request_button_where_asking_cannot_help_or_is_not_needed(
    client: Client, permission: str, offered: bool
) -> None:
    CameoFactory(owner=UserFactory(handle="ana"), permission=permission)
    client.force_login(UserFactory())
    profile = client.get(reverse("accounts:profile", args=["ana"])).content.decode()
    assert ("Request access" in profile) is offered
    if permission == Cameo.Permission.EVERYONE:
        assert "You may put @ana" in profile


def test_the_refusal_on_create_names_the_cameo_and_offers_to_ask(
    client: Client, approved_only: Cameo
) -> None:
    client.force_login(UserFactory())
    form = {"prompt": "@ana waves on a beach", "duration": 5, "aspect": "9:16",
            "resolution": 480, "style": "auto", "camera": "auto", "seed": ""}  # fmt: skip
    refused = client.post(reverse("videos:create"), form)
    html = refused.content.decode()
    assert refused.status_code == 403, re.findall(r"<li>([^<]*)</li>", html)
    assert "has not approved you" in html
    assert f"Request access to {approved_only.display_name}" in html
    assert f'action="{reverse("cameos:request", args=[approved_only.pk])}"' in html


def test_the_owner_sees_the_request_and_answers_it(client: Client, approved_only: Cameo) -> None:
    maker = UserFactory(handle="bo")
    client.force_login(maker)
    client.post(reverse("cameos:request", args=[approved_only.pk]))
    client.force_login(approved_only.owner)
    page = client.get(reverse("cameos:mine")).content.decode()
    assert "@bo asks to use this cameo" in page
    grant = CameoGrant.objects.get(user=maker)
    client.post(reverse("cameos:grant", args=[approved_only.pk, grant.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.status == CameoGrant.Status.APPROVED
    client.force_login(maker)
    profile = client.get(reverse("accounts:profile", args=["ana"])).content.decode()
    assert "You may put @ana" in profile
