"""Coupons, promotions and gift certificates."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from tap_bigcommerce.reading.id_listing import V2IdRange
from tap_bigcommerce.reading.numbered import FullTablePages
from tap_bigcommerce.reading.per_parent import PerParent, cursor
from tap_bigcommerce.reading.sweep import DeleteSweep
from tap_bigcommerce.streams.base import BigCommerceStream

MARKETING_SCOPE = "store_v2_marketing_read_only"


class CouponsStream(BigCommerceStream):
    """Legacy (v2) coupons; no modification date to filter on, so read whole."""

    name = "coupons"
    path = "/v2/coupons"
    scope = MARKETING_SCOPE
    pager = FullTablePages()
    deletes = DeleteSweep(V2IdRange(), full_read=True)


class PromotionsStream(BigCommerceStream):
    name = "promotions"
    path = "/v3/promotions"
    scope = MARKETING_SCOPE
    pager = FullTablePages()


def _has_codes(promotion: Mapping[str, t.Any]) -> bool:
    return promotion.get("redemption_type") != "AUTOMATIC"


class PromotionCodesStream(BigCommerceStream):
    """Coupon codes of coupon promotions (automatic promotions have none, so cost nothing).

    Selected by default although it costs a request per parent: a store has tens or
    hundreds of coupon promotions, not the hundreds of thousands of its orders.
    """

    name = "promotion_codes"
    path = "/v3/promotions/{parent_id}/codes"
    scope = MARKETING_SCOPE
    parent_stream_type = PromotionsStream
    selected_by_default = True
    pager = PerParent(
        "promotion_id",
        paging=cursor,
        only=_has_codes,
        cost="1 per coupon promotion (per 250 codes)",
    )


class GiftCertificatesStream(BigCommerceStream):
    name = "gift_certificates"
    path = "/v2/gift_certificates"
    scope = MARKETING_SCOPE
    pager = FullTablePages()
