"""`tap-bigcommerce-auth`: log in, inspect and manage the OAuth settings file.

Settings come from `--config PATH` (a tap config JSON) and from `TAP_BIGCOMMERCE_<SETTING>`
environment variables (how Meltano passes settings to plugin commands); the environment
wins. Everything human-readable goes to stderr; stdout carries only what a script captures
(the URL `authorize-url` prints). Nothing here writes a secret anywhere.

Exit codes: 0 done; 1 authorization failed or refused; 2 bad usage or settings;
3 not logged in (`status`); 130 interrupted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
import typing as t

from singer_sdk.exceptions import ConfigValidationError

from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError
from tap_bigcommerce.auth.flows import build_client, refresh_tokens
from tap_bigcommerce.auth.loopback import DEFAULT_LOGIN_TIMEOUT_S, desktop_login
from tap_bigcommerce.auth.redaction import install_redaction, redact
from tap_bigcommerce.auth.settings_schema import AUTH_PROPERTIES, AuthSettings
from tap_bigcommerce.auth.store import SettingsStore
from tap_bigcommerce.auth.web_flow import begin_web_flow, exchange_verifier

ENV_PREFIX = "TAP_BIGCOMMERCE_"
EXIT_OK, EXIT_AUTH, EXIT_USAGE, EXIT_NOT_LOGGED_IN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
SETTING_NAMES = ("store_hash", "api_url", *(p.name for p in AUTH_PROPERTIES))


class UsageError(Exception):
    """Bad command-line usage or settings (exit code 2)."""


def load_settings(config_path: str | None, environ: t.Mapping[str, str]) -> dict[str, t.Any]:
    """Merge the tap config file and `TAP_BIGCOMMERCE_<SETTING>` environment variables."""
    config: dict[str, t.Any] = {}
    if config_path:
        try:
            with open(config_path, encoding="utf-8") as handle:
                loaded = json.load(handle)
        except OSError as exc:
            raise UsageError(f"Cannot read --config {config_path}: {exc.strerror}.") from None
        except ValueError:
            raise UsageError(f"--config {config_path} is not valid JSON.") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"--config {config_path} must hold a JSON object.")
        config.update(loaded)
    for name in SETTING_NAMES:
        value = environ.get(ENV_PREFIX + name.upper())
        if value is not None and value != "":
            config[name] = value
    return config


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="tap config JSON (settings also come from TAP_BIGCOMMERCE_<SETTING> variables)",
    )
    parser = argparse.ArgumentParser(
        prog=AUTH_COMMAND,
        description="Authorize tap-bigcommerce with a BigCommerce app (or any OAuth 2.0 server).",
        epilog=(
            "Settings come from --config and TAP_BIGCOMMERCE_<SETTING> environment variables "
            "(the environment wins). Exit codes: 0 done, 1 authorization failed or refused, "
            "2 bad usage or settings, 3 not logged in (status), 130 interrupted."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    login = sub.add_parser(
        "login", parents=[common], help="log in in a browser on this machine (desktop flow)"
    )
    login.add_argument("--no-browser", action="store_true", help="only print the URL")
    login.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_LOGIN_TIMEOUT_S,
        help="seconds to wait for the callback (default: %(default).0f)",
    )
    sub.add_parser(
        "authorize-url",
        parents=[common],
        help="web flow step 1: print the authorization URL on stdout (valid 10 min, single-use)",
        description=(
            "Web flow step 1: save a pending authorization and print its URL. The URL is the "
            "only line on stdout (for scripts: URL=$(%(prog)s --config config.json)); the "
            "instructions and the state to check go to stderr."
        ),
    )
    exchange = sub.add_parser(
        "exchange",
        parents=[common],
        help="web flow step 2 / headless: exchange a code or the whole redirect URL",
    )
    exchange.add_argument(
        "verifier",
        nargs="?",
        help="the code, or the redirect URL from the browser's address bar; '-' or omitted: "
        "read it from stdin (a code beginning with '-' goes after '--')",
    )
    sub.add_parser("status", parents=[common], help="show the stored authorization (no secrets)")
    sub.add_parser("refresh", parents=[common], help="refresh the access token now")
    logout = sub.add_parser(
        "logout",
        parents=[common],
        help="delete the OAuth settings file with its key and lock files",
        description=(
            "Delete the OAuth settings file, its key file and its lock file. A key you supplied "
            "(oauth_settings_key or TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY) is left to you."
        ),
    )
    logout.add_argument("--yes", action="store_true", help="confirm the deletion")
    return parser


def _oauth_settings(config: t.Mapping[str, t.Any]) -> AuthSettings:
    settings = AuthSettings.from_config(
        {**config, "auth_method": "oauth", "initiate_oauth": "GETANDREFRESH"}
    )
    install_redaction(settings.secrets())
    return settings


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "never (the token does not expire)"
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    left = epoch - time.time()
    state = f"in {left:.0f} s" if left > 0 else f"{-left:.0f} s ago"
    return f"{moment.isoformat(timespec='seconds')} ({state})"


def _status(store: SettingsStore, settings: AuthSettings, err: t.TextIO) -> int:
    doc = store.read()
    lines = [
        f"store:         {settings.store_hash}",
        f"client id:     {settings.client_id}",
        f"settings file: {store.path}",
        f"key:           {store.key_source}",
    ]
    token = doc.token if doc else None
    if token is None:
        lines.append(f"token:         none (run `{AUTH_COMMAND} login`)")
    else:
        lines += [
            f"scopes:        {token.scope or '(not reported)'}",
            f"expires:       {_when(token.expires_at)}",
            f"refreshable:   {'yes' if token.refresh_token else 'no'}",
            f"obtained:      {_when(token.obtained_at).split(' (')[0]}",
        ]
        for key in ("user", "owner"):
            value = token.extra.get(key)
            if isinstance(value, dict) and value.get("email"):
                lines.append(f"{key + ':':<15}{value['email']}")
    if doc is not None and doc.pending is not None:
        lines.append(f"pending web authorization until {_when(doc.pending.expires_at)}")
    print("\n".join(lines), file=err)
    return EXIT_OK if token is not None else EXIT_NOT_LOGGED_IN


def _authorize_url(url: str, state: str, *, out: t.TextIO, err: t.TextIO) -> None:
    """The URL alone on stdout, between the instructions on stderr (read in order on a tty)."""
    print(
        "Open this URL in a browser (on any machine) and approve the app:\n", file=err, flush=True
    )
    print(url, file=out, flush=True)
    print(
        "\nThe browser is then sent to the redirect URI; check that its 'state' parameter is "
        f"{state}, and pass the whole address from the address bar (or just its code) to\n\n"
        f"    {AUTH_COMMAND} exchange '<redirect URL>'\n\n"
        "within 10 minutes. This authorization can be used once.",
        file=err,
        flush=True,
    )


def _logout(store: SettingsStore, err: t.TextIO) -> None:
    """Delete the login's files and say which, and what is left to the user."""
    removed = store.delete()
    names = ", ".join(str(path) for path in removed)
    if store.path in removed:
        print(f"Deleted {names}.", file=err)
    elif removed:
        print(f"No settings file at {store.path}; deleted what was left of it: {names}.", file=err)
    else:
        print(f"No settings file at {store.path}; nothing to delete.", file=err)
    if store.key_is_users:
        print(
            f"The key you supplied ({store.key_source}) was left as it is: tap-bigcommerce never "
            "stored it; remove it where you keep it if nothing else needs it.",
            file=err,
        )
    if store.path in removed:
        print(
            "The app's tokens stay valid at the server until it revokes them (uninstall the app "
            "in the store's control panel to revoke).",
            file=err,
        )


def run(
    argv: t.Sequence[str] | None = None,
    *,
    environ: t.Mapping[str, str] | None = None,
    stdin: t.TextIO | None = None,
    out: t.TextIO | None = None,
    err: t.TextIO | None = None,
    browser: bool | t.Callable[[str], t.Any] | None = None,
) -> int:
    """Run the CLI and return its exit code (the testable core of `main`)."""
    out = out or sys.stdout
    err = err or sys.stderr
    environ = os.environ if environ is None else environ
    args = _parser().parse_args(argv)
    try:
        config = load_settings(args.config, environ)
        settings = _oauth_settings(config)
        store = SettingsStore.for_settings(settings)
        client = build_client(settings)
        if args.command == "login":
            use_browser = (not args.no_browser) if browser is None else browser
            desktop_login(
                settings, store, client, browser=use_browser, timeout=args.timeout, out=err
            )
        elif args.command == "authorize-url":
            _authorize_url(*begin_web_flow(settings, store, client), out=out, err=err)
        elif args.command == "exchange":
            verifier = args.verifier
            if verifier in (None, "-"):
                print("Paste the redirect URL (or the code), then press Enter:", file=err)
                verifier = (stdin or sys.stdin).readline()
            token = exchange_verifier(settings, store, client, verifier)
            print(f"Authorized (scopes: {token.scope or 'n/a'}). Saved to {store.path}.", file=err)
        elif args.command == "status":
            return _status(store, settings, err)
        elif args.command == "refresh":
            token = refresh_tokens(store, client, None, force=True)
            if not token.refresh_token:
                print(
                    "This token does not expire and has no refresh token; nothing to refresh.",
                    file=err,
                )
            else:
                print(f"Refreshed; expires {_when(token.expires_at)}.", file=err)
        elif args.command == "logout":
            if not args.yes:
                raise UsageError(
                    f"logout deletes {store.path} with its key and lock files; run "
                    f"`{AUTH_COMMAND} logout --yes` to confirm."
                )
            _logout(store, err)
    except (UsageError, ConfigValidationError) as exc:
        print(f"{AUTH_COMMAND}: error: {redact(str(exc))}", file=err)
        return EXIT_USAGE
    except AuthError as exc:
        print(f"{AUTH_COMMAND}: {exc}", file=err)
        return EXIT_AUTH
    except KeyboardInterrupt:
        print(f"{AUTH_COMMAND}: interrupted.", file=err)
        return EXIT_INTERRUPTED
    return EXIT_OK


def main(argv: t.Sequence[str] | None = None) -> None:
    """Console entry point."""
    sys.exit(run(argv))


if __name__ == "__main__":
    main()
