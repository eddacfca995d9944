"""The encrypted OAuth settings file on disk: one document (see `document`) per store and client.

Fernet-encrypted; written atomically (temp file created 0600, fsync, os.replace, fsync
of the directory); guarded by one inter-process lock on a separate `.lock` file that is
held across read-refresh-write. A file that cannot be decrypted, fails its checks or is
readable by group or others is refused and left exactly as it is.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
import typing as t
from pathlib import Path

import filelock
from cryptography.fernet import Fernet, InvalidToken

from tap_bigcommerce.auth.document import FORMAT_VERSION, SettingsDocument
from tap_bigcommerce.auth.errors import AUTH_COMMAND, SettingsFileError
from tap_bigcommerce.auth.keys import check_key
from tap_bigcommerce.auth.redaction import register_secrets

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from tap_bigcommerce.auth.settings_schema import AuthSettings

KEY_ENV_VAR = "TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY"
LOCK_TIMEOUT_S = 120.0
_POSIX = os.name == "posix"


def _check_private(path: Path, what: str) -> None:
    """Refuse a file that group or others can access (POSIX only)."""
    if not _POSIX:
        return
    st = path.stat()
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SettingsFileError(
            f"The {what} {path} is accessible by group or others "
            f"(mode {stat.S_IMODE(st.st_mode):o}); it was not used. If it has been exposed, "
            f"treat its tokens as leaked (`{AUTH_COMMAND} logout --yes`, then log in again); "
            f"otherwise restrict it with `chmod 600 {path}`."
        )
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise SettingsFileError(
            f"The {what} {path} belongs to another user (uid {st.st_uid}); it was not used. "
            "Run as the user who owns it, or copy it and its key to this user's files."
        )


def _fsync_dir(directory: Path) -> None:
    if not _POSIX:
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically with owner-only permissions."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if _POSIX:
                os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


class SettingsStore:
    """Reads and writes one settings file for one store and client."""

    def __init__(
        self,
        path: Path,
        *,
        store_hash: str,
        client_id: str,
        key: str | None = None,
        clock: t.Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.store_hash = store_hash
        self.client_id = client_id
        self._configured_key = key
        self._clock = clock
        self.key_path = self.path.with_name(self.path.name + ".key")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        # Owner-only like the files it guards: another user who could open it could hold it.
        self._lock = filelock.FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S, mode=0o600)

    @classmethod
    def for_settings(
        cls, settings: AuthSettings, clock: t.Callable[[], float] = time.time
    ) -> SettingsStore:
        return cls(
            settings.settings_file(),
            store_hash=settings.store_hash,
            client_id=settings.client_id or "",
            key=settings.oauth_settings_key,
            clock=clock,
        )

    # -- key ---------------------------------------------------------------------------

    def _users_key(self) -> str | None:
        """The key the user supplied (setting, else environment); None means the key file."""
        return self._configured_key or os.environ.get(KEY_ENV_VAR, "").strip() or None

    @property
    def key_is_users(self) -> bool:
        """Whether the key is the user's own (a setting or the environment), not a key file."""
        return self._users_key() is not None

    @property
    def key_source(self) -> str:
        """Where the key comes from (no key material)."""
        if self._configured_key:
            return "setting oauth_settings_key"
        if self.key_is_users:
            return f"environment variable {KEY_ENV_VAR}"
        return f"key file {self.key_path}"

    def _key(self, *, create: bool) -> Fernet:
        key = self._users_key()
        source = self.key_source
        if key is None:
            if self.key_path.exists():
                _check_private(self.key_path, "key file")
                key = self.key_path.read_text(encoding="ascii").strip()
            elif create:
                key = Fernet.generate_key().decode()
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                try:
                    fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    return self._key(create=False)
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(key + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                _fsync_dir(self.key_path.parent)
            else:
                raise SettingsFileError(
                    f"No key for the OAuth settings file {self.path}: set oauth_settings_key or "
                    f"{KEY_ENV_VAR}, or put the key file from the machine that logged in at "
                    f"{self.key_path}."
                )
        register_secrets([key])
        problem = check_key(key)
        if problem:
            raise SettingsFileError(f"The key from {source} {problem}.")
        return Fernet(key.encode())

    # -- lock --------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the inter-process lock (re-entrant within a thread)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            with self._lock:
                yield
        except filelock.Timeout as exc:
            raise SettingsFileError(
                f"Timed out after {LOCK_TIMEOUT_S:.0f} s waiting for the lock {self.lock_path}: "
                "another tap-bigcommerce process is holding it. Retry when it has finished."
            ) from exc

    # -- read / write ------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> SettingsDocument | None:
        """The document, or None when there is no file. Refuses any file it cannot trust."""
        if not self.path.exists():
            return None
        _check_private(self.path, "OAuth settings file")
        fernet = self._key(create=False)
        raw = self.path.read_bytes()
        try:
            plain = fernet.decrypt(raw)
        except InvalidToken:
            raise SettingsFileError(
                f"Cannot decrypt the OAuth settings file {self.path} with the key from "
                f"{self.key_source}: the key is wrong or the file was modified. The file was left "
                "as it is. Use the key the file was written with, or log in again with another "
                "oauth_settings_path."
            ) from None
        try:
            doc = SettingsDocument.from_json(plain)
        except (ValueError, KeyError, TypeError):
            raise SettingsFileError(
                f"The OAuth settings file {self.path} decrypted but its content is not a "
                "settings document; it was left as it is. Log in again with another "
                "oauth_settings_path."
            ) from None
        if doc.version != FORMAT_VERSION:
            raise SettingsFileError(
                f"The OAuth settings file {self.path} has format version {doc.version}; this "
                f"tap-bigcommerce reads version {FORMAT_VERSION}. Upgrade tap-bigcommerce, or log "
                "in "
                "again with another oauth_settings_path."
            )
        if doc.store_hash != self.store_hash or doc.client_id != self.client_id:
            raise SettingsFileError(
                f"The OAuth settings file {self.path} is for store '{doc.store_hash}' and client "
                f"'{doc.client_id}', not store '{self.store_hash}' and client '{self.client_id}'. "
                "It was left as it is. Point oauth_settings_path at this store's file, or log in "
                "for this store with another oauth_settings_path."
            )
        return doc

    def new_document(self) -> SettingsDocument:
        return SettingsDocument(store_hash=self.store_hash, client_id=self.client_id)

    def write(self, doc: SettingsDocument) -> None:
        """Encrypt and write atomically. Call with the lock held, after `read`."""
        if doc.store_hash != self.store_hash or doc.client_id != self.client_id:
            raise SettingsFileError(
                "Refusing to write a settings document for another store or client."
            )
        if self.path.exists():
            # Never overwrite a file we cannot read: this raises if it is foreign or corrupt.
            self.read()
        fernet = self._key(create=True)
        doc.updated_at = self._clock()
        atomic_write(self.path, fernet.encrypt(doc.to_json()))

    def delete(self) -> list[Path]:
        """Remove the settings file, its key file and its lock file; the ones that were there.

        A key given as a setting or environment variable is the user's and is not touched. The
        lock file goes while held (POSIX; Windows' filelock removes it on release): a process
        waiting for it then finds its inode unlinked and locks a new file instead.
        """
        if not self.path.parent.is_dir():
            return []  # nothing to remove, and no directory to create just to lock it
        lock_existed = self.lock_path.exists()
        removed: list[Path] = []
        with self.locked():
            for path in (self.path, self.key_path):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
            if _POSIX:
                with contextlib.suppress(FileNotFoundError):
                    self.lock_path.unlink()
            if lock_existed:
                removed.append(self.lock_path)
            _fsync_dir(self.path.parent)
        return removed
