"""A local BigCommerce-compatible store for demos, tests and rehearsals.

Never imported by the tap itself; it imports nothing from the tap either.
"""

from tap_bigcommerce.sandbox.app import Sandbox
from tap_bigcommerce.sandbox.options import SandboxOptions

__all__ = ["Sandbox", "SandboxOptions"]
