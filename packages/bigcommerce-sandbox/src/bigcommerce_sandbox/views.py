"""Generic list/detail handlers; routes bind them to a table and a factory.

One handler kind per API convention (v2 array + 204, v3 offset meta, v3 cursor
meta), so a new resource needs no new pagination code.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import msgspec

from bigcommerce_sandbox import query
from bigcommerce_sandbox.factories.orders import order_status_list
from bigcommerce_sandbox.http import Request, Response, encode, error, json_response
from bigcommerce_sandbox.registry import CHILDREN
from bigcommerce_sandbox.state import Row
from bigcommerce_sandbox.store import Store

Handler = Callable[[Request], Response]
Render = Callable[[Store, Row, Request], Any]
SortExtra = Callable[[Store], dict[str, Callable[[int], Any]]]


def _store(req: Request) -> Store:
    assert req.store is not None
    return req.store


def _v2_page(items: list[Any]) -> Response:
    return Response(204) if not items else json_response(items)


def _links(req: Request, page: int, limit: int, total_pages: int) -> dict[str, str]:
    rest = [(k, v) for k, v in req.params.items() if k not in ("page", "limit")]

    def link(n: int) -> str:
        return "?" + urlencode([("page", n), ("limit", limit), *rest])

    out = {}
    if page > 1:
        out["previous"] = link(page - 1)
    out["current"] = link(page)
    if page < total_pages:
        out["next"] = link(page + 1)
    return out


def pagination(req: Request, total: int, count: int, page: int, limit: int) -> dict[str, Any]:
    total_pages = (total + limit - 1) // limit
    return {
        "total": total,
        "count": count,
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": _links(req, page, limit, total_pages),
    }


def _sorted(
    store: Store, kind: str, positions: list[int], field: str, desc: bool, extra: SortExtra | None
) -> list[int]:
    if field == "id" and not desc:
        return positions
    key = query.sort_key(store.tables[kind], field, extra(store) if extra else {})
    return sorted(positions, key=key, reverse=desc)


def v2_table_list(kind: str, render: Render, extra: SortExtra | None = None) -> Handler:
    def handle(req: Request) -> Response:
        store = _store(req)
        limit = query.limit_of(req.params, v2=True)
        page = query.page_of(req.params)
        field, desc = query.parse_sort(req.params.get("sort"))
        crit = query.v2_criteria(req.params, req.now)
        stop = page * limit if field == "id" and not desc else None
        with store.lock:
            table = store.tables[kind]
            positions = _sorted(store, kind, query.select(table, crit, stop), field, desc, extra)
            rows = [table.row(p) for p in positions[(page - 1) * limit : page * limit]]
        return _v2_page([render(store, row, req) for row in rows])

    return handle


def v2_count(kind: str) -> Handler:
    """`/count` of a v2 list: the records the same filters select, and per order status."""

    def handle(req: Request) -> Response:
        store = _store(req)
        crit = query.v2_criteria(req.params, req.now)
        with store.lock:
            table = store.tables[kind]
            live = query.select(table, crit)
            counts: dict[int, int] = {}
            for p in live:
                counts[table.status[p]] = counts.get(table.status[p], 0) + 1
        statuses = [
            {**s, "count": counts.get(s["id"], 0), "sort_order": i}
            for i, s in enumerate(order_status_list())
        ]
        return json_response({"statuses": statuses, "count": len(live)})

    return handle


def v2_detail(kind: str, render: Render) -> Handler:
    def handle(req: Request) -> Response:
        store = _store(req)
        with store.lock:
            row = store.tables[kind].get(req.args[0])
        if row is None:
            return error("v2", 404, "The requested resource was not found.")
        return json_response(render(store, row, req))

    return handle


def _parent(req: Request, kind: str) -> Row | None:
    store = _store(req)
    with store.lock:
        return store.tables[kind].get(req.args[0])


def v2_children(child: str) -> Handler:
    parent_kind, fn = CHILDREN[child]

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=True)
        page = query.page_of(req.params)
        row = _parent(req, parent_kind)
        if row is None:
            return error("v2", 404, "The requested resource was not found.")
        items = fn(_store(req).ctx, row)
        return _v2_page(items[(page - 1) * limit : page * limit])

    return handle


def v2_object(fn: Callable[[Request], Any]) -> Handler:
    return lambda req: json_response(fn(req))


def v3_page(req: Request, items: list[Any], total: int, page: int, limit: int) -> Response:
    return json_response(
        {"data": items, "meta": {"pagination": pagination(req, total, len(items), page, limit)}}
    )


def v3_static(fn: Callable[[Request], list[Any]]) -> Handler:
    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        items = fn(req)
        return v3_page(req, items[(page - 1) * limit : page * limit], len(items), page, limit)

    return handle


def v3_table_list(
    kind: str,
    render: Render,
    extra: SortExtra | None = None,
    page_cap: Callable[[Request], int | None] | None = None,
) -> Handler:
    def handle(req: Request) -> Response:
        store = _store(req)
        limit = query.limit_of(req.params, v2=False)
        cap = page_cap(req) if page_cap else None
        if cap is not None:
            limit = min(limit, cap)
        page = query.page_of(req.params)
        field, desc = query.parse_sort(req.params.get("sort"), req.params.get("direction"))
        crit = query.v3_criteria(req.params, req.now)
        with store.lock:
            table = store.tables[kind]
            positions = _sorted(store, kind, query.select(table, crit), field, desc, extra)
            rows = [table.row(p) for p in positions[(page - 1) * limit : page * limit]]
        return v3_page(req, [render(store, row, req) for row in rows], len(positions), page, limit)

    return handle


def v3_children(child: str) -> Handler:
    parent_kind, fn = CHILDREN[child]

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        row = _parent(req, parent_kind)
        if row is None:
            return error("v3", 404, "The requested product was not found.")
        items = fn(_store(req).ctx, row)
        return v3_page(req, items[(page - 1) * limit : page * limit], len(items), page, limit)

    return handle


def _all_children(store: Store, child: str, parent_ids: Iterable[int] | None = None) -> list[Any]:
    parent_kind, fn = CHILDREN[child]
    with store.lock:
        table = store.tables[parent_kind]
        rows = (
            list(table.rows())
            if parent_ids is None
            else [r for r in (table.get(i) for i in parent_ids) if r is not None and not r.deleted]
        )
    return [item for row in rows for item in fn(store.ctx, row)]


def v3_store_children(child: str, parent_filter: str | None = None) -> Handler:
    """A store-wide list of one child type (``/v3/catalog/variants``...), id order."""

    def handle(req: Request) -> Response:
        store = _store(req)
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        parents = None
        if parent_filter and parent_filter in req.params:
            try:
                parents = [int(x) for x in req.params[parent_filter].split(",") if x]
            except ValueError:
                return error("v3", 400, f"The filter '{parent_filter}' must be a list of integers.")
        items = _all_children(store, child, parents)
        if "id:in" in req.params:
            wanted = {int(x) for x in req.params["id:in"].split(",") if x.isdigit()}
            items = [i for i in items if i.get("id") in wanted]
        return v3_page(req, items[(page - 1) * limit : page * limit], len(items), page, limit)

    return handle


# cursor pagination --------------------------------------------------------------
def _encode_cursor(field: str, desc: bool, key: Any) -> str:
    raw = msgspec.json.encode([field, desc, key])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(value: str) -> tuple[str, bool, Any]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        field, desc, key = msgspec.json.decode(raw)
    except (binascii.Error, msgspec.DecodeError, ValueError, TypeError):
        raise query.BadRequest(400, "The cursor is not valid.") from None
    if not isinstance(key, list) or not key or not isinstance(key[-1], int):
        raise query.BadRequest(400, "The cursor is not valid.")
    return str(field), bool(desc), key


def _jsonable_key(key: tuple[Any, ...]) -> list[Any]:
    return list(key)


def v3_cursor_list(kind: str, render: Render, extra: SortExtra | None = None) -> Handler:
    """Customers: page numbers and keyset cursors, with DESIGN's meta rules."""

    def handle(req: Request) -> Response:
        store = _store(req)
        params = req.params
        limit = query.limit_of(params, v2=False)
        after, before = params.get("after"), params.get("before")
        crit = query.v3_criteria(params, req.now)
        with store.lock:
            table = store.tables[kind]
            positions = query.select(table, crit)
            cursor = after or before
            if cursor:
                field, desc, ckey = _decode_cursor(cursor)
            else:
                field, desc = query.parse_sort(params.get("sort"))
            keyfn = query.sort_key(table, field, extra(store) if extra else {})
            ordered = sorted(positions, key=keyfn, reverse=desc)
            keys = [keyfn(p) for p in ordered]
            if cursor:
                bound = tuple(ckey)
                if keys and len(keys[0]) != len(bound):
                    raise query.BadRequest(400, "The cursor is not valid.")

                def beyond(k: tuple[Any, ...]) -> bool:
                    return (k < bound) if desc else (k > bound)

                if after:
                    chosen = [p for p, k in zip(ordered, keys, strict=False) if beyond(k)][:limit]
                else:
                    chosen = [
                        p
                        for p, k in zip(ordered, keys, strict=False)
                        if not beyond(k) and k != bound
                    ][-limit:]
                page = 1
            else:
                page = query.page_of(params)
                chosen = ordered[(page - 1) * limit : page * limit]
            rows = [table.row(p) for p in chosen]
            first_key = keyfn(chosen[0]) if chosen else None
            last_key = keyfn(chosen[-1]) if chosen else None
            has_after = bool(chosen) and chosen[-1] != ordered[-1]
            has_before = bool(chosen) and chosen[0] != ordered[0]
        data = [render(store, row, req) for row in rows]
        meta: dict[str, Any] = {}
        if not cursor:
            meta["pagination"] = pagination(req, len(ordered), len(data), page, limit)
        if cursor or page == 1:
            start = (
                _encode_cursor(field, desc, _jsonable_key(first_key))
                if first_key is not None
                else ""
            )
            end = (
                _encode_cursor(field, desc, _jsonable_key(last_key)) if last_key is not None else ""
            )
            links: dict[str, str] = {}
            keep = [
                (k, v) for k, v in params.items() if k not in ("page", "limit", "after", "before")
            ]
            if has_before:
                links["previous"] = "?" + urlencode([("before", start), ("limit", limit), *keep])
            if has_after:
                links["next"] = "?" + urlencode([("after", end), ("limit", limit), *keep])
            meta["cursor_pagination"] = {
                "count": len(data),
                "per_page": limit,
                "start_cursor": start,
                "end_cursor": end,
                "links": links,
            }
        return Response(200, encode({"data": data, "meta": meta}))

    return handle


# store-wide lists of settings and of children ------------------------------------
StaticFn = Callable[[Store], list[Any]]


def v2_static(fn: StaticFn) -> Handler:
    """A short v2 list (customer groups, currencies...): pages, 204 past the end."""

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=True)
        page = query.page_of(req.params)
        return _v2_page(fn(_store(req))[(page - 1) * limit : page * limit])

    return handle


def v3_list(fn: StaticFn) -> Handler:
    """A short v3 list built from the store (channels, price lists, webhooks...)."""
    return v3_static(lambda req: fn(_store(req)))


def v2_store_children(child: str) -> Handler:
    """A store-wide v2 list of one child type (gift certificates), in parent order."""

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=True)
        page = query.page_of(req.params)
        crit = query.v2_criteria(req.params, req.now)
        items = _children_in(_store(req), child, crit)
        return _v2_page(items[(page - 1) * limit : page * limit])

    return handle


def _children_in(
    store: Store, child: str, crit: query.Criteria, stop_after: int | None = None
) -> list[Any]:
    """Children of the parents matching ``crit`` (parent filters, children's dates follow)."""
    return [item for _, item in _keyed_children(store, child, crit, stop_after)]


def _keyed_children(
    store: Store, child: str, crit: query.Criteria, stop_after: int | None = None
) -> list[tuple[list[int], Any]]:
    """``([parent id, position], child)`` pairs in parent-id order: stable keyset keys.

    A page-numbered read asks for the same list once per page: the whole list is kept
    for the store's current contents (any edit or create makes a new key), so reading
    N pages builds it once, not N times.
    """
    key = (id(store), store.hash, store.mutations, child, dataclasses.astuple(crit), stop_after)
    with _LISTS_LOCK:
        hit = _LISTS.get(key)
    if hit is not None:
        return hit
    parent_kind, fn = CHILDREN[child]
    out: list[tuple[list[int], Any]] = []
    with store.lock:
        table = store.tables[parent_kind]
        rows = [table.row(p) for p in query.select(table, crit)]
    for row in rows:
        out.extend(([row.id, k], item) for k, item in enumerate(fn(store.ctx, row)))
        if stop_after is not None and len(out) >= stop_after:
            break
    with _LISTS_LOCK:
        _LISTS[key] = out
        while len(_LISTS) > 8:
            _LISTS.pop(next(iter(_LISTS)))
    return out


_LISTS: dict[tuple[Any, ...], list[Any]] = {}
_LISTS_LOCK = threading.Lock()


def _window(req: Request, prefix: str) -> query.Criteria:
    """``{prefix}:min/max`` filters as bounds on the parent's modification time."""
    crit = query.Criteria()
    params = {
        f"date_modified:{b}": req.params[f"{prefix}:{b}"]
        for b in ("min", "max")
        if f"{prefix}:{b}" in req.params
    }
    window = query.v3_criteria(params, req.now)
    crit.modified_min, crit.modified_max = window.modified_min, window.modified_max
    return crit


def v3_windowed_children(child: str, prefix: str) -> Handler:
    """A store-wide v3 list of children filtered by ``{prefix}:min/max`` (refunds' ``created``)."""

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        items = _children_in(_store(req), child, _window(req, prefix))
        if "order_id:in" in req.params:
            wanted = {int(x) for x in req.params["order_id:in"].split(",") if x.isdigit()}
            items = [i for i in items if i.get("order_id") in wanted]
        return v3_page(req, items[(page - 1) * limit : page * limit], len(items), page, limit)

    return handle


def _cursor_page(req: Request, items: list[Any], keys: list[list[int]], limit: int) -> Response:
    """Cursor pagination over ``items`` (ascending ``keys``): ``after`` or page numbers."""
    after = req.params.get("after")
    if after:
        _, _, bound = _decode_cursor(after)
        start = next((i for i, k in enumerate(keys) if k > bound), len(keys))
        page = 1
    else:
        page = query.page_of(req.params)
        start = (page - 1) * limit
    chosen = list(range(start, min(start + limit, len(items))))
    data = [items[i] for i in chosen]
    end = _encode_cursor("key", False, keys[chosen[-1]]) if chosen else ""
    begin = _encode_cursor("key", False, keys[chosen[0]]) if chosen else ""
    keep = [(k, v) for k, v in req.params.items() if k not in ("page", "limit", "after", "before")]
    links: dict[str, str] = {}
    if chosen and chosen[0] > 0:
        links["previous"] = "?" + urlencode([("before", begin), ("limit", limit), *keep])
    if chosen and chosen[-1] < len(items) - 1:
        links["next"] = "?" + urlencode([("after", end), ("limit", limit), *keep])
    meta: dict[str, Any] = {}
    if not after:
        meta["pagination"] = pagination(req, len(items), len(data), page, limit)
    meta["cursor_pagination"] = {
        "count": len(data),
        "per_page": limit,
        "start_cursor": begin,
        "end_cursor": end,
        "links": links,
    }
    return Response(200, encode({"data": data, "meta": meta}))


def v3_cursor_children(
    child: str, by: str | None = None, parents: Callable[[Store], Iterable[int]] | None = None
) -> Handler:
    """A cursor-paged store-wide list of one child type, filtered by ``date_modified``.

    ``by`` names the record field matched against the path's id (price list, channel);
    ``parents`` lists the ids that exist for it (others are a 404).
    """

    def handle(req: Request) -> Response:
        store = _store(req)
        limit = query.limit_of(req.params, v2=False)
        if by is not None and parents is not None and req.args[0] not in set(parents(store)):
            return error("v3", 404, "The requested resource was not found.")
        items: list[Any] = []
        keys: list[list[int]] = []
        for key, item in _keyed_children(store, child, _window(req, "date_modified")):
            if by is None or item.get(by) == req.args[0]:
                items.append(item)
                keys.append(key)
        return _cursor_page(req, items, keys, limit)

    return handle


def v3_static_cursor(fn: Callable[[Store, int], list[Any] | None]) -> Handler:
    """A cursor-paged list under one fixed parent (promotion codes)."""

    def handle(req: Request) -> Response:
        items = fn(_store(req), req.args[0])
        if items is None:
            return error("v3", 404, "The requested resource was not found.")
        limit = query.limit_of(req.params, v2=False)
        return _cursor_page(req, items, [[k] for k in range(len(items))], limit)

    return handle
