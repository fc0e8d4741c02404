"""The permission matrix through the real entry points.

Every permission level x relationship x adult/teen owner x adult/teen user, checked where a
likeness can enter a video: Create (the generation service, by pick and by @mention, and the
HTTP Create page), remix (a cameo added by @mention in the edit, and one inherited from the
parent), publish (a draft holding the cameo) and the API (POST /api/v1/generations with an
@mention and with picked cameo_ids). The expected answer comes from a table written from the
rules in issue 7, not from the code under test. Nothing runs the engine: requests only ever
reach an in-memory broker, and only the generation service's on-commit enqueue is run, into a
stub broker with no worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.social import block_create, follow_create
from cameos import services as cameo_services
from cameos.models import Cameo, CameoAppearance, CameoGrant
from sora_site.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from tests.api.conftest import client_for
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import TeenFactory, UserFactory
from tests.videos.conftest import queued_job_ids
from tests.videos.factories import BEACH_DOG_PLAN as PLAN
from tests.videos.factories import VideoFactory
from videos.models import GenerationJob, Video
from videos.services import generation_request, video_publish
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db

LEVELS = ["only_me", "approved", "mutuals", "everyone"]
# "approved_mutual" is the one relation under which an adult may use a teen's cameo.
RELATIONS = ["self", "approved", "blocked", "follower", "mutual", "approved_mutual", "stranger"]
AGES = ["adult", "teen"]

PROMPT = "waves hello on a sunny beach"


def effective_level(level: str, *, owner_teen: bool) -> str:
    """A teen's cameo can never be open to everyone: asking for it leaves it at mutuals."""
    return "mutuals" if owner_teen and level == "everyone" else level


def expected(level: str, relation: str, *, owner_teen: bool, user_teen: bool) -> bool:
    """The written rules, as a table."""
    if relation == "self":
        return True  # the owner may always use their own cameo
    if relation == "blocked":
        return False  # whatever else is true
    level = effective_level(level, owner_teen=owner_teen)
    if level == "only_me":
        return False
    approved = relation in ("approved", "approved_mutual")
    mutual = relation in ("mutual", "approved_mutual")
    if owner_teen and not user_teen:
        return approved and mutual  # an adult needs both for a teen's cameo
    return {"approved": approved, "mutuals": approved or mutual, "everyone": True}[level]


def _cases() -> list[Any]:
    cases = []
    for level in LEVELS:
        for relation in RELATIONS:
            for owner_age in AGES:
                for user_age in AGES:
                    if relation == "self" and user_age != owner_age:
                        continue  # the owner is the user: one age
                    cases.append(
                        pytest.param(
                            level,
                            relation,
                            owner_age,
                            user_age,
                            id=f"{level}-{relation}-{owner_age}_owner-{user_age}_user",
                        )
                    )
    return cases


CASES = _cases()


@pytest.fixture(autouse=True)
def _room_for_many_requests(settings: Any) -> None:
    """Each case makes several drafts for one person; quota and concurrency are tested
    elsewhere."""
    settings.GENERATION_DAILY_QUOTA = 1000
    settings.GENERATION_DAILY_QUOTA_TEEN = 1000
    settings.GENERATION_MAX_ACTIVE = 1000
    settings.GENERATION_HEARTBEAT_SECONDS = 0


def _person(age: str, handle: str | None = None) -> Any:
    factory = TeenFactory if age == "teen" else UserFactory
    return factory(handle=handle) if handle else factory()


def _owner_cameo(owner: Any, level: str) -> Cameo:
    """The owner's person cameo at `level`, set through the settings service (which refuses
    "everyone" for a teen: the matrix checks that too)."""
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.MUTUALS)
    try:
        cameo_services.cameo_settings_update(
            cameo=cameo, user=owner, permission=level, voice_preset="en-us"
        )
    except ValidationFailed as refused:
        assert owner.is_teen and level == "everyone", refused.detail
        assert refused.code == "teen_everyone"
    cameo.refresh_from_db()
    assert cameo.permission == effective_level(level, owner_teen=owner.is_teen)
    return cameo


def _relate(cameo: Cameo, owner: Any, user: Any, relation: str) -> None:
    if relation in ("approved", "approved_mutual", "blocked"):
        GrantFactory(cameo=cameo, user=user, status=CameoGrant.Status.APPROVED)
    if relation in ("follower", "mutual", "approved_mutual", "blocked"):
        follow_create(follower=user, followee=owner)
    if relation in ("mutual", "approved_mutual", "blocked"):
        follow_create(follower=owner, followee=user)
    if relation == "blocked":  # a block beats the grant and the follows made above
        block_create(blocker=owner, blocked=user)


# --- the entry points: each answers True (the cameo went in) or False (refused, nothing kept) ---


def _refused(error: ApplicationError) -> bool:
    assert isinstance(error, PermissionDenied), (error.code, error.detail)
    assert error.detail
    return False


def _new_video_with(cameo: Cameo, user: Any, before: set[int]) -> bool:
    created = Video.objects.filter(owner=user).exclude(pk__in=before)
    if not created.exists():
        return False
    video = created.get()
    assert video.cameo_ids == [cameo.pk]
    assert CameoAppearance.objects.filter(cameo=cameo, video_id=video.pk).exists()
    return True


def create_by_pick(ctx: dict[str, Any]) -> bool:
    try:
        # Run what would run on commit: the job goes to the stub broker, where no worker is.
        with ctx["on_commit"]():
            job = generation_request(user=ctx["user"], prompt=PROMPT, cameo_ids=[ctx["cameo"].pk])
    except ApplicationError as error:
        return _refused(error)
    assert job.video.cameo_ids == [ctx["cameo"].pk]
    ctx["enqueued"].append(job.pk)
    return True


def create_by_mention(ctx: dict[str, Any]) -> bool:
    try:
        job = generation_request(user=ctx["user"], prompt=f"@{ctx['handle']} {PROMPT}")
    except ApplicationError as error:
        return _refused(error)
    assert job.video.cameo_ids == [ctx["cameo"].pk]
    return True


def create_page(ctx: dict[str, Any]) -> bool:
    before = set(Video.objects.values_list("pk", flat=True))
    client = Client()
    client.force_login(ctx["user"])
    response = client.post(
        "/create/",
        {
            "prompt": PROMPT,
            "duration": 5,
            "aspect": "9:16",
            "resolution": 480,
            "style": "auto",
            "camera": "auto",
            "cameos": [ctx["cameo"].pk],
        },
    )
    went_in = _new_video_with(ctx["cameo"], ctx["user"], before)
    if went_in:
        assert response.status_code == 302
    else:
        assert response.status_code == 403, response.status_code
        assert 'role="alert"' in response.content.decode()
    return went_in


def remix_with_mention(ctx: dict[str, Any]) -> bool:
    try:
        job = remix_request(
            user=ctx["user"],
            parent_public_id=ctx["plain_parent"].public_id,
            edit=f"add @{ctx['handle']} waving at the dog",
        )
    except ApplicationError as error:
        return _refused(error)
    assert job.video.cameo_ids == [ctx["cameo"].pk]
    return True


def remix_inheriting(ctx: dict[str, Any]) -> bool:
    try:
        job = remix_request(
            user=ctx["user"],
            parent_public_id=ctx["parent_with_cameo"].public_id,
            edit="make it claymation",
        )
    except ApplicationError as error:
        assert error.code == "inherited_cameo_refused"
        return _refused(error)
    assert job.video.cameo_ids == [ctx["cameo"].pk]
    return True


def publish(ctx: dict[str, Any]) -> bool:
    draft = VideoFactory(
        owner=ctx["user"], status=Video.Status.DRAFT_READY, cameo_ids=[ctx["cameo"].pk]
    )
    try:
        video_publish(user=ctx["user"], public_id=draft.public_id, caption="", visibility="public")
    except ApplicationError as error:
        draft.refresh_from_db()
        assert draft.status == Video.Status.DRAFT_READY
        return _refused(error)
    draft.refresh_from_db()
    assert draft.status == Video.Status.PUBLISHED
    return True


def _api_generation(ctx: dict[str, Any], extra: dict[str, Any]) -> bool:
    before = set(Video.objects.values_list("pk", flat=True))
    response = client_for(ctx["user"]).post(
        "/api/v1/generations",
        {"duration": 5, "resolution": 480, **extra},
        content_type="application/json",
    )
    went_in = _new_video_with(ctx["cameo"], ctx["user"], before)
    if went_in:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 403, response.content
        body = response.json()
        assert body["code"].startswith("cameo_") and body["detail"]
    return went_in


def api_generation(ctx: dict[str, Any]) -> bool:
    return _api_generation(ctx, {"prompt": f"@{ctx['handle']} {PROMPT}"})


def api_generation_picked(ctx: dict[str, Any]) -> bool:
    return _api_generation(ctx, {"prompt": PROMPT, "cameo_ids": [ctx["cameo"].pk]})


ENTRY_POINTS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "create (service, picked)": create_by_pick,
    "create (service, @mention)": create_by_mention,
    "create (HTTP page, picked)": create_page,
    "remix (@mention in the edit)": remix_with_mention,
    "remix (inherited from the parent)": remix_inheriting,
    "publish": publish,
    "API POST /generations (@mention)": api_generation,
    "API POST /generations (picked)": api_generation_picked,
}


@pytest.mark.parametrize(("level", "relation", "owner_age", "user_age"), CASES)
def test_permission_matrix_through_every_entry_point(
    level: str,
    relation: str,
    owner_age: str,
    user_age: str,
    stub_broker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = _person(owner_age, handle="cameoowner")
    cameo = _owner_cameo(owner, level)
    user = owner if relation == "self" else _person(user_age)
    _relate(cameo, owner, user, relation)
    # Remix parents belong to a third adult, public and published, so only the cameo decides.
    bystander = UserFactory()
    plain_parent = VideoFactory(
        owner=bystander, status=Video.Status.PUBLISHED, plan=PLAN, cameo_ids=[]
    )
    parent_with_cameo = VideoFactory(
        owner=bystander, status=Video.Status.PUBLISHED, plan=PLAN, cameo_ids=[cameo.pk]
    )
    ctx = {
        "user": user,
        "cameo": cameo,
        "handle": owner.handle,
        "plain_parent": plain_parent,
        "parent_with_cameo": parent_with_cameo,
        "on_commit": lambda: django_capture_on_commit_callbacks(execute=True),
        "enqueued": [],
    }
    want = expected(level, relation, owner_teen=owner_age == "teen", user_teen=user.is_teen)

    outcomes = {name: entry(ctx) for name, entry in ENTRY_POINTS.items()}

    assert outcomes == dict.fromkeys(ENTRY_POINTS, want)
    # Only the one request whose commit hooks were run reached the broker (and no engine ran:
    # every job is still queued); the other entry points' commits never happen in a test.
    assert queued_job_ids(stub_broker) == ctx["enqueued"]
    assert len(ctx["enqueued"]) == int(want)
    assert not GenerationJob.objects.exclude(status=GenerationJob.Status.QUEUED).exists()


def test_the_matrix_covers_every_combination() -> None:
    """4 levels x 7 relations x 2 owner ages x 2 user ages, less the impossible "self" pairs."""
    assert len(CASES) == 4 * (6 * 2 * 2 + 1 * 2)
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("level", "relation", "owner_age", "user_age", "allowed"),
    [
        # Sentences of issue 7, one cell each.
        ("everyone", "stranger", "adult", "adult", True),
        ("everyone", "stranger", "adult", "teen", True),
        ("everyone", "stranger", "teen", "teen", False),  # a teen's cameo is never "everyone"
        ("everyone", "mutual", "teen", "teen", True),
        ("everyone", "blocked", "adult", "adult", False),  # blocked is always refused
        ("mutuals", "follower", "adult", "adult", False),  # each must follow the other
        ("mutuals", "mutual", "adult", "teen", True),
        ("approved", "mutual", "adult", "adult", False),
        ("approved", "approved", "adult", "adult", True),
        ("only_me", "approved_mutual", "adult", "adult", False),
        ("only_me", "self", "teen", "teen", True),
        # An adult may use a teen's cameo only if approved AND mutual.
        ("mutuals", "mutual", "teen", "adult", False),
        ("approved", "approved", "teen", "adult", False),
        ("approved", "approved_mutual", "teen", "adult", True),
        ("everyone", "approved_mutual", "teen", "adult", True),
        ("only_me", "approved_mutual", "teen", "adult", False),
    ],
)
def test_the_expected_table_says_what_the_issue_says(
    level: str, relation: str, owner_age: str, user_age: str, allowed: bool
) -> None:
    assert (
        expected(level, relation, owner_teen=owner_age == "teen", user_teen=user_age == "teen")
        is allowed
    )
