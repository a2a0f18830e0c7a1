"""Limits and identity for reading inputs."""

from __future__ import annotations

from dataclasses import dataclass

from saywho import __version__

MIB = 1024 * 1024


@dataclass(frozen=True)
class FetchOptions:
    """How far ingest goes to read one input: network reach, time and size."""

    allow_private_network: bool = False
    timeout: float = 20.0  # seconds, for connecting and for each read
    max_bytes: int = 10 * MIB  # cap on any one input, also after decompression
    max_redirects: int = 5
    user_agent: str = f"saywho/{__version__} (+https://github.com/saywho/saywho)"

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError(f"timeout and max_bytes must be positive, max_redirects >= 0: {self}")


DEFAULT_OPTIONS = FetchOptions()


def describe_size(size: int) -> str:
    """``10 MiB``, ``64 KiB`` or ``1000 bytes``: the cap as a user would set it."""
    for unit, name in ((MIB, "MiB"), (1024, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} bytes"
