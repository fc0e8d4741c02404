"""The 500 sweep: every URL pattern of the site and the API, with hostile path parameters and
hostile bodies, as an anonymous visitor, a signed-in person and an API token: no 5xx anywhere.

The patterns are read from the resolver, so a route added later is swept without editing this
file. NUL is what PostgreSQL refuses (CI runs this on PostgreSQL); the rest are the classic
overlong, non-ASCII, negative, path-traversal and out-of-range values. One loop collects every
failure and reports them all at once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as site_settings
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sora_site.api.scopes import ALL_SCOPES
from sora_site.api.services import pat_create
from tests.factories import UserFactory
from tests.feed.factories import PublishedVideoFactory

pytestmark = pytest.mark.django_db

HOSTILE = {
    "nul": "\x00",
    "overlong": "x" * 5000,
    "unicode": "é🙂",
    "negative": "-1",
    "traversal": "../",
    "out_of_range": "9" * 30,
}
# Values each converter accepts, so a hostile *body* reaches the view behind the route (the
# test adds a real video's public id and its owner's handle).
BENIGN = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000", "path": "1"}
BENIGN_DEFAULT = "abc123"

BODY_LIMIT = 64 * 1024
DEEP_JSON = "[" * 20_000 + "]" * 20_000  # 40 KB: deeper than Python's recursion limit
BIG_JSON = '{"prompt": "' + "x" * (BODY_LIMIT + 1) + '"}'
JSON = "application/json"
ADMIN_PREFIX = f"/{site_settings.ADMIN_URL}"

_GROUP = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_SLOT = "\x01"  # stands for a parameter while a regex pattern is flattened


@dataclass(frozen=True)
class Route:
    template: str  # "/prefix/<converter:name>/..." with _SLOT where a regex group was
    converters: tuple[str, ...]  # in order of appearance

    @property
    def is_api(self) -> bool:
        return self.template.startswith(("/api/", "/oauth/", "/v1/"))

    def url(self, value: str | None, benign: Mapping[str, str] = BENIGN) -> str:
        """The route with every parameter replaced by `value` (None: a value each accepts)."""
        values = iter(self.converters)

        def fill(_: Any) -> str:
            converter = next(values)
            raw = benign.get(converter, BENIGN_DEFAULT) if value is None else value
            return quote(raw, safe="")

        return re.sub(f"{_GROUP.pattern}|{_SLOT}", fill, self.template)


def _flatten_regex(regex: str) -> tuple[str, int]:
    """A regex route as literal text with a slot per group or character class, and their count.

    Good enough for the patterns Django, allauth and the apps use: anchors, escapes, optional
    slashes, named groups, alternations inside groups and classes with a quantifier.
    """
    out: list[str] = []
    slots = 0
    i = 0
    while i < len(regex):
        char = regex[i]
        if char in "^$":
            i += 1
        elif char == "\\":
            if regex[i + 1 : i + 2] in ("Z", "A"):
                i += 2
                continue
            out.append(regex[i + 1])
            i += 2
        elif char == "?":
            i += 1  # "/?": keep the optional character
        elif char in "([":
            close = ")" if char == "(" else "]"
            depth, j = 0, i
            while j < len(regex):
                if regex[j] == "\\":
                    j += 2
                    continue
                if regex[j] == char:
                    depth += 1
                elif regex[j] == close:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
            while i < len(regex) and regex[i] in "*+?":
                i += 1
            if i < len(regex) and regex[i] == "{":
                i = regex.index("}", i) + 1
            out.append(_SLOT)
            slots += 1
        else:
            out.append(char)
            i += 1
    return "".join(out), slots


def _routes(
    patterns: list[Any], prefix: str = "/", converters: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in patterns:
        pattern = entry.pattern
        text, found = str(pattern), converters
        if hasattr(pattern, "_route"):  # path(): converters named in the text
            found = converters + tuple(
                match["converter"] or "str" for match in _GROUP.finditer(pattern._route)
            )
        else:  # re_path()
            text, slots = _flatten_regex(pattern._regex)
            found = converters + ("regex",) * slots
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + text, found)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + text, found)


def _clients() -> dict[str, Client]:
    person = UserFactory()
    session = Client(raise_request_exception=False)
    session.force_login(person)
    _, token = pat_create(user=UserFactory(), name="sweep", scopes=sorted(ALL_SCOPES))
    return {
        "anonymous": Client(raise_request_exception=False),
        "session": session,
        "token": Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}"),
    }


def test_no_url_answers_a_5xx_to_hostile_input(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = BODY_LIMIT
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/min", "user": "100000/min"},
    }
    # Blocking the video's owner would hide the video from the rest of the sweep: last.
    routes = sorted(
        set(_routes(get_resolver().url_patterns)),
        key=lambda route: ("/block" in route.template, route.template),
    )
    assert len(routes) > 100 and any(route.is_api for route in routes)
    clients = _clients()
    video = PublishedVideoFactory()
    benign = {**BENIGN, "public_id": video.public_id, "handle": video.owner.handle}
    failures: list[str] = []
    raised: list[str] = []

    def note_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
        raised.append(repr(sys.exc_info()[1])[:200])

    got_request_exception.connect(note_exception)
    requests = 0
    try:
        for route in routes:
            who = ("anonymous", "session", "token") if route.is_api else ("anonymous", "session")
            if route.template.startswith(ADMIN_PREFIX):
                who = ("anonymous",)  # admin sends every non-staff visitor to its login alike
            urls = {route.url(value) for value in HOSTILE.values()} if route.converters else set()
            urls.add(route.url(None, benign))
            for name in who:
                client = clients[name]
                calls: list[tuple[str, str, dict[str, Any]]] = []
                for url in sorted(urls):
                    if route.is_api:  # the API reads JSON only, and has DELETE endpoints
                        calls += [
                            ("get", url, {}),
                            ("post", url, {"data": "{}", "content_type": "application/json"}),
                            ("delete", url, {}),
                        ]
                    else:
                        calls += [("get", url, {}), ("post", url, {})]
                if name != "anonymous" or route.is_api:  # site views read JSON when signed in
                    calls += [
                        ("post", route.url(None, benign), {"data": body, "content_type": JSON})
                        for body in (DEEP_JSON, BIG_JSON)
                    ]
                for method, url, extra in calls:
                    raised.clear()
                    response = getattr(client, method)(url, **extra)
                    requests += 1
                    if response.status_code >= 500:
                        failures.append(
                            f"{method.upper()} {url[:80]} ({name}, body "
                            f"{extra.get('data', '')[:12]!r}): {response.status_code} "
                            f"{raised[:1] or response.content[:120]!r}"
                        )
                if name == "session" and "logout" in route.template:
                    client.force_login(UserFactory())  # the sweep just signed itself out
    finally:
        got_request_exception.disconnect(note_exception)
    # The sweep itself stayed signed in (a POST to a sign-out or delete page could end it).
    assert clients["session"].get("/api/v1/me").status_code == 200
    assert not failures, f"{len(failures)} of {requests} requests answered 5xx:\n" + "\n".join(
        failures
    )
