"""Requests per run, against the fewest the API allows for the same records.

The minimum is computed from the store's ground truth: a page per 250 records of each
list, one request per changed parent (per 250 children) for the sub-resources that
have no include and no store-wide list, and nothing for embedded children. A full
sync and an incremental sync after editing 1% of orders, products and customers must
both stay within 10% of it.
"""

from __future__ import annotations

import math
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions
from bigcommerce_sandbox.factories import settings

from tests.tapio import TapRun, every_stream_selected, run_tap

PAGE = 250
OPTIONS_PAGE = 10
LAG = 2
SIZES = {"orders": 500, "products": 300, "customers": 300}
# One request each: lists far shorter than a page.
SHORT_LISTS = [
    "order_statuses",
    "brands",
    "categories",
    "category_trees",
    "tree_categories",
    "customer_attributes",
    "customer_groups",
    "coupons",
    "promotions",
    "gift_certificates",
    "store",
    "channels",
    "currencies",
    "tax_classes",
    "pages",
    "blog_posts",
    "price_lists",
    "price_list_assignments",
    "locations",
    "webhooks",
    "store_logs",
]


def pages(count: int) -> int:
    """Requests to read `count` records at 250 a page (an empty list still costs one)."""
    return max(1, math.ceil(count / PAGE))


def parents_with(sb: Sandbox, child: str, among: set[int] | None = None) -> set[int]:
    found = {row["parent_id"] for row in sb.truth(child)}
    return found if among is None else found & among


def minimum(
    sb: Sandbox, changed: dict[str, set[int]] | None, deleted_orders: int
) -> dict[str, int]:
    """The fewest requests per stream; `changed` is None for a full sync."""

    def ids(resource: str) -> set[int]:
        if changed is None:
            return {row["id"] for row in sb.truth(resource)}
        return changed[resource]

    orders, products, customers = ids("orders"), ids("products"), ids("customers")
    count = {name: 1 for name in SHORT_LISTS}
    count["clock"] = 1
    count["orders"] = pages(len(orders)) + pages(deleted_orders if changed is None else 0)
    for child in ("order_coupons", "order_taxes", "order_messages", "order_transactions"):
        count[child] = len(orders)
    count["order_shipments"] = len(parents_with(sb, "order_shipments", orders))
    count["order_refunds"] = pages(
        sum(1 for row in sb.truth("order_refunds") if row["parent_id"] in orders)
    )
    count["products"] = pages(len(products))
    product_pages = [len(products)] if changed else [PAGE] * (len(products) // PAGE)
    if changed is None and len(products) % PAGE:
        product_pages.append(len(products) % PAGE)
    count["product_options+modifiers"] = sum(math.ceil(n / OPTIONS_PAGE) for n in product_pages)
    count["product_reviews"] = len(products)
    count["product_metafields"] = pages(
        sum(1 for row in sb.truth("metafields") if row["parent_id"] in products)
    )
    count["variants"] = pages(len(sb.truth("variants")))  # full table every run
    count["customers"] = pages(len(customers))
    count["subscribers"] = pages(len(sb.truth("subscribers")))
    count["wishlists"] = pages(len(sb.truth("wishlists")))
    count["promotion_codes"] = sum(
        pages(settings.CODES_PER_PROMOTION.get(pid, 0))
        for pid, kind, _ in settings.PROMOTIONS
        if kind != "AUTOMATIC"
    )
    for stream, parents in (
        ("channel_listings", settings.CHANNELS),
        ("price_list_records", settings.PRICE_LISTS),
    ):
        # one request lists the parents, then a page per 250 changed records of each
        rows = [row for row in sb.truth(stream) if row["parent_id"] in products]
        count[stream] = 1 + sum(pages(sum(1 for r in rows if r["id"][0] == p[0])) for p in parents)
    count["inventory_items"] = pages(len(sb.truth("inventory_items")))
    return count


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=5, **SIZES)) as sandbox:
        yield sandbox


def requests_for(sb: Sandbox, run: t.Callable[[], TapRun]) -> tuple[TapRun, int]:
    sb.reset_stats()
    result = run()
    assert result.returncode == 0, result.stderr[-3000:]
    return result, sb.stats()["requests"]


def test_full_and_incremental_syncs_stay_within_10_percent_of_the_minimum(
    store: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**store.tap_config(), "window_lag_seconds": LAG}
    deleted = sum(store.stores[0].tables["orders"].deleted)

    everything = every_stream_selected(config)
    full, full_requests = requests_for(store, lambda: run_tap(config, catalog=everything))
    full_minimum = sum(minimum(store, None, deleted).values())
    assert full_minimum <= full_requests <= full_minimum * 1.1, (full_requests, full_minimum)
    assert len(full.records("orders")) == len(store.truth("orders")) + deleted

    changed = {resource: set(store.edit(resource, size // 100)) for resource, size in SIZES.items()}
    store.advance_clock(LAG + 1)
    again, incremental_requests = requests_for(
        store, lambda: run_tap(config, state=full.final_state, catalog=everything)
    )
    incremental_minimum = sum(minimum(store, changed, 0).values())
    assert incremental_minimum <= incremental_requests <= incremental_minimum * 1.1, (
        incremental_requests,
        incremental_minimum,
    )
    assert {r["id"] for r in again.records("orders")} == changed["orders"]
    with capsys.disabled():
        print(
            f"\nrequests: full sync {full_requests} (minimum {full_minimum}), "
            f"incremental after 1% edits {incremental_requests} (minimum {incremental_minimum})"
        )
