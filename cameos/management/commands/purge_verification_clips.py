from typing import Any

from django.core.management.base import BaseCommand

from cameos.services import verification_clips_purge


class Command(BaseCommand):
    help = "Delete raw cameo verification clips older than their purge date (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = verification_clips_purge()
        self.stdout.write(f"Deleted {count} verification clip(s).")
