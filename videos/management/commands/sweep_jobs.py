"""Recover lost generation jobs and delete orphaned files, once or every N seconds."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from videos.services import jobs_sweep


class Command(BaseCommand):
    help = "Re-enqueue stuck or abandoned generation jobs; delete files no video references."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep sweeping every SECONDS (0: sweep once and exit).",
        )
        parser.add_argument("--no-files", action="store_true", help="Leave storage alone.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            report = jobs_sweep(files=not options["no_files"])
            self.stdout.write(
                f"requeued={report.requeued} failed={report.failed} "
                f"cancelled={report.cancelled} orphans_deleted={report.orphans_deleted}"
            )
            if options["loop"] <= 0:
                return
            time.sleep(options["loop"])
