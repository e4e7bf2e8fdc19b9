"""Demo data for a laptop or a staging site. Idempotent: running it twice changes nothing.

Other apps add their part by providing a ``seed_demo(*, stdout)`` function in
``<app>/demo.py``; this command calls them in INSTALLED_APPS order after the demo users.
"""

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_demo_users


class Command(BaseCommand):
    help = "Create demo users (and, from other apps, demo content). Debug mode or --force only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with debug off.")

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not (settings.DEBUG or force):
            raise CommandError("seed_demo only runs with DJANGO_DEBUG=true or --force.")
        users = seed_demo_users()
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name != "accounts" and find_spec(module_name) is not None:
                seed = getattr(import_module(module_name), "seed_demo", None)
                if seed is not None:
                    seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for user in users:
            self.stdout.write(f"  {user.email:<26} password: {DEMO_PASSWORD}")
