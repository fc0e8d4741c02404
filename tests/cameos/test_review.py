"""The moderator queue in admin: approve (verified, face references extracted) or reject with
a reason (the person is told, the clip goes); only moderators get in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Notification
from cameos import services
from cameos.models import Cameo, VerificationAttempt
from sora_site.core.errors import PermissionDenied
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(clips, challenge) -> VerificationAttempt:
    upload = SimpleUploadedFile("c.mp4", Path(clips["good"]).read_bytes())
    return services.verification_submit(user=UserFactory(), upload=upload, challenge=challenge)


@pytest.fixture
def moderator():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    return user


def _review_url(attempt: VerificationAttempt) -> str:
    return reverse("admin:cameos_verificationattempt_review", args=[attempt.pk])


def test_moderator_sees_clip_and_challenge_then_approves(client, attempt, moderator) -> None:
    client.force_login(moderator)
    queue = client.get(reverse("admin:cameos_verificationattempt_changelist"))
    assert queue.status_code == 200
    assert _review_url(attempt) in queue.content.decode()

    page = client.get(_review_url(attempt))
    html = page.content.decode()
    assert page.status_code == 200
    clip_url = reverse("cameos:clip", args=[attempt.pk])
    assert f'src="{clip_url}"' in html and "<video" in html
    for number in attempt.challenge["numbers"]:
        assert str(number) in html
    assert "face_ratio" in html

    clip = client.get(clip_url)
    assert clip.status_code == 200 and clip["Content-Type"] == "video/mp4"
    assert b"".join(clip.streaming_content) == default_storage.open(attempt.clip.name).read()
    ranged = client.get(clip_url, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and ranged["Content-Range"].startswith("bytes 0-99/")
    assert len(b"".join(ranged.streaming_content)) == 100

    response = client.post(_review_url(attempt), {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    attempt.refresh_from_db()
    cameo = attempt.cameo
    cameo.refresh_from_db()
    assert attempt.status == "approved" and attempt.reviewer == moderator
    assert cameo.status == "verified"
    references = list(cameo.references.all())
    assert 2 <= len(references) <= 3
    for ref in references:
        with default_storage.open(ref.file.name) as fh:
            image = Image.open(io.BytesIO(fh.read()))
            assert image.format == "PNG" and image.size == (ref.width, ref.height)
    # The raw clip stays only until its purge date.
    assert attempt.clip and (attempt.purge_after - attempt.created).days <= 30
    note = Notification.objects.get(recipient=cameo.owner, kind="cameo_verification")
    assert "verified" in note.text


def test_reject_tells_the_reason_and_deletes_the_clip(
    client, attempt, moderator, clips, django_capture_on_commit_callbacks
) -> None:
    client.force_login(moderator)
    name = attempt.clip.name
    missing_reason = client.post(_review_url(attempt), {"decision": "reject", "reason": ""})
    assert missing_reason.status_code == 200 and "reason" in missing_reason.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _review_url(attempt), {"decision": "reject", "reason": "Your face was hidden by a hat."}
        )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "rejected" and not attempt.clip
    assert not default_storage.exists(name)
    owner = attempt.cameo.owner
    assert Cameo.objects.get(owner=owner).status == "rejected"
    note = Notification.objects.get(recipient=owner, kind="cameo_verification")
    assert "hidden by a hat" in note.text

    # The person sees why, and may try again.
    client.force_login(owner)
    page = client.get(reverse("cameos:mine")).content.decode()
    assert "hidden by a hat" in page and reverse("cameos:verify") in page
    from cameos.verification import challenge_new

    again = services.verification_submit(
        user=owner,
        upload=SimpleUploadedFile("c.mp4", Path(clips["good"]).read_bytes()),
        challenge=challenge_new(),
    )
    assert again.status == "awaiting_review"
    assert Cameo.objects.get(owner=owner).status == "pending_verification"


def test_staff_who_are_not_moderators_are_refused(client, attempt) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:cameos_verificationattempt_changelist")).status_code == 403
    assert client.get(_review_url(attempt)).status_code == 404
    assert client.post(_review_url(attempt), {"decision": "approve"}).status_code == 404
    assert client.get(reverse("cameos:clip", args=[attempt.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.verification_approve(attempt=attempt, reviewer=staff)
    attempt.refresh_from_db()
    assert attempt.status == "awaiting_review"


def test_superuser_may_review_and_owner_may_watch(client, attempt) -> None:
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    assert client.get(_review_url(attempt)).status_code == 200
    client.force_login(attempt.cameo.owner)
    assert client.get(reverse("cameos:clip", args=[attempt.pk])).status_code == 200
