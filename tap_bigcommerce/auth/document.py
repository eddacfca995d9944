"""What the OAuth settings file holds: tokens, a pending web authorization, used-code hashes.

Kept apart from `store` (encryption, locking, permissions) so that the token's own rules -
when to refresh, which fields are secrets - read without the file handling around them. The
document is versioned JSON; a version this code does not know is refused by the store. A
field declared `repr=False` is a secret: it never shows in a repr, and is registered for
masking in logs as soon as it is read from the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import typing as t

from tap_bigcommerce.auth.redaction import register_secrets

FORMAT_VERSION = 1
PENDING_LIFETIME_S = 600.0


def hash_verifier(verifier: str) -> str:
    """The hash kept for a consumed authorization code."""
    return hashlib.sha256(verifier.encode()).hexdigest()


@dataclasses.dataclass
class TokenSet:
    """Tokens from a token endpoint, with absolute expiry."""

    access_token: str = dataclasses.field(repr=False)
    refresh_token: str | None = dataclasses.field(default=None, repr=False)
    token_type: str = "bearer"  # noqa: S105
    scope: str | None = None
    expires_at: float | None = None
    lifetime: float | None = None
    obtained_at: float = 0.0
    extra: dict[str, t.Any] = dataclasses.field(default_factory=dict)

    def refresh_margin(self) -> float:
        """Seconds before expiry to refresh: 10% of the lifetime within 60-300 s.

        Never more than half the lifetime, so a very short-lived token is not refreshed on
        every request.
        """
        life = self.lifetime or 0.0
        margin = min(max(0.1 * life, 60.0), 300.0)
        return min(margin, life / 2) if life else margin

    def refresh_due(self, now: float) -> bool:
        """True when the token should be refreshed before use (never without an expiry)."""
        if self.expires_at is None:
            return False
        return now >= self.expires_at - self.refresh_margin()

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    @property
    def can_refresh(self) -> bool:
        return bool(self.refresh_token)


@dataclasses.dataclass
class PendingAuthorization:
    """What the first step of the web flow leaves for the second: single-use, short-lived."""

    state: str = dataclasses.field(repr=False)
    code_verifier: str = dataclasses.field(repr=False)
    redirect_uri: str = ""
    created_at: float = 0.0
    expires_at: float = 0.0


@dataclasses.dataclass
class SettingsDocument:
    """The decrypted settings file."""

    store_hash: str
    client_id: str
    token: TokenSet | None = None
    pending: PendingAuthorization | None = None
    consumed_verifiers: list[str] = dataclasses.field(default_factory=list)
    updated_at: float = 0.0
    version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "version": self.version,
                "store_hash": self.store_hash,
                "client_id": self.client_id,
                "token": dataclasses.asdict(self.token) if self.token else None,
                "pending": dataclasses.asdict(self.pending) if self.pending else None,
                "consumed_verifiers": self.consumed_verifiers,
                "updated_at": self.updated_at,
            },
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> SettingsDocument:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        token = data.get("token")
        pending = data.get("pending")
        return cls(
            version=int(data["version"]),
            store_hash=str(data["store_hash"]),
            client_id=str(data["client_id"]),
            token=_record(TokenSet, token) if token else None,
            pending=_record(PendingAuthorization, pending) if pending else None,
            consumed_verifiers=[str(h) for h in data.get("consumed_verifiers") or []],
            updated_at=float(data.get("updated_at") or 0.0),
        )


_Record = t.TypeVar("_Record", TokenSet, PendingAuthorization)


def _record(kind: type[_Record], data: t.Mapping[str, t.Any]) -> _Record:
    """A token or pending record from its stored dict, its secrets registered for masking.

    Keys it does not know are ignored; the fields hidden from `repr` are the secrets.
    """
    fields = dataclasses.fields(kind)
    record = kind(**{f.name: data[f.name] for f in fields if f.name in data})
    register_secrets([getattr(record, f.name) for f in fields if not f.repr])
    return record
