"""Errors the auth layer raises: every message says what to do next and carries no secret."""

from __future__ import annotations

from tap_bigcommerce.auth.redaction import redact

AUTH_COMMAND = "tap-bigcommerce-auth"


class AuthError(Exception):
    """An authentication problem the user can fix; the message names the fix.

    The message is passed through the redaction filter's masking, so a secret that
    slipped into it (for example in a server's error description) is never shown.
    """

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        """The redacted, actionable message."""
        return str(self.args[0])


class SettingsFileError(AuthError):
    """The OAuth settings file cannot be used (wrong key, tampered, other store, permissions).

    The file is always left as it is.
    """


class OAuthServerError(AuthError):
    """The authorization server refused a request with an RFC 6749 section 5.2 error."""

    def __init__(self, message: str, *, error: str, status: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


def reauthorize_error(mode: str) -> AuthError:
    """The error the tap raises when BigCommerce rejects a token that cannot be renewed.

    BigCommerce's tokens do not expire: a 401 means the token was revoked (the app was
    uninstalled, its scopes changed, or the owner's e-mail changed).
    """
    if mode.startswith("store API account"):
        how = (
            "create a new store API account token in the BigCommerce control panel "
            "(Settings > Store-level API accounts) and set it as access_token"
        )
    else:
        how = (
            f"re-authorize the app: run `{AUTH_COMMAND} login` "
            "(or `meltano invoke tap-bigcommerce:login`)"
        )
    return AuthError(
        f"BigCommerce rejected the access token ({mode}) with 401 Unauthorized. "
        f"The token was revoked or its scopes changed; {how}."
    )
