"""Where an estate object came from: its file and its path in that file's data.

Its own module so that ``models`` (whose objects carry a ``Source``) and ``estate`` (which
holds the models) both import it and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .yamlsource import Document


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, eq=False)
class Source:
    """Where an object is defined: its file and its path in that file's data.

    ``line``/``column`` are found on demand (a clean file read on the fast path is re-read with
    positions only when someone asks).
    """

    document: Document = field(repr=False)
    path: tuple[str | int, ...]

    def __eq__(self, other: object) -> bool:
        # Where an object was written never makes two estate objects differ: a host moved
        # within its file is the same host.
        return isinstance(other, Source)

    def __hash__(self) -> int:
        return 0

    @property
    def file(self) -> str:
        return self.document.name

    def locate(self, *suffix: str | int, key: bool = False) -> Location:
        line, column = self.document.locate((*self.path, *suffix), key=key)
        return Location(self.file, line, column)

    @property
    def line(self) -> int:
        return self.locate().line

    @property
    def column(self) -> int:
        return self.locate().column
