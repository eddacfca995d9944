"""``/__admin`` over HTTP: the same operations as the Python API, without auth."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

from bigcommerce_sandbox.http import Response, json_response

if TYPE_CHECKING:
    from bigcommerce_sandbox.app import Sandbox

_STORE = re.compile(r"^/__admin/stores/([^/]+)/([a-z_]+)/(edit|create|delete|truth)$")
_TOKENS = re.compile(r"^/__admin/stores/([^/]+)/tokens$")


def handle(sb: Sandbox, method: str, path: str, body: bytes) -> Response:
    try:
        data: dict[str, Any] = msgspec.json.decode(body) if body.strip() else {}
    except msgspec.DecodeError:
        return json_response({"error": "body must be JSON"}, 400)
    if not isinstance(data, dict):
        return json_response({"error": "body must be a JSON object"}, 400)
    try:
        return _route(sb, method, path, data)
    except KeyError as exc:
        return json_response({"error": f"unknown: {exc.args[0]}"}, 404)
    except (TypeError, ValueError) as exc:
        return json_response({"error": str(exc)}, 400)


def _route(sb: Sandbox, method: str, path: str, data: dict[str, Any]) -> Response:
    if m := _STORE.match(path):
        index = sb.store_index(m.group(1))
        op = m.group(3)
        if op == "truth" and method == "GET":
            return json_response(sb.truth(m.group(2), store_index=index))
        if op == "delete" and method == "POST":
            ids = data.get("ids")
            if ids is not None and not (isinstance(ids, list) and all(type(i) is int for i in ids)):
                raise ValueError("ids must be a list of integers")
            count = int(data.get("count", 1))
            return json_response({"ids": sb.delete(m.group(2), count, store_index=index, ids=ids)})
        if op in ("edit", "create") and method == "POST":
            fn = sb.edit if op == "edit" else sb.create
            return json_response(
                {"ids": fn(m.group(2), int(data.get("count", 1)), store_index=index)}
            )
    elif (m := _TOKENS.match(path)) and method == "POST":
        token = sb.issue_token(list(data.get("scopes", [])), store_index=sb.store_index(m.group(1)))
        return json_response({"access_token": token})
    elif path == "/__admin/stats" and method == "GET":
        return json_response(sb.stats())
    elif path == "/__admin/stats/reset" and method == "POST":
        sb.reset_stats()
        return json_response({"ok": True})
    elif path == "/__admin/settings" and method == "POST":
        sb.configure(**data)
        return json_response(sb.settings())
    elif path == "/__admin/settings" and method == "GET":
        return json_response(sb.settings())
    elif path == "/__admin/clock" and method == "POST":
        sb.advance_clock(float(data.get("advance_seconds", 0)))
        return json_response({"now": sb.clock.now()})
    elif path == "/__admin/oauth/expire" and method == "POST":
        return json_response({"expired": sb.expire_tokens()})
    elif path == "/__admin/config" and method == "GET":
        return json_response(sb.cli_config())
    return json_response({"error": "no such admin operation"}, 404)
