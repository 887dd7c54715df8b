"""Build the demo town: `python manage.py make_demo_town [--seed N] [--people N] ...`."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.demo.loader import demo_town_load
from registry.demo.town import build_town, count_argument
from registry.services import registry_is_empty, registry_wipe


class Command(BaseCommand):
    help = "Build a plausible, reproducible Japanese demo town (the same seed, the same town)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=count_argument, default=600)
        parser.add_argument("--supporters", type=count_argument, default=350)
        parser.add_argument("--shelters", type=count_argument, default=30)
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty", action="store_true", help="do nothing when the registry holds data"
        )
        group.add_argument(
            "--replace", action="store_true", help="wipe the registry first (all of it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not registry_is_empty():
            if options["if_empty"]:
                self.stdout.write(
                    "The registry already holds data; the demo town is left as it is."
                )
                return
            if not options["replace"]:
                raise CommandError(
                    "The registry already holds data. Use --replace to wipe it and build the "
                    "demo town, or --if-empty to leave it."
                )
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  [{time.perf_counter() - started:6.1f} s] {message}")
            self.stdout.flush()

        town = build_town(
            seed=options["seed"],
            people=options["people"],
            supporters=options["supporters"],
            shelters=options["shelters"],
            progress=progress,
        )
        if options["replace"]:
            registry_wipe()
        demo_town_load(town, progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo town built (seed {options['seed']}): {len(town.persons):,} people, "
                f"{len(town.supporters):,} supporters, {len(town.shelters):,} shelters, "
                f"{len(town.ground.neighbourhoods)} neighbourhoods in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
