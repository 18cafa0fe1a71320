"""Renderers, registered in one place: each takes a document model plus its layout and returns
the bytes of one file.

A renderer is a name, an output format, a file suffix and the kinds it can draw. The PDF
renderer is the only one so far; an HTML renderer registers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from handouts.errors import UnknownNameError


@dataclass(frozen=True)
class Renderer:
    name: str
    format: str
    suffix: str
    entry: str          # "module:function", imported only when something is drawn

    def __call__(self, handout) -> bytes:
        module, function = self.entry.split(":")
        return getattr(import_module(module), function)(handout)


RENDERERS = {
    "pdf": Renderer("pdf", "application/pdf", ".pdf", "handouts.render.pdf:render_pdf"),
    "html": Renderer("html", "text/html", ".html", "handouts.render.html:render_html"),
}


def renderer(name: str = "pdf") -> Renderer:
    try:
        return RENDERERS[name]
    except KeyError:
        raise UnknownNameError(f"unknown output format '{name}'", hint=f"formats: {', '.join(RENDERERS)}") from None


def render(handout, format: str = "pdf") -> bytes:
    """Draw one handout in one format."""
    return renderer(format)(handout)
