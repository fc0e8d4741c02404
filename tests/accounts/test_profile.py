"""The public profile page, profile settings, seed_demo and the admin."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import TeenFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_page_shows_the_public_profile(client: Client) -> None:
    UserFactory(handle="zoe", display_name="Zoë <b>", bio="Makes films\nabout cats")
    assert reverse("accounts:profile", kwargs={"handle": "zoe"}) == "/@zoe"
    response = client.get("/@zoe")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zoë &lt;b&gt;" in html and "<b>" not in html.split("<main", 1)[1].split("</main>")[0]
    assert "@zoe" in html and "Makes films<br>about cats" in html
    assert "Edit profile" not in html


def test_profile_handle_is_case_insensitive_and_404s(client: Client) -> None:
    UserFactory(handle="zoe")
    response = client.get("/@ZOE")
    assert response.status_code == 301 and response["Location"] == "/@zoe"
    assert client.get("/@zoe/").status_code == 200
    assert client.get("/@nobody").status_code == 404
    assert client.get("/@a").status_code == 404


def test_inactive_people_have_no_profile(client: Client) -> None:
    UserFactory(handle="gone", is_active=False)
    assert client.get("/@gone").status_code == 404


def test_profile_page_query_count(
    client: Client, user_client: Client, django_assert_num_queries
) -> None:
    UserFactory(handle="zoe")
    # profile, their cameo (none), then the feed's section: follower counts, published videos
    with django_assert_num_queries(4):
        assert Client().get("/@zoe").status_code == 200
    # session, signed-in user, profile, unread count in the nav, their cameo; block and follow
    # state, follower counts, published videos
    with django_assert_num_queries(9):
        assert user_client.get("/@zoe").status_code == 200


def test_own_profile_links_to_settings(user_client: Client) -> None:
    assert "Edit profile" in user_client.get("/@ada").content.decode()


def test_settings_update_display_name_and_bio(user_client: Client, user: User) -> None:
    page = user_client.get(reverse("accounts:settings_profile")).content.decode()
    for field in ("display_name", "bio", "avatar"):
        assert f'<label for="id_{field}">' in page
    response = user_client.post(
        reverse("accounts:settings_profile"), {"display_name": "  Ada Lovelace ", "bio": "Hi"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Ada Lovelace", "Hi")
    too_long = user_client.post(
        reverse("accounts:settings_profile"), {"display_name": "x" * 61, "bio": ""}
    )
    assert "at most 60 characters" in too_long.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Ada Lovelace"


def test_nav_links_for_signed_in_people(user_client: Client) -> None:
    html = user_client.get("/notifications/").content.decode()
    html = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/@ada"' in html
    assert 'href="/settings/profile/"' in html
    assert 'href="/notifications/"' in html


def test_teen_flag_follows_the_birthdate() -> None:
    assert TeenFactory().is_teen is True
    assert UserFactory().is_teen is False


def test_seed_demo_is_idempotent() -> None:
    out1, out2 = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=out1)
    call_command("seed_demo", stdout=out2)
    assert User.objects.filter(email="demo@framecast.local").count() == 1
    demo = User.objects.get(email="demo@framecast.local")
    assert demo.handle == "demo" and not demo.is_teen
    assert demo.check_password("framecast-demo")
    assert EmailAddress.objects.get(user=demo).verified
    for out in (out1, out2):
        assert "demo@framecast.local / framecast-demo" in out.getvalue()
    assert "(created)" in out1.getvalue() and "(exists)" in out2.getvalue()


def test_seed_demo_refuses_production(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_account_can_log_in(client: Client) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post(
        reverse("account_login"), {"login": "demo@framecast.local", "password": "framecast-demo"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_admin_lists_users_and_notifications(client: Client) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    TeenFactory(handle="teeny")
    client.force_login(admin)
    changelist = client.get(reverse("admin:accounts_user_changelist") + "?age=teen")
    html = changelist.content.decode()
    assert changelist.status_code == 200
    assert "teeny" in html and admin.email not in html.split("result_list", 1)[1]
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[admin.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_notification_changelist")).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Made@Example.com",
            "handle": "made_here",
            "birthdate": "2000-01-01",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.filter(handle="made_here").exists()


def test_seed_demo_refuses_when_the_handle_is_someone_elses() -> None:
    UserFactory(handle="demo", email="someone@example.com")
    with pytest.raises(CommandError, match="belongs to another account"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(email="demo@framecast.local").exists()
