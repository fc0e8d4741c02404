"""`manage.py seed_demo [--users U --videos V --likes L]`.

Without numbers: the development demo and moderator accounts `make run` prints (created once,
printed every time). With numbers: also bulk-seeds users, published videos (pointing at a few
real clips), follows and likes - for demos and bench/feed.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_account_ensure
from feed.seeding import seed_clips, seed_social
from moderation.staffing import DEV_MODERATOR_EMAIL, DEV_MODERATOR_PASSWORD, dev_moderator_ensure
from sora_site.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create the demo and moderator accounts (development only); optionally seed a "
        "realistic database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=0)
        parser.add_argument("--videos", type=int, default=0)
        parser.add_argument("--likes", type=int, default=0)
        parser.add_argument("--follows-per-user", type=int, default=20)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--clips", type=int, default=3, help="real engine clips the seeded videos share (1-3)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _, created = demo_account_ensure()
        except ApplicationError as error:
            if error.code == "permission_denied":
                raise CommandError(
                    "seed_demo is for development: it refuses production settings."
                ) from error
            raise CommandError(error.detail) from error
        state = "created" if created else "exists"
        self.stdout.write(
            f"Demo account ({state}): log in at /accounts/login/ with "
            f"{DEMO_EMAIL} / {DEMO_PASSWORD}"
        )
        try:
            _, created = dev_moderator_ensure()
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        state = "created" if created else "exists"
        self.stdout.write(
            f"Moderator account ({state}): moderate at /admin/ with "
            f"{DEV_MODERATOR_EMAIL} / {DEV_MODERATOR_PASSWORD}"
        )
        if min(options["users"], options["videos"], options["likes"]) < 0:
            raise CommandError("--users, --videos and --likes must not be negative.")
        if options["users"] or options["videos"] or options["likes"]:
            report = seed_social(
                users=options["users"],
                videos=options["videos"],
                likes=options["likes"],
                follows_per_user=options["follows_per_user"],
                seed=options["seed"],
                clips=seed_clips(max(1, min(options["clips"], 3))),
            )
            self.stdout.write(
                f"Seeded {report.users} users, {report.videos} videos, {report.likes} likes, "
                f"{report.follows} follows in {report.seconds:.1f} s"
            )
            steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
            self.stdout.write(f"Steps: {steps}")
