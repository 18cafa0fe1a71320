"""A comparison is checked as a sheet is."""

from handouts.kinds.sheet.checks import items

__all__ = ["items"]
