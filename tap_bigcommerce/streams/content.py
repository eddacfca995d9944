"""Storefront content and structure: redirects, blog tags, sites and routes, scripts,
widgets, themes and custom template associations."""

from __future__ import annotations

import typing as t

from tap_bigcommerce.reading.lists import OffsetPages, Unpaged
from tap_bigcommerce.reading.numbered import FullTablePages
from tap_bigcommerce.reading.per_parent import PerParent
from tap_bigcommerce.streams.base import BigCommerceStream

CONTENT_SCOPE = "store_v2_content_read_only"
SITES_SCOPE = "store_sites_read_only"
THEMES_SCOPE = "store_themes_read_only"


class RedirectsStream(BigCommerceStream):
    name = "redirects"
    path = "/v3/storefront/redirects"
    scope = CONTENT_SCOPE
    pager = FullTablePages()


class BlogTagsStream(BigCommerceStream):
    """Each tag with the posts that carry it; the list has no paging and no ids."""

    name = "blog_tags"
    path = "/v2/blog/tags"
    scope = CONTENT_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "tag")
    pager = Unpaged()


class SitesStream(BigCommerceStream):
    """Sites linking storefronts to channels; `/v3/sites` counts its pages by offset."""

    name = "sites"
    path = "/v3/sites"
    scope = SITES_SCOPE
    pager = OffsetPages()


class SiteRoutesStream(BigCommerceStream):
    """Each site's routes: no store-wide list exists, so one request per site read."""

    name = "site_routes"
    path = "/v3/sites/{parent_id}/routes"
    scope = SITES_SCOPE
    parent_stream_type = SitesStream
    pager = PerParent("site_id")


class ScriptsStream(BigCommerceStream):
    name = "scripts"
    path = "/v3/content/scripts"
    scope = CONTENT_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "uuid")
    pager = FullTablePages()


class WidgetsStream(BigCommerceStream):
    name = "widgets"
    path = "/v3/content/widgets"
    scope = CONTENT_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "uuid")
    pager = FullTablePages()


class WidgetTemplatesStream(BigCommerceStream):
    name = "widget_templates"
    path = "/v3/content/widget-templates"
    scope = CONTENT_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "uuid")
    pager = FullTablePages()


class WidgetPlacementsStream(BigCommerceStream):
    name = "widget_placements"
    path = "/v3/content/placements"
    scope = CONTENT_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "uuid")
    pager = FullTablePages()


class ThemesStream(BigCommerceStream):
    """The store's themes with their variations; the list has no paging."""

    name = "themes"
    path = "/v3/themes"
    scope = THEMES_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "uuid")
    pager = Unpaged()


class CustomTemplateAssociationsStream(BigCommerceStream):
    name = "custom_template_associations"
    path = "/v3/storefront/custom-template-associations"
    scope = THEMES_SCOPE
    pager = FullTablePages()
