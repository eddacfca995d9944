"""Coupons, promotions and gift certificates."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping, Sequence

from tap_bigcommerce.client import CursorChildStream, FullTableStream

MARKETING_SCOPE = "store_v2_marketing_read_only"


class CouponsStream(FullTableStream):
    """Legacy (v2) coupons; no modification date to filter on, so read whole."""

    name = "coupons"
    path = "/v2/coupons"
    scope = MARKETING_SCOPE


class PromotionsStream(FullTableStream):
    name = "promotions"
    path = "/v3/promotions"
    scope = MARKETING_SCOPE


class PromotionCodesStream(CursorChildStream):
    """Coupon codes of coupon promotions (automatic promotions have none, so cost nothing)."""

    name = "promotion_codes"
    path = "/v3/promotions/{parent_id}/codes"
    scope = MARKETING_SCOPE
    parent_stream_type = PromotionsStream
    parent_key = "promotion_id"
    cost: t.ClassVar[str] = "1 per coupon promotion (per 250 codes)"

    def records_for(self, parents: Sequence[Mapping[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        coupons = [p for p in parents if p.get("redemption_type") != "AUTOMATIC"]
        yield from super().records_for(coupons)


class GiftCertificatesStream(FullTableStream):
    name = "gift_certificates"
    path = "/v2/gift_certificates"
    scope = MARKETING_SCOPE
