"""The login server: BigCommerce mode, generic RFC 6749 mode, and every rejection."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bigcommerce_sandbox import Sandbox

CALLBACK = "http://127.0.0.1:8976/callback"


def authorize(
    sb: Sandbox, *, redirect_uri: str = CALLBACK, path: str = "/oauth2/authorize", **extra: str
) -> requests.Response:
    params = {
        "client_id": sb.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "store_v2_orders_read_only store_v2_products_read_only",
        "context": f"stores/{sb.store_hash}",
        "state": "xyz-state",
        **extra,
    }
    return requests.get(sb.url + path, params=params, allow_redirects=False, timeout=10)


def code_from(resp: requests.Response) -> dict[str, str]:
    assert resp.status_code == 302, resp.text
    q = parse_qs(urlsplit(resp.headers["Location"]).query)
    return {k: v[0] for k, v in q.items()}


def exchange(sb: Sandbox, code: str, *, as_json: bool = True, **extra: str) -> requests.Response:
    body = {
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "code": code,
        "context": f"stores/{sb.store_hash}",
        "grant_type": "authorization_code",
        "scope": "store_v2_orders_read_only",
        "redirect_uri": CALLBACK,
        **extra,
    }
    if as_json:
        return requests.post(sb.url + "/oauth2/token", json=body, timeout=10)
    return requests.post(sb.url + "/oauth2/token", data=body, timeout=10)


def api_get(sb: Sandbox, token: str, path: str = "/v2/orders") -> int:
    r = requests.get(
        f"{sb.url}/stores/{sb.store_hash}{path}", headers={"X-Auth-Token": token}, timeout=10
    )
    return r.status_code


@pytest.mark.parametrize("path", ["/oauth2/authorize", "/app/{client}/install"])
def test_bigcommerce_flow(make_sb: Any, path: str) -> None:
    sb, _ = make_sb()
    q = code_from(authorize(sb, path=path.format(client=sb.client_id)))
    assert q["state"] == "xyz-state"
    assert q["context"] == f"stores/{sb.store_hash}"
    assert q["account_uuid"]
    assert "store_v2_orders_read_only" in q["scope"]
    r = exchange(sb, q["code"], as_json=(path == "/oauth2/authorize"))
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "scope", "user", "owner", "context", "account_uuid"}
    assert set(body["user"]) == {"id", "username", "email"}
    assert body["context"] == f"stores/{sb.store_hash}"
    assert api_get(sb, body["access_token"]) == 200
    assert api_get(sb, body["access_token"], "/v3/customers") == 403
    sb.advance_clock(10 * 365 * 86400)  # BigCommerce tokens never expire
    assert api_get(sb, body["access_token"]) == 200


def test_code_is_single_use_and_reuse_revokes(make_sb: Any) -> None:
    sb, _ = make_sb()
    code = code_from(authorize(sb))["code"]
    token = exchange(sb, code).json()["access_token"]
    again = exchange(sb, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert api_get(sb, token) == 401


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_secret": "nope"}, 401, "invalid_client"),
        ({"client_id": "someone-else"}, 401, "invalid_client"),
        ({"redirect_uri": "http://127.0.0.1:8976/other"}, 400, "invalid_grant"),
        ({"code": "unknown"}, 400, "invalid_grant"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
    ],
)
def test_token_rejections(make_sb: Any, change: dict[str, str], status: int, error: str) -> None:
    sb, _ = make_sb()
    change = dict(change)
    code = change.pop("code", None) or code_from(authorize(sb))["code"]
    r = exchange(sb, code, **change)
    assert r.status_code == status
    assert r.json()["error"] == error
    assert r.headers["Cache-Control"] == "no-store"


def test_pkce(make_sb: Any) -> None:
    sb, _ = make_sb()
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    extra = {"code_challenge": challenge.decode(), "code_challenge_method": "S256"}
    missing = exchange(sb, code_from(authorize(sb, **extra))["code"])
    assert missing.json()["error"] == "invalid_grant"
    wrong = exchange(sb, code_from(authorize(sb, **extra))["code"], code_verifier="w" * 50)
    assert wrong.json()["error"] == "invalid_grant"
    ok = exchange(sb, code_from(authorize(sb, **extra))["code"], code_verifier=verifier)
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"client_id": "unknown"},
        {"redirect_uri": "http://127.0.0.1:8976/callback/"},
        {"redirect_uri": "http://localhost:8976/callback"},
        {"redirect_uri": "http://127.0.0.1:9999/callback"},
        {"redirect_uri": "https://evil.example/callback"},
        {"context": "stores/nope"},
    ],
)
def test_authorize_rejections_do_not_redirect(make_sb: Any, params: dict[str, str]) -> None:
    sb, _ = make_sb()
    r = authorize(sb, **params)
    assert r.status_code == 400
    assert "Location" not in r.headers
    assert r.headers["Content-Type"].startswith("text/html")


def test_any_loopback_port_when_allowed(make_sb: Any) -> None:
    sb, _ = make_sb(allow_any_loopback_port=True)
    q = code_from(authorize(sb, redirect_uri="http://127.0.0.1:51234/callback"))
    assert q["code"]
    assert authorize(sb, redirect_uri="http://127.0.0.1:51234/elsewhere").status_code == 400


def test_generic_mode_rotation_and_expiry(make_sb: Any) -> None:
    sb, _ = make_sb(token_ttl=60)
    body = exchange(sb, code_from(authorize(sb))["code"], as_json=False).json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 60
    assert api_get(sb, body["access_token"]) == 200
    sb.advance_clock(61)
    assert api_get(sb, body["access_token"]) == 401
    basic = base64.b64encode(f"{sb.client_id}:{sb.client_secret}".encode()).decode()
    r = requests.post(
        sb.url + "/oauth2/token",
        headers={"Authorization": f"Basic {basic}"},
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        timeout=10,
    )
    assert r.status_code == 200
    fresh = r.json()
    assert fresh["refresh_token"] != body["refresh_token"]
    assert api_get(sb, fresh["access_token"]) == 200
    reuse = requests.post(
        sb.url + "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
        },
        timeout=10,
    )
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    bad_basic = base64.b64encode(f"{sb.client_id}:wrong".encode()).decode()
    r = requests.post(
        sb.url + "/oauth2/token",
        headers={"Authorization": f"Basic {bad_basic}"},
        data={"grant_type": "refresh_token", "refresh_token": fresh["refresh_token"]},
        timeout=10,
    )
    assert r.status_code == 401
    assert "WWW-Authenticate" in r.headers


def test_refresh_grant_refused_in_bigcommerce_mode(make_sb: Any) -> None:
    sb, _ = make_sb()
    r = requests.post(
        sb.url + "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "x",
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
        },
        timeout=10,
    )
    assert r.json()["error"] == "unsupported_grant_type"


def test_expire_tokens_mid_sync(make_sb: Any) -> None:
    sb, api = make_sb()
    token = exchange(sb, code_from(authorize(sb))["code"]).json()["access_token"]
    assert api_get(sb, token) == 200
    assert sb.expire_tokens() == 1
    assert api_get(sb, token) == 401
    assert api.get("/v2/orders").status_code == 200  # the store's own API token is unaffected


def test_code_expires_after_ten_minutes(make_sb: Any) -> None:
    sb, _ = make_sb()
    code = code_from(authorize(sb))["code"]
    sb.advance_clock(601)
    r = exchange(sb, code)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
