"""Tokens: runner tokens for writes, a viewer token (header or login cookie) for reads."""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import HTTPConnection

from dotflow.dashboard.settings import Settings

__all__ = ["COOKIE", "VIEWER_HEADER", "Auth"]

COOKIE = "dotflow_dashboard"
VIEWER_HEADER = "X-Viewer-Token"


def _same(given: str, expected: str) -> bool:
    # Constant time: the comparison must not tell how much of a guess was right.
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


class Auth:
    """Checks the tokens of one dashboard; never logs or shows them."""

    def __init__(self, settings: Settings) -> None:
        self._runners = settings.runner_tokens
        self._viewer = settings.viewer_token
        self.public_read = settings.public_read or not settings.viewer_token
        # The cookie holds a value derived from the token, not the token itself.
        self._session = (
            hmac.new(
                settings.viewer_token.encode(), b"dotflow-dashboard session", hashlib.sha256
            ).hexdigest()
            if settings.viewer_token
            else None
        )

    def __repr__(self) -> str:
        return f"<Auth runners={len(self._runners)} public_read={self.public_read}>"

    def runner(self, given: str | None) -> bool:
        """Whether ``given`` (the ``X-User-Token`` header) may write."""
        if not given:
            return False
        if not self._runners:
            return True
        # Check every token, so the time does not tell which one matched.
        return sum(_same(given, token) for token in self._runners) > 0

    def login(self, given: str) -> str | None:
        """The cookie value for a correct viewer token, else ``None``."""
        if self._viewer is None or self._session is None or not _same(given, self._viewer):
            return None
        return self._session

    def viewer(self, connection: HTTPConnection) -> bool:
        """Whether this request may read (header token, login cookie, or public reads)."""
        if self.public_read:
            return True
        assert self._viewer is not None and self._session is not None
        header = connection.headers.get(VIEWER_HEADER)
        if header is not None:
            return _same(header, self._viewer)
        cookie = connection.cookies.get(COOKIE)
        return cookie is not None and _same(cookie, self._session)
