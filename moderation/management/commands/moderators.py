"""`manage.py moderators add EMAIL | remove EMAIL | list`: who moderates, in production too.

A moderator is a staff member of the Moderators group; `add` makes an existing account both
(its owner signs up first, as anyone does), `remove` takes both away (a superuser keeps staff).
Each change is written to the moderation audit log, with "system" as the actor.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.staffing import moderator_grant, moderator_revoke, moderators
from sora_site.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Add or remove a moderator by email address, or list the moderators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["add", "remove", "list"])
        parser.add_argument("email", nargs="?", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        what, email = options["what"], options["email"]
        if what == "list":
            for user in moderators():
                self.stdout.write(f"{user.email}  @{user.handle}")
            return
        if not email:
            raise CommandError(f"Say whose account: manage.py moderators {what} EMAIL")
        try:
            if what == "add":
                user, changed = moderator_grant(email=email)
                state = "is now a moderator" if changed else "was already a moderator"
            else:
                user, changed = moderator_revoke(email=email)
                state = "is no longer a moderator" if changed else "was not a moderator"
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"{user.email} (@{user.handle}) {state}.")
