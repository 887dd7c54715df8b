"""`python manage.py worker [--concurrency N] [--queue NAME ...] [--once]`.

Runs queued tasks (plan runs, printing, imports, drill e-mails) until stopped with Ctrl-C or
SIGTERM, which let the running task end first. Start one per core on any machine that reaches
the database. `--once` runs what is queued and exits (scripts and tests)."""

import asyncio
import logging
import os
import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run queued tasks: plan runs, printing, imports, e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=1,
            help="tasks at once in this process (tasks use the CPU: start one worker per core "
            "instead)",
        )  # fmt: skip
        parser.add_argument("--queue", action="append", help="only these queues")
        parser.add_argument("--once", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}"
        self.stdout.write(f"worker {name} started; Ctrl-C stops it after its current task")
        self.stdout.flush()
        connector = app.connector.get_worker_connector()  # type: ignore[attr-defined]
        with app.replace_connector(connector) as worker_app:
            worker_app.run_worker(
                name=name,
                queues=options["queue"],
                concurrency=options["concurrency"],
                wait=not options["once"],
                update_heartbeat_interval=settings.QUEUE_HEARTBEAT_SECONDS,
                stalled_worker_timeout=settings.QUEUE_STALLED_SECONDS,
                install_signal_handlers=True,
            )
        # The event loop is closed: nothing async is left to clean up.
        asyncio.set_event_loop(None)
