"""Metafields of every owner type other than products (see ``catalog.metafields``).

Metafields of records in a store table (brands, categories, customers, orders, and
products' variants) are children of that table: created and modified with their owner,
so a ``date_modified`` window of the store-wide list follows the owner's edits. The
metafields of the short fixed lists (channels, locations, the store itself) are fixed.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import iso
from bigcommerce_sandbox.factories import catalog
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.settings import CHANNELS, SETUP, locations
from bigcommerce_sandbox.state import CHILD_SLOTS, Row, child_ids

PERMISSIONS = ("app_only", "read", "write", "read_and_sf_access", "write_and_sf_access")


def _metafield(
    mid: int, k: int, resource_type: str, resource_id: int, created: int, modified: int
) -> dict[str, Any]:
    return {
        "id": mid,
        "permission_set": PERMISSIONS[k % len(PERMISSIONS)],
        "namespace": f"erp.{resource_type}",
        "key": ("external_id", "note", "flags")[k % 3],
        "value": f"{resource_type}-{resource_id}-{k} — ✓",
        "description": f"Synced from the ERP ({resource_type})",
        "resource_type": resource_type,
        "resource_id": resource_id,
        "date_created": iso(created),
        "date_modified": iso(modified),
        "owner_client_id": "sandbox-app",
    }


def _of(resource_type: str, low: int = 0, high: int = 2) -> Any:
    def children(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
        n = fake.count(ctx.seed, f"{resource_type}_metafields", row.id, low, high)
        return [
            _metafield(mid, k, resource_type, row.id, row.created, row.modified)
            for k, mid in enumerate(child_ids(row.id, n))
        ]

    return children


brand_metafields = _of("brand", 1, 2)
category_metafields = _of("category")
customer_metafields = _of("customer", 0, 1)
order_metafields = _of("order", 0, 1)


def variant_metafields(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """One metafield on about half of a product's variants (ids below the variant's)."""
    out = []
    for variant in catalog.variants(ctx, row):
        if fake.count(ctx.seed, "variant_metafields", variant["id"], 0, 1):
            out.append(
                _metafield(
                    variant["id"] * CHILD_SLOTS,
                    0,
                    "variant",
                    variant["id"],
                    row.created,
                    row.modified,
                )
            )
    return out


def channel_metafields(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        _metafield(cid * 10 + k, k, "channel", cid, SETUP, SETUP + cid * 86400 + k)
        for cid, *_ in CHANNELS
        for k in range(2)
    ]


def location_metafields(ctx: Ctx) -> list[dict[str, Any]]:
    return [
        _metafield(location["id"] * 10, 0, "location", location["id"], SETUP, SETUP + 3600)
        for location in locations(ctx)
    ]


def store_metafields(ctx: Ctx) -> list[dict[str, Any]]:
    """The store's own metafields: the spec declares their ids (and resource id) as strings."""
    del ctx
    return [
        {
            **_metafield(k, k, "store", 0, SETUP, SETUP + k * 86400),
            "id": str(k),
            "resource_id": "",
        }
        for k in range(1, 4)
    ]
