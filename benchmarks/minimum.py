"""The fewest requests the BigCommerce API allows for a sync, computed from ground truth.

One model, used by figure 1 of ``make bench`` and by ``tests/test_request_cost.py``, so
the bound the tests enforce and the figure the README prints cannot drift apart. It never
looks at what the tap requested, only at what the store holds (``benchmarks.truth``) and
at what the API offers:

- a list backed by a store table costs a page per 250 records in the window
  (``max(1, ceil(n / 250))``: an empty list still costs its one request);
- a child that exists only per parent costs one request per parent in the window (only
  the parents that have such children, where the parent's payload says so);
- a store-wide list of children costs its pages, counting the children of parents in the
  window where the API filters it by date, and all of them where it cannot;
- children listed per parent of a short list (channels, price lists, promotions) cost
  each parent's pages, except parents whose payload says they have none;
- products with options and modifiers cost one request per 10 (BigCommerce's cap on that
  include), on top of their pages;
- children embedded in their parent's payload cost nothing, so they have no endpoint;
- a single object (the store's clock, its profile) costs one request.

``RULES`` says which rule each endpoint follows; an endpoint the tap calls that has no rule
gets one inferred from its path (marked ``inferred``: the test fails on those, so a new
stream brings its rule). A sync's *window* is, per store table, the earliest
``date_modified`` it must read: absent for a full sync (the whole table), the moment of
the edits for an incremental one (``window_after_edits``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import typing as t

from benchmarks.truth import PAGE, GroundTruth, parse_time

#: BigCommerce's page size for products read with ``include=options,modifiers``.
CAPPED_PAGE = 10

#: Per store table, the lower bound of the sync's window (a table not named: all of it).
Window = t.Mapping[str, dt.datetime]


def pages(count: int, per_page: int = PAGE) -> int:
    """Requests to read ``count`` records (an empty list still costs one)."""
    return max(1, math.ceil(count / per_page))


@dataclasses.dataclass(frozen=True)
class Scope:
    """One sync's view of the store: its ground truth and its window."""

    truth: GroundTruth
    window: Window

    def rows_in_window(self, table: str) -> list[dict[str, t.Any]]:
        rows = self.truth.table(table)
        if rows is None:
            raise LookupError(f"the store has no table '{table}'")
        bound = self.window.get(table)
        if bound is None:
            return rows
        return [r for r in rows if parse_time(r["date_modified"]) >= bound]

    def ids_in_window(self, table: str) -> set[t.Any]:
        return {r["id"] for r in self.rows_in_window(table)}

    def date_filter(self, table: str, v2: bool) -> dict[str, str]:
        """The query that bounds a read of ``table`` to the window (none for a full read)."""
        bound = self.window.get(table)
        if bound is None:
            return {}
        return {("min_date_modified" if v2 else "date_modified:min"): bound.isoformat()}


class Rule(t.Protocol):
    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        """(requests, how they were counted) for the endpoint at ``path``."""


@dataclasses.dataclass(frozen=True)
class One:
    """A single object: one request."""

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        return 1, "one object"


@dataclasses.dataclass(frozen=True)
class Records:
    """A list of a store table's records in the window, ``per_page`` a request."""

    table: str
    per_page: int = PAGE
    note: str = ""

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        n = len(scope.rows_in_window(self.table))
        return pages(n, self.per_page), f"{n} records{self.note} / {self.per_page}"


@dataclasses.dataclass(frozen=True)
class Filtered:
    """Another read of a table's list, with a filter (deleted orders): walked in the window."""

    table: str
    params: t.Mapping[str, str]

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        query = {**self.params, **scope.date_filter(self.table, path.startswith("/v2/"))}
        n = len(scope.truth.listed(path, query) or [])
        label = "&".join(f"{k}={v}" for k, v in self.params.items())
        return pages(n), f"{n} walked ({label}) / {PAGE}"


@dataclasses.dataclass(frozen=True)
class Walked:
    """A list without ground truth (settings, content): the API says how long it is."""

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        items = scope.truth.listed(path)
        if items is None:
            return 1, "one object"
        return pages(len(items)), f"{len(items)} walked / {PAGE}"


@dataclasses.dataclass(frozen=True)
class Children:
    """A store-wide list of one child type.

    ``dated_by`` names the parent table whose window the API's date filter follows; None
    for a list the API cannot filter by date, which every sync reads whole.
    """

    child: str
    dated_by: str | None = None

    def rows(self, scope: Scope) -> list[dict[str, t.Any]]:
        rows = scope.truth.children(self.child)
        if rows is None:
            raise LookupError(f"the store has no child type '{self.child}'")
        if self.dated_by is None or self.dated_by not in scope.window:
            return rows
        parents = scope.ids_in_window(self.dated_by)
        return [r for r in rows if r["parent_id"] in parents]

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        n = len(self.rows(scope))
        window = f" of {self.dated_by} in window" if self.dated_by else ""
        return pages(n), f"{n} {self.child}{window} / {PAGE}"


@dataclasses.dataclass(frozen=True)
class EachParent:
    """A child endpoint per parent of a table: one request per parent in the window.

    With ``having``, only parents that have such children: the parent's payload says which
    (an order's ``items_shipped`` tells whether it has shipments).
    """

    table: str
    having: str | None = None

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        parents = scope.ids_in_window(self.table)
        if self.having is None:
            return len(parents), f"1 per {self.table} in window"
        with_children = {r["parent_id"] for r in scope.truth.children(self.having) or []}
        return len(parents & with_children), f"1 per {self.table} in window with {self.having}"


@dataclasses.dataclass(frozen=True)
class EachListed:
    """A child endpoint per parent of a short list (``/v3/channels/{channel_id}/listings``).

    The parents come from their own list (read once, by its own endpoint). Each costs the
    pages of its children: from ``children`` when the store has ground truth for them
    (a child's key starts with its listed parent's id), else walked through the API. A
    parent whose payload matches ``empty_when`` has no children and costs nothing.
    """

    parents: str
    children: Children | None = None
    empty_when: t.Mapping[str, t.Any] = dataclasses.field(default_factory=dict)

    def cost(self, scope: Scope, path: str) -> tuple[int, str]:
        listed = [p for p in scope.truth.listed(self.parents) or [] if isinstance(p, dict)]
        empty = self.empty_when
        asked = [p for p in listed if not empty or any(p.get(k) != v for k, v in empty.items())]
        per_parent: dict[t.Any, int] = {}
        if self.children is not None:
            for row in self.children.rows(scope):
                per_parent[row["id"][0]] = per_parent.get(row["id"][0], 0) + 1
        total = 0
        for parent in asked:
            if self.children is None:
                child_path = re.sub(r"\{[a-z_]+\}", str(parent["id"]), path, count=1)
                n = len(scope.truth.listed(child_path) or [])
            else:
                n = per_parent.get(parent["id"], 0)
            total += pages(n)
        source = self.children.child if self.children else "children walked"
        return total, f"{len(asked)} of {len(listed)} {self.parents} parents; {source}"


#: Every endpoint a sync of all streams reads, and the rule for its minimum.
RULES: dict[str, tuple[Rule, ...]] = {
    # the store's clock (the window's end) and profile
    "GET /v2/time": (One(),),
    "GET /v2/store": (One(),),
    # the count a v2 window is checked against before its bookmark moves (reading.verify)
    "GET /v2/orders/count": (One(),),
    # store tables, with their children embedded (include=...)
    "GET /v2/orders": (Records("orders"), Filtered("orders", {"is_deleted": "true"})),
    "GET /v3/catalog/products": (
        Records("products"),
        Records("products", CAPPED_PAGE, " (options+modifiers)"),
    ),
    "GET /v3/customers": (Records("customers"),),
    "GET /v2/coupons": (Records("coupons"),),
    "GET /v3/catalog/brands": (Records("brands"),),
    "GET /v3/catalog/categories": (Records("categories"),),
    "GET /v3/catalog/trees/categories": (Records("categories"),),
    # children that exist only per parent
    "GET /v2/orders/{order_id}/coupons": (EachParent("orders"),),
    "GET /v2/orders/{order_id}/taxes": (EachParent("orders"),),
    "GET /v2/orders/{order_id}/messages": (EachParent("orders"),),
    "GET /v2/orders/{order_id}/shipments": (EachParent("orders", having="order_shipments"),),
    "GET /v3/orders/{order_id}/transactions": (EachParent("orders"),),
    "GET /v3/catalog/products/{product_id}/reviews": (EachParent("products"),),
    # store-wide lists of children
    "GET /v3/catalog/products/metafields": (Children("metafields", dated_by="products"),),
    "GET /v3/orders/payment_actions/refunds": (Children("order_refunds", dated_by="orders"),),
    "GET /v3/catalog/variants": (Children("variants"),),
    "GET /v3/inventory/items": (Children("inventory_items"),),
    "GET /v3/customers/subscribers": (Children("subscribers"),),
    "GET /v3/wishlists": (Children("wishlists"),),
    "GET /v2/gift_certificates": (Children("gift_certificates"),),
    # children per parent of a short list
    "GET /v3/channels/{channel_id}/listings": (
        EachListed("/v3/channels", Children("channel_listings", dated_by="products")),
    ),
    "GET /v3/pricelists/{price_list_id}/records": (
        EachListed("/v3/pricelists", Children("price_list_records", dated_by="products")),
    ),
    "GET /v3/promotions/{promotion_id}/codes": (
        EachListed("/v3/promotions", empty_when={"redemption_type": "AUTOMATIC"}),
    ),
    # short lists without ground truth
    **{
        f"GET {path}": (Walked(),)
        for path in (
            "/v2/order_statuses",
            "/v2/customer_groups",
            "/v2/currencies",
            "/v2/tax_classes",
            "/v2/blog/posts",
            "/v3/catalog/trees",
            "/v3/customers/attributes",
            "/v3/promotions",
            "/v3/channels",
            "/v3/content/pages",
            "/v3/pricelists",
            "/v3/pricelists/assignments",
            "/v3/inventory/locations",
            "/v3/hooks",
            "/v3/store/systemlogs",
        )
    },
}


def inferred_rule(truth: GroundTruth, path: str) -> Rule:
    """A rule for an endpoint ``RULES`` does not name, from the shape of its path."""
    parts = path.strip("/").split("/")
    slot = next((i for i, part in enumerate(parts) if part.startswith("{")), None)
    if slot is None:
        return Records(parts[-1]) if truth.table(parts[-1]) is not None else Walked()
    parent = parts[slot - 1]
    if truth.table(parent) is not None:
        return EachParent(parent)
    return EachListed("/" + "/".join(parts[:slot]))


def minimum_requests(
    truth: GroundTruth, window: Window, by_endpoint: t.Mapping[str, t.Mapping[str, int]]
) -> dict[str, dict[str, t.Any]]:
    """Per endpoint: the requests the tap made (``by_endpoint``, the sandbox's statistics)
    and the minimum, with how it was counted.

    Every endpoint of ``RULES`` is costed, called or not: a stream the tap stopped reading
    shows as fewer requests than the minimum.
    """
    scope = Scope(truth, window)
    rows: dict[str, dict[str, t.Any]] = {}
    for endpoint in sorted(set(by_endpoint) | set(RULES)):
        method, _, path = endpoint.partition(" ")
        statuses = dict(by_endpoint.get(endpoint, {}))
        if method != "GET":
            minimum, how = 0, "not a read"
        else:
            rules = RULES.get(endpoint)
            costs = [r.cost(scope, path) for r in rules or (inferred_rule(truth, path),)]
            minimum = sum(c for c, _ in costs)
            how = ("" if rules else "inferred: ") + " + ".join(h for _, h in costs)
        rows[endpoint] = {
            "actual": sum(statuses.values()),
            "minimum": minimum,
            "how": how,
            "statuses": statuses,
        }
    return rows


#: Store table -> the endpoint a deletion sweep lists its ids from (``reading.sweep``).
SWEPT_TABLES = {"products": "GET /v3/catalog/products", "customers": "GET /v3/customers"}


def sweep_minimum(truth: GroundTruth, tables: t.Collection[str]) -> dict[str, dict[str, t.Any]]:
    """Per endpoint, the fewest requests a deletion sweep of ``tables`` needs, with how.

    A sweep must see every id the store has now: a page per 250 live records of each
    table, the children it embeds coming in the same pages (``pages(0)`` is still the one
    request that says the table is empty).
    """
    out = {}
    for table in tables:
        n = len(truth.table(table) or [])
        out[SWEPT_TABLES[table]] = {"minimum": pages(n), "how": f"sweep: {n} ids / {PAGE}"}
    return out


def window_after_edits(truth: GroundTruth, edited: t.Mapping[str, t.Collection[t.Any]]) -> Window:
    """The window of an incremental sync after ``edited`` (table -> ids) were modified.

    Taken from the store, not from the tap's bookmarks: the earliest ``date_modified`` of
    the edited records; tables that were not edited are read whole.
    """
    window: dict[str, dt.datetime] = {}
    for table, ids in edited.items():
        wanted = set(ids)
        stamps = [
            parse_time(r["date_modified"]) for r in truth.table(table) or [] if r["id"] in wanted
        ]
        window[table] = min(stamps) if stamps else dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return window
