"""Components registered by name, so configuration picks them, not code.

A stage (attribution, stance) keeps a ``Registry`` of factories; a user's
plugin registers its own with the same decorator and names it on the command
line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from saywho.model import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return decorate

    def create(self, name: str, **settings: object) -> T:
        factory = self._factories.get(name)
        if factory is None:
            known = ", ".join(sorted(self._factories)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r} (known: {known})")
        return factory(**settings)

    def names(self) -> list[str]:
        return sorted(self._factories)
