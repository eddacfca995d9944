"""Keep secrets out of logs.

`install_redaction` puts a filter on the root logger (and its handlers) and wraps the
log record factory, so every record from every logger has registered secret values and
the values of `X-Auth-Token` / `Authorization` headers masked before it is formatted.
"""

from __future__ import annotations

import logging
import re
import threading
import typing as t

from typing_extensions import override

MASK = "***"
_MIN_SECRET_LENGTH = 6

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_factory_installed = False

# Header values in the shapes they appear in logs: "X-Auth-Token: v", "'X-Auth-Token': 'v'",
# "Authorization: Bearer v", and query or form fields carrying OAuth secrets.
_HEADER_RE = re.compile(
    r"""(?ix)
    (?P<key>
        ["']?x-auth-token["']?\s*[:=]\s*["']?
      | ["']authorization["']\s*:\s*["']
      | \bauthorization\s*[:=]\s*(?=(?:bearer|basic)\s)
    )
    (?P<value>(?:(?:bearer|basic)\s+)?[^\s"',}]+)
    """
)
_SECRET_FIELDS = "access_token|refresh_token|client_secret|code_verifier|code|state|id_token"  # noqa: S105
_FIELD_RE = re.compile(
    r"""(?x)
    (?P<key>
        \b(?:"""
    + _SECRET_FIELDS
    + r""")=
      | ["'](?:"""
    + _SECRET_FIELDS
    + r""")["']\s*:\s*["']
    )
    (?P<value>[^\s"'&,}]+)
    """
)


def register_secrets(values: t.Iterable[str | None]) -> None:
    """Add values to mask everywhere from now on (short or empty values are ignored)."""
    global _pattern
    with _lock:
        changed = False
        for value in values:
            if (
                isinstance(value, str)
                and len(value) >= _MIN_SECRET_LENGTH
                and value not in _secrets
            ):
                _secrets.add(value)
                changed = True
        if changed:
            ordered = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(re.escape(v) for v in ordered))


def register_secret(value: str | None) -> None:
    """Add one value to mask."""
    register_secrets([value])


def redact(text: str) -> str:
    """Mask registered secrets, auth headers and OAuth secret fields in `text`."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _HEADER_RE.sub(lambda m: m.group("key") + MASK, text)
    return _FIELD_RE.sub(lambda m: m.group("key") + MASK, text)


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, "_bc_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._bc_redacted = True


class RedactionFilter(logging.Filter):
    """A logging filter that masks secrets in the record (it never drops a record)."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_FILTER = RedactionFilter()


def install_redaction(secrets: t.Iterable[str | None] = ()) -> None:
    """Mask `secrets` (and auth headers) in every log record from now on.

    Safe to call more than once; each call adds secrets. Also quiets the HTTP client
    loggers, whose debug output includes request headers.
    """
    global _factory_installed
    register_secrets(secrets)
    root = logging.getLogger()
    if _FILTER not in root.filters:
        root.addFilter(_FILTER)
    for handler in root.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    with _lock:
        if not _factory_installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: t.Any, **kwargs: t.Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _redact_record(record)
                return record

            logging.setLogRecordFactory(factory)
            _factory_installed = True
    for name in ("urllib3", "requests", "requests_oauthlib", "http.client"):
        logging.getLogger(name).setLevel(logging.WARNING)
