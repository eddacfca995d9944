"""Admin mutations and ground truth, over Python and over HTTP, including mid-sync edits."""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
from typing import Any

import requests
from bigcommerce_sandbox import Sandbox, SandboxOptions


def _ts(value: str) -> float:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_edit_bumps_date_and_content(make_sb: Any) -> None:
    sb, api = make_sb()
    before = {o["id"]: o for o in api.json("/v2/orders", limit=250)}
    items = {i: [x["id"] for x in api.json(f"/v2/orders/{i}/products")] for i in before}
    sb.advance_clock(86400 * 30)
    ids = sb.edit("orders", 10)
    assert len(ids) == 10
    now = sb.clock.now()
    truth = {t["id"]: t for t in sb.truth("orders")}
    for i in ids:
        assert abs(_ts(truth[i]["date_modified"]) - now) < 3
        after = api.json(f"/v2/orders/{i}")
        assert after["date_modified"] != before[i]["date_modified"]
        assert after != before[i]
        assert after["date_created"] == before[i]["date_created"]
        assert items[i] == [x["id"] for x in api.json(f"/v2/orders/{i}/products")]


def test_child_ids_survive_edits(make_sb: Any) -> None:
    sb, _ = make_sb()
    before = sb.truth("variants")
    sb.edit("products", 30)
    assert sb.truth("variants") == before


def test_create_appends_new_ids(make_sb: Any) -> None:
    sb, api = make_sb()
    last = sb.truth("customers")[-1]["id"]
    ids = sb.create("customers", 5)
    assert ids == list(range(last + 1, last + 6))
    body = api.json("/v3/customers", **{"id:in": ",".join(map(str, ids))})
    assert [c["id"] for c in body["data"]] == ids
    assert all(c["date_created"] == c["date_modified"] for c in body["data"])
    orders = sb.create("orders", 2)
    assert [o["id"] for o in api.json("/v2/orders", min_id=orders[0])] == orders


def test_truth_shapes(make_sb: Any) -> None:
    sb, _ = make_sb()
    row = sb.truth("orders")[0]
    assert set(row) == {"id", "date_modified"}
    assert row["date_modified"].endswith("Z")
    assert set(sb.truth("order_products")[0]) == {"id", "parent_id"}


def test_edit_during_paging_moves_record(make_sb: Any) -> None:
    """A record edited after a sync started leaves its old place and shows at its new date."""
    sb, api = make_sb(orders=600)
    first = api.json("/v2/orders", limit=250, sort="date_modified:asc")
    later_ids = [t["id"] for t in sb.truth("orders")][-50:]
    target = next(i for i in later_ids if i not in {o["id"] for o in first})
    # edits pick records at random: keep editing until the target has moved
    moved: list[int] = []
    while target not in moved:
        moved += sb.edit("orders", 50)
    rest: list[dict[str, Any]] = []
    page = 2
    while True:
        r = api.get("/v2/orders", limit=250, page=page, sort="date_modified:asc")
        if r.status_code == 204:
            break
        rest += r.json()
        page += 1
    last = rest[-len(moved) :]
    assert target in {o["id"] for o in last}
    stamp = email.utils.parsedate_to_datetime(rest[-1]["date_modified"]).timestamp()
    assert abs(stamp - sb.clock.now()) < 3


def test_admin_http(make_sb: Any) -> None:
    sb, api = make_sb()
    base = f"{sb.url}/__admin"
    h = sb.store_hash
    ids = requests.post(f"{base}/stores/{h}/orders/edit", json={"count": 3}, timeout=10).json()[
        "ids"
    ]
    assert len(ids) == 3
    created = requests.post(
        f"{base}/stores/{h}/products/create", json={"count": 2}, timeout=10
    ).json()["ids"]
    truth = requests.get(f"{base}/stores/{h}/products/truth", timeout=10).json()
    assert [t["id"] for t in truth][-2:] == created
    api.get("/v2/time")
    stats = requests.get(f"{base}/stats", timeout=10).json()
    assert stats["requests"] == 1
    assert requests.post(f"{base}/stats/reset", timeout=10).status_code == 200
    assert requests.get(f"{base}/stats", timeout=10).json()["requests"] == 0
    settings = requests.post(f"{base}/settings", json={"quota": 7}, timeout=10).json()
    assert settings["quota"] == 7
    assert api.get("/v2/time").headers["X-Rate-Limit-Requests-Quota"] == "7"
    bad = requests.post(f"{base}/settings", json={"orders": 7}, timeout=10)
    assert bad.status_code == 400
    before = api.get("/v2/time").json()["time"]
    requests.post(f"{base}/clock", json={"advance_seconds": 1000}, timeout=10)
    assert api.get("/v2/time").json()["time"] >= before + 1000
    token = requests.post(
        f"{base}/stores/{h}/tokens", json={"scopes": ["store_v2_content_read_only"]}, timeout=10
    ).json()["access_token"]
    r = requests.get(f"{sb.url}/stores/{h}/v2/orders", headers={"X-Auth-Token": token}, timeout=10)
    assert r.status_code == 403
    assert requests.post(f"{base}/oauth/expire", timeout=10).json() == {"expired": 0}
    assert requests.get(f"{base}/stores/nope/orders/truth", timeout=10).status_code == 404
    assert requests.get(f"{base}/stores/{h}/nothing/truth", timeout=10).status_code == 404


def test_admin_edits_concurrent_with_reads(make_sb: Any) -> None:
    sb, _ = make_sb(orders=600)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        s = requests.Session()
        s.headers["X-Auth-Token"] = sb.tap_config()["access_token"]
        try:
            while not stop.is_set():
                r = s.get(
                    f"{sb.url}/stores/{sb.store_hash}/v2/orders",
                    params={
                        "limit": 250,
                        "include": "consignments.line_items",
                        "consignment_structure": "object",
                    },
                    timeout=10,
                )
                assert r.status_code == 200
                r.json()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for _ in range(20):
        sb.edit("orders", 20)
        sb.create("orders", 1)
    stop.set()
    for t in threads:
        t.join()
    assert not errors


def test_same_seed_same_store() -> None:
    opts = SandboxOptions(seed=11, orders=50, products=20, customers=20)
    with Sandbox(opts) as a, Sandbox(opts) as b:
        assert a.store_hash == b.store_hash
        assert a.truth("orders") == b.truth("orders")
        ha = {"X-Auth-Token": a.tap_config()["access_token"]}
        hb = {"X-Auth-Token": b.tap_config()["access_token"]}
        ra = requests.get(
            f"{a.url}/stores/{a.store_hash}/v3/catalog/products", headers=ha, timeout=10
        )
        rb = requests.get(
            f"{b.url}/stores/{b.store_hash}/v3/catalog/products", headers=hb, timeout=10
        )
        assert ra.json()["data"] == rb.json()["data"]


def test_creates_do_not_change_unedited_records(make_sb: Any) -> None:
    sb, api = make_sb()
    before = api.get("/v2/orders", limit=250).content
    sb.create("products", 40)
    sb.create("customers", 40)
    assert api.get("/v2/orders", limit=250).content == before


def test_delete_removes_records_with_their_children_and_single_variants(make_sb: Any) -> None:
    sb, api = make_sb()
    variants = {t["id"]: t["parent_id"] for t in sb.truth("variants")}
    product = min(variants.values())
    assert sb.delete("products", ids=[product]) == [product]
    assert product not in {t["id"] for t in sb.truth("products")}
    listed = api.json("/v3/catalog/products", limit=250, **{"id:in": str(product)})
    assert listed["data"] == []
    its_variants = {v for v, p in variants.items() if p == product}
    assert its_variants
    assert not its_variants & {t["id"] for t in sb.truth("variants")}
    assert product not in sb.delete("products", 20)  # at random, among live ones only
    # A single variant: gone from the store-wide list, the product's list and its embed.
    base = f"{sb.url}/__admin/stores/{sb.tap_config()['store_hash']}"
    (variant,) = requests.post(f"{base}/variants/delete", json={"count": 1}, timeout=10).json()[
        "ids"
    ]
    parent = variants[variant]
    assert variant not in {t["id"] for t in sb.truth("variants")}
    own = api.json(f"/v3/catalog/products/{parent}/variants")["data"]
    embedded = api.json("/v3/catalog/products", include="variants", **{"id:in": str(parent)})
    assert variant not in {v["id"] for v in own}
    assert variant not in {v["id"] for v in embedded["data"][0]["variants"]}
    # Named ids; an id that is not live is refused.
    assert sb.delete("coupons", ids=[3, 4]) == [3, 4]
    again = requests.post(f"{base}/coupons/delete", json={"ids": [3]}, timeout=10)
    assert again.status_code == 404
