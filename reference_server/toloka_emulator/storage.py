"""SQLite storage: items as one JSON blob each plus indexed columns, operations, and pool status changes.

One writer connection serves every write (the emulator runs all writes on one thread, so no two
transactions interleave); file databases get a second, read-only connection for reads so that polling
does not wait behind a long write. WAL mode: a committed transaction survives kill -9.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toloka_contract.operations import PENDING, RUNNING

# The statuses of an operation that has not ended (the partial index and the query below must agree).
_UNFINISHED = f"('{PENDING}', '{RUNNING}')"
# Built from the two constants above, never from input.
_UNFINISHED_QUERY = f"SELECT id FROM operations WHERE status IN {_UNFINISHED} ORDER BY submitted, rowid"  # noqa: S608
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    id TEXT NOT NULL,
    account TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS items_by_pool ON items (kind, account, pool_id, seq);
CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    parameters BLOB NOT NULL,
    details BLOB NOT NULL
);
-- Big blobs live apart from the operation rows, which are updated as the operation advances (SQLite rewrites a
-- whole row on update); these are written once each.
CREATE TABLE IF NOT EXISTS operation_inputs (id TEXT PRIMARY KEY, input BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS operation_results (id TEXT PRIMARY KEY, results BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS operations_unfinished ON operations (submitted) WHERE status IN {_UNFINISHED};
-- Pools whose status changed since the config gave them theirs (opened by an upload or /open, closed by /close).
CREATE TABLE IF NOT EXISTS pool_states (
    pool_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    last_started TEXT,
    last_stopped TEXT
);
"""
# Every table of SCHEMA (a reset empties them all).
_TABLES = ("items", "operations", "operation_inputs", "operation_results", "pool_states")
SCHEMA_VERSION = 4
# Version 3 kept only the pools an upload had opened; they are carried over as open.
_FROM_V3 = """
INSERT OR IGNORE INTO pool_states (pool_id, status) SELECT pool_id, 'open' FROM opened_pools;
DROP TABLE opened_pools;
"""
ID_PREFIX_LENGTH = 10
_ID_PREFIX = re.compile(r"^[0-9a-f]{10}")


@dataclass(frozen=True)
class OperationRow:
    """An operation as stored (without its input and log)."""

    id: str
    account: str
    type: str
    status: str
    submitted: str
    started: str | None
    finished: str | None
    parameters: bytes
    details: bytes


@dataclass(frozen=True)
class PoolState:
    """A pool's current status (`open`, `closed`, `archived`) and when it was last opened and closed."""

    pool_id: str
    status: str
    last_started: str | None = None
    last_stopped: str | None = None


@dataclass(frozen=True)
class ListQuery:
    """Filters and paging of a list request."""

    kind: int
    account: str
    pool_id: str | None
    bounds: tuple[tuple[str, str], ...]
    order: tuple[tuple[str, bool], ...]  # (`id` or `created`, descending), distinct fields, most significant first
    limit: int


_OPERATION_COLUMNS = "id, account, type, status, submitted, started, finished, parameters, details"
_BOUND_OPERATORS = {"id_gt": ">", "id_gte": ">=", "id_lt": "<", "id_lte": "<="}


def connect(path: str, synchronous: str, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL for files."""
    if read_only:
        uri = Path(path).absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
            # Checkpoint every ~40 MiB of WAL rather than 4 MiB: index pages rewritten by many batches are
            # then copied to the database once, which keeps commits of big batches cheap.
            conn.execute("PRAGMA wal_autocheckpoint=10000")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        _ensure_schema(conn, path)
    # A fixed, modest page cache per connection keeps memory flat however much is stored.
    conn.execute("PRAGMA cache_size=-8192")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


class SchemaError(RuntimeError):
    """The database file was written by an incompatible version of the emulator."""


def _ensure_schema(conn: sqlite3.Connection, path: str) -> None:
    """Create the tables in a new database; refuse a database of another schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    if has_tables and version not in (3, SCHEMA_VERSION):
        raise SchemaError(f"{path} holds emulator data of schema version {version}, not {SCHEMA_VERSION}")
    conn.executescript(SCHEMA)
    if has_tables and version == 3:
        conn.executescript(f"BEGIN; {_FROM_V3} COMMIT;")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


class Writer:
    """The write side: every method runs on the one writer thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        row = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM items").fetchone()
        self._next_seq: int = row[0] + 1

    def allocate(self, count: int) -> int:
        """Reserve `count` consecutive sequence numbers; returns the first."""
        first = self._next_seq
        self._next_seq += count
        return first

    def wipe(self) -> None:
        """Delete every item, operation and pool status change in one transaction; ids start again from 1."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for table in _TABLES:
                self.conn.execute(f"DELETE FROM {table}")  # noqa: S608  (our own table names)
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._next_seq = 1

    def begin(self) -> None:
        """Start a write transaction."""
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """Commit the open transaction."""
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        """Abandon the open transaction, if any."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def insert_items(self, rows: Iterable[tuple[int, int, str, str, str, bytes]]) -> None:
        """Insert `(seq, kind, id, account, pool_id, body)` rows."""
        self.conn.executemany("INSERT INTO items (seq, kind, id, account, pool_id, body) VALUES (?,?,?,?,?,?)", rows)

    def insert_operation(self, row: OperationRow, input_body: bytes) -> bool:
        """Insert a new operation with its input; False when the id is taken."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                f"INSERT INTO operations ({_OPERATION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",  # noqa: S608
                _operation_values(row),
            )
            self.conn.execute("INSERT INTO operation_inputs (id, input) VALUES (?, ?)", (row.id, input_body))
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError:
            self.rollback()
            return False
        except BaseException:
            self.rollback()
            raise
        return True

    def insert_pool_operation(self, row: OperationRow, state: PoolState) -> None:
        """Insert an ended pool operation together with the pool state it made, in one transaction."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                f"INSERT INTO operations ({_OPERATION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",  # noqa: S608
                _operation_values(row),
            )
            self.set_pool_state(state)
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def update_operation(self, row: OperationRow, results: bytes | None = None) -> None:
        """Store an operation's new status, times and details (and what it did to each item when it ends)."""
        self.conn.execute(
            "UPDATE operations SET status=?, started=?, finished=?, details=? WHERE id=?",
            (row.status, row.started, row.finished, row.details, row.id),
        )
        if results is not None:
            self.conn.execute("INSERT INTO operation_results (id, results) VALUES (?, ?)", (row.id, results))

    def unfinished_operations(self) -> list[str]:
        """Ids of operations that are pending or running, oldest first."""
        rows = self.conn.execute(_UNFINISHED_QUERY).fetchall()
        return [r[0] for r in rows]

    def operation_input(self, operation_id: str) -> bytes:
        """The stored request body of an operation."""
        row = self.conn.execute("SELECT input FROM operation_inputs WHERE id=?", (operation_id,)).fetchone()
        return bytes(row[0]) if row else b"[]"

    def set_pool_state(self, state: PoolState) -> None:
        """Store a pool's new status and times (in the caller's transaction, if any)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO pool_states (pool_id, status, last_started, last_stopped) VALUES (?,?,?,?)",
            (state.pool_id, state.status, state.last_started, state.last_stopped),
        )


class Reader:
    """The read side; safe on any one thread at a time."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def pool_states(self) -> list[PoolState]:
        """Pools whose status changed since the configured one."""
        rows = self.conn.execute("SELECT pool_id, status, last_started, last_stopped FROM pool_states").fetchall()
        return [PoolState(*row) for row in rows]

    def get_item(self, kind: int, account: str, item_id: str) -> bytes | None:
        """One item's JSON, if it exists and belongs to the account."""
        try:
            seq = int(item_id[:ID_PREFIX_LENGTH], 16)
        except ValueError:
            return None
        row = self.conn.execute(
            "SELECT body FROM items WHERE seq=? AND id=? AND kind=? AND account=?", (seq, item_id, kind, account)
        ).fetchone()
        return bytes(row[0]) if row else None

    def list_items(self, query: ListQuery) -> tuple[list[bytes], bool]:
        """One page of items' JSON and whether more match."""
        where = ["kind=?", "account=?"]
        args: list[Any] = [query.kind, query.account]
        if query.pool_id is not None:
            where.append("pool_id=?")
            args.append(query.pool_id)
        for name, value in query.bounds:
            clause, clause_args = _id_bound(_BOUND_OPERATORS[name], value)
            where.append(clause)
            args += clause_args
        sql = f"SELECT body FROM items WHERE {' AND '.join(where)} ORDER BY {_order_by(query.order)} LIMIT ?"  # noqa: S608
        rows = self.conn.execute(sql, (*args, query.limit + 1)).fetchall()
        return [bytes(r[0]) for r in rows[: query.limit]], len(rows) > query.limit

    def get_operation(self, operation_id: str) -> OperationRow | None:
        """One operation's row."""
        row = self.conn.execute(
            f"SELECT {_OPERATION_COLUMNS} FROM operations WHERE id=?",  # noqa: S608
            (operation_id,),
        ).fetchone()
        return _operation_row(row) if row else None

    def get_results(self, operation_id: str) -> tuple[bytes, bytes] | None:
        """An ended operation's input and results, from which its log is rendered."""
        row = self.conn.execute(
            "SELECT i.input, r.results FROM operation_results r JOIN operation_inputs i USING (id) WHERE id=?",
            (operation_id,),
        ).fetchone()
        return (bytes(row[0]), bytes(row[1])) if row else None


def _order_by(order: tuple[tuple[str, bool], ...]) -> str:
    """The ORDER BY clause of a list's sort keys.

    Ids sort as their sequence numbers do, and `created` never decreases as they grow (items of one batch
    share it), so every order is the sequence's in the first key's direction, except `created` followed by
    `id` the other way: equal `created` values then order by id against the first key, read from the body.
    """
    (first, descending), *rest = order
    direction = "DESC" if descending else "ASC"
    if first == "created" and rest and rest[0][1] != descending:
        tie = "DESC" if rest[0][1] else "ASC"
        return f"json_extract(CAST(body AS TEXT), '$.created') {direction}, seq {tie}"
    return f"seq {direction}"


def _id_bound(operator: str, bound: str) -> tuple[str, list[Any]]:
    """`id <op> bound` as an index-friendly condition on `seq`.

    An id is its sequence number as 10 hex digits, `--`, and a random tail; so for a bound starting with 10
    hex digits (sequence s) every other sequence compares as the integers do and only s needs the string
    comparison. Any other bound falls back to comparing the id strings.
    """
    if not _ID_PREFIX.match(bound):
        return f"id {operator} ?", [bound]
    seq = int(bound[:ID_PREFIX_LENGTH], 16)
    strict = operator.rstrip("=")
    return f"seq {strict}= ? AND (seq {strict} ? OR id {operator} ?)", [seq, seq, bound]


def _operation_values(row: OperationRow) -> Sequence[Any]:
    return (
        row.id,
        row.account,
        row.type,
        row.status,
        row.submitted,
        row.started,
        row.finished,
        row.parameters,
        row.details,
    )


def _operation_row(row: Sequence[Any]) -> OperationRow:
    return OperationRow(
        id=row[0],
        account=row[1],
        type=row[2],
        status=row[3],
        submitted=row[4],
        started=row[5],
        finished=row[6],
        parameters=bytes(row[7]),
        details=bytes(row[8]),
    )
