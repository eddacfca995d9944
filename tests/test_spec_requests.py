"""Every request of a sync is one the official specs document, parameter by parameter.

The sandbox answers whatever it is asked in the way the tap expects; a real store
ignores a parameter it does not know, and an ignored filter or keyset bound turns a
window into the whole table or an id range into every id. So a full sync of every
stream and an incremental run after it go through a recording proxy, and each request
must name a documented GET and send only parameters (and enum values) its spec
declares. The few the specs leave out but BigCommerce documents elsewhere are listed
below with the reason; the list is exact (an entry no request uses fails too).
"""

from __future__ import annotations

import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.hostile import HostileProxy, Seen
from tests.spec_index import load_operations, operation_for, undocumented
from tests.tapio import TapRun, every_stream_selected, run_tap

OUTSIDE_THE_SPECS: dict[tuple[str, str], str] = {
    # The archived-orders filter: BigCommerce's Orders guide documents
    # `GET /v2/orders?is_deleted=true`; the OpenAPI file lists `is_deleted` only in
    # the response body.
    ("/v2/orders", "parameter is_deleted"): "archived orders (Orders guide)",
}


RUNS: list[TapRun] = []


@pytest.fixture(scope="module")
def requests_of_two_runs() -> t.Iterator[list[Seen]]:
    options = SandboxOptions(seed=31, orders=300, products=40, customers=120)
    with Sandbox(options) as store, HostileProxy(store.url) as proxy:
        config = {**store.tap_config(), "api_url": proxy.url, "window_lag_seconds": 0}
        catalog = every_stream_selected(config)
        full = run_tap(config, catalog=catalog)
        assert full.returncode == 0, full.stderr[-3000:]
        store.edit("orders", 5)
        store.edit("customers", 5)
        store.edit("products", 5)
        incremental = run_tap(config, catalog=catalog, state=full.final_state)
        assert incremental.returncode == 0, incremental.stderr[-3000:]
        RUNS[:] = [full, incremental]
        yield list(proxy.seen)


def test_every_request_is_a_documented_get_with_documented_parameters(
    requests_of_two_runs: list[Seen],
) -> None:
    operations = load_operations()
    unknown_paths = sorted(
        {seen.path for seen in requests_of_two_runs if operation_for(operations, seen.path) is None}
    )
    assert unknown_paths == [], "requests to paths no spec documents"
    problems: set[str] = set()
    used_exceptions: set[tuple[str, str]] = set()
    for seen in requests_of_two_runs:
        operation = operation_for(operations, seen.path)
        assert operation is not None
        for problem in undocumented(operation, seen.params):
            if (operation.template, problem) in OUTSIDE_THE_SPECS:
                used_exceptions.add((operation.template, problem))
            else:
                problems.add(f"GET {operation.template} ({operation.spec}): {problem}")
    assert sorted(problems) == [], "\n".join(sorted(problems))
    assert used_exceptions == set(OUTSIDE_THE_SPECS), "an exception no request needs any more"


def test_the_date_filters_the_incremental_run_relies_on_were_sent(
    requests_of_two_runs: list[Seen],
) -> None:
    """The check above would pass vacuously if the windows were never filtered."""
    sent = {(seen.path, name) for seen in requests_of_two_runs for name in seen.params}
    assert ("/v2/orders", "min_date_modified") in sent
    assert ("/v3/customers", "date_modified:min") in sent
    assert ("/v3/catalog/products", "date_modified:min") in sent


def test_every_field_the_api_sends_is_declared(requests_of_two_runs: list[Seen]) -> None:
    """A field the schema lacks is left out of every record: the schemas must declare what
    the API sends, the fields the specs' schemas omit included (`tools/schemagen`)."""
    assert requests_of_two_runs
    left_out = [
        line
        for run in RUNS
        for line in run.stderr.splitlines()
        if "the schema does not declare" in line
    ]
    assert left_out == []
