"""The HTTP side: one ``requests.Session``, the token header, and how replies are classified."""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import requests

from dotflow.server.sequence import HEADER as SEQUENCE_HEADER

if TYPE_CHECKING:
    from dotflow.server.events import Event

__all__ = ["HttpTransport", "Reply", "Secret"]

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-User-Token"
_MIN_ANYWHERE = 8
IDEMPOTENCY_HEADER = "Idempotency-Key"


class Secret:
    """A string that never shows itself in a repr, a str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value, for the one place that sends it."""
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with the secret replaced by ``***``.

        A secret of 8 characters or more is masked wherever it appears; a shorter one (a test
        token such as ``"t"``) only as a whole word, so ordinary words stay readable.
        """
        if not self._value:
            return text
        if len(self._value) >= _MIN_ANYWHERE:
            # Also the escaped form an error message may quote (repr shows "\n" as two chars).
            return text.replace(self._value, "***").replace(repr(self._value)[1:-1], "***")
        return re.sub(rf"(?<![\w-]){re.escape(self._value)}(?![\w-])", "***", text)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        msg = "a Secret cannot be pickled"
        raise TypeError(msg)


@dataclass(frozen=True, slots=True)
class Reply:
    """What became of one attempt.

    Attributes:
        delivered: the backend accepted it (2xx).
        retryable: a transient failure (connection error, timeout, 429, 5xx) worth another try.
        detail: a log-safe description (never holds the token).
        retry_after: seconds the backend asked us to wait (``Retry-After``), if any.
    """

    delivered: bool
    retryable: bool
    detail: str
    retry_after: float | None = None


def _reason(error: BaseException) -> str:
    """The operating system's reason inside a connection error (``[Errno 111] Connection
    refused``), instead of urllib3's 400 characters of pool and URL details."""
    text = str(error)
    found = re.search(r"\[Errno -?\d+\][^'\")]*", text)
    if found:
        return found.group(0).strip()
    return text if len(text) <= 200 else text[:199] + "…"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpTransport:
    """Sends events over one ``requests.Session`` (used by the sender thread only).

    Args:
        base_url: the API root, without a trailing slash.
        token: the user token sent as ``X-User-Token``.
        timeout: seconds per request (connect and read).
        session_factory: builds the session (a new one after a fork).
    """

    def __init__(
        self,
        base_url: str,
        token: Secret,
        timeout: float,
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self._token = token
        self._session_factory = session_factory
        self._session: requests.Session | None = None
        self._inherited: list[requests.Session] = []

    def send(self, event: Event) -> Reply:
        """One attempt at delivering ``event``."""
        if self._session is None:
            self._session = self._session_factory()
        url = self.base_url + event.path
        headers = {
            TOKEN_HEADER: self._token.reveal(),
            IDEMPOTENCY_HEADER: event.key,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if event.sequence:
            headers[SEQUENCE_HEADER] = str(event.sequence)
        try:
            # No redirects: the token header would follow them to wherever they point.
            response = self._session.request(
                event.method,
                url,
                data=event.body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
            # Read the body so the connection goes back to the pool.
            _ = response.content
        except requests.Timeout:
            return Reply(False, True, f"no answer within {self.timeout}s")
        except requests.ConnectionError as error:
            return Reply(False, True, "connection failed: " + self._token.redact(_reason(error)))
        except requests.RequestException as error:
            return Reply(False, False, self._token.redact(f"{type(error).__name__}: {error}"))
        code = response.status_code
        detail = f"HTTP {code}"
        if code < 300:
            return Reply(True, False, detail)
        if code < 400:
            location = self._token.redact(response.headers.get("Location", "?"))
            return Reply(False, False, f"{detail}: redirected to {location}; use that as base_url")
        if code == 429 or code >= 500:
            return Reply(False, True, detail, _retry_after(response.headers.get("Retry-After")))
        # One line: a pretty-printed JSON error must not spread a log record over several.
        text = self._token.redact(" ".join(response.text[:200].split()))
        return Reply(False, False, f"{detail}: {text}" if text else detail)

    def reset(self) -> None:
        """Use a new session from now on (after a fork).

        The old session's connections belong to the parent: it is kept, unused, never closed.
        """
        if self._session is not None:
            self._inherited.append(self._session)
        self._session = None

    def close(self) -> None:
        """Close the session."""
        if self._session is not None:
            self._session.close()
            self._session = None
