"""A local BigCommerce-compatible store for demos, tests and rehearsals.

Never imported by the tap itself; it imports nothing from the tap either.
"""

from bigcommerce_sandbox.app import Sandbox
from bigcommerce_sandbox.options import SandboxOptions

__all__ = ["Sandbox", "SandboxOptions"]
