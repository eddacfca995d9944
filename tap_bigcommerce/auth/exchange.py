"""Turning an authorization code into saved tokens, exactly once, whichever flow produced it.

The desktop login and the web flow end the same way: refuse an error answer or a code for
another store, refuse a code already exchanged (the server may revoke every token issued
from a reused code), exchange it, and save the tokens under the settings file's lock. This
module owns that ending and the checks, so the flows cannot drift apart on what they refuse.
Nothing is written when a check or the exchange fails.
"""

from __future__ import annotations

import typing as t

from tap_bigcommerce.auth.document import hash_verifier
from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError

if t.TYPE_CHECKING:
    from tap_bigcommerce.auth.document import TokenSet
    from tap_bigcommerce.auth.oauth import AuthorizationResponse, OAuthClient
    from tap_bigcommerce.auth.settings_schema import AuthSettings
    from tap_bigcommerce.auth.store import SettingsStore

MAX_CONSUMED_HASHES = 200


def require_redirect_uri(settings: AuthSettings) -> str:
    """The configured redirect URI; every flow must send the app's registered one."""
    if not settings.redirect_uri:
        raise AuthError(
            "Setting 'redirect_uri' is required for this step: set it to the app's registered "
            "callback URL, exactly as registered (e.g. http://127.0.0.1:8765/callback)."
        )
    return settings.redirect_uri


def check_context(settings: AuthSettings, context: str | None, where: str) -> None:
    """Refuse a BigCommerce answer for another store than `store_hash`."""
    if context is not None and settings.is_bigcommerce and context != settings.context:
        raise AuthError(
            f"The {where} is for '{context}', but store_hash is '{settings.store_hash}'. Approve "
            "the app on the store you configured, or fix store_hash. Nothing was saved."
        )


def refuse_reused(consumed: list[str], digest: str) -> None:
    """Refuse a code whose hash the settings file already lists as exchanged."""
    if digest in consumed:
        raise AuthError(
            "This authorization code was already exchanged; a code is never exchanged twice "
            "(the server may revoke tokens issued from a reused code). Start a new "
            f"authorization: `{AUTH_COMMAND} login` or `{AUTH_COMMAND} authorize-url`."
        )


def granted_code(settings: AuthSettings, response: AuthorizationResponse, where: str) -> str:
    """The code in `response`, once it is known to be a grant for the configured store."""
    if response.error is not None:
        detail = f" ({response.error_description})" if response.error_description else ""
        hint = " The user declined the app." if response.error == "access_denied" else ""
        raise AuthError(
            f"The authorization server returned an error instead of a code: {response.error}"
            f"{detail}.{hint} Start again with `{AUTH_COMMAND} login` or `{AUTH_COMMAND} "
            "authorize-url`."
        )
    check_context(settings, response.context, where)
    assert response.code is not None  # a response with neither code nor error is refused on parse
    return response.code


def complete_exchange(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    response: AuthorizationResponse,
    *,
    redirect_uri: str,
    code_verifier: str | None,
    consume_pending: bool = False,
) -> TokenSet:
    """Exchange the code of a checked `response` once, check the result and save it.

    With `consume_pending`, the web flow's pending record is removed whatever happens: it
    is single-use even when the exchange fails.
    """
    assert response.code is not None  # callers pass a response `granted_code` accepted
    digest = hash_verifier(response.code)
    with store.locked():
        doc = store.read()
        existed = doc is not None
        if doc is None:
            doc = store.new_document()
        refuse_reused(doc.consumed_verifiers, digest)
        try:
            token = client.exchange_code(
                code=response.code,
                redirect_uri=redirect_uri,
                code_verifier=code_verifier,
                scope=response.scope,
            )
            check_context(settings, token.extra.get("context"), "token the server issued")
        except AuthError:
            if consume_pending and existed and doc.pending is not None:
                doc.pending = None
                store.write(doc)
            raise
        doc.token = token
        doc.consumed_verifiers = [*doc.consumed_verifiers, digest][-MAX_CONSUMED_HASHES:]
        if consume_pending:
            doc.pending = None
        store.write(doc)
        return token
