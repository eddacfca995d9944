"""Typed page decoding conforms a page exactly as plain decoding plus `FieldPlan` does.

The pages are the sandbox's own (orders with consignments and line items, products
and customers with their embedded sub-resources), then the same pages mutated at
random in every way the strict types refuse: numbers in text fields, 0/1 and
strings in boolean fields, properties the schema does not declare, text where an
object or a list of objects is declared, odd dates. Whatever the decoder has to
learn, each record must come out equal to the slow path's and the same undeclared
properties must be reported.
"""

from __future__ import annotations

import random
import typing as t

import msgspec
import pytest
import requests
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tap_bigcommerce.decoding import PageDecoder, embedded_child_keys
from tap_bigcommerce.reading.embedded import Embedded
from tap_bigcommerce.records import FieldPlan
from tap_bigcommerce.schemas import load_schema
from tap_bigcommerce.schemas.embeddings import EMBEDDINGS
from tap_bigcommerce.streams import STREAM_TYPES
from tap_bigcommerce.typed import TypedRecord, copy_record, is_record

PAGES = {
    "orders": (
        "/v2/orders",
        {"include": "consignments.line_items,fees", "consignment_structure": "object"},
    ),
    "products": (
        "/v3/catalog/products",
        {"include": "variants,images,custom_fields,bulk_pricing_rules,videos"},
    ),
    "customers": ("/v3/customers", {"include": "addresses,attributes,formfields,storecredit"}),
}


@pytest.fixture(scope="module")
def bodies() -> t.Iterator[dict[str, bytes]]:
    with Sandbox(SandboxOptions(seed=31, orders=80, products=40, customers=40)) as sandbox:
        config = sandbox.tap_config()
        base = f"{config['api_url']}/stores/{config['store_hash']}"
        headers = {"X-Auth-Token": config["access_token"], "Accept": "application/json"}
        found = {}
        for stream, (path, params) in PAGES.items():
            response = requests.get(
                base + path, params={**params, "limit": 250}, headers=headers, timeout=30
            )
            response.raise_for_status()
            found[stream] = response.content
        yield found


def plan_of(stream: str) -> FieldPlan:
    schema = load_schema(stream)
    schema["properties"]["store_hash"] = {"type": ["string"]}
    return FieldPlan(schema, stream=stream)


def records_of(body: t.Any) -> list[t.Any]:
    return body if isinstance(body, list) else body["data"]


def slow_path(stream: str, body: bytes) -> tuple[list[dict[str, t.Any]], set[str]]:
    plan = plan_of(stream)
    records = records_of(msgspec.json.decode(body))
    dropped: set[str] = set()
    for record in records:
        dropped.update(plan.apply(record))
    return records, dropped


def typed_path(stream: str, body: bytes) -> tuple[list[t.Any], set[str], PageDecoder]:
    dropped: set[str] = set()
    plan = plan_of(stream)
    decoder = PageDecoder(
        plan,
        envelope="v2" if stream == "orders" else "v3",
        added=embedded_child_keys(stream, plan),
        on_undeclared=dropped.update,
    )
    records = records_of(decoder.decode(body))
    return records, dropped, decoder


# -- mutations: every kind of value the strict types refuse ----------------------------------


def mutate(record: dict[str, t.Any], plan: FieldPlan, rng: random.Random) -> None:
    """Spoil a few fields of this level (and, recursively, of the levels below)."""
    choices: list[t.Callable[[], None]] = []

    def put(name: str, value: t.Any) -> t.Callable[[], None]:
        return lambda: record.__setitem__(name, value)

    for name in plan.texts:
        choices += [put(name, rng.choice([7, 2.5, 0, -3.25, True, [1, "a"], {"k": 1}]))]
    for name in plan.booleans:
        choices += [put(name, rng.choice([0, 1, 2, "yes", "", 0.0, [True]]))]
    for name in plan.dates:
        choices += [put(name, rng.choice(["not a date", "", 1353369600, 12.5, True, [1]]))]
    for name in plan.boolean_arrays:
        choices += [put(name, rng.choice([[0, 1, None], "x", [True, 2]]))]
    for name, _sub in plan.objects + plan.arrays:
        choices += [put(name, rng.choice(["text", 12, [1, 2], [{"x": 1}, 3], {}]))]
    choices += [put(f"zz_undeclared_{rng.randrange(3)}", rng.choice([1, "v", None, {"a": 1}]))]
    for mutation in rng.sample(choices, k=min(len(choices), rng.randrange(0, 3))):
        mutation()
    for name, sub in plan.objects:
        value = record.get(name)
        if isinstance(value, dict) and rng.random() < 0.5:
            mutate(value, sub, rng)
    for name, sub in plan.arrays:
        value = record.get(name)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and rng.random() < 0.3:
                    mutate(item, sub, rng)


def spoiled(stream: str, body: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    decoded = msgspec.json.decode(body)
    plan = plan_of(stream)
    for record in records_of(decoded):
        if rng.random() < 0.4:
            mutate(record, plan, rng)
    return msgspec.json.encode(decoded)


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", sorted(PAGES))
def test_sandbox_pages_decode_to_the_slow_paths_records(
    bodies: dict[str, bytes], stream: str
) -> None:
    expected, expected_dropped = slow_path(stream, bodies[stream])
    records, dropped, decoder = typed_path(stream, bodies[stream])
    assert decoder.enabled
    assert len(records) >= 40
    assert all(isinstance(record, TypedRecord) for record in records)
    assert [msgspec.to_builtins(record) for record in records] == expected
    assert dropped == expected_dropped


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("stream", sorted(PAGES))
def test_spoiled_pages_decode_to_the_slow_paths_records(
    bodies: dict[str, bytes], stream: str, seed: int
) -> None:
    body = spoiled(stream, bodies[stream], seed)
    expected, expected_dropped = slow_path(stream, body)
    records, dropped, decoder = typed_path(stream, body)
    assert decoder.enabled, decoder.lessons
    assert {lesson.split()[0] for lesson in decoder.lessons} & {"text", "flag", "loose", "drop"}
    assert [msgspec.to_builtins(record) for record in records] == expected
    assert dropped == expected_dropped


def test_what_was_relaxed_is_named(bodies: dict[str, bytes]) -> None:
    page = records_of(msgspec.json.decode(bodies["orders"]))
    page[0]["customer_message"] = 42
    page[0]["billing_address"]["zz_new_field"] = "x"
    page[1]["is_email_opt_in"] = 1
    _records, dropped, decoder = typed_path("orders", msgspec.json.encode(page))
    assert {
        "text customer_message",
        "drop billing_address.zz_new_field",
        "flag is_email_opt_in",
    } <= set(decoder.lessons)
    assert "billing_address.zz_new_field" in dropped


def test_a_page_that_is_not_a_list_turns_typed_decoding_off(bodies: dict[str, bytes]) -> None:
    _records, _dropped, decoder = typed_path("customers", bodies["customers"])
    odd = msgspec.json.encode({"data": {"id": 1}, "meta": {}})
    assert decoder.decode(odd) == {"data": {"id": 1}, "meta": {}}
    assert not decoder.enabled
    # Later pages are decoded plainly: dicts, conformed by FieldPlan downstream.
    assert all(type(r) is dict for r in records_of(decoder.decode(bodies["customers"])))


def test_malformed_json_is_a_decode_error_so_the_request_is_retried(
    bodies: dict[str, bytes],
) -> None:
    _records, _dropped, decoder = typed_path("orders", bodies["orders"])
    with pytest.raises(msgspec.DecodeError):
        decoder.decode(bodies["orders"][:-100])
    assert decoder.enabled


def test_a_key_the_tap_adds_to_children_cannot_come_from_the_payload(
    bodies: dict[str, bytes],
) -> None:
    """`order_id` is added to shipping addresses; a payload carrying it is decoded plainly.

    Plain dicts, that is, which the streams conform with `FieldPlan` as before.
    """
    page = records_of(msgspec.json.decode(bodies["orders"]))
    shipping = next(o for o in page if o["consignments"]["shipping"])
    shipping["consignments"]["shipping"][0]["order_id"] = 5
    body = msgspec.json.encode(page)
    records, _dropped, decoder = typed_path("orders", body)
    assert not decoder.enabled
    assert records == records_of(msgspec.json.decode(body))
    assert all(type(record) is dict for record in records)


def test_typed_records_answer_like_dicts(bodies: dict[str, bytes]) -> None:
    records, _dropped, _decoder = typed_path("orders", bodies["orders"])
    order = records[0]
    plain = slow_path("orders", bodies["orders"])[0][0]
    assert is_record(order)
    assert is_record(plain)
    assert not is_record([order])
    assert order["id"] == plain["id"]
    assert order.get("nope", 3) == 3
    assert "id" in order
    assert "store_hash" not in order
    assert msgspec.to_builtins(dict(order.items())) == plain
    assert sorted(order) == sorted(plain)
    with pytest.raises(KeyError):
        order["store_hash"]
    with pytest.raises(AttributeError):
        order["not_declared"] = 1
    shipped = next(record for record in records if record["consignments"]["shipping"])
    consignment = shipped["consignments"]["shipping"][0]
    copied = copy_record(consignment, without=frozenset({"line_items"}), order_id=shipped["id"])
    assert copied["order_id"] == shipped["id"]
    assert "line_items" not in copied
    assert "line_items" in consignment
    assert "order_id" not in consignment


# -- embedded children share their parent's declaration ------------------------------------


def signature(plan: FieldPlan, ignore: frozenset[str] = frozenset()) -> t.Any:
    """What conformance does at a level and below, independent of paths and stream names."""
    return (
        plan.declared - ignore,
        frozenset(plan.dates) - ignore,
        frozenset(plan.texts) - ignore,
        frozenset(plan.booleans) - ignore,
        frozenset(plan.boolean_arrays) - ignore,
        frozenset((n, signature(s)) for n, s in plan.objects if n not in ignore),
        frozenset((n, signature(s)) for n, s in plan.arrays if n not in ignore),
    )


@pytest.mark.parametrize("embedding", EMBEDDINGS, ids=lambda e: e.child)
def test_an_embedded_child_is_conformed_like_its_place_in_the_parent(embedding: t.Any) -> None:
    parent, child = plan_of(embedding.parent), plan_of(embedding.child)
    for at in embedding.at:
        position = parent.at(at)
        added = child.declared - position.declared
        ignore = added | embedding.left_out | embedding.converted
        assert signature(child, ignore) == signature(position, ignore), at
        assert added <= {"store_hash", "order_id", "product_id", "customer_id"}


def test_every_embedded_child_stream_is_in_the_embeddings_table() -> None:
    declared = {(e.parent, e.child) for e in EMBEDDINGS}
    for stream_type in STREAM_TYPES:
        if isinstance(stream_type.pager, Embedded):
            parent = stream_type.parent_stream_type
            assert parent is not None
            assert (parent.name, stream_type.name) in declared, stream_type.name
