"""Launch controls (issue 20): FRAMECAST_SIGNUP=invite|closed, invite codes with a use count and
an expiry, invites per member, the waitlist, and who invited whom. A refused signup stores
nothing: no user, no email address."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import invites
from accounts.invites import Invite, InviteUse, WaitlistEntry
from accounts.models import User
from sora_site.core.errors import Conflict, ValidationFailed
from tests.accounts.test_signup import counts, signup_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite_only(settings):  # type: ignore[no-untyped-def]
    settings.SIGNUP_MODE = "invite"
    return settings


def _code(uses: int = 1, expires_in: dt.timedelta | None = None) -> Invite:
    expires = timezone.now() + expires_in if expires_in is not None else None
    return invites.invite_issue(uses=uses, expires_at=expires)


@pytest.mark.parametrize(
    "code,message",
    [
        ("", "invite-only for now"),
        ("NOSUCHCODE", "does not exist"),
    ],
)
def test_invite_mode_refuses_signup_without_a_valid_code_and_stores_nothing(
    client: Client, invite_only, code: str, message: str
) -> None:
    response = client.post(reverse("account_signup"), signup_data(invite_code=code))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == (0, 0)


def test_expired_and_used_up_codes_are_refused(client: Client, invite_only) -> None:
    expired = _code(expires_in=dt.timedelta(seconds=-1))
    response = client.post(reverse("account_signup"), signup_data(invite_code=expired.code))
    assert "has expired" in response.content.decode() and counts() == (0, 0)
    used = _code(uses=1)
    first = client.post(reverse("account_signup"), signup_data(invite_code=used.code.lower()))
    assert first.status_code == 302  # typed in lower case: codes are not case-sensitive
    client.logout()
    second = client.post(
        reverse("account_signup"),
        signup_data(invite_code=used.code, email="second@example.com", username="second"),
    )
    assert "has been used up" in second.content.decode()
    assert not User.objects.filter(email="second@example.com").exists()
    assert not EmailAddress.objects.filter(email="second@example.com").exists()
    used.refresh_from_db()
    assert used.uses == 1


def test_a_valid_code_lets_one_in_and_records_who_invited_them(client: Client, invite_only) -> None:
    ana = UserFactory(handle="ana")
    code = invites.invite_create(by=ana)
    page = client.get(reverse("account_signup") + f"?invite={code.code}").content.decode()
    assert f'value="{code.code}"' in page  # the link a member sends fills the code in
    assert "Join the waitlist" in page
    response = client.post(reverse("account_signup"), signup_data(invite_code=code.code))
    assert response.status_code == 302
    newcomer = User.objects.get(email="new@example.com")
    assert InviteUse.objects.get(user=newcomer).invite == code
    assert invites.invited_by(newcomer) == ana
    assert invites.invitees(ana) == [newcomer]


def test_a_multi_use_code_runs_out_after_its_uses(invite_only) -> None:
    code = _code(uses=2)
    invites.invite_take(code.code)
    invites.invite_take(code.code)
    with pytest.raises(ValidationFailed, match="used up"):
        invites.invite_take(code.code)
    code.refresh_from_db()
    assert code.uses == 2


def test_two_signups_racing_for_the_last_use_one_wins(invite_only) -> None:
    """Both read the code as usable (each form's check passed), then both try to take it."""
    code = _code(uses=1)
    assert invites.invite_check(code.code) == invites.invite_check(code.code)
    invites.invite_take(code.code)
    with pytest.raises(ValidationFailed):
        invites.invite_take(code.code)
    code.refresh_from_db()
    assert code.uses == 1


@pytest.mark.django_db(transaction=True)
def test_two_signups_at_once_on_the_database_one_wins(invite_only) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    code = _code(uses=1)
    start = threading.Barrier(2)
    won: list[bool] = []

    def signup(index: int) -> None:
        client = Client()
        start.wait()
        client.post(
            reverse("account_signup"),
            signup_data(invite_code=code.code, email=f"r{index}@example.com",
                        username=f"racer{index}"),
        )  # fmt: skip
        won.append(User.objects.filter(email=f"r{index}@example.com").exists())
        connection.close()

    threads = [threading.Thread(target=signup, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, True]
    code.refresh_from_db()
    assert code.uses == 1 and InviteUse.objects.count() == 1
    assert EmailAddress.objects.count() == 1


def test_members_have_a_number_of_invites_staff_any(settings) -> None:  # type: ignore[no-untyped-def]
    settings.INVITES_PER_MEMBER = 2
    member = UserFactory()
    invites.invite_create(by=member)
    invites.invite_create(by=member)
    with pytest.raises(Conflict, match="all 2 of your invites"):
        invites.invite_create(by=member)
    assert Invite.objects.filter(created_by=member).count() == 2
    assert invites.invites_left(member) == 0
    staff = UserFactory(is_staff=True)
    for _ in range(3):
        invites.invite_create(by=staff)
    assert invites.invites_left(staff) is None


def test_the_invites_page_makes_codes_and_shows_who_joined(client: Client, invite_only) -> None:
    member = UserFactory(handle="ana")
    client.force_login(member)
    made = client.post(reverse("accounts:settings_invites"), follow=True)
    code = Invite.objects.get(created_by=member)
    html = made.content.decode()
    assert code.code in html and f"?invite={code.code}" in html
    assert "4</strong> invites left" in html
    joiner = UserFactory(handle="bo")
    invites.invite_record(invites.invite_take(code.code), joiner)
    html = client.get(reverse("accounts:settings_invites")).content.decode()
    assert "@bo" in html and "used" in html


def test_closed_mode_shows_the_waitlist_and_creates_nothing(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIGNUP_MODE = "closed"
    page = client.get(reverse("account_signup")).content.decode()
    assert "Sign-ups are closed" in page and reverse("accounts:waitlist") in page
    client.post(reverse("account_signup"), signup_data())
    assert counts() == (0, 0)


def test_the_waitlist_takes_an_address_once(client: Client, invite_only) -> None:
    url = reverse("accounts:waitlist")
    joined = client.post(url, {"email": "Wait@Example.com"}, follow=True)
    assert "You are on the waitlist" in joined.content.decode()
    again = client.post(url, {"email": "wait@example.com"})
    assert again.status_code == 400 and "already on the waitlist" in again.content.decode()
    bad = client.post(url, {"email": "not an address"})
    assert bad.status_code == 400
    assert list(WaitlistEntry.objects.values_list("email", flat=True)) == ["wait@example.com"]


def test_staff_send_the_waitlist_its_invites_once(client: Client, invite_only) -> None:
    WaitlistEntry.objects.create(email="wait@example.com")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    entry = WaitlistEntry.objects.get()
    action = {"action": "send_invites", "_selected_action": [entry.pk]}
    client.post(reverse("admin:accounts_waitlistentry_changelist"), action)
    client.post(reverse("admin:accounts_waitlistentry_changelist"), action)  # not twice
    assert len(mail.outbox) == 1
    entry.refresh_from_db()
    assert entry.invite is not None and entry.invite.code in mail.outbox[0].body


def test_admin_shows_the_invite_tree(client: Client) -> None:
    ana, bo = UserFactory(handle="ana"), UserFactory(handle="bo")
    invites.invite_record(invites.invite_take(invites.invite_create(by=ana).code), bo)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    tree = client.get(reverse("admin:accounts_inviteuse_changelist")).content.decode()
    assert "@ana" in tree and "bo" in tree
    page = client.get(reverse("admin:accounts_user_change", args=[bo.pk])).content.decode()
    assert "@ana" in page
    added = client.post(
        reverse("admin:accounts_invite_add"), {"uses_allowed": 20, "note": "launch"}
    )
    assert added.status_code == 302
    assert Invite.objects.filter(uses_allowed=20, note="launch", created_by=None).count() == 1


def test_admin_refuses_impossible_use_counts_with_a_message(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for uses in (0, 1001):
        added = client.post(reverse("admin:accounts_invite_add"), {"uses_allowed": uses})
        assert added.status_code == 200 and "errornote" in added.content.decode()
    assert not Invite.objects.exists()
    used = _code(uses=3)
    invites.invite_take(used.code)
    invites.invite_take(used.code)
    form = {"uses_allowed": 1, "note": ""}
    changed = client.post(reverse("admin:accounts_invite_change", args=[used.pk]), form)
    assert changed.status_code == 200
    assert "2 people have already used this code" in changed.content.decode()
    used.refresh_from_db()
    assert used.uses_allowed == 3


def test_open_mode_asks_for_no_code(client: Client) -> None:
    assert "invite_code" not in client.get(reverse("account_signup")).content.decode()
    assert client.post(reverse("account_signup"), signup_data()).status_code == 302
    assert client.get(reverse("accounts:waitlist")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_member_making_invites_at_once_gets_no_more_than_their_share(settings) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    settings.INVITES_PER_MEMBER = 1
    member = UserFactory()
    start = threading.Barrier(3)
    outcomes: list[str] = []

    def make() -> None:
        start.wait()
        try:
            invites.invite_create(by=User.objects.get(pk=member.pk))
            outcomes.append("made")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made", "refused", "refused"]
    assert Invite.objects.filter(created_by=member).count() == 1
