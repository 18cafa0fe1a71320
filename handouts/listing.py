"""What ``handouts list`` shows: the modules and layouts one can build with."""

from __future__ import annotations

from handouts.errors import HandoutsError
from handouts.i18n import module_locales
from handouts.layouts import layout_problems
from handouts.registry import Registry


def describe(content=(), layouts=()) -> str:
    """A plain-text table of modules (name, kind, title, languages) and layouts."""
    registry = Registry.with_extra(content, layouts)
    lines = ["Modules:"]
    rows = []
    for name in registry.module_paths():
        try:
            module = registry.module(name)
            rows.append((name, module.kind, module.title, ", ".join(module_locales(module))))
        except HandoutsError as exc:
            rows.append((name, "?", f"(invalid: {exc.format_message().splitlines()[0]})", ""))
    lines += _table(("name", "kind", "title", "languages"), rows)
    lines += ["", "Layouts:"]
    layout_rows = []
    for name in registry.layout_paths():
        layout, _ = layout_problems(name, registry)
        values = layout.values if layout else {}
        kind = "(base)" if values.get("abstract") else values.get("renderer", "?")
        layout_rows.append((name, kind, values.get("description", "")))
    lines += _table(("name", "renderer", "description"), layout_rows)
    lines += ["", "Papers: " + ", ".join(registry.paper_paths())]
    return "\n".join(lines)


def _table(header, rows) -> list[str]:
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return ["  " + fmt.format(*header).rstrip()] + ["  " + fmt.format(*map(str, r)).rstrip() for r in rows]
