"""Demo data for a laptop or a staging site. Idempotent: running it twice changes nothing.

It lives in the top layer because it fills every app: the demo users (``accounts/demo.py``),
then the catalogue, enrollments, reviews and notices (``dashboards/demo.py``).
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_demo_users
from dashboards.demo import seed_demo


class Command(BaseCommand):
    help = "Create demo users and demo content. Debug mode or --force only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with debug off.")

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not (settings.DEBUG or force):
            raise CommandError("seed_demo only runs with DJANGO_DEBUG=true or --force.")
        users = seed_demo_users()
        seed_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for user in users:
            self.stdout.write(f"  {user.email:<26} password: {DEMO_PASSWORD}")
