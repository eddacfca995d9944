"""Authentication, scopes, unknown stores, rate limiting, faults and latency."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from tests.sandbox.conftest import Api

RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)


@pytest.mark.parametrize("token", [None, "wrong"])
def test_401_shapes_per_version(api: Api, token: str | None) -> None:
    headers = {} if token is None else {"X-Auth-Token": token}
    r2 = requests.get(api.base + "/v2/orders", headers=headers, timeout=10)
    assert r2.status_code == 401
    assert r2.json()[0]["status"] == 401
    r3 = requests.get(api.base + "/v3/catalog/products", headers=headers, timeout=10)
    assert r3.status_code == 401
    assert set(r3.json()) == {"status", "title", "type", "errors"}


def test_unknown_store_is_404(api: Api) -> None:
    r = api.session.get(f"{api.sb.url}/stores/nosuchstore/v3/catalog/products", timeout=10)
    assert r.status_code == 404
    assert r.json()["status"] == 404


def test_unknown_endpoint_is_404(api: Api) -> None:
    assert api.get("/v3/catalog/nothing").status_code == 404
    assert api.get("/v2/orders/999999").status_code == 404


def test_scopes(api: Api) -> None:
    token = api.sb.issue_token(scopes=["store_v2_orders_read_only"])
    limited = Api(api.sb, token=token)
    try:
        assert limited.get("/v2/orders").status_code == 200
        r = limited.get("/v3/catalog/products")
        assert r.status_code == 403
        assert "store_v2_products_read_only" in r.json()["title"]
        assert limited.get("/v3/customers").status_code == 403
        assert limited.get("/v2/store").status_code == 403
    finally:
        limited.close()
    rw = Api(api.sb, token=api.sb.issue_token(scopes=["store_v2_products"]))
    try:
        assert rw.get("/v3/catalog/products").status_code == 200
    finally:
        rw.close()


def test_token_is_bound_to_its_store(make_sb: Any) -> None:
    sb, _ = make_sb(stores=2)
    other = sb.tap_config(1)
    assert other["store_hash"] != sb.store_hash
    r = requests.get(
        f"{sb.url}/stores/{other['store_hash']}/v2/time",
        headers={"X-Auth-Token": sb.tap_config(0)["access_token"]},
        timeout=10,
    )
    assert r.status_code == 401
    second = Api(sb, store_index=1)
    try:
        assert second.get("/v2/time").status_code == 200
    finally:
        second.close()


def test_rate_limit_headers_and_429(make_sb: Any) -> None:
    sb, api = make_sb(quota=5, window_ms=800)
    lefts = []
    for _ in range(5):
        r = api.get("/v2/time")
        assert r.status_code == 200
        assert all(h in r.headers for h in RATE_HEADERS)
        assert r.headers["X-Rate-Limit-Requests-Quota"] == "5"
        assert r.headers["X-Rate-Limit-Time-Window-Ms"] == "800"
        assert 0 <= int(r.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 800
        lefts.append(int(r.headers["X-Rate-Limit-Requests-Left"]))
    assert lefts == [4, 3, 2, 1, 0]
    r = api.get("/v2/time")
    assert r.status_code == 429
    assert r.headers["X-Retry-After"] == "1"
    assert r.json()[0]["status"] == 429
    assert sb.stats()["throttled"] == 1
    time.sleep(int(r.headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000 + 0.05)
    assert api.get("/v2/time").status_code == 200


def test_unlimited_still_sends_headers(api: Api) -> None:
    r = api.get("/v2/time")
    assert all(h in r.headers for h in RATE_HEADERS)


def test_configure_at_runtime(make_sb: Any) -> None:
    sb, api = make_sb()
    sb.configure(quota=1, window_ms=60000)
    assert api.get("/v2/time").status_code == 200
    assert api.get("/v2/time").status_code == 429
    sb.configure(quota=0)
    assert api.get("/v2/time").status_code == 200
    with pytest.raises(ValueError, match="runtime"):
        sb.configure(orders=5)


def test_error_faults(make_sb: Any) -> None:
    sb, api = make_sb(error_rate=1.0)
    codes = {api.get("/v3/catalog/products").status_code for _ in range(30)}
    assert codes <= {500, 502, 503, 504}
    assert len(codes) > 1
    assert sb.stats()["faults"]["error"] == 30
    r = api.get("/v2/orders")
    assert r.json()[0]["status"] == r.status_code


def test_drop_faults(make_sb: Any) -> None:
    sb, api = make_sb(drop_rate=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.get("/v2/orders")
    assert sb.stats()["faults"]["drop"] == 1
    sb.configure(drop_rate=0.0)
    assert api.get("/v2/orders").status_code == 200


def test_truncate_faults(make_sb: Any) -> None:
    sb, api = make_sb(truncate_rate=1.0)
    r = api.get("/v2/orders")
    assert r.status_code == 200
    with pytest.raises(requests.exceptions.JSONDecodeError):
        r.json()
    assert int(r.headers["Content-Length"]) == len(r.content)
    assert sb.stats()["faults"]["truncate"] == 1


def test_latency_overlaps(make_sb: Any) -> None:
    sb, _ = make_sb(latency_ms=300)
    results: list[int] = []

    def call() -> None:
        c = Api(sb)
        try:
            results.append(c.get("/v2/time").status_code)
        finally:
            c.close()

    start = time.monotonic()
    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    assert results == [200] * 6
    assert 0.3 <= elapsed < 1.2


def test_stats_by_endpoint(make_sb: Any) -> None:
    sb, api = make_sb()
    api.get("/v2/orders")
    api.get("/v2/orders", page=99)
    api.get("/v2/orders/101/products")
    stats = sb.stats()
    assert stats["by_endpoint"]["GET /v2/orders"] == {"200": 1, "204": 1}
    assert stats["by_endpoint"]["GET /v2/orders/{order_id}/products"] == {"200": 1}
    assert stats["requests"] == 3
    sb.reset_stats()
    assert sb.stats()["requests"] == 0


def test_keep_alive_and_content_length(api: Api) -> None:
    r1 = api.get("/v2/orders", limit=3)
    r2 = api.get("/v2/orders", limit=3)
    assert int(r1.headers["Content-Length"]) == len(r1.content)
    assert r1.headers.get("Connection", "").lower() != "close"
    assert r2.status_code == 200


def test_rejected_requests_report_quota_without_spending_it(make_sb: Any) -> None:
    _, api = make_sb(quota=3, window_ms=60000)
    r = requests.get(api.base + "/v2/time", headers={"X-Auth-Token": "nope"}, timeout=10)
    assert r.status_code == 401
    assert r.headers["X-Rate-Limit-Requests-Quota"] == "3"
    assert r.headers["X-Rate-Limit-Requests-Left"] == "3"
    assert api.get("/v2/time").headers["X-Rate-Limit-Requests-Left"] == "2"


def test_a_window_begins_with_the_first_request_counted(make_sb: Any) -> None:
    _sb, api = make_sb(quota=5, window_ms=2000)
    time.sleep(0.3)  # a window does not begin when the store starts
    first = api.get("/v2/time")
    assert first.headers["X-Rate-Limit-Requests-Left"] == "4"
    assert int(first.headers["X-Rate-Limit-Time-Reset-Ms"]) >= 1950


def test_a_page_is_counted_as_it_arrives_and_told_as_it_answers(make_sb: Any) -> None:
    # Sent in a window's last moments, a slow page is counted in that window; when it
    # answers, the window has ended, and its headers say so (nothing reset, no new window).
    _sb, api = make_sb(quota=5, window_ms=400, latency_ms=500)
    answer = api.get("/v2/time")
    assert answer.headers["X-Rate-Limit-Time-Reset-Ms"] == "0"
    assert answer.headers["X-Rate-Limit-Requests-Left"] == "4"
    again = api.get("/v2/time")  # begins the next window as it arrives
    assert again.headers["X-Rate-Limit-Requests-Left"] == "4"


def test_a_new_quota_begins_with_a_fresh_window(make_sb: Any) -> None:
    sb, api = make_sb(quota=2, window_ms=60_000)
    assert api.get("/v2/time").status_code == 200
    assert api.get("/v2/time").status_code == 200
    assert api.get("/v2/time").status_code == 429
    sb.configure(quota=3)
    answer = api.get("/v2/time")
    assert answer.status_code == 200
    assert answer.headers["X-Rate-Limit-Requests-Left"] == "2"
