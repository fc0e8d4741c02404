"""The API's scopes: what a token may do. One table, used by OAuth, personal tokens and docs."""

from __future__ import annotations

PROFILE_READ = "profile:read"
VIDEOS_READ = "videos:read"
VIDEOS_WRITE = "videos:write"
GENERATE = "generate"
CAMEOS_READ = "cameos:read"
CAMEOS_WRITE = "cameos:write"
FEED_READ = "feed:read"
SOCIAL_WRITE = "social:write"

# Plain descriptions, shown on the consent screen and the token page.
SCOPES: dict[str, str] = {
    PROFILE_READ: "See your profile: handle, name, bio, avatar and email address",
    VIDEOS_READ: "See your videos and drafts, and the videos you are allowed to watch",
    VIDEOS_WRITE: "Publish, unpublish and delete your videos",
    GENERATE: "Make new videos in your name (this uses your daily quota)",
    CAMEOS_READ: "See your cameos and where they were used",
    CAMEOS_WRITE: "Change your cameo settings, answer cameo requests and delete videos that "
    "use your cameos",
    FEED_READ: "See your personal feed and comments",
    SOCIAL_WRITE: "Follow people, like videos and post or delete comments in your name",
}

ALL_SCOPES = frozenset(SCOPES)


def scopes_parse(value: str) -> frozenset[str]:
    """Known scopes from a space-separated string; unknown words are dropped."""
    return frozenset(word for word in value.split() if word in SCOPES)


def scopes_format(scopes: frozenset[str] | set[str] | list[str]) -> str:
    return " ".join(sorted(set(scopes) & ALL_SCOPES))
