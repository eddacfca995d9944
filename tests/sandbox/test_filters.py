"""Filters (inclusive bounds, date formats, the date-without-time quirk), sorts, includes."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from typing import Any

from tests.sandbox.conftest import Api

UTC = dt.timezone.utc


def _iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ts(value: str) -> int:
    if value[0].isdigit():
        return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    return int(email.utils.parsedate_to_datetime(value).timestamp())


def _all_v2(api: Api, **params: Any) -> list[dict[str, Any]]:
    out, page = [], 1
    while True:
        r = api.get("/v2/orders", limit=250, page=page, **params)
        if r.status_code == 204:
            return out
        assert r.status_code == 200, r.text
        out += r.json()
        page += 1


def _truth_between(api: Api, resource: str, lo: int, hi: int) -> list[int]:
    return [t["id"] for t in api.sb.truth(resource) if lo <= _ts(t["date_modified"]) <= hi]


def test_v2_date_bounds_are_inclusive_in_every_format(api: Api) -> None:
    truth = api.sb.truth("orders")
    stamp = _ts(truth[len(truth) // 3 + 5]["date_modified"])  # inside the bulk-import run
    expected = _truth_between(api, "orders", stamp, stamp)
    assert len(expected) > 250
    rfc = email.utils.formatdate(stamp, usegmt=False).replace("-0000", "+0000")
    for value in (_iso(stamp), rfc, str(stamp), _iso(stamp).replace("Z", "+00:00")):
        got = _all_v2(api, min_date_modified=value, max_date_modified=value)
        assert [o["id"] for o in got] == expected, value


def test_v2_id_and_status_filters(api: Api) -> None:
    got = api.json("/v2/orders", min_id=150, max_id=160, limit=250)
    live = {t["id"] for t in api.sb.truth("orders")}
    assert [o["id"] for o in got] == [i for i in range(150, 161) if i in live]
    shipped = api.json("/v2/orders", status_id=2, limit=250)
    assert shipped
    assert all(o["status_id"] == 2 for o in shipped)


def test_v2_created_filter(api: Api) -> None:
    orders = _all_v2(api)
    mid = _ts(orders[100]["date_created"])
    got = _all_v2(api, min_date_created=_iso(mid))
    assert [o["id"] for o in got] == [o["id"] for o in orders if _ts(o["date_created"]) >= mid]


def test_date_without_time_gets_current_time_of_day(make_sb: Any) -> None:
    sb, api = make_sb(orders=600)
    now = sb.clock.now()
    sb.advance_clock(43200.3 - now % 86400)  # server time of day is now 12:00:00.3
    day = "2025-03-14"
    noon = int(dt.datetime(2025, 3, 14, 12, tzinfo=UTC).timestamp())
    got = [o["id"] for o in _all_v2(api, min_date_modified=day)]
    assert got == [t["id"] for t in sb.truth("orders") if _ts(t["date_modified"]) >= noon]
    midnight = [o["id"] for o in _all_v2(api, min_date_modified=f"{day}T00:00:00Z")]
    assert set(got) <= set(midnight)


def test_bad_date_is_400(api: Api) -> None:
    r = api.get("/v2/orders", min_date_modified="yesterday-ish")
    assert r.status_code == 400
    assert r.json()[0]["status"] == 400


def test_v2_sorts(api: Api) -> None:
    desc = api.json("/v2/orders", sort="id:desc", limit=20)
    assert [o["id"] for o in desc] == sorted((o["id"] for o in desc), reverse=True)
    assert desc[0]["id"] == api.sb.truth("orders")[-1]["id"]
    by_mod = _all_v2(api, sort="date_modified:asc")
    keys = [(_ts(o["date_modified"]), o["id"]) for o in by_mod]
    assert keys == sorted(keys)
    by_created = api.json("/v2/orders", sort="date_created:asc", limit=250)
    created = [_ts(o["date_created"]) for o in by_created]
    assert created == sorted(created)


def test_v3_product_filters(api: Api) -> None:
    truth = api.sb.truth("products")
    ids = [t["id"] for t in truth]
    a, b = ids[10], ids[30]

    def got(**p: Any) -> list[int]:
        return [x["id"] for x in api.json("/v3/catalog/products", limit=250, **p)["data"]]

    assert got(**{"id:min": a, "id:max": b}) == [i for i in ids if a <= i <= b]
    assert got(**{"id:greater": a, "id:less": b}) == [i for i in ids if a < i < b]
    assert got(**{"id:in": f"{a},{b}"}) == [a, b]
    assert got(id=a) == [a]
    stamp = _ts(truth[200]["date_modified"])
    assert (
        got(**{"date_modified:min": _iso(stamp), "date_modified:max": _iso(stamp)})
        == [t["id"] for t in truth if _ts(t["date_modified"]) == stamp][:250]
    )


def test_v3_product_sorts(api: Api) -> None:
    names = [
        p["name"]
        for p in api.json("/v3/catalog/products", sort="name", direction="desc", limit=250)["data"]
    ]
    assert names == sorted(names, reverse=True)
    mods = [
        p["date_modified"]
        for p in api.json("/v3/catalog/products", sort="date_modified", limit=250)["data"]
    ]
    assert mods == sorted(mods)


def test_customer_filters_and_sorts(api: Api) -> None:
    truth = api.sb.truth("customers")
    stamp = truth[300]["date_modified"]
    body = api.json("/v3/customers", **{"date_modified:min": stamp, "limit": 250})
    assert all(c["date_modified"].replace("+00:00", "Z") >= stamp for c in body["data"])
    assert body["meta"]["pagination"]["total"] == sum(t["date_modified"] >= stamp for t in truth)
    some = [truth[3]["id"], truth[9]["id"]]
    body = api.json("/v3/customers", **{"id:in": ",".join(map(str, some))})
    assert [c["id"] for c in body["data"]] == some
    last = [
        c["last_name"] for c in api.json("/v3/customers", sort="last_name:asc", limit=250)["data"]
    ]
    assert last == sorted(last)


def test_order_includes(api: Api) -> None:
    plain = api.json("/v2/orders", limit=5)
    assert set(plain[0]["consignments"]) == {"url", "resource"}
    assert set(plain[0]["products"]) == {"url", "resource"}
    full = api.json(
        "/v2/orders", limit=5, include="consignments.line_items", consignment_structure="object"
    )
    for order in full:
        cons = order["consignments"]
        assert set(cons) == {"pickups", "shipping", "downloads", "email"}
        lines = [
            li
            for group in ("pickups", "shipping", "downloads")
            for c in cons[group]
            for li in c["line_items"]
        ]
        lines += [li for c in cons["email"]["gift_certificates"] for li in c["line_items"]]
        products = api.json(f"/v2/orders/{order['id']}/products")
        assert sorted(lines, key=lambda x: x["id"]) == products
        assert any(o["product_options"] for o in products)
    links = api.json("/v2/orders", limit=5, include="consignments", consignment_structure="object")
    line = links[0]["consignments"]
    first = next(c for g in ("pickups", "shipping") for c in line[g])
    assert set(first["line_items"][0]) == {"url", "resource"}


def test_product_includes_and_option_cap(api: Api) -> None:
    body = api.json("/v3/catalog/products", limit=50, include="variants,images")
    assert len(body["data"]) == 50
    assert all("variants" in p and "images" in p and "options" not in p for p in body["data"])
    pid = body["data"][0]["id"]
    assert body["data"][0]["variants"] == api.json(f"/v3/catalog/products/{pid}/variants")["data"]
    capped = api.json("/v3/catalog/products", limit=250, include="options")
    assert len(capped["data"]) == 10
    assert capped["meta"]["pagination"]["per_page"] == 10


def test_customer_includes(api: Api) -> None:
    body = api.json(
        "/v3/customers", limit=50, include="addresses,attributes,formfields,storecredit"
    )
    for c in body["data"]:
        assert len(c["addresses"]) == c["address_count"] <= 3
        assert len(c["attributes"]) == c["attribute_count"]
        assert "form_fields" in c
        assert "store_credit_amounts" in c
    plain = api.json("/v3/customers", limit=5)["data"][0]
    assert "addresses" not in plain


def test_time_follows_sandbox_clock(make_sb: Any) -> None:
    sb, api = make_sb()
    sb.advance_clock(3600)
    r = api.get("/v2/time")
    assert abs(r.json()["time"] - (time.time() + 3600)) < 5
    date = email.utils.parsedate_to_datetime(r.headers["Date"]).timestamp()
    assert abs(date - (time.time() + 3600)) < 5


def test_unencoded_plus_in_offset_is_tolerated(api: Api) -> None:
    truth = api.sb.truth("orders")
    stamp = _ts(truth[50]["date_modified"])
    iso = dt.datetime.fromtimestamp(stamp, UTC).isoformat()  # ...+00:00, sent unencoded
    r = api.session.get(f"{api.base}/v2/orders?limit=250&min_date_modified={iso}", timeout=10)
    assert r.status_code == 200
    assert r.json()[0]["id"] == next(t["id"] for t in truth if _ts(t["date_modified"]) >= stamp)
