"""Driving a command in a pseudo-terminal, as a user at a keyboard does (Ctrl-C included)."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import termios
import time
from pathlib import Path

__all__ = ["Terminal"]


def _become_terminal_session() -> None:
    # A new session whose controlling terminal is the pty: the terminal then sends SIGINT for
    # Ctrl-C to the whole foreground process group (worker processes included), as a shell does.
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # the test runner may have it ignored


class Terminal:
    """``command`` running with a pty as its stdin, stdout and stderr."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        self.master = master
        self.output = b""
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            preexec_fn=_become_terminal_session,
            close_fds=True,
        )
        os.close(slave)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the other side closed
            return False
        self.output += chunk
        return bool(chunk)

    def expect(self, text: str, timeout: float = 60) -> None:
        """Read until ``text`` appears (bounded by ``timeout``)."""
        deadline = time.monotonic() + timeout
        while text not in self.text():
            assert time.monotonic() < deadline, self.text()
            assert self._read(0.2) or text in self.text(), self.text()

    def ctrl_c(self) -> None:
        """Type Ctrl-C."""
        os.write(self.master, b"\x03")

    def finish(self, timeout: float = 60) -> int:
        """Read everything until the command exits; its exit code."""
        deadline = time.monotonic() + timeout
        while self._read(0.2) and time.monotonic() < deadline:
            pass
        try:
            return self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        finally:
            os.close(self.master)
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)

    def text(self) -> str:
        """What the command wrote so far, without colours."""
        import re

        return re.sub(r"\x1b\[[0-9;]*m", "", self.output.decode(errors="replace"))
