"""Me, public profiles, a person's published videos, follows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import user_by_handle
from accounts.social import follow_create, follow_delete, is_following
from feed.selectors import follow_counts, visible_published_videos
from sora_site.api import scopes
from sora_site.api.endpoints.base import user_of
from sora_site.api.pagination import PublishedCursorPagination
from sora_site.api.serializers import (
    FollowSerializer,
    MeSerializer,
    ProfileSerializer,
    VideoSerializer,
)
from sora_site.core.errors import NotFound
from videos.models import Video


def _person(handle: str) -> User:
    person = user_by_handle(handle=handle)
    if person is None:
        raise NotFound("No such person.")
    return person


class MeView(APIView):
    required_scopes = {"GET": scopes.PROFILE_READ}

    @extend_schema(responses=MeSerializer, tags=["people"], summary="The person behind the token")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(user_of(request), context={"request": request}).data)


class UserView(APIView):
    required_scopes = {"GET": scopes.PROFILE_READ}

    @extend_schema(responses=ProfileSerializer, tags=["people"], summary="A public profile")
    def get(self, request: Request, handle: str) -> Response:
        person = _person(handle)
        counts = follow_counts(person)
        data: dict[str, Any] = {
            "user": person,
            "handle": person.handle,
            "display_name": person.display_name,
            "bio": person.bio,
            "followers": counts["followers"],
            "following": counts["following"],
            "is_following": is_following(user_of(request), person),
        }
        return Response(ProfileSerializer(data, context={"request": request}).data)


@extend_schema(tags=["people"], summary="A person's published videos you may see")
class UserVideosView(ListAPIView):
    required_scopes = {"GET": scopes.VIDEOS_READ}
    serializer_class = VideoSerializer
    pagination_class = PublishedCursorPagination

    def get_queryset(self) -> QuerySet[Video]:
        person = _person(self.kwargs["handle"])
        return (
            visible_published_videos(user_of(self.request))
            .filter(owner=person)
            .select_related("owner")
        )


class FollowView(APIView):
    required_scopes = {"POST": scopes.SOCIAL_WRITE, "DELETE": scopes.SOCIAL_WRITE}

    def _answer(self, request: Request, person: User) -> Response:
        data = {
            "following": is_following(user_of(request), person),
            "followers": follow_counts(person)["followers"],
        }
        return Response(FollowSerializer(data).data)

    @extend_schema(request=None, responses=FollowSerializer, tags=["social"], summary="Follow")
    def post(self, request: Request, handle: str) -> Response:
        person = _person(handle)
        follow_create(follower=user_of(request), followee=person)
        return self._answer(request, person)

    @extend_schema(
        request=None, responses={200: FollowSerializer}, tags=["social"], summary="Unfollow"
    )
    def delete(self, request: Request, handle: str) -> Response:
        person = _person(handle)
        follow_delete(follower=user_of(request), followee=person)
        return self._answer(request, person)
