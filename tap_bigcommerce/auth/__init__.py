"""How the tap proves who it is to BigCommerce: personal tokens and OAuth apps."""

from tap_bigcommerce.auth.authenticator import BigCommerceAuthenticator

__all__ = ["BigCommerceAuthenticator"]
