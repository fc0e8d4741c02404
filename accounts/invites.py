"""Launch controls: who may sign up (FRAMECAST_SIGNUP = open | invite | closed), invite codes,
the waitlist, and who invited whom.

In invite mode a signup needs a code that exists, has not expired and has a use left. The code
is checked with the rest of the form (so a refusal stores nothing) and its use is taken in the
same transaction that creates the account, by a conditional UPDATE: two signups racing for the
last use of a code cannot both pass it, whatever they read before. Members may make
INVITES_PER_MEMBER codes each; staff make as many as they like from admin.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from sora_site.core.errors import Conflict, ValidationFailed

if TYPE_CHECKING:
    from accounts.models import User

OPEN, INVITE, CLOSED = "open", "invite", "closed"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from a phone
CODE_LENGTH = 10
MAX_USES = 1000


def signup_mode() -> str:
    return str(settings.SIGNUP_MODE)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).upper().replace("-", "")


class Invite(models.Model):
    code = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invites_made",
        help_text="The member who made it; empty for codes made by staff in admin.",
    )
    uses_allowed = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_USES)]
    )
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "accounts"
        constraints = [
            models.CheckConstraint(condition=Q(uses__lte=F("uses_allowed")), name="invite_uses"),
            models.CheckConstraint(condition=Q(uses_allowed__gte=1), name="invite_allows_one"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.uses}/{self.uses_allowed})"

    def clean(self) -> None:
        # What admin may type that the database would refuse: fewer uses than already taken.
        if self.uses_allowed is not None and self.uses_allowed < self.uses:
            raise DjangoValidationError(
                {"uses_allowed": f"{self.uses} people have already used this code."}
            )

    def refusal(self, now: dt.datetime | None = None) -> str:
        """Why this code cannot be used now, in words for the person signing up; "" if it can."""
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "This invite code has expired. Ask whoever sent it for a new one."
        if self.uses >= self.uses_allowed:
            return "This invite code has been used up. Ask whoever sent it for a new one."
        return ""


class InviteUse(models.Model):
    """Who joined with which code: read from inviter to invitee, the invite tree."""

    invite = models.ForeignKey(Invite, on_delete=models.PROTECT, related_name="redemptions")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invited_with"
    )
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "accounts"

    def __str__(self) -> str:
        return f"{self.invite.code} -> {self.user_id}"


class WaitlistEntry(models.Model):
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    invite = models.ForeignKey(Invite, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        app_label = "accounts"
        verbose_name_plural = "waitlist entries"
        constraints = [models.UniqueConstraint(Lower("email"), name="waitlist_email_once")]

    def __str__(self) -> str:
        return self.email


# --- services ----------------------------------------------------------------------------------


def invite_create(
    *, by: User | None, uses: int = 1, days: int | None = None, note: str = ""
) -> Invite:
    """A new code. A member (not staff) may make INVITES_PER_MEMBER in all; the count is taken
    under a lock on the member's row, so two at once cannot both make the last one."""
    if uses < 1 or uses > MAX_USES:
        raise ValidationFailed(f"An invite allows between 1 and {MAX_USES} signups.", code="uses")
    days = settings.INVITE_DAYS if days is None else days
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    from accounts.models import User

    with transaction.atomic():
        if by is not None and not by.is_staff:
            User.objects.select_for_update().filter(pk=by.pk).first()
            made = Invite.objects.filter(created_by=by).count()
            if made >= settings.INVITES_PER_MEMBER:
                raise Conflict(
                    f"You have made all {settings.INVITES_PER_MEMBER} of your invites.",
                    code="no_invites_left",
                )
            if uses != 1:
                raise ValidationFailed("A member's invite lets one person in.", code="uses")
        for _ in range(5):  # a clash of random codes is astronomically rare; retry it anyway
            try:
                with transaction.atomic():
                    return Invite.objects.create(
                        code=_new_code(), created_by=by, uses_allowed=uses, expires_at=expires,
                        note=note[:200],
                    )  # fmt: skip
            except IntegrityError:
                continue
    raise Conflict("Could not make a new code; try again.", code="code_clash")


def invite_issue(*, uses: int, expires_at: dt.datetime | None, note: str = "") -> Invite:
    """A code made by staff in admin: any number of uses, any expiry."""
    invite = invite_create(by=None, uses=uses, days=0, note=note)
    if expires_at is not None:
        invite.expires_at = expires_at
        invite.save(update_fields=["expires_at"])
    return invite


def waitlist_invite(entries: list[WaitlistEntry]) -> int:
    """Send each waiting address (not sent one yet) its own one-use code by email."""
    sent = 0
    for entry in entries:
        if entry.invite_id is not None:
            continue
        with transaction.atomic():
            invite = invite_create(by=None, note=f"waitlist: {entry.email}")
            entry.invite = invite
            entry.save(update_fields=["invite"])
        link = f"{settings.SITE_URL}{reverse('account_signup')}?invite={invite.code}"
        send_mail(
            f"Your invite to {settings.SITE_NAME}",
            f"There is room for you now. Sign up with this link: {link}\n\n"
            f"Your code is {invite.code}.",
            None,
            [entry.email],
        )
        sent += 1
    return sent


def invite_check(code: str) -> Invite:
    """The invite a signup form names, or ValidationFailed saying why it cannot be used."""
    code = normalise_code(code)
    if not code:
        raise ValidationFailed(
            f"{settings.SITE_NAME} is invite-only for now: enter your invite code, or join the "
            "waitlist.",
            code="invite_required",
        )
    invite = Invite.objects.filter(code=code).first()
    if invite is None:
        raise ValidationFailed("That invite code does not exist. Check it for typos.",
                               code="invite_unknown")  # fmt: skip
    why = invite.refusal()
    if why:
        raise ValidationFailed(why, code="invite_unusable")
    return invite


def invite_take(code: str) -> Invite:
    """Take one use of the code, atomically; raises ValidationFailed if none is left (or it
    expired) by now. Call inside the transaction that creates the account."""
    code = normalise_code(code)
    now = timezone.now()
    taken = (
        Invite.objects.filter(code=code, uses__lt=F("uses_allowed"))
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        invite_check(code)  # says which: unknown, expired or used up
        raise ValidationFailed("This invite code has just been used up.", code="invite_unusable")
    return Invite.objects.get(code=code)


def invite_record(invite: Invite, user: User) -> InviteUse:
    return InviteUse.objects.create(invite=invite, user=user)


def waitlist_join(email: str) -> WaitlistEntry:
    """Put an address on the waitlist, once."""
    address = (email or "").strip()
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(email=address.lower())
    except IntegrityError:
        raise Conflict(
            "That address is already on the waitlist: we will write when there is room.",
            code="already_waiting",
        ) from None


# --- selectors ---------------------------------------------------------------------------------


def invites_left(user: User) -> int | None:
    """How many more codes the member may make; None for staff (no limit)."""
    if user.is_staff:
        return None
    made = Invite.objects.filter(created_by=user).count()
    return max(settings.INVITES_PER_MEMBER - made, 0)


def invited_by(user: User) -> User | None:
    use = InviteUse.objects.select_related("invite__created_by").filter(user=user).first()
    return use.invite.created_by if use is not None else None


def invitees(user: User) -> list[User]:
    from accounts.models import User

    return list(User.objects.filter(invited_with__invite__created_by=user).order_by("handle"))
