"""The web two-step flow: `authorize-url` now, `exchange` of what the browser brought back later.

For apps whose redirect page is not this machine, or a browser on another machine. Step 1
saves the state, the PKCE verifier and the redirect URI in the encrypted settings file, so
that step 2 - in another process, maybe days of shell history later - can check the state
and send the same verifier. The pending record is single-use and lives ten minutes.

Step 2 also takes what has no pending record: a bare code (as BigCommerce sends to an app's
auth callback) or a redirect URL without a state, the headless machine's `oauth_verifier`.
"""

from __future__ import annotations

import hmac
import time
import typing as t

from tap_bigcommerce.auth.document import PENDING_LIFETIME_S, PendingAuthorization, hash_verifier
from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError
from tap_bigcommerce.auth.exchange import (
    complete_exchange,
    granted_code,
    refuse_reused,
    require_redirect_uri,
)
from tap_bigcommerce.auth.oauth import new_code_verifier, new_state, parse_verifier

if t.TYPE_CHECKING:
    from tap_bigcommerce.auth.document import TokenSet
    from tap_bigcommerce.auth.oauth import AuthorizationResponse, OAuthClient
    from tap_bigcommerce.auth.settings_schema import AuthSettings
    from tap_bigcommerce.auth.store import SettingsStore


def begin_web_flow(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    *,
    clock: t.Callable[[], float] = time.time,
) -> tuple[str, str]:
    """Web flow step 1: save state + PKCE verifier + redirect URI; return (URL, state)."""
    redirect_uri = require_redirect_uri(settings)
    state = new_state()
    verifier = new_code_verifier()
    now = clock()
    with store.locked():
        doc = store.read() or store.new_document()
        doc.pending = PendingAuthorization(
            state=state,
            code_verifier=verifier,
            redirect_uri=redirect_uri,
            created_at=now,
            expires_at=now + PENDING_LIFETIME_S,
        )
        store.write(doc)
    url = client.authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=verifier)
    return url, state


def _matching_pending(
    response: AuthorizationResponse,
    store: SettingsStore,
    clock: t.Callable[[], float],
) -> PendingAuthorization | None:
    """The live pending record `response` answers, None for a response without a state.

    A response that carries a state must match a live pending record: an expired, missing
    or different one is refused, never silently exchanged without its PKCE verifier.
    """
    code = response.code
    assert code is not None  # checked by `granted_code`
    pending = None
    doc = store.read()
    if doc is not None:
        refuse_reused(doc.consumed_verifiers, hash_verifier(code))
    if doc is not None and doc.pending is not None:
        pending = doc.pending
        if pending.expires_at < clock():
            pending = None
            if response.state is not None:
                raise AuthError(
                    "The pending authorization started by `authorize-url` has expired (it is valid "
                    f"for {PENDING_LIFETIME_S / 60:.0f} minutes). Run `{AUTH_COMMAND} "
                    "authorize-url` again and approve the app within that time."
                )
    if response.state is None:
        return pending
    if pending is None:
        raise AuthError(
            "The redirect URL carries a state, but there is no pending authorization to check "
            f"it against in {store.path} (it was already used, or started on another machine). "
            f"Run `{AUTH_COMMAND} authorize-url` on this machine, open the URL, and pass the new "
            f"redirect URL to `{AUTH_COMMAND} exchange`."
        )
    if not hmac.compare_digest(response.state, pending.state):
        raise AuthError(
            "The state in the redirect URL does not match the pending authorization: the URL "
            f"is from another authorization attempt. Use the URL from the latest `{AUTH_COMMAND} "
            "authorize-url`, or start again."
        )
    return pending


def exchange_verifier(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    verifier: str,
    *,
    clock: t.Callable[[], float] = time.time,
) -> TokenSet:
    """Exchange a code or a pasted redirect URL (headless option 1, web flow step 2)."""
    response = parse_verifier(verifier)
    granted_code(settings, response, "redirect URL")
    pending = _matching_pending(response, store, clock)
    return complete_exchange(
        settings,
        store,
        client,
        response,
        redirect_uri=pending.redirect_uri if pending else require_redirect_uri(settings),
        code_verifier=pending.code_verifier if pending else None,
        consume_pending=pending is not None,
    )
