"""``manage.py analytics_rollup [--from DATE] [--to DATE] [--days N]``: backfill rollups."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics.services.rollups import rollup_range
from kalpla.exceptions import ValidationError


class Command(BaseCommand):
    help = "Recompute the analytics rollups of a range of days (default: the last 2 days)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--days", type=int, help="the last N days, today included")

    def handle(self, *args: Any, **options: Any) -> None:
        end = options["end"] or timezone.localdate()
        start = options["start"] or end - timedelta(days=(options["days"] or 2) - 1)
        try:
            reports = rollup_range(start=start, end=end)
        except ValidationError as exc:
            raise CommandError(f"{exc.message} {exc.errors}") from exc
        for report in reports:
            self.stdout.write(f"{report.day}: {report.events} events in {report.seconds:.2f}s")
