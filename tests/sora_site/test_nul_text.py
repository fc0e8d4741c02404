"""Free text that services take straight from views refuses NUL characters (PostgreSQL cannot
store them: without the check they were a 500 there), and nothing is stored."""

from __future__ import annotations

import pytest

from feed.models import Comment, FeedPreference
from feed.services import comment_create, preference_set
from sora_site.core.errors import ValidationFailed
from tests.factories import UserFactory
from tests.feed.factories import PublishedVideoFactory
from tests.videos.factories import BEACH_DOG_PLAN
from videos.models import Video
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db


def test_comment_with_a_nul_is_refused() -> None:
    video = PublishedVideoFactory()
    with pytest.raises(ValidationFailed) as caught:
        comment_create(viewer=UserFactory(), video=video, text="nice\x00 one")
    assert caught.value.code == "invalid_characters"
    assert not Comment.objects.exists()


def test_feed_tuning_with_a_nul_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        preference_set(viewer=UserFactory(), text="more \x00animals")
    assert caught.value.code == "invalid_characters"
    assert not FeedPreference.objects.exists()


def test_remix_edit_with_a_nul_is_refused() -> None:
    parent = PublishedVideoFactory(plan=BEACH_DOG_PLAN)
    before = Video.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        remix_request(user=UserFactory(), parent_public_id=parent.public_id, edit="at night\x00")
    assert caught.value.code == "invalid_characters"
    assert Video.objects.count() == before
