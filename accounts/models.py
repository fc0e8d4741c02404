"""People. The custom user model is in the first migration so every later app can point at it."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

HANDLE_PATTERN = r"^[a-z0-9_.]{3,30}$"
ADULT_AGE = 18
MIN_AGE = 13

handle_validator = RegexValidator(
    HANDLE_PATTERN,
    "Handles are 3-30 characters: lowercase letters, digits, underscores and dots.",
    code="invalid_handle",
)


def age_on(birthdate: dt.date, today: dt.date) -> int:
    before_birthday = (today.month, today.day) < (birthdate.month, birthdate.day)
    return today.year - birthdate.year - int(before_birthday)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        if isinstance(extra.get("handle"), str):
            # Handles are case-insensitively unique: they are always stored lowercase.
            extra["handle"] = extra["handle"].strip().lower()
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    handle = models.CharField(
        max_length=30,
        unique=True,
        validators=[handle_validator],
        help_text="Your public @name: 3-30 of a-z, 0-9, _ and .",
    )
    birthdate = models.DateField(null=True, blank=True)
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["handle"]

    class Meta:
        ordering = ["id"]
        constraints = [
            # The form lowercases handles; this keeps "Alice" and "alice" apart at the database
            # too, whoever writes the row (admin, shell, another app).
            models.UniqueConstraint(Lower("handle"), name="accounts_user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def age(self) -> int | None:
        if self.birthdate is None:
            return None
        return age_on(self.birthdate, timezone.localdate())

    @property
    def is_teen(self) -> bool:
        """Derived on every read, so a teen account becomes an adult one on the 18th birthday.

        An unknown birthdate (only staff made on the command line) counts as an adult.
        """
        age = self.age
        return age is not None and age < ADULT_AGE

    @property
    def name(self) -> str:
        return self.display_name or self.handle


class Notification(models.Model):
    """One thing that happened to a person. Other apps create these through
    `accounts.services.notification_send`; nobody writes a second mechanism."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    # A short machine name ("cameo_used", "follow", "comment", "remix", "moderation", ...).
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notif_recipient_created"),
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# The social graph lives in its own module; importing it here registers its models.
from accounts.invites import Invite, InviteUse, WaitlistEntry  # noqa: E402, F401
from accounts.social import Block, Follow  # noqa: E402, F401
