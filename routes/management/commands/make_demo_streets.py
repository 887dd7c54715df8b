"""Lay the demo town's streets: `python manage.py make_demo_streets [--seed N] [--people N]`."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, no_translations

from registry.demo.streets import demo_streets
from registry.demo.town import ORIGIN, count_argument, ground_for
from routes.importer import import_ways, read_geojson
from routes.models import RoadEdge


class Command(BaseCommand):
    help = (
        "Lay the street network of the demo town built with the same seed and number of "
        "people (make_demo_town's), replacing the network there is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=count_argument, default=600)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when a street network is loaded"
        )

    # English, like every command's summary (interfaces.md).
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and RoadEdge.objects.exists():
            self.stdout.write("A street network is already loaded; it is left as it is.")
            return
        started = time.perf_counter()
        ground = ground_for(options["seed"], options["people"])
        streets = demo_streets(ground, seed=options["seed"], plane=ORIGIN)
        result = import_ways(read_geojson(streets))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo streets (seed {options['seed']}): {result.summary()} "
                f"({time.perf_counter() - started:.1f} s)"
            )
        )
