"""The encrypted settings file: format, permissions, refusals, atomic writes and the lock."""

from __future__ import annotations

import multiprocessing
import os
import stat
import typing as t
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tap_bigcommerce.auth.document import PendingAuthorization, TokenSet
from tap_bigcommerce.auth.errors import SettingsFileError
from tap_bigcommerce.auth.settings_schema import AuthSettings
from tap_bigcommerce.auth.store import SettingsStore

from .conftest import CLIENT_ID, STORE

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _store(path: Path, **kw: t.Any) -> SettingsStore:
    return SettingsStore(path, store_hash=kw.pop("store_hash", STORE), client_id=CLIENT_ID, **kw)


def _save(store: SettingsStore, access: str = "access-token-aaaa") -> None:
    with store.locked():
        doc = store.read() or store.new_document()
        doc.token = TokenSet(access_token=access, refresh_token="refresh-token-aaaa")
        store.write(doc)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_round_trip_owner_only_and_encrypted(settings_path: Path) -> None:
    store = _store(settings_path)
    assert store.read() is None
    _save(store)
    assert _mode(settings_path) == 0o600
    assert _mode(store.key_path) == 0o600
    assert _mode(store.lock_path) == 0o600
    assert b"access-token-aaaa" not in settings_path.read_bytes()
    assert b"refresh-token-aaaa" not in settings_path.read_bytes()
    doc = _store(settings_path).read()
    assert doc is not None
    assert doc.token is not None
    assert doc.token.access_token == "access-token-aaaa"
    assert (doc.store_hash, doc.client_id, doc.version) == (STORE, CLIENT_ID, 1)
    leftovers = [p.name for p in settings_path.parent.iterdir()]
    assert sorted(leftovers) == sorted(
        [settings_path.name, store.key_path.name, store.lock_path.name]
    )


def test_configured_key_and_env_key(settings_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    _save(_store(settings_path, key=key))
    assert not _store(settings_path).key_path.exists()
    with pytest.raises(SettingsFileError, match="No key for the OAuth settings file"):
        _store(settings_path).read()
    monkeypatch.setenv("TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY", key)
    doc = _store(settings_path).read()
    assert doc is not None
    assert doc.token is not None


@posix_only
@pytest.mark.parametrize("which", ["settings", "key"])
def test_group_readable_file_is_refused(settings_path: Path, which: str) -> None:
    store = _store(settings_path)
    _save(store)
    target = settings_path if which == "settings" else store.key_path
    os.chmod(target, 0o644)
    before = settings_path.read_bytes()
    with pytest.raises(SettingsFileError, match="chmod 600"):
        _store(settings_path).read()
    with pytest.raises(SettingsFileError):
        _save(_store(settings_path), "access-token-bbbb")
    assert settings_path.read_bytes() == before


def test_tampered_file_is_refused_and_kept(settings_path: Path) -> None:
    store = _store(settings_path)
    _save(store)
    data = bytearray(settings_path.read_bytes())
    data[40] = ord("A") if data[40] != ord("A") else ord("B")
    settings_path.write_bytes(bytes(data))
    os.chmod(settings_path, 0o600)
    tampered = settings_path.read_bytes()
    with pytest.raises(SettingsFileError, match="wrong or the file was modified"):
        _store(settings_path).read()
    with pytest.raises(SettingsFileError):
        _save(_store(settings_path), "access-token-cccc")
    assert settings_path.read_bytes() == tampered


def test_wrong_key_is_refused_and_kept(settings_path: Path) -> None:
    _save(_store(settings_path, key=Fernet.generate_key().decode()))
    before = settings_path.read_bytes()
    other = _store(settings_path, key=Fernet.generate_key().decode())
    with pytest.raises(SettingsFileError, match="key is wrong") as info:
        other.read()
    assert "setting oauth_settings_key" in str(info.value)
    with pytest.raises(SettingsFileError):
        _save(other, "access-token-dddd")
    assert settings_path.read_bytes() == before


def test_file_for_another_store_is_refused_and_kept(settings_path: Path) -> None:
    _save(_store(settings_path))
    before = settings_path.read_bytes()
    other = _store(settings_path, store_hash="otherstore")
    with pytest.raises(SettingsFileError, match="is for store 'abc123store'") as info:
        other.read()
    assert "oauth_settings_path" in str(info.value)
    with pytest.raises(SettingsFileError):
        _save(other, "access-token-eeee")
    assert settings_path.read_bytes() == before


def test_garbage_and_future_versions_are_refused(settings_path: Path) -> None:
    store = _store(settings_path)
    _save(store)
    fernet = Fernet(store.key_path.read_text().strip().encode())
    settings_path.write_bytes(fernet.encrypt(b"[1, 2]"))
    with pytest.raises(SettingsFileError, match="not a settings document"):
        store.read()
    settings_path.write_bytes(
        fernet.encrypt(
            b'{"version": 9, "store_hash": "abc123store", "client_id": "client-id-0001"}'
        )
    )
    with pytest.raises(SettingsFileError, match="format version 9"):
        store.read()


def test_token_refresh_timing() -> None:
    long = TokenSet(access_token="x" * 10, expires_at=10_000.0, lifetime=10_000.0)
    assert long.refresh_margin() == 300  # 10% clamped to 300 s
    assert not long.refresh_due(9_699.0)
    assert long.refresh_due(9_700.0)
    medium = TokenSet(access_token="x" * 10, expires_at=1_000.0, lifetime=1_000.0)
    assert medium.refresh_margin() == 100
    short = TokenSet(access_token="x" * 10, expires_at=300.0, lifetime=300.0)
    assert short.refresh_margin() == 60  # 10% clamped up to 60 s
    tiny = TokenSet(access_token="x" * 10, expires_at=30.0, lifetime=30.0)
    assert tiny.refresh_margin() == 15  # never more than half the lifetime
    forever = TokenSet(access_token="x" * 10)
    assert not forever.refresh_due(1e12)


def test_pending_round_trip(settings_path: Path) -> None:
    store = _store(settings_path)
    with store.locked():
        doc = store.new_document()
        doc.pending = PendingAuthorization(
            state="state-value-1", code_verifier="verifier-1" * 5, redirect_uri="http://x/cb"
        )
        store.write(doc)
    doc2 = store.read()
    assert doc2 is not None
    assert doc2.pending is not None
    assert doc2.pending.redirect_uri == "http://x/cb"


def test_settings_store_from_settings(base_config: dict, settings_path: Path) -> None:
    store = SettingsStore.for_settings(AuthSettings.from_config(base_config))
    assert store.path == settings_path
    assert store.key_path == settings_path.with_name("settings.oauth.key")
    assert store.lock_path == settings_path.with_name("settings.oauth.lock")


def _increment(path: str, times: int) -> None:
    store = _store(Path(path))
    for _ in range(times):
        with store.locked():
            doc = store.read() or store.new_document()
            count = len(doc.consumed_verifiers)
            doc.consumed_verifiers = [*doc.consumed_verifiers, f"h{count}"]
            store.write(doc)


def test_lock_serializes_processes(settings_path: Path) -> None:
    """Read-modify-write under the lock from two processes loses no update."""
    _save(_store(settings_path))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_increment, args=(str(settings_path), 15)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    doc = _store(settings_path).read()
    assert doc is not None
    assert len(doc.consumed_verifiers) == 30
