from __future__ import annotations

import pytest
from django.utils.html import escape

from moderation import policy


def test_every_category_is_complete_and_unique():
    codes = [c.code for c in policy.CATEGORIES]
    assert len(codes) == len(set(codes)) == 10
    for cat in policy.CATEGORIES:
        assert cat.title and cat.description and cat.consequence and cat.allowed
        assert cat.examples_refused
    zero = [c for c in policy.CATEGORIES if c.zero_tolerance]
    assert [c.code for c in zero] == [policy.MINORS_SEXUAL]
    assert policy.category(policy.MINORS_SEXUAL).severity == policy.Severity.CRITICAL


def test_maintained_lists_load_without_comments():
    assert "Taylor Swift" in policy.living_artists()
    assert any(line.startswith("Barack Obama") for line in policy.public_figures())
    assert "Mickey Mouse" in policy.copyrighted_characters()
    for lst in (policy.living_artists(), policy.public_figures(), policy.copyrighted_characters()):
        assert not any(line.startswith("#") for line in lst)


@pytest.mark.django_db
def test_policy_page_renders_every_category_and_appeals(client):
    response = client.get("/policy/")
    assert response.status_code == 200
    html = response.content.decode()
    for cat in policy.CATEGORIES:
        assert f'id="{cat.code}"' in html
        assert escape(cat.title) in html
    assert "How appeals work" in html
    assert f"within {policy.APPEAL_WINDOW_DAYS} days" in html
    assert "Zero tolerance" in html
    assert "<script>" not in html and "style=" not in html
