"""Issue 19's polish, in words: the live-progress sentence says "live" once, a remix draft is
named by its own edit and shows it, and a refusal labels the examples of what is allowed (on the
Create page and in the API's error alike)."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from moderation import policy
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.videos.factories import BEACH_DOG_PLAN, GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MICKEY = "Mickey Mouse dancing on a rooftop"
COPYRIGHT_ALLOWED = policy.category(policy.COPYRIGHT).allowed


def _browser(user: Any) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _text(markup: str) -> str:
    """The words of some HTML, on one line (without scripts and the options of menus)."""
    markup = re.sub(r"<(script|style|select)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _repeated_words(text: str) -> list[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return [a for a, b in itertools.pairwise(words) if a == b]


def test_the_live_progress_sentence_says_live_once_in_every_state() -> None:
    """It read "Progress updates live; live." once the socket opened: the page's words were
    followed by the state the script writes into the span."""
    drafts = _browser(UserFactory()).get("/drafts/").content.decode()
    found = re.search(r"<p[^>]*>([^<]*)<span[^>]*id=\"live-state\"", drafts)
    assert found, "the Drafts page has its live-state line"
    lead = _text(found.group(1))
    script = (ROOT / "static/js/videos.js").read_text()
    states = re.findall(r'setLiveState\("([^"]*)"\)', script)
    assert states, "videos.js writes the live state"
    for state in ["connecting…", *states]:
        sentence = f"{lead} {state}"
        assert sentence.lower().count("live") == 1, sentence
        assert not _repeated_words(sentence), sentence


def test_the_create_page_with_a_job_running_says_nothing_twice() -> None:
    owner = UserFactory()
    video = VideoFactory(owner=owner, prompt="a red ball bounces down stone steps")
    GenerationJobFactory(video=video, status=GenerationJob.Status.RUNNING, stage="render")
    page = _browser(owner).get("/create/")
    assert page.status_code == 200
    text = _text(page.content.decode())
    assert "Generating now" in text
    assert "live; live" not in text.lower()
    assert not _repeated_words(text), text


def test_a_remix_draft_is_named_by_its_edit_and_shows_it(stub_broker: object) -> None:
    parent = VideoFactory(
        prompt="a dog runs on a beach at noon", status=Video.Status.PUBLISHED, plan=BEACH_DOG_PLAN
    )
    remixer = UserFactory()
    job = remix_request(user=remixer, parent_public_id=parent.public_id, edit="make it claymation")
    draft = job.video
    assert draft.prompt == parent.prompt and draft.remix_edit == "make it claymation"
    browser = _browser(remixer)
    for path in ("/drafts/", f"/drafts/{draft.public_id}/card", "/create/"):
        markup = browser.get(path).content.decode()
        title = re.search(
            rf'<h2 class="draft-title" id="draft-title-{draft.public_id}">(.*?)</h2>', markup, re.S
        )
        assert title, path
        assert _text(title.group(1)) == "make it claymation", path
        remix_line = re.search(r'<p class="draft-remix"[^>]*>(.*?)</p>', markup, re.S)
        assert remix_line, path
        line = _text(remix_line.group(1))
        assert "Edit: make it claymation" in line and "a dog runs on a beach" in line, line
        assert f'aria-label="Generation progress for {parent.prompt}' not in markup, path


def test_an_ordinary_draft_keeps_its_prompt_as_title_and_no_remix_line() -> None:
    owner = UserFactory()
    video = VideoFactory(owner=owner, prompt="a kite over a green hill")
    GenerationJobFactory(video=video, status=GenerationJob.Status.SUCCEEDED)
    markup = _browser(owner).get("/drafts/").content.decode()
    assert re.search(r'class="draft-title"[^>]*>a kite over a green hill</h2>', markup)
    assert 'class="draft-remix"' not in markup


def test_the_create_page_labels_what_is_allowed_in_a_refusal() -> None:
    form = {
        "prompt": MICKEY,
        "duration": 5,
        "aspect": "9:16",
        "resolution": 480,
        "style": "auto",
        "camera": "auto",
        "seed": "",
    }
    page = _browser(UserFactory()).post("/create/", form)
    text = _text(page.content.decode())
    assert "Refused under our policy on copyrighted characters" in text
    assert f"What is allowed: {COPYRIGHT_ALLOWED}" in text
    assert Video.objects.count() == 0


def test_the_api_error_labels_what_is_allowed_in_a_refusal() -> None:
    api = client_for(UserFactory(), ["generate"])
    response = api.post(
        "/api/v1/generations",
        {"prompt": MICKEY, "duration": 5, "resolution": 480},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "moderation_blocked"
    assert body["detail"].endswith(f"\u201d. What is allowed: {COPYRIGHT_ALLOWED}")
    assert Video.objects.count() == 0
