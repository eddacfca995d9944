"""The one authenticator every request goes through.

It is built once per tap run (the SDK calls authenticators twice per request, so
anything stateful must live in a single instance) and its signing is idempotent.
"""

from __future__ import annotations

import threading
import typing as t

from singer_sdk.authenticators import APIAuthenticatorBase

if t.TYPE_CHECKING:
    import requests

AUTH_HEADER = "X-Auth-Token"


class BigCommerceAuthenticator(APIAuthenticatorBase):
    """Signs requests with `X-Auth-Token` and knows whether a rejected token can be renewed."""

    def __init__(self, access_token: str) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._access_token = access_token

    @classmethod
    def from_config(cls, config: t.Mapping[str, t.Any]) -> BigCommerceAuthenticator:
        """Build the authenticator the settings ask for."""
        return cls(access_token=str(config["access_token"]))

    @property
    def mode(self) -> str:
        """A redacted, human description of where the token comes from (safe to log)."""
        return "store API account token"

    def current_token(self) -> str:
        """The token to send now; OAuth modes refresh it here when it is about to expire."""
        with self._lock:
            return self._access_token

    def authenticate_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[AUTH_HEADER] = self.current_token()
        return request

    def handle_unauthorized(self, rejected_token: str) -> bool:
        """Called once when the API answered 401 to `rejected_token`.

        Returns True when a different token is now available and the request is worth
        one more try; a personal token cannot be renewed, so it returns False.
        """
        del rejected_token
        return False
