"""Where a store's OAuth settings file lives by default, and what a valid key looks like.

Read both by the settings' validation (`settings_schema`, before any file is opened) and
by the settings file itself (`store`); kept apart so that neither imports the other.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import platformdirs

APP_NAME = "tap-bigcommerce"


def default_settings_path(store_hash: str, client_id: str) -> Path:
    """Per-user data directory, one file per store and client."""
    digest = hashlib.sha256(client_id.encode()).hexdigest()[:16]
    base = platformdirs.user_data_path(APP_NAME, appauthor=False)
    return base / "oauth" / f"{store_hash}-{digest}.oauth"


def check_key(key: str) -> str | None:
    """None when `key` is a valid Fernet key, else what is wrong with it."""
    from cryptography.fernet import Fernet  # only OAuth modes pay for importing it

    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        return (
            "is not a Fernet key (44 characters of URL-safe base64); generate one with "
            '`python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"` '
            "or copy the content of the key file written by the first login"
        )
    return None
