"""Handlers for the endpoints that do not page the family's way (``views`` has the rest).

Each follows its spec: lists without paging (v2 shipping zones, v3 tax zones...: one
answer holds everything, whatever ``page`` says), ``/v3/sites``' offset meta, short
page-numbered lists with ``:in`` filters, settings objects (store-wide, or a channel's
by ``?channel_id=`` or ``/channels/{id}``), and cursor lists of fixed records filtered
by ``date_modified`` (the metafields of channels, locations and the store).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from bigcommerce_sandbox import query, views
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.settings import CHANNELS
from bigcommerce_sandbox.factories.settings_objects import BARE, SETTINGS, STOREFRONTS
from bigcommerce_sandbox.http import Request, Response, error, json_response
from bigcommerce_sandbox.store import Store

Handler = views.Handler
ListFn = Callable[[Ctx], list[dict[str, Any]]]
ParentFn = Callable[[Ctx, int], list[dict[str, Any]] | None]


def _store(req: Request) -> Store:
    assert req.store is not None
    return req.store


def _in_filter(req: Request, name: str) -> set[str] | None:
    """The values of an ``x:in`` filter (comma-separated), None when absent."""
    if name not in req.params:
        return None
    return {v for v in req.params[name].split(",") if v}


def _filtered(req: Request, items: list[dict[str, Any]], filters: Mapping[str, str]) -> list[Any]:
    for param, field in filters.items():
        wanted = _in_filter(req, param)
        if wanted is not None:
            items = [i for i in items if str(i.get(field)) in wanted]
    return items


def v2_unpaged(fn: ListFn) -> Handler:
    """A v2 list without paging: the whole list, whatever ``page`` and ``limit`` say."""
    return lambda req: views._v2_page(fn(_store(req).ctx))


def v2_unpaged_children(fn: ParentFn) -> Handler:
    """A v2 list without paging under one parent (a zone's methods); 404 for no parent."""

    def handle(req: Request) -> Response:
        items = fn(_store(req).ctx, req.args[0])
        if items is None:
            return error("v2", 404, "The requested resource was not found.")
        return views._v2_page(items)

    return handle


def v3_unpaged(fn: ListFn, filters: Mapping[str, str] | None = None) -> Handler:
    """A v3 list without paging: ``{"data": [...], "meta": {}}``."""

    def handle(req: Request) -> Response:
        items = _filtered(req, fn(_store(req).ctx), filters or {})
        return json_response({"data": items, "meta": {}})

    return handle


def v3_paged(fn: ListFn, filters: Mapping[str, str] | None = None) -> Handler:
    """A short v3 list by page number, with ``:in`` filters (``param -> field``)."""

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        items = _filtered(req, fn(_store(req).ctx), filters or {})
        chosen = items[(page - 1) * limit : page * limit]
        return views.v3_page(req, chosen, len(items), page, limit)

    return handle


def v3_paged_children(fn: ParentFn) -> Handler:
    """A v3 list by page number under one parent (a site's routes); 404 for no parent."""

    def handle(req: Request) -> Response:
        items = fn(_store(req).ctx, req.args[0])
        if items is None:
            return error("v3", 404, "The requested resource was not found.")
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        if "type" in req.params:
            items = [i for i in items if i.get("type") == req.params["type"]]
        chosen = items[(page - 1) * limit : page * limit]
        return views.v3_page(req, chosen, len(items), page, limit)

    return handle


def v3_offset(fn: ListFn, filters: Mapping[str, str] | None = None) -> Handler:
    """``/v3/sites``: page numbers, and meta ``{offset, limit, total_items}``."""

    def handle(req: Request) -> Response:
        limit = query.limit_of(req.params, v2=False)
        page = query.page_of(req.params)
        items = _filtered(req, fn(_store(req).ctx), filters or {})
        offset = (page - 1) * limit
        meta = {"pagination": {"offset": offset, "limit": limit, "total_items": len(items)}}
        return json_response({"data": items[offset : offset + limit], "meta": meta})

    return handle


def _channel_error(channel: int) -> Response | None:
    if channel in STOREFRONTS:
        return None
    if channel in {c[0] for c in CHANNELS}:
        return error("v3", 422, f"Channel {channel} is not a storefront channel.")
    return error("v3", 404, f"Channel {channel} was not found.")


def _settings_body(path: str, value: dict[str, Any]) -> Any:
    """The body as each spec declares it: enveloped in ``data``, or bare (orders' settings
    with an empty ``meta`` beside them, promotions' alone)."""
    if path not in BARE:
        return {"data": value, "meta": {}}
    return {**value, "meta": {}} if path == "/v3/orders/settings" else value


def v3_settings(path: str) -> Handler:
    """A settings object: store-wide, or a channel's with ``?channel_id=N``."""
    fn, style = SETTINGS[path]

    def handle(req: Request) -> Response:
        channel: int | None = None
        if style == "param" and "channel_id" in req.params:
            try:
                channel = int(req.params["channel_id"])
            except ValueError:
                return error("v3", 400, "The channel_id must be an integer.")
            problem = _channel_error(channel)
            if problem is not None:
                return problem
        return json_response(_settings_body(path, fn(_store(req).ctx, channel)))

    return handle


def v3_channel_settings(path: str) -> Handler:
    """A channel's settings object at ``{path}/channels/{channel_id}``."""
    fn, _ = SETTINGS[path]

    def handle(req: Request) -> Response:
        channel = req.args[0]
        problem = _channel_error(channel)
        if problem is not None:
            return problem
        return json_response(_settings_body(path, fn(_store(req).ctx, channel)))

    return handle


def _instant(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def v3_dated_cursor(fn: ListFn) -> Handler:
    """A cursor list of fixed records, filtered by ``date_modified:min/max`` (inclusive)."""

    def handle(req: Request) -> Response:
        crit = query.v3_criteria(req.params, req.now)
        items = [
            item
            for item in fn(_store(req).ctx)
            if (crit.modified_min is None or _instant(item["date_modified"]) >= crit.modified_min)
            and (crit.modified_max is None or _instant(item["date_modified"]) <= crit.modified_max)
        ]
        keys = [[k] for k in range(len(items))]
        return views._cursor_page(req, items, keys, query.limit_of(req.params, v2=False))

    return handle
