"""Where each stream's record schema comes from, and the deliberate departures from the specs.

This module is data only, and only the generator (``generate.py``) reads it; the tap ships the
generated JSON files and ``tap_bigcommerce.schemas.embeddings``, which both read.

Spec files are named relative to BigCommerce's ``reference`` directory of OpenAPI documents. A
record schema is found in one of two ways:

* ``path``: the GET list operation; the generator normalises its ``200`` response body schema and
  then follows ``pointer`` (a JSON pointer into the *normalised* schema, so ``allOf`` has already
  been merged): ``/properties/data/items`` for v3 envelopes, ``/items`` for bare v2 arrays, ``""``
  when the response is the record itself.
* ``component``: a ``components/schemas`` name, for endpoints whose list response is not declared
  usefully.

``WIDENINGS`` is the one table of changes the generator makes on purpose beyond mechanical
translation. Every entry says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tap_bigcommerce.schemas.embeddings import LINE_ITEMS_AT


@dataclass(frozen=True)
class Graft:
    """Replace (or add) the property at ``at`` with a schema taken from the same spec.

    ``at`` uses the widening path syntax (see ``Widening``); ``component`` names a
    ``components/schemas`` entry; ``array`` wraps it as the items of an array.
    """

    at: str
    component: str
    array: bool = False


@dataclass(frozen=True)
class StreamSource:
    """One stream of the catalog and the place in the specs its record schema comes from."""

    name: str
    spec: str
    path: str | None = None
    pointer: str = "/properties/data/items"
    component: str | None = None
    primary_keys: tuple[str, ...] = ("id",)
    grafts: tuple[Graft, ...] = field(default=())
    # Paths (widening syntax; a trailing ``[]`` means the array's items) emitted as objects
    # without declared properties, to keep deep, repetitive sub-schemas out of the file.
    opaque: tuple[str, ...] = field(default=())

    @property
    def api_version(self) -> int:
        """2 or 3, from the spec file's name (``orders.v2.oas2.yml`` -> 2)."""
        return 2 if ".v2." in self.spec else 3


V3_ITEMS = "/properties/data/items"
V2_ITEMS = "/items"

ORDERS_V2 = "orders.v2.oas2.yml"
PRODUCTS = "catalog/products_catalog.v3.yml"
CUSTOMERS_V3 = "customers.v3.yml"

# Every consignment's line items are full order products (see ``LINE_ITEMS_AT``).
_CONSIGNMENT_LINE_ITEMS = tuple(Graft(at, "orderProducts", array=True) for at in LINE_ITEMS_AT)

STREAMS: tuple[StreamSource, ...] = (
    # --- Orders -------------------------------------------------------------------------------
    StreamSource(
        "orders",
        ORDERS_V2,
        "/orders",
        V2_ITEMS,
        grafts=(
            # Requested with include=fees: always the list of fees, never the link form.
            Graft("fees", "orderFees_Resp", array=True),
            Graft("consignments", "orderConsignment_Get"),
            *(Graft(f"consignments.{g.at}", g.component, g.array) for g in _CONSIGNMENT_LINE_ITEMS),
        ),
    ),
    StreamSource("order_products", ORDERS_V2, "/orders/{order_id}/products", V2_ITEMS),
    StreamSource(
        "order_shipping_addresses", ORDERS_V2, "/orders/{order_id}/shipping_addresses", V2_ITEMS
    ),
    StreamSource("order_coupons", ORDERS_V2, "/orders/{order_id}/coupons", V2_ITEMS),
    StreamSource("order_shipments", ORDERS_V2, "/orders/{order_id}/shipments", V2_ITEMS),
    StreamSource("order_taxes", ORDERS_V2, "/orders/{order_id}/taxes", V2_ITEMS),
    # The fees list's 200 body is declared as a single fee (the API wraps fees in {"fees": [...]}
    # per its own example): take the fee component.
    StreamSource("order_fees", ORDERS_V2, pointer="", component="orderFees_Resp"),
    # One record per order: the consignments object itself, which has no id of its own.
    StreamSource(
        "order_consignments",
        ORDERS_V2,
        "/orders/{order_id}/consignments",
        "",
        primary_keys=("order_id",),
        grafts=_CONSIGNMENT_LINE_ITEMS,
    ),
    StreamSource("order_messages", ORDERS_V2, "/orders/{order_id}/messages", V2_ITEMS),
    StreamSource("order_transactions", "orders.v3.yml", "/orders/{order_id}/transactions"),
    StreamSource("order_refunds", "orders.v3.yml", "/orders/payment_actions/refunds"),
    StreamSource("order_statuses", ORDERS_V2, "/order_statuses", V2_ITEMS),
    # --- Catalog ------------------------------------------------------------------------------
    # The tap requests products with ``include=variants,images,custom_fields,bulk_pricing_rules,
    # videos``. The list response declares all of these but ``variants``, although ``variants`` is
    # one of the spec's include values (IncludeParamBase); take the variant object the same spec
    # uses for products' variants (productVariant_Full).
    StreamSource(
        "products",
        PRODUCTS,
        "/catalog/products",
        grafts=(Graft("variants", "productVariant_Full", array=True),),
    ),
    StreamSource(
        "product_variants",
        "catalog/product-variants_catalog.v3.yml",
        "/catalog/products/{product_id}/variants",
    ),
    StreamSource("product_images", PRODUCTS, "/catalog/products/{product_id}/images"),
    StreamSource("product_videos", PRODUCTS, "/catalog/products/{product_id}/videos"),
    StreamSource("product_custom_fields", PRODUCTS, "/catalog/products/{product_id}/custom-fields"),
    # The spec declares this list's ``data`` as one rule rather than an array of rules.
    StreamSource(
        "product_bulk_pricing_rules",
        PRODUCTS,
        "/catalog/products/{product_id}/bulk-pricing-rules",
        "/properties/data",
    ),
    StreamSource(
        "product_options",
        "catalog/product-variant-options_catalog.v3.yml",
        "/catalog/products/{product_id}/options",
    ),
    StreamSource(
        "product_modifiers",
        "catalog/product-modifiers_catalog.v3.yml",
        "/catalog/products/{product_id}/modifiers",
    ),
    StreamSource("product_reviews", PRODUCTS, "/catalog/products/{product_id}/reviews"),
    StreamSource("product_metafields", PRODUCTS, "/catalog/products/metafields"),
    StreamSource("variants", "catalog/product-variants_catalog.v3.yml", "/catalog/variants"),
    StreamSource("brands", "catalog/brands_catalog.v3.yml", "/catalog/brands"),
    StreamSource("categories", "catalog/categories_catalog.v3.yml", "/catalog/categories"),
    StreamSource("category_trees", "catalog/category-trees_catalog.v3.yml", "/catalog/trees"),
    StreamSource(
        "tree_categories",
        "catalog/category-trees_catalog.v3.yml",
        "/catalog/trees/categories",
        primary_keys=("category_id",),
    ),
    # --- Customers ----------------------------------------------------------------------------
    StreamSource("customers", CUSTOMERS_V3, "/customers"),
    StreamSource("customer_addresses", CUSTOMERS_V3, "/customers/addresses"),
    StreamSource("customer_attributes", CUSTOMERS_V3, "/customers/attributes"),
    StreamSource("customer_attribute_values", CUSTOMERS_V3, "/customers/attribute-values"),
    StreamSource(
        "customer_form_field_values",
        CUSTOMERS_V3,
        "/customers/form-field-values",
        primary_keys=("customer_id", "name"),
    ),
    StreamSource("customer_groups", "customers.v2.yml", "/customer_groups", V2_ITEMS),
    StreamSource("subscribers", "subscribers.v3.yml", "/customers/subscribers"),
    StreamSource("wishlists", "wishlists.v3.yml", "/wishlists"),
    # --- Marketing ----------------------------------------------------------------------------
    StreamSource("coupons", "marketing.v2.yml", "/coupons", V2_ITEMS),
    # Promotion item matchers are a hand-unrolled recursive tree (ItemMatcher -> ItemMatcher2 ->
    # ItemMatcher3, each with and/or/not of the next level): about 30 KB of schema per occurrence.
    # Keep the first level and leave the nested matchers as open objects.
    StreamSource(
        "promotions",
        "promotions.v3.yml",
        "/promotions",
        opaque=tuple(
            f"rules[].{matcher}.{op}"
            for matcher in (
                "action.cart_items.items",
                "action.fixed_price_set.items",
                "condition.cart.items",
                "condition.and[].cart.items",
            )
            for op in ("and[]", "or[]", "not")
        ),
    ),
    StreamSource("promotion_codes", "promotions.v3.yml", "/promotions/{promotion_id}/codes"),
    StreamSource("gift_certificates", "marketing.v2.yml", "/gift_certificates", V2_ITEMS),
    # --- Store --------------------------------------------------------------------------------
    StreamSource("store", "store_information.v2.yml", "/store", ""),
    StreamSource("channels", "channels.v3.yml", "/channels"),
    StreamSource(
        "channel_listings",
        "channels.v3.yml",
        "/channels/{channel_id}/listings",
        primary_keys=("channel_id", "listing_id"),
    ),
    StreamSource("currencies", "currencies.v2.yml", "/currencies", V2_ITEMS),
    StreamSource("tax_classes", "tax_classes.v2.yml", "/tax_classes", V2_ITEMS),
    StreamSource("pages", "pages.v3.yml", "/content/pages"),
    StreamSource("blog_posts", "store_content.v2.yml", "/blog/posts", V2_ITEMS),
    StreamSource("price_lists", "price_lists.v3.yml", "/pricelists"),
    StreamSource(
        "price_list_records",
        "price_lists.v3.yml",
        "/pricelists/{price_list_id}/records",
        primary_keys=("price_list_id", "variant_id", "currency"),
    ),
    StreamSource("price_list_assignments", "price_lists.v3.yml", "/pricelists/assignments"),
    StreamSource(
        "inventory_items", "inventory.v3.yml", "/inventory/items", primary_keys=("variant_id",)
    ),
    StreamSource("locations", "locations.v3.yml", "/inventory/locations"),
    StreamSource("webhooks", "webhooks.v3.yml", "/hooks"),
    StreamSource("store_logs", "store_logs.v3.yml", "/store/systemlogs"),
)


STREAMS_BY_NAME: dict[str, StreamSource] = {s.name: s for s in STREAMS}


WideningKind = Literal[
    "date-time", "string", "form-field-value", "add-integer", "add-number", "add-string", "drop"
]


@dataclass(frozen=True)
class Widening:
    """A deliberate change to one property of one or more streams.

    ``at`` is a dotted property path; ``name[]`` steps into the items of an array property; a
    trailing ``[]`` changes the array's items rather than the array property itself. ``kind``:

    * ``date-time``: string with ``format: date-time``.
    * ``string``: plain string (no format). The tap sends a number found in such a field as
      its JSON text (``records.FieldPlan``), so the column holds one type and no digit is lost.
    * ``form-field-value``: ``["array", "number", "string"]`` (array items left open).
    * ``add-integer``: declare an integer property the spec lacks (a key the tap fills in).
    * ``add-number``, ``add-string``: declare a property the spec's schema omits but the API
      sends (its own examples, or the same resource under another endpoint, show it).
    * ``drop``: remove a property the tap never receives (the one narrowing; say why).
    """

    streams: tuple[str, ...]
    at: str
    kind: WideningKind
    why: str


_V2_DATE = (
    "v2 sends RFC 2822 dates ('Tue, 20 Nov 2012 00:00:00 +0000'); the tap rewrites them to "
    "ISO 8601 (DESIGN 2), so the field is a date-time (the generator drops every other v2 "
    "date format)"
)
_OPTION_TEXT = (
    "option values are free text entered by shoppers or merchants (text fields, dates, file-upload "
    "JSON); numeric-looking values must not be coerced"
)
_PARENT_KEY = (
    "the record does not carry its parent's id; the tap adds it from the parent context "
    "(singer-sdk drops undeclared context keys with a warning, DESIGN 5) and it is part of the "
    "primary key"
)
_FLOAT_AS_STRING = (
    "the spec's own description says the value comes as '(Float, Float-As-String, Integer)'"
)

_CONSIGNMENT_MONEY = (
    "records come from orders' consignments (numbers there) or /shipping_addresses (decimal "
    "strings there): the spec declares both shapes for the same values"
)
_NOT_INCLUDED = (
    "include=options or include=modifiers caps a products page at 10 records (DESIGN 2), so the "
    "tap never requests them; the product_options and product_modifiers streams carry that data"
)
_FORM_FIELD = (
    "the v2 spec declares form-field values as number|string|array but also puts a stray "
    "'items: string' beside that oneOf; shoppers' answers come as text, numbers or checkbox lists, "
    "as the spec's own example ('value: 123BAF') and the v3 customers form_fields declaration show"
)

_LINE_ITEMS = (
    "consignments.pickups[].line_items[]",
    "consignments.shipping[].line_items[]",
    "consignments.downloads[].line_items[]",
    "consignments.email.gift_certificates[].line_items[]",
)

_SPEC_OMITS = (
    "the API sends it (the spec's own examples show it) but the spec's schema omits it; "
    "undeclared, the tap would leave it out of every record"
)
_SAME_AS_PRODUCT_VARIANTS = (
    "the store-wide variant list returns the variants of /catalog/products/{id}/variants, whose "
    "schema declares it; this list's schema omits it"
)

WIDENINGS: tuple[Widening, ...] = (
    # Fields the specs' schemas omit.
    Widening(("orders",), "credit_card_type", "add-string", _SPEC_OMITS),
    Widening(("products",), "images[].image_file", "add-string", _SPEC_OMITS),
    Widening(("product_images",), "image_file", "add-string", _SPEC_OMITS),
    *(
        Widening(("variants",), f, "add-number", _SAME_AS_PRODUCT_VARIANTS)
        for f in ("calculated_weight", "map_price")
    ),
    *(
        Widening(("variants",), f, "add-string", _SAME_AS_PRODUCT_VARIANTS)
        for f in ("gtin", "mpn", "image_url")
    ),
    # v2 dates -> ISO 8601 date-time.
    *(
        Widening(("orders",), f, "date-time", _V2_DATE)
        for f in ("date_created", "date_modified", "date_shipped")
    ),
    Widening(("order_shipments",), "date_created", "date-time", _V2_DATE),
    Widening(("order_messages",), "date_created", "date-time", _V2_DATE),
    Widening(("coupons",), "date_created", "date-time", _V2_DATE),
    Widening(("coupons",), "expires", "date-time", _V2_DATE),
    Widening(("gift_certificates",), "purchase_date", "date-time", _V2_DATE),
    Widening(("gift_certificates",), "expiry_date", "date-time", _V2_DATE),
    Widening(
        ("blog_posts",),
        "published_date.date",
        "date-time",
        "a blog post's GET response declares published_date as {date, timezone, timezone_type} "
        "(not the RFC 2822 string it accepts on write); its `date` is ISO 8601 per the spec's "
        "example, so it is a timestamp",
    ),
    Widening(("customer_groups",), "date_created", "date-time", _V2_DATE),
    Widening(("customer_groups",), "date_modified", "date-time", _V2_DATE),
    Widening(("currencies",), "last_updated", "date-time", _V2_DATE),
    Widening(("tax_classes",), "created_at", "date-time", _V2_DATE),
    Widening(("tax_classes",), "updated_at", "date-time", _V2_DATE),
    Widening(
        ("promotions",),
        "created_from",
        "string",
        "the spec declares only an enum of client names (react_ui, legacy_ui, api) without a "
        "type; without one the column has no type at all",
    ),
    # Numbers sent as strings.
    Widening(("order_coupons",), "discount", "string", _FLOAT_AS_STRING),
    # The tap reads shipping addresses from each order's consignments.shipping (no extra request),
    # where shippingConsignment_Get declares these amounts as numbers (its example: 5.1), while
    # /orders/{id}/shipping_addresses declares the same fields as decimal strings.
    *(
        Widening(("order_shipping_addresses",), f, "string", _CONSIGNMENT_MONEY)
        for f in (
            "base_cost",
            "cost_ex_tax",
            "cost_inc_tax",
            "cost_tax",
            "base_handling_cost",
            "handling_cost_ex_tax",
            "handling_cost_inc_tax",
            "handling_cost_tax",
        )
    ),
    # Form-field values: a shopper's answer to a custom field (text, number or a checkbox list).
    *(
        Widening(("orders",), f"{at}.form_fields[].value", "form-field-value", _FORM_FIELD)
        for at in ("billing_address", "consignments.shipping[]")
    ),
    Widening(
        ("order_consignments",), "shipping[].form_fields[].value", "form-field-value", _FORM_FIELD
    ),
    Widening(("order_shipping_addresses",), "form_fields[].value", "form-field-value", _FORM_FIELD),
    # Option values are text.
    *(
        Widening(("order_products",), f"product_options[].{f}", "string", _OPTION_TEXT)
        for f in ("value", "display_value")
    ),
    *(
        Widening(("orders",), f"{li}.product_options[].{f}", "string", _OPTION_TEXT)
        for li in _LINE_ITEMS
        for f in ("value", "display_value")
    ),
    *(
        Widening(
            ("order_consignments",),
            f"{li[len('consignments.') :]}.product_options[].{f}",
            "string",
            _OPTION_TEXT,
        )
        for li in _LINE_ITEMS
        for f in ("value", "display_value")
    ),
    # Sub-resources the tap does not embed.
    *(Widening(("products",), f, "drop", _NOT_INCLUDED) for f in ("options", "modifiers")),
    Widening(
        ("customer_form_field_values",),
        "address_id",
        "drop",
        "the stream carries each customer's own form fields, embedded with include=formfields; "
        "an address's form fields stay in customer_addresses.form_fields, so no record has one",
    ),
    Widening(
        ("customer_form_field_values",),
        "value",
        "string",
        "a shopper's answer is text, a number or a checkbox list (number|string|array in the "
        "spec); as a column of its own it must hold one type, so the tap sends text (a list as "
        "its JSON text)",
    ),
    # Parent keys the tap fills in.
    Widening(("order_consignments",), "order_id", "add-integer", _PARENT_KEY),
    Widening(("order_fees",), "order_id", "add-integer", _PARENT_KEY),
    Widening(
        ("inventory_items",),
        "variant_id",
        "add-integer",
        "an inventory item's key is `identity.variant_id`; the tap copies it to the top so that "
        "it can be part of the primary key",
    ),
    Widening(("product_custom_fields",), "product_id", "add-integer", _PARENT_KEY),
    Widening(("product_bulk_pricing_rules",), "product_id", "add-integer", _PARENT_KEY),
    Widening(("product_reviews",), "product_id", "add-integer", _PARENT_KEY),
    Widening(("promotion_codes",), "promotion_id", "add-integer", _PARENT_KEY),
)
