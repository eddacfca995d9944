"""What landed in PostgreSQL, checked against the sandbox's ground truth.

The tables checked are the streams the tap described in the run (its SCHEMA messages),
not a fixed list, so streams added later are checked too. A stream's ground truth is
the sandbox resource of the same name, or of the name without its parent's prefix
(sandbox `variants` is stream `product_variants`). Streams the sandbox keeps no truth
for (the `store` record) are checked against the records the tap emitted instead.
"""

from __future__ import annotations

import collections
import typing as t
from datetime import datetime

from bigcommerce_sandbox import Sandbox

from tests.e2e.meltano import MeltanoRun
from tests.e2e.postgres import PostgresServer

Key = tuple[str, ...]

#: Streams that must be checked against ground truth, whatever else is added.
MUST_HAVE_TRUTH = frozenset(
    ("orders", "order_products", "products", "product_variants", "customers")
)


def truth_resource(sandbox: Sandbox, stream: str) -> str | None:
    candidates = [stream]
    if "_" in stream:
        candidates.append(stream.split("_", 1)[1])
    for name in candidates:
        try:
            sandbox.truth(name)
        except KeyError:
            continue
        return name
    return None


def epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


class Warehouse:
    """One database and schema that `target-postgres` loads into."""

    def __init__(self, server: PostgresServer, database: str, schema: str) -> None:
        self.server, self.database, self.schema = server, database, schema

    def tables(self) -> set[str]:
        where = f"table_schema = '{self.schema}'"
        sql = f"SELECT table_name FROM information_schema.tables WHERE {where}"  # noqa: S608
        rows = self.server.query(sql, self.database)
        return {row[0] for row in rows}

    def keys(
        self, table: str, key_properties: list[str], where: str = "TRUE"
    ) -> collections.Counter[Key]:
        """Every row's primary key, counted (a count above 1 is a duplicate)."""
        columns = ", ".join(f'"{column}"::text' for column in key_properties)
        rows = self.server.query(
            f'SELECT {columns} FROM "{self.schema}"."{table}" WHERE {where}',  # noqa: S608
            self.database,
        )
        return collections.Counter(tuple(row) for row in rows)

    def modified(self, table: str, store_hash: str) -> dict[str, int]:
        """id -> date_modified (Unix seconds) of one store's rows."""
        modified = "extract(epoch FROM date_modified::timestamptz)::bigint"
        table_name = f'"{self.schema}"."{table}"'
        sql = f"SELECT id::text, {modified} FROM {table_name} WHERE store_hash = '{store_hash}'"  # noqa: S608
        rows = self.server.query(sql, self.database)
        return {row[0]: int(row[1]) for row in rows}

    def column_types(self, table: str) -> dict[str, str]:
        """column -> PostgreSQL data type, as information_schema names it."""
        where = f"table_schema = '{self.schema}' AND table_name = '{table}'"
        sql = f"SELECT column_name, data_type FROM information_schema.columns WHERE {where}"  # noqa: S608
        return {row[0]: row[1] for row in self.server.query(sql, self.database)}

    def texts(self, table: str, column: str, key: str = "id") -> dict[str, str]:
        """key -> the column's value as PostgreSQL prints it (numeric keeps its scale)."""
        sql = (
            f'SELECT "{key}"::text, "{column}"::text FROM "{self.schema}"."{table}" '  # noqa: S608
            f'WHERE "{column}" IS NOT NULL'
        )
        return {row[0]: row[1] for row in self.server.query(sql, self.database)}


def check_decimals(
    warehouse: Warehouse, runs: list[MeltanoRun], columns: dict[str, list[str]]
) -> int:
    """Assert that money columns are numeric and hold exactly the digits the tap emitted.

    Returns how many values were compared. The tap emits the decimal text the store
    sent ("54.0000"); a numeric column keeps its scale, so its text must be the same.
    """
    compared = 0
    for table, names in columns.items():
        types = warehouse.column_types(table)
        for column in names:
            assert types.get(column) == "numeric", f"{table}.{column}: {types.get(column)}"
            emitted = {
                str(record["id"]): record[column]
                for run in runs
                for record in run.records(table)
                if record.get(column) is not None
            }
            loaded = warehouse.texts(table, column)
            assert emitted, f"{table}.{column}: the tap emitted no value to compare"
            for key, value in emitted.items():
                assert loaded.get(key) == str(value), (table, column, key, value, loaded.get(key))
            compared += len(emitted)
    return compared


def emitted_keys(runs: list[MeltanoRun], stream: str, key_properties: list[str]) -> set[Key]:
    return {
        tuple(str(record[k]) for k in key_properties)
        for run in runs
        for record in run.records(stream)
    }


def check_against_truth(
    warehouse: Warehouse,
    sandbox: Sandbox,
    stores: dict[str, int],
    runs: list[MeltanoRun],
) -> dict[str, int]:
    """Assert that every emitted stream's table holds exactly the store's records.

    `stores` maps each loaded store_hash to its sandbox index; `runs` are all the runs
    that loaded this warehouse. Returns the row count per table (live rows: not flagged
    is_deleted).
    """
    streams: dict[str, list[str]] = {}
    for run in runs:
        streams.update(run.streams())
    assert streams, "the tap described no stream"
    missing_tables = set(streams) - warehouse.tables()
    assert not missing_tables, f"streams with no table in PostgreSQL: {sorted(missing_tables)}"

    checked_with_truth = set()
    counts = {}
    problems: list[str] = []
    for stream, key_properties in sorted(streams.items()):
        assert key_properties[:1] == ["store_hash"], f"{stream}: key {key_properties}"
        rows = warehouse.keys(stream, key_properties)
        duplicates = [key for key, n in rows.items() if n > 1]
        if duplicates:
            problems.append(f"{stream}: {len(duplicates)} duplicate keys, e.g. {duplicates[:3]}")
        deleted = {
            tuple(str(record[k]) for k in key_properties)
            for run in runs
            for record in run.records(stream)
            if record.get("is_deleted") is True
        }
        resource = truth_resource(sandbox, stream)
        truth: dict[str, list[dict[str, t.Any]]] = {}
        expected: set[Key]
        if resource is not None and key_properties == ["store_hash", "id"]:
            truth = {h: sandbox.truth(resource, store_index=i) for h, i in stores.items()}
            expected = {(h, str(row["id"])) for h, rows_ in truth.items() for row in rows_}
            checked_with_truth.add(stream)
            # A child the store no longer lists (an edited order that lost its
            # shipments) stays in the table: Singer has no delete for it. Rows loaded
            # by an earlier run are allowed beyond the truth, nothing else is.
            vanished = emitted_keys(runs[:-1], stream, key_properties) - deleted - expected
            expected |= vanished
        else:
            expected = emitted_keys(runs, stream, key_properties) - deleted
        if deleted:
            # Deleted records (orders) are emitted flagged is_deleted; the store's truth
            # lists live records only.
            live = warehouse.keys(stream, key_properties, 'NOT coalesce("is_deleted", FALSE)')
            if set(rows) - set(live) != deleted:
                problems.append(f"{stream}: rows flagged deleted differ from what was emitted")
            rows = live
        counts[stream] = sum(rows.values())
        if set(rows) != expected or counts[stream] != len(expected):
            lost = sorted(expected - set(rows))
            extra = sorted(set(rows) - expected)
            problems.append(
                f"{stream}: {counts[stream]} rows, expected {len(expected)} "
                f"(missing {len(lost)} e.g. {lost[:3]}, unexpected {len(extra)} e.g. {extra[:3]})"
            )
        if truth and any("date_modified" in run.columns(stream) for run in runs):
            problems += stale_rows(warehouse, stream, truth)
    assert not problems, "\n".join(problems)
    assert checked_with_truth >= MUST_HAVE_TRUTH, MUST_HAVE_TRUTH - checked_with_truth
    return counts


def stale_rows(
    warehouse: Warehouse, stream: str, truth: dict[str, list[dict[str, t.Any]]]
) -> list[str]:
    """Rows whose date_modified is not the store's: an update that did not land."""
    problems = []
    for store_hash, rows in truth.items():
        modified = {
            str(row["id"]): epoch(row["date_modified"]) for row in rows if "date_modified" in row
        }
        stale = {
            key: (value, modified[key])
            for key, value in warehouse.modified(stream, store_hash).items()
            if key in modified and value != modified[key]
        }
        if stale:
            sample = list(stale.items())[:3]
            problems.append(f"{stream}: {len(stale)} rows not updated, e.g. {sample}")
    return problems
