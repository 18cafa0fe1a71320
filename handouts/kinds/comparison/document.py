"""A comparison's blocks are a sheet's, with its table after the emergency box."""

from handouts.kinds.sheet.document import build

__all__ = ["build"]
