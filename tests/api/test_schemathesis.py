"""Property-based run of every API operation against the published OpenAPI schema, in process
(WSGI, no network): no 5xx, and every response conforms to the schema (status code, content
type, headers, body). A bounded number of cases here; docs/API.md has the long run."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
import schemathesis.specs.openapi.checks
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from sora_site.api.services import pat_create
from tests.api.builders import video_in
from tests.factories import UserFactory
from videos.models import Video

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


# The schema view needs no database: loading it at collection time is safe.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def _keep_test_connection() -> Any:
    """The raw WSGI handler closes "old" connections around each request; inside the test's
    transaction that would close it (PostgreSQL). Django's test client unhooks this too."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(_keep_test_connection: Any, db: Any, settings: Any) -> dict[str, str]:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/min", "user": "100000/min"},
    }
    settings.GENERATION_DAILY_QUOTA = 100000
    settings.GENERATION_MAX_ACTIVE = 100000
    person = UserFactory(handle="fuzzer")
    other = UserFactory(handle="other")
    video_in(other, Video.Status.PUBLISHED)
    video_in(person, Video.Status.DRAFT_READY)
    _, token = pat_create(
        user=person,
        name="schemathesis",
        scopes=[
            "profile:read",
            "videos:read",
            "videos:write",
            "generate",
            "cameos:read",
            "cameos:write",
            "feed:read",
            "social:write",
        ],
    )
    return {"Authorization": f"Bearer {token}"}


# /verify is left out of the fuzzing: every case decodes an upload and runs the watermark
# detector (seconds each); its bad inputs are covered by test_reports_verify.py and
# tests/videos/test_verify.py.
@schema.exclude(path="/api/v1/verify").parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: Any, fuzz_world: dict[str, str], api_broker: Any) -> None:
    # Schema-valid input may still be refused by a rule the schema cannot express (quota,
    # moderation, state): that check is off; every other one, conformance included, is on.
    case.call_and_validate(
        headers=fuzz_world,
        excluded_checks=[schemathesis.specs.openapi.checks.positive_data_acceptance],
    )
