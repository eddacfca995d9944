"""Access and refresh tokens: the store's own API token and OAuth-issued ones."""

from __future__ import annotations

import dataclasses
import secrets
import threading


@dataclasses.dataclass
class Token:
    store_hash: str
    scopes: frozenset[str]
    expires_at: float | None = None  # sandbox-clock seconds; None = never (BigCommerce)
    oauth: bool = False
    grant: str | None = None  # the authorization code it descends from
    revoked: bool = False


@dataclasses.dataclass
class RefreshToken:
    client_id: str
    store_hash: str
    scopes: frozenset[str]
    grant: str
    used: bool = False


class Tokens:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.access: dict[str, Token] = {}
        self.refresh: dict[str, RefreshToken] = {}

    def add(self, value: str, token: Token) -> str:
        with self.lock:
            self.access[value] = token
        return value

    def issue(
        self,
        store_hash: str,
        scopes: frozenset[str],
        *,
        expires_at: float | None = None,
        oauth: bool = False,
        grant: str | None = None,
    ) -> str:
        return self.add(secrets.token_hex(16), Token(store_hash, scopes, expires_at, oauth, grant))

    def check(self, value: str | None, store_hash: str, now: float) -> Token | None:
        with self.lock:
            token = self.access.get(value or "")
        if token is None or token.revoked or token.store_hash != store_hash:
            return None
        if token.expires_at is not None and now >= token.expires_at:
            return None
        return token

    def expire_oauth(self, now: float) -> int:
        with self.lock:
            hit = [t for t in self.access.values() if t.oauth]
            for t in hit:
                t.expires_at = now - 1
        return len(hit)

    def revoke_grant(self, grant: str) -> None:
        with self.lock:
            for t in self.access.values():
                if t.grant == grant:
                    t.revoked = True
            for r in self.refresh.values():
                if r.grant == grant:
                    r.used = True
