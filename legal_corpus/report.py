"""What a loader read, kept and rejected.

Loaders never hide bad data: a broken record is counted and described with
its file and line, the good records around it are still loaded, and known
defects of a source are tallied so ``corpus stats`` can show them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


class CorpusError(Exception):
    """A source cannot be read at all (missing path, unreadable file)."""


@dataclass(frozen=True, slots=True)
class LoadIssue:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class LoadReport:
    source: str
    records_read: int = 0
    records_loaded: int = 0
    issues: list[LoadIssue] = field(default_factory=list)
    defects: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)  # records with each field recovered
    fields_present: Counter[str] = field(default_factory=Counter)  # records where the source has it

    def error(self, file: str | Path, line: int | None, message: str) -> None:
        self.issues.append(LoadIssue(str(file), line, message))

    def defect(self, name: str, n: int = 1) -> None:
        self.defects[name] += n

    def field_seen(self, name: str, present: bool, recovered: bool) -> None:
        """Count a field the source has, and whether the loader recovered it."""
        if present:
            self.fields_present[name] += 1
            if recovered:
                self.fields[name] += 1

    @property
    def records_failed(self) -> int:
        return len(self.issues)

    def recovery_rates(self) -> dict[str, float]:
        return {
            name: self.fields[name] / n
            for name, n in sorted(self.fields_present.items())
            if n
        }
