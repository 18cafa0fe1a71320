"""How many PDFs the bundled catalogue has, counted from the registry (every module in each of its
languages, on each paper, in each variant), never a number copied from today's content."""

from __future__ import annotations

from handouts.batch import VARIANTS
from handouts.content import module_locales
from handouts.registry import Registry


def catalogue_size() -> int:
    registry = Registry()
    size = sum(len(module_locales(registry.module(name))) for name in registry.module_paths()) * \
        len(registry.paper_paths()) * len(VARIANTS)
    assert size >= 6 * 6 * 2 * 2 - 1   # six modules, six languages: a registry that lost some is wrong
    return size


PDFS = catalogue_size()
