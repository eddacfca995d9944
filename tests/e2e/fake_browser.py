"""A stand-in for the user's browser, named in `BROWSER` for the README's desktop login.

Python's `webbrowser` runs `BROWSER` and waits for it, while the login waits for the
browser to reach its loopback callback: so this returns at once and does the browsing
in a detached child, as a real browser would: it opens the authorization URL (the
sandbox approves at once and redirects) and then loads the redirect URI.
"""

from __future__ import annotations

import http.client
import os
import sys
from urllib.parse import urlsplit


def get(url: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", path or "/")
    return connection.getresponse()


def browse(url: str) -> None:
    answer = get(url)
    location = answer.getheader("Location")
    if answer.status in (301, 302, 303, 307) and location:
        get(location).read()


def main() -> int:
    url = sys.argv[1]
    if os.fork() == 0:
        try:
            browse(url)
        finally:
            os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
