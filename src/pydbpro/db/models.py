"""What the data layer hands back: plain, immutable descriptions of tables and results.

These types are the contract between the data layer and the HTTP layer; they carry no
connection, no request and no SQLAlchemy object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..column_kind import ColumnKind


class WriteAccess(StrEnum):
    """What the configured login could do, were PyDBPro not read-only (``write_access.py``)."""

    READ_ONLY = "read_only"
    CAN_WRITE = "can_write"
    UNKNOWN = "unknown"  # not checked yet: the database did not answer


class RelationType(StrEnum):
    TABLE = "table"
    VIEW = "view"
    MATERIALIZED_VIEW = "materialized_view"


@dataclass(frozen=True)
class TableRef:
    schema: str
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class TableInfo:
    schema: str
    name: str
    type: RelationType
    estimated_rows: int | None
    system: bool = False  # a system catalog object (listed only with SHOW_SYSTEM_TABLES)
    #: The table this is a partition of (PostgreSQL): not listed, since the parent stands
    #: for it, but it can be opened (from the parent's structure) unless the parent is hidden.
    partition_of: TableRef | None = None
    #: ``estimated_rows`` was counted exactly (a small table the database had no estimate for).
    rows_exact: bool = False
    #: The database has no estimate and the table is small enough to count for the listing.
    countable: bool = False

    @property
    def ref(self) -> TableRef:
        return TableRef(self.schema, self.name)

    @property
    def partition(self) -> bool:
        return self.partition_of is not None


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the database type as declared, e.g. "character varying(100)"
    kind: ColumnKind
    nullable: bool
    default: str | None = None
    primary_key_position: int | None = None  # 1-based position in the primary key
    comment: str | None = None


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool
    primary: bool = False  # the index behind the primary key


@dataclass(frozen=True)
class ForeignKey:
    """Columns of ``table`` that reference ``ref_columns`` of ``ref_table``."""

    name: str | None
    table: TableRef
    columns: tuple[str, ...]
    ref_table: TableRef
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableStructure:
    info: TableInfo
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    referenced_by: tuple[ForeignKey, ...] = ()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def known(self, name: str) -> Column:
        """A column whose name was checked against this structure already."""
        found = self.column(name)
        if found is None:
            raise KeyError(name)
        return found

    @property
    def row_key(self) -> tuple[str, ...]:
        """Columns that identify a row: the primary key, else a unique all-NOT-NULL index."""
        if self.primary_key:
            return self.primary_key
        for index in self.indexes:
            cols = [self.column(name) for name in index.columns]
            if index.unique and all(c is not None and not c.nullable for c in cols):
                return index.columns
        return ()


@dataclass(frozen=True)
class Trigger:
    name: str
    timing: str  # BEFORE, AFTER, INSTEAD OF
    event: str  # INSERT, UPDATE, DELETE, TRUNCATE (several joined by " OR ")
    definition: str


@dataclass(frozen=True)
class Partition:
    table: TableRef
    bound: str  # PostgreSQL's text, e.g. FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')


@dataclass(frozen=True)
class Routine:
    """A function, procedure or sequence, listed read-only (SHOW_ROUTINES)."""

    schema: str
    name: str
    kind: str  # function, procedure, aggregate, sequence
    signature: str  # the arguments and result, e.g. "(a integer) returns text"; "" for a sequence


@dataclass(frozen=True)
class Definition:
    """What the structure tab shows beyond the columns: the DDL and what depends on it.
    ``ddl`` is None when the database would not give it; ``reason`` then says why."""

    ddl: str | None
    reason: str | None = None
    triggers: tuple[Trigger, ...] = ()
    partitions: tuple[Partition, ...] = ()


@dataclass(frozen=True)
class ResultColumn:
    name: str
    type: str
    kind: ColumnKind


@dataclass
class Page:
    table: TableInfo
    columns: list[ResultColumn]
    rows: list[list[Any]]
    page: int
    page_size: int
    total: int | None
    total_is_estimate: bool
    next_cursor: str | None
    prev_cursor: str | None
    has_more: bool
    sort: list[dict[str, str]] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnStats:
    """What a database's planner keeps about one column, read without scanning the table
    (``db/planner_stats.py``); a field is None (or empty) where it keeps nothing. Values are
    as the catalog holds them: often their text, not the column's type."""

    distinct: int | None = None  # distinct non-null values, estimated
    null_fraction: float | None = None  # of all rows
    most_common: tuple[tuple[Any, float], ...] = ()  # (value, fraction of all rows)
    bounds: tuple[Any, ...] = ()  # ascending histogram bounds (or just min and max)
