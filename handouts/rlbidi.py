"""The one function of ReportLab's optional ``rlbidi`` module, done with python-bidi.

ReportLab reorders right-to-left text (Arabic, Hebrew) only when ``rlbidi`` can be imported,
and ``rlbidi`` is published on ReportLab's own package index, not on PyPI. This adapter gives
ReportLab the same ``log2vis`` from python-bidi's implementation of the Unicode Bidirectional
Algorithm (UAX #9), so mixed runs such as Arabic with "CAR-T" or a phone number read in order.
"""

from __future__ import annotations

# Explicit directional formatting characters: they steer the algorithm and are never drawn.
_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LEVELS = {"LTR": "L", "RTL": "R"}


def log2vis(text: str, base_direction: str | None = None, clean: bool = True, positions_V_to_L=None,
            **_ignored) -> str:
    """``text`` in visual order; fills ``positions_V_to_L`` with each visual character's logical index."""
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    direction = _LEVELS.get((base_direction or "").upper())
    level = algorithm.PARAGRAPH_LEVELS[direction] if direction else algorithm.get_base_level(text)
    storage["base_level"], storage["base_dir"] = level, ("L", "R")[level]
    algorithm.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)
    algorithm.apply_mirroring(storage, False)
    chars = [c for c in storage["chars"] if not (clean and c["ch"] in _CONTROLS)]
    if positions_V_to_L is not None:
        positions_V_to_L[:] = [c["index"] for c in chars]
    return "".join(c["ch"] for c in chars)
