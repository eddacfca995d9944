"""One module per BigCommerce API area, one class per resource."""

from tap_bigcommerce.streams.catalog import ProductsStream, ProductVariantsStream
from tap_bigcommerce.streams.customers import CustomerAddressesStream, CustomersStream
from tap_bigcommerce.streams.orders import (
    OrderProductsStream,
    OrderShippingAddressesStream,
    OrdersStream,
)
from tap_bigcommerce.streams.store import StoreStream

STREAM_TYPES = (
    OrdersStream,
    OrderProductsStream,
    OrderShippingAddressesStream,
    ProductsStream,
    ProductVariantsStream,
    CustomersStream,
    CustomerAddressesStream,
    StoreStream,
)

__all__ = ["STREAM_TYPES"]
