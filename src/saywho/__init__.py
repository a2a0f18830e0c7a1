"""saywho: who said what about whom, with what stance, and where it spreads."""

__version__ = "0.11.0"
