"""Webhooks: registration through the API, signed deliveries a receiver can verify with the
recipe of docs/API.md, retries with backoff, and refusal of private targets (SSRF)."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sora_site.api import tasks as api_tasks
from sora_site.api.models import WebhookDelivery, WebhookEndpoint
from sora_site.api.webhooks import webhook_emit, webhook_target_resolve
from sora_site.core.errors import ValidationFailed
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def verify_framecast_signature(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The recipe from docs/API.md, copied verbatim (what a receiver writes)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Receiver:
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []


@pytest.fixture
def receiver(settings: Any) -> Iterator[tuple[Receiver, str]]:
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    state = Receiver([500, 200])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hooks/framecast?x=1"
    server.shutdown()
    server.server_close()


def _delayed(broker: Any) -> list[Any]:
    queue = broker.queues.get("webhooks.DQ")
    return list(queue.queue) if queue is not None else []


def test_signed_delivery_retried_with_backoff_until_it_succeeds(
    receiver: tuple[Receiver, str],
    api_broker: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WEBHOOK_BACKOFF_SECONDS = 7
    state, url = receiver
    person = UserFactory()
    api = client_for(person, ["profile:read", "generate"])
    created = api.post(
        "/api/v1/webhooks",
        {"url": url, "events": ["generation.succeeded"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert "secret" not in api.get(f"/api/v1/webhooks/{created.json()['id']}").json()

    with django_capture_on_commit_callbacks(execute=True):
        count = webhook_emit(
            "generation.succeeded", user=person, payload={"generation": "g1", "video": "v1"}
        )
    assert count == 1
    assert len(api_broker.queues["webhooks"].queue) == 1
    delivery = WebhookDelivery.objects.get()

    api_tasks.deliver_webhook.fn(delivery.pk)  # the actor's work, in this thread
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    assert "500" in delivery.last_error
    retries = _delayed(api_broker)
    assert len(retries) == 1
    from dramatiq import Message

    message = Message.decode(retries[0])
    assert message.args == (delivery.pk,)
    assert 6_000 <= message.options["eta"] - message.message_timestamp <= 8_000

    api_tasks.deliver_webhook.fn(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert delivery.attempts == 2
    assert delivery.delivered_at is not None

    assert len(state.requests) == 2
    headers, body = state.requests[-1]
    assert headers["Content-Type"] == "application/json"
    assert headers["Framecast-Event"] == "generation.succeeded"
    assert verify_framecast_signature(secret, headers["Framecast-Signature"], body)
    assert not verify_framecast_signature(secret, headers["Framecast-Signature"], body + b" ")
    assert not verify_framecast_signature("whsec_wrong", headers["Framecast-Signature"], body)
    document = json.loads(body)
    assert document["type"] == "generation.succeeded"
    assert document["data"] == {"generation": "g1", "video": "v1"}
    assert document["id"] == headers["Framecast-Delivery"]

    log = api.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries")
    assert log.status_code == 200
    assert log.json()["results"][0]["status"] == "succeeded"
    assert log.json()["results"][0]["attempts"] == 2


def test_delivery_gives_up_after_the_last_attempt(
    receiver: tuple[Receiver, str], api_broker: Any, settings: Any
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    state, url = receiver
    state.statuses[:] = [503, 503, 503]
    person = UserFactory()
    WebhookEndpoint.objects.create(user=person, url=url, events=["video.published"])
    webhook_emit("video.published", user=person, payload={"video": "v"})
    delivery = WebhookDelivery.objects.get()
    api_tasks.deliver_webhook.fn(delivery.pk)
    api_tasks.deliver_webhook.fn(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 2
    assert delivery.next_attempt_at is None
    api_tasks.deliver_webhook.fn(delivery.pk)  # a stray message changes nothing
    assert len(state.requests) == 2


def test_events_go_only_to_subscribed_endpoints_of_that_person() -> None:
    alice, bob = UserFactory(), UserFactory()
    WebhookEndpoint.objects.create(user=alice, url="https://a.example/", events=["cameo.used"])
    WebhookEndpoint.objects.create(user=bob, url="https://b.example/", events=["cameo.used"])
    WebhookEndpoint.objects.create(user=alice, url="https://c.example/", events=["video.published"])
    assert webhook_emit("cameo.used", user=alice, payload={}) == 1
    assert WebhookDelivery.objects.get().endpoint.url == "https://a.example/"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.20/hook",
        "http://172.16.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://100.64.0.1/hook",
        "http://localhost:8000/hook",
        "ftp://93.184.216.34/hook",
        "http://user:pw@93.184.216.34/hook",
        "not a url",
        "https://93.184.216.34/my hook",
        "https://93.184.216.34/ho\tok",
        "https://93.184.216.34/a\r\nHost: evil",
    ],
)
def test_private_and_odd_targets_are_refused(url: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        webhook_target_resolve(url)
    assert error.value.code == "webhook_url"
    api = client_for(UserFactory(), ["profile:read", "videos:read"])
    response = api.post(
        "/api/v1/webhooks",
        {"url": url, "events": ["video.published"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_url"
    assert not WebhookEndpoint.objects.exists()


def test_public_address_is_accepted() -> None:
    target = webhook_target_resolve("https://93.184.216.34:8443/in?x=1")
    assert (target.address, target.port, target.path) == ("93.184.216.34", 8443, "/in?x=1")


def test_private_target_is_checked_again_at_delivery_and_fails_once(
    receiver: tuple[Receiver, str], api_broker: Any, settings: Any
) -> None:
    """The address policy does not change between attempts: a refused target fails the
    delivery at once, with the reason on its row, and nothing is scheduled again."""
    state, url = receiver
    person = UserFactory()
    WebhookEndpoint.objects.create(user=person, url=url, events=["video.published"])
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    webhook_emit("video.published", user=person, payload={})
    delivery = WebhookDelivery.objects.get()
    api_tasks.deliver_webhook.fn(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is None
    assert "public internet address" in delivery.last_error
    assert _delayed(api_broker) == []
    assert state.requests == []


def test_unresolvable_target_is_still_retried(api_broker: Any, settings: Any) -> None:
    """A name that does not resolve may be a passing DNS fault: that one is retried."""
    person = UserFactory()
    endpoint = WebhookEndpoint.objects.create(
        user=person, url="https://hooks.example.com/in", events=["video.published"]
    )
    endpoint.url = "https://no-such-host.invalid/in"  # the name has gone since registration
    endpoint.save(update_fields=["url"])
    webhook_emit("video.published", user=person, payload={})
    delivery = WebhookDelivery.objects.get()
    api_tasks.deliver_webhook.fn(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "does not resolve" in delivery.last_error
    assert len(_delayed(api_broker)) == 1


def test_subscribing_needs_the_events_scope() -> None:
    api = client_for(UserFactory(), ["profile:read"])
    response = api.post(
        "/api/v1/webhooks",
        {"url": "https://93.184.216.34/", "events": ["generation.failed"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_webhooks_are_scoped_to_their_owner() -> None:
    alice, bob = UserFactory(), UserFactory()
    hook = WebhookEndpoint.objects.create(
        user=alice, url="https://a.example/", events=["cameo.used"]
    )
    other = client_for(bob, ["profile:read"])
    assert other.get(f"/api/v1/webhooks/{hook.pk}").status_code == 404
    assert other.delete(f"/api/v1/webhooks/{hook.pk}").status_code == 404
    assert other.get(f"/api/v1/webhooks/{hook.pk}/deliveries").status_code == 404
    assert other.get("/api/v1/webhooks").json()["results"] == []
    assert WebhookEndpoint.objects.filter(pk=hook.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_site_actions_emit_their_events(api_broker: object) -> None:
    """Publishing, a finished or failed generation and a cameo used all reach the apps."""
    from sora_site.api.models import WebhookDelivery
    from tests.cameos.factories import CameoFactory
    from tests.videos.factories import GenerationJobFactory, VideoFactory
    from videos.models import GenerationJob, Video
    from videos.services import generation_request, job_claim, job_fail, video_publish

    maker, star = UserFactory(), UserFactory(handle="star")
    CameoFactory(owner=star, permission="everyone")
    every = ["generation.succeeded", "generation.failed", "video.published", "cameo.used"]
    every += ["video.failed"]
    WebhookEndpoint.objects.create(user=maker, url="https://maker.example/", events=every)
    WebhookEndpoint.objects.create(user=star, url="https://star.example/", events=every)

    draft = VideoFactory(owner=maker, status=Video.Status.DRAFT_READY)
    video_publish(user=maker, public_id=draft.public_id, caption="", visibility="public")
    job = GenerationJobFactory(video=VideoFactory(owner=maker), status=GenerationJob.Status.QUEUED)
    assert job_claim(job_id=job.pk, worker_id="w1") is not None
    job_fail(job_id=job.pk, worker_id="w1", code="engine_failure", message="boom")
    generation_request(user=maker, prompt="@star waves on the beach")

    sent = sorted(WebhookDelivery.objects.values_list("endpoint__user__handle", "event"))
    assert (maker.handle, "video.published") in sent
    assert (maker.handle, "generation.failed") in sent
    failed = WebhookDelivery.objects.get(event="video.failed")
    assert failed.endpoint.user == maker and failed.payload == {"id": job.video.public_id}
    assert ("star", "cameo.used") in sent
    assert all(handle == "star" for handle, event in sent if event == "cameo.used")
