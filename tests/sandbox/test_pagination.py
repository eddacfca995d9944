"""Pagination reaches the end and matches ground truth, per API convention."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl

from tests.sandbox.conftest import SIZES, Api


def test_v2_pages_end_with_204_and_match_truth(api: Api) -> None:
    seen: list[int] = []
    page = 1
    while True:
        r = api.get("/v2/orders", limit=250, page=page)
        if r.status_code == 204:
            assert r.content == b""
            break
        assert r.status_code == 200
        seen += [o["id"] for o in r.json()]
        page += 1
    truth = [t["id"] for t in api.sb.truth("orders")]
    assert seen == truth
    assert page == -(-len(truth) // 250) + 1


def test_v2_default_limit_is_50(api: Api) -> None:
    assert len(api.json("/v2/orders")) == 50


def test_v2_limit_above_250_is_413(api: Api) -> None:
    r = api.get("/v2/orders", limit=251)
    assert r.status_code == 413
    body = r.json()
    assert isinstance(body, list)
    assert body[0]["status"] == 413


def test_deleted_orders_hidden_unless_asked(api: Api) -> None:
    deleted = api.json("/v2/orders", is_deleted="true", limit=250)
    assert deleted
    assert all(o["is_deleted"] for o in deleted)
    live = {t["id"] for t in api.sb.truth("orders")}
    assert not live & {o["id"] for o in deleted}
    assert len(live) + len(deleted) == SIZES["orders"]


def test_v3_page_meta_and_links(api: Api) -> None:
    body = api.json("/v3/catalog/products", limit=100, page=2)
    meta = body["meta"]["pagination"]
    total = len(api.sb.truth("products"))
    assert meta == {
        "total": total,
        "count": 100,
        "per_page": 100,
        "current_page": 2,
        "total_pages": -(-total // 100),
        "links": {
            "previous": "?page=1&limit=100",
            "current": "?page=2&limit=100",
            "next": "?page=3&limit=100",
        },
    }
    last = api.json("/v3/catalog/products", limit=100, page=meta["total_pages"])
    assert "next" not in last["meta"]["pagination"]["links"]


def test_v3_walk_matches_truth(api: Api) -> None:
    ids, link = [], "?page=1&limit=250"
    while link:
        body = api.json("/v3/catalog/products", **dict(parse_qsl(link[1:])))
        ids += [p["id"] for p in body["data"]]
        link = body["meta"]["pagination"]["links"].get("next")
    assert ids == [t["id"] for t in api.sb.truth("products")]


def test_v3_limit_is_capped_at_250(api: Api) -> None:
    body = api.json("/v3/catalog/products", limit=1000)
    assert body["meta"]["pagination"]["per_page"] == 250
    assert len(body["data"]) == 250


def test_customer_meta_shapes(api: Api) -> None:
    first = api.json("/v3/customers", limit=100)["meta"]
    assert set(first) == {"pagination", "cursor_pagination"}
    second = api.json("/v3/customers", limit=100, page=2)["meta"]
    assert set(second) == {"pagination"}
    cursor = first["cursor_pagination"]
    assert cursor["count"] == 100
    assert "next" in cursor["links"]
    assert "previous" not in cursor["links"]
    after = api.json("/v3/customers", limit=100, after=cursor["end_cursor"])["meta"]
    assert set(after) == {"cursor_pagination"}


def test_customer_cursor_walk_matches_truth(api: Api) -> None:
    ids: list[int] = []
    params: dict[str, object] = {"limit": 250}
    while True:
        body = api.json("/v3/customers", **params)
        ids += [c["id"] for c in body["data"]]
        nxt = body["meta"]["cursor_pagination"]["links"].get("next")
        if not nxt:
            break
        params = dict(parse_qsl(nxt[1:]))
    assert ids == [t["id"] for t in api.sb.truth("customers")]


def test_customer_cursor_before_goes_back(api: Api) -> None:
    first = api.json("/v3/customers", limit=50)
    second = api.json(
        "/v3/customers", limit=50, after=first["meta"]["cursor_pagination"]["end_cursor"]
    )
    back = api.json(
        "/v3/customers", limit=50, before=second["meta"]["cursor_pagination"]["start_cursor"]
    )
    assert [c["id"] for c in back["data"]] == [c["id"] for c in first["data"]]


def test_customer_cursor_by_date_modified_walks_everything(api: Api) -> None:
    ids: list[int] = []
    params: dict[str, object] = {"limit": 200, "sort": "date_modified:asc"}
    dates: list[str] = []
    while True:
        body = api.json("/v3/customers", **params)
        ids += [c["id"] for c in body["data"]]
        dates += [c["date_modified"] for c in body["data"]]
        nxt = body["meta"]["cursor_pagination"]["links"].get("next")
        if not nxt:
            break
        params = dict(parse_qsl(nxt[1:]))
    assert sorted(ids) == [t["id"] for t in api.sb.truth("customers")]
    assert dates == sorted(dates)


def test_invalid_cursor_is_400(api: Api) -> None:
    import base64

    assert api.get("/v3/customers", after="not-a-cursor!").status_code == 400
    for forged in (b'["id", false, 5]', b'["id", false, []]', b'["id", false, [1, 2, 3]]'):
        cursor = base64.urlsafe_b64encode(forged).decode()
        r = api.get("/v3/customers", after=cursor)
        assert r.status_code == 400, forged
        assert r.json()["status"] == 400


def test_bulk_import_runs_exceed_a_page(api: Api) -> None:
    for resource in ("orders", "products", "customers"):
        stamps = Counter(t["date_modified"] for t in api.sb.truth(resource))
        assert stamps.most_common(1)[0][1] > 250, resource


def test_store_wide_child_lists_match_truth(api: Api) -> None:
    for path, child in (
        ("/v3/catalog/variants", "variants"),
        ("/v3/customers/addresses", "customer_addresses"),
        ("/v3/customers/attribute-values", "customer_attribute_values"),
    ):
        ids, page = [], 1
        while True:
            body = api.json(path, limit=250, page=page)
            ids += [x["id"] for x in body["data"]]
            if page >= body["meta"]["pagination"]["total_pages"]:
                break
            page += 1
        assert ids == [t["id"] for t in api.sb.truth(child)], path


def test_v2_child_list_past_end_is_204(api: Api) -> None:
    order = api.sb.truth("orders")[0]["id"]
    assert api.get(f"/v2/orders/{order}/products", page=2, limit=250).status_code == 204


def test_customer_cursor_links_keep_filters(api: Api) -> None:
    truth = api.sb.truth("customers")
    stamp = truth[100]["date_modified"]
    expected = [t["id"] for t in truth if t["date_modified"] >= stamp]
    ids: list[int] = []
    params: dict[str, object] = {"limit": 50, "date_modified:min": stamp}
    while True:
        body = api.json("/v3/customers", **params)
        ids += [c["id"] for c in body["data"]]
        nxt = body["meta"]["cursor_pagination"]["links"].get("next")
        if not nxt:
            break
        params = dict(parse_qsl(nxt[1:]))
    assert ids == expected
