"""What can be wrong with an import, said as `LINE: column: message`.

Messages are lazy: a Problem is built once and put into words each time it is shown, in the
language active then. The admin's import page shows them in the officer's language; the
`import` command runs with translations off and prints the English of its public contract
(interfaces.md), word for word.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import lazy
from django_stubs_ext import StrOrPromise, StrPromise


def _fill(template: StrOrPromise, params: Mapping[str, object]) -> str:
    return str(template) % params


_lazy_fill = lazy(_fill, str)


def lazy_text(template: StrPromise, /, **params: object) -> StrPromise:
    """`template` (marked with gettext_lazy, `%(name)s` placeholders) filled with `params`,
    translated only when it is turned into text."""
    filled: StrPromise = _lazy_fill(template, params)  # type: ignore[assignment]
    return filled


@dataclass(frozen=True, order=True)
class Problem:
    line: int  # 1 is the header row (or the file itself); 0 when no line applies
    column: str
    message: StrOrPromise

    def __str__(self) -> str:
        return f"{self.line}: {self.column or '-'}: {self.message}"


class ImportFailed(Exception):
    """Base of import failures; `exit_code` is what the command returns."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = sorted(problems)

    def __str__(self) -> str:
        # Put into words when shown, not when raised: see the module's docstring.
        return "\n".join(str(p) for p in self.problems)


class InvalidRows(ImportFailed):
    """Rows with bad values: exit 1, nothing written."""

    exit_code = 1


class UnusableFile(ImportFailed):
    """The file cannot be read as the kind asked for: exit 2, nothing written."""

    exit_code = 2

    @classmethod
    def because(cls, message: StrOrPromise, *, line: int = 0, column: str = "") -> "UnusableFile":
        return cls([Problem(line, column, message)])
