"""The ``saywho`` command line: one module per command group over the same pipeline.

``app`` builds the parser from the command modules (``analyze``, ``ingest``,
``query``, ``export``, ``spread``, ``serve``); each declares its options and its
handler together, and the handler turns the parsed ``argparse.Namespace`` into a
frozen settings dataclass before anything else runs. ``options`` holds what
several commands share. The CLI imports the store and the web app, never the
reverse.
"""

from saywho.cli.app import build_parser, help_markdown, main
from saywho.cli.options import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE

__all__ = ["EXIT_OK", "EXIT_SOME_FAILED", "EXIT_USAGE", "build_parser", "help_markdown", "main"]
