"""Crash points for the fault tests: ``SAYWHO_WATCH_FAILPOINT=NAME`` makes the process
kill itself with SIGKILL when it reaches ``failpoint(NAME)`` (the moments a random kill
would rarely hit: between a sink's write and its mark, between ingest and evaluation)."""

from __future__ import annotations

import os
import signal

VARIABLE = "SAYWHO_WATCH_FAILPOINT"


def failpoint(name: str) -> None:
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
