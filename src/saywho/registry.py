"""Components registered by name, so configuration picks them, not code.

A stage (attribution, stance, spread's text encoders) keeps a ``Registry`` of
factories: callables that take the component's settings as keywords and return
the component. Names come from three places, looked up in this order:

1. factories registered in this process with ``@REGISTRY.register(name)``;
2. saywho's own components, registered when their modules are imported (the
   registry imports them the first time a name is looked up);
3. installed plugins: an entry point in the registry's group, e.g. in a
   plugin's ``pyproject.toml``::

       [project.entry-points."saywho.attributors"]
       echo = "saywho_echo:EchoAttributor"

   Entry points are read from the installed packages' metadata and a plugin is
   imported only when its name is asked for. Each process reads them afresh,
   so a plugin works with ``--workers N`` (spawned processes) and on Spark
   workers; a factory registered with the decorator at run time is known to
   its own process only.

A plugin cannot replace a name saywho already has: the built-in wins.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

from saywho.model import ConfigError

T = TypeVar("T")

# The entry-point groups a plugin registers its components in.
ATTRIBUTOR_GROUP = "saywho.attributors"
STANCE_MODEL_GROUP = "saywho.stance_models"
TEXT_ENCODER_GROUP = "saywho.text_encoders"


class Registry(Generic[T]):
    def __init__(self, kind: str, group: str, builtins: tuple[str, ...] = ()) -> None:
        """``kind`` names the component in messages; ``group`` is the entry-point group
        plugins register in; ``builtins`` are modules whose import registers saywho's own."""
        self.kind = kind
        self.group = group
        self._builtins = builtins
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return decorate

    def create(self, name: str, **settings: object) -> T:
        return self.factory(name)(**settings)

    def factory(self, name: str) -> Callable[..., T]:
        """The factory registered as ``name``, importing a plugin's module if need be.
        Raises ConfigError for an unknown name or a plugin that does not load."""
        self._import_builtins()
        factory = self._factories.get(name)
        if factory is None:
            factory = self._factories[name] = self._load_plugin(name)
        return factory

    def names(self) -> list[str]:
        """Every name that ``create`` accepts (plugins are listed, not imported)."""
        self._import_builtins()
        return sorted({*self._factories, *entry_points(group=self.group).names})

    def _import_builtins(self) -> None:
        for module in self._builtins:
            importlib.import_module(module)

    def _load_plugin(self, name: str) -> Callable[..., T]:
        found = list(entry_points(group=self.group, name=name))
        if not found:
            known = ", ".join(self.names()) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r} (known: {known})")
        if len({point.value for point in found}) > 1:
            where = ", ".join(sorted(_describe(point) for point in found))
            raise ConfigError(f"{self.kind} {name!r} is registered by several plugins: {where}")
        point = found[0]
        try:
            factory = point.load()
        except Exception as error:  # a plugin's import error is a setting the user can change
            raise ConfigError(
                f"{self.kind} {name!r} ({_describe(point)}) did not load: "
                f"{type(error).__name__}: {error}"
            ) from error
        if not callable(factory):
            raise ConfigError(f"{self.kind} {name!r} ({_describe(point)}) is not callable")
        result: Callable[..., T] = factory
        return result


def _describe(point: EntryPoint) -> str:
    """``value`` of an entry point, and the distribution that declares it."""
    distribution = point.dist.name if point.dist is not None else "an unknown package"
    return f"{point.value} from {distribution}"
