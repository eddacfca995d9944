"""No bad page, status or redirect may cost a record or leak the token.

Each case puts `tests.hostile.HostileProxy` between the tap and the sandbox and has it
corrupt responses as a glitching API or a hostile network would, then runs the tap again,
cleanly, from the STATE the first run left. "Lost" means no run delivered the record at
its latest version. The token must reach nothing but the proxy (the tap's `api_url`).
"""

from __future__ import annotations

import re
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.hostile import Elsewhere, HostileProxy, redirect, rewrite, status, trickle
from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import TapRun, run_tap, select

ORDERS = ("orders", "order_coupons", "order_taxes")
FIRST_ORDERS_PAGE = r"/v2/orders"


def first_page(seen: t.Any) -> bool:
    """The live orders' first page (the deleted ones' pass is read at the same time)."""
    params = seen.params
    return params.get("sort") == "id:asc" and "max_id" not in params and "is_deleted" not in params


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=13, orders=600, products=60, customers=300)) as sb:
        yield sb


@pytest.fixture
def proxy(store: Sandbox) -> t.Iterator[HostileProxy]:
    with HostileProxy(store.url) as hostile:
        yield hostile


@pytest.fixture
def elsewhere() -> t.Iterator[Elsewhere]:
    with Elsewhere() as other:
        yield other


def config_for(store: Sandbox, proxy: HostileProxy, **extra: t.Any) -> dict[str, t.Any]:
    return {**store.tap_config(), "api_url": proxy.url, "window_lag_seconds": 0, **extra}


def twice(
    store: Sandbox, proxy: HostileProxy, streams: t.Sequence[str], **extra: t.Any
) -> tuple[TapRun, TapRun]:
    """A run through the corrupting proxy, then a clean one from the state it left."""
    config = config_for(store, proxy, **extra)
    catalog = select(config, streams)
    first = run_tap(config, catalog=catalog)
    proxy.rules.clear()
    second = run_tap(config, catalog=catalog, state=first.final_state)
    assert second.returncode == 0, second.stderr[-3000:]
    return first, second


def assert_nothing_lost(store: Sandbox, runs: list[TapRun], stream: str) -> None:
    missing = latest_versions_missing(store.truth(stream), runs, stream)
    assert missing == [], f"{stream}: {len(missing)} records never delivered"


def child_ids(store: Sandbox, child: str) -> set[t.Any]:
    return {row["id"] for row in store.truth(child)}


def delivered(runs: list[TapRun], stream: str) -> set[t.Any]:
    return {record["id"] for run in runs for record in run.records(stream)}


def token_stayed_home(proxy: HostileProxy, elsewhere: Elsewhere | None = None) -> None:
    assert all(seen.headers.get("X-Auth-Token") for seen in proxy.seen)
    if elsewhere is not None:
        assert elsewhere.requests == []


def test_a_403_on_one_childs_request_is_retried_not_taken_for_a_missing_scope(
    store: Sandbox, proxy: HostileProxy
) -> None:
    proxy.add(r"/v2/orders/\d+/coupons", status(403, [{"status": 403, "message": "Denied"}]))
    first, second = twice(store, proxy, ORDERS)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "lacks the scope" not in first.stderr
    assert delivered([first], "order_coupons") == child_ids(store, "order_coupons")
    assert_nothing_lost(store, [first, second], "orders")
    token_stayed_home(proxy)


def test_an_empty_first_page_is_caught_by_the_count_and_read_again(
    store: Sandbox, proxy: HostileProxy
) -> None:
    proxy.add(FIRST_ORDERS_PAGE, rewrite(lambda body: []), when=first_page)
    first, _second = twice(store, proxy, ORDERS)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "reading it again" in first.stderr
    assert_nothing_lost(store, [first], "orders")
    assert delivered([first], "order_taxes") == child_ids(store, "order_taxes")


def test_the_count_shortfall_twice_fails_without_moving_the_bookmark(
    store: Sandbox, proxy: HostileProxy
) -> None:
    proxy.add(FIRST_ORDERS_PAGE, rewrite(lambda body: []), when=first_page, times=2)
    first, second = twice(store, proxy, ORDERS)
    assert first.returncode == 1
    assert "Stream 'orders'" in first.stderr
    assert re.search(r"read 0 records where the API counts [1-9]\d*, after reading", first.stderr)
    assert first.bookmark("orders") is None
    assert_nothing_lost(store, [first, second], "orders")


def test_a_redirect_to_another_host_is_refused_and_the_token_never_leaves(
    store: Sandbox, proxy: HostileProxy, elsewhere: Elsewhere
) -> None:
    proxy.add(FIRST_ORDERS_PAGE, redirect(f"{elsewhere.url}/stores/x/v2/orders"), when=first_page)
    first, second = twice(store, proxy, ORDERS)
    assert first.returncode == 1
    assert "redirected (HTTP 302) to localhost" in first.stderr
    assert "Traceback" not in first.stderr
    assert first.bookmark("orders") is None
    assert_nothing_lost(store, [first, second], "orders")
    token_stayed_home(proxy, elsewhere)


def test_a_same_host_redirect_loop_ends_with_a_clear_error(
    store: Sandbox, proxy: HostileProxy
) -> None:
    proxy.add(FIRST_ORDERS_PAGE, redirect(f"{proxy.url}/stores/loop/v2/orders"), times=100)
    first, second = twice(store, proxy, ("orders",))
    assert first.returncode == 1
    assert "a redirect loop" in first.stderr
    assert_nothing_lost(store, [first, second], "orders")


def test_ids_beyond_the_requested_range_are_a_bad_page_asked_for_again(
    store: Sandbox, proxy: HostileProxy
) -> None:
    def past_the_end(body: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        last = max(order["id"] for order in body)
        return body + [{**body[-1], "id": last + 1000 + k} for k in range(50)]

    proxy.add(FIRST_ORDERS_PAGE, rewrite(past_the_end), when=first_page)
    first, _second = twice(store, proxy, ORDERS)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "an invalid page" in first.stderr
    live = {order["id"] for order in first.records("orders") if not order.get("is_deleted")}
    invented = live - {row["id"] for row in store.truth("orders")}
    assert not invented
    assert_nothing_lost(store, [first], "orders")


def test_a_trickled_body_is_cut_at_the_deadline_and_retried(
    store: Sandbox, proxy: HostileProxy
) -> None:
    proxy.add(FIRST_ORDERS_PAGE, trickle(0.01), when=first_page)
    first, _second = twice(store, proxy, ("orders",), request_timeout=2)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "too slow" in first.stderr
    assert_nothing_lost(store, [first], "orders")


def test_a_404_on_one_childs_request_skips_that_parent_only(
    store: Sandbox, proxy: HostileProxy
) -> None:
    gone: list[str] = []

    def deleted(answer: t.Any, seen: t.Any) -> t.Any:
        gone.append(seen.path.split("/")[3])
        return status(404, [{"status": 404, "message": "The requested resource was not found."}])(
            answer, seen
        )

    proxy.add(r"/v2/orders/\d+/taxes", deleted)
    first, second = twice(store, proxy, ORDERS)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "1 parents were gone (HTTP 404)" in first.stderr
    (order_id,) = gone
    expected = {r["id"] for r in store.truth("order_taxes") if str(r["parent_id"]) != order_id}
    assert expected <= delivered([first], "order_taxes")
    assert_nothing_lost(store, [first, second], "orders")


def test_a_404_for_a_whole_list_skips_that_stream_and_the_others_run(
    store: Sandbox, proxy: HostileProxy
) -> None:
    proxy.add(r"/v3/content/pages", status(404), times=10)
    first, second = twice(store, proxy, ("orders", "pages", "brands"))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Stream 'pages'" in first.stderr
    assert "not available on this store" in first.stderr
    assert first.records("brands")
    assert not first.records("pages")
    assert second.records("pages")
    proxy.add(r"/v3/content/pages", status(404), times=10)
    strict = run_tap(
        config_for(store, proxy, strict_endpoints=True),
        catalog=select(config_for(store, proxy), ("pages",)),
    )
    assert strict.returncode == 1
    assert "HTTP 404" in strict.stderr


@pytest.mark.parametrize(
    ("stream", "path", "corrupt", "says"),
    [
        ("orders", FIRST_ORDERS_PAGE, lambda r: {**r, "id": str(r["id"])}, "not an integer"),
        ("customers", r"/v3/customers", lambda r: {**r, "id": None}, "primary key `id`"),
        (
            "orders",
            FIRST_ORDERS_PAGE,
            lambda r: {k: v for k, v in r.items() if k != "date_modified"},
            "replication key `date_modified`",
        ),
    ],
    ids=["string-id", "null-id", "no-date-modified"],
)
def test_a_record_without_usable_keys_never_reaches_stdout(
    store: Sandbox,
    proxy: HostileProxy,
    stream: str,
    path: str,
    corrupt: t.Callable[[dict[str, t.Any]], dict[str, t.Any]],
    says: str,
) -> None:
    def third_record(body: t.Any) -> t.Any:
        records = body["data"] if isinstance(body, dict) else body
        records[3] = corrupt(records[3])
        return body

    proxy.add(path, rewrite(third_record), times=1000)
    first, second = twice(store, proxy, (stream,))
    assert first.returncode == 1
    assert says in first.stderr
    assert "Traceback" not in first.stderr
    for record in first.records(stream):
        assert type(record["id"]) is int
        assert record.get("date_modified")
    assert first.bookmark(stream) is None
    assert_nothing_lost(store, [first, second], stream)


def test_open_objects_and_epoch_dates_arrive_whole(store: Sandbox, proxy: HostileProxy) -> None:
    streams = ("products", "product_options", "product_modifiers", "webhooks", "gift_certificates")
    config = config_for(store, proxy)
    run = run_tap(config, catalog=select(config, streams))
    assert run.returncode == 0, run.stderr[-3000:]
    swatches = [
        value["value_data"]
        for option in run.records("product_options")
        for value in option["option_values"]
        if option["type"] == "swatch"
    ]
    assert swatches
    assert all(data["colors"][0].startswith("#") for data in swatches)
    checkboxes = [
        v["value_data"] for m in run.records("product_modifiers") for v in m["option_values"]
    ]
    assert checkboxes
    assert all(data == {"checked_value": True} for data in checkboxes)
    headers = [hook["headers"] for hook in run.records("webhooks")]
    assert headers
    assert all("X-Custom-Auth" in h for h in headers)
    for certificate in run.records("gift_certificates"):
        assert certificate["purchase_date"].endswith("+00:00")


def test_webhook_headers_with_any_keys_do_not_stop_the_run(
    store: Sandbox, proxy: HostileProxy
) -> None:
    def odd_keys(body: t.Any) -> t.Any:
        for hook in body["data"]:
            hook["headers"] = {"X-Custom-Auth": "s", "with space": "1", "class": "2", "é": "3"}
        return body

    proxy.add(r"/v3/hooks", rewrite(odd_keys))
    config = config_for(store, proxy)
    run = run_tap(config, catalog=select(config, ("webhooks", "store_logs")))
    assert run.returncode == 0, run.stderr[-3000:]
    assert all(h["headers"]["with space"] == "1" for h in run.records("webhooks"))
    assert run.records("store_logs")


def test_a_token_without_the_clocks_scope_still_reads_orders(store: Sandbox) -> None:
    token = store.issue_token(["store_v2_orders_read_only"])
    config = {**store.tap_config(), "access_token": token, "window_lag_seconds": 0}
    run = run_tap(config, catalog=select(config, ("orders", "store", "currencies")))
    assert run.returncode == 0, run.stderr[-3000:]
    assert_nothing_lost(store, [run], "orders")
    assert "read from the API's Date header" in run.stderr
    warning = next(line for line in run.stderr.splitlines() if "lacks the scope" in line)
    assert "store_v2_information_read_only" in warning
    assert "currencies" in warning
    assert "store" in warning


@pytest.mark.parametrize(
    "api_url", ["http://no-such-host.invalid", "http://127.0.0.1:9"], ids=["unresolvable", "closed"]
)
def test_an_unreachable_api_url_is_named_after_a_short_retry(api_url: str) -> None:
    config = {"store_hash": "abc123", "access_token": "x" * 24, "api_url": api_url}
    run = run_tap(config, catalog=None)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "| ERROR" in line]
    assert any(f"Cannot reach the BigCommerce API at {api_url}" in line for line in errors)
    assert "Traceback" not in run.stderr
    assert "x" * 24 not in run.stderr + run.stdout
