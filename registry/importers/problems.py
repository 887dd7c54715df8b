"""What can be wrong with an import, said as `LINE: column: message`."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    line: int  # 1 is the header row (or the file itself); 0 when no line applies
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.column or '-'}: {self.message}"


class ImportFailed(Exception):
    """Base of import failures; `exit_code` is what the command returns."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = sorted(problems)


class InvalidRows(ImportFailed):
    """Rows with bad values: exit 1, nothing written."""

    exit_code = 1


class UnusableFile(ImportFailed):
    """The file cannot be read as the kind asked for: exit 2, nothing written."""

    exit_code = 2

    @classmethod
    def because(cls, message: str, *, line: int = 0, column: str = "") -> "UnusableFile":
        return cls([Problem(line, column, message)])
