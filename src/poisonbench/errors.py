"""Errors a user can cause: each carries one message that names the culprit and the remedy."""


class PoisonbenchError(Exception):
    """Base class for user-facing errors; scripts print the message alone, without a traceback."""


class ConfigError(PoisonbenchError):
    """The configuration names something that does not exist or has an invalid value."""


class DataError(PoisonbenchError):
    """An input file or frame cannot be used as asked (unreadable, wrong target, one class...)."""


class ChecksumError(DataError):
    """A raw file does not match its configured SHA-256."""
