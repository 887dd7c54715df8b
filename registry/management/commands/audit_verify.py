"""Check the audit log's hash chain: exit 0 when it holds, 1 naming the first entry altered or
removed, 2 when the head file given cannot be read."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from registry.audit_chain import Head, chain_verify


class Command(BaseCommand):
    help = "Check that no entry of the audit log was altered or removed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--head",
            type=Path,
            metavar="FILE",
            help="the head written at backup: the log must still hold that entry, unchanged",
        )
        parser.add_argument(
            "--write-head",
            type=Path,
            metavar="FILE",
            help="once the chain holds, write its head (newest entry's id and hash) here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        head = None
        if options["head"] is not None:
            try:
                head = Head.read(options["head"])
            except ValueError as error:
                raise CommandError(str(error), returncode=2) from None
        report = chain_verify(head=head)
        if not report.holds:
            raise CommandError(
                f"the audit log does not hold after {report.entries:,} entries: {report.problem}",
                returncode=1,
            )
        if options["write_head"] is not None:
            options["write_head"].write_text(report.head.to_json(), encoding="utf-8")
        newest = f", the newest is entry {report.head.id}" if report.head.id is not None else ""
        checked = f", including the head entry {head.id}" if head and head.id is not None else ""
        self.stdout.write(f"the audit log holds: {report.entries:,} entries{newest}{checked}")
