"""Exceptions raised by kzdata: one base class, a few named cases."""

from __future__ import annotations


class KzdataError(Exception):
    """Base class of every error kzdata raises on purpose."""


class UnknownIdError(KzdataError, KeyError):
    """An id that is not in its table (a KeyError, so ``except KeyError`` still catches it)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownTableError(UnknownIdError):
    """A table name that is not in the package; the message lists the valid names."""


class DataFileError(KzdataError, ValueError):
    """A data file that cannot be read into its schema's types; names file, row and column."""


class UnknownPersonError(UnknownIdError):
    """A person id that is not in the people table; the message suggests close ids."""
