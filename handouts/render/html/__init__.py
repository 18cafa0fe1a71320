"""The HTML renderer: a document model -> one self-contained, accessible HTML file.

The page is the PDF's twin for a screen and a screen reader: the same model, the same words and
the same furniture, written as semantic HTML by Jinja2 templates with autoescaping on (nothing a
writer, translator or clinic types can become a tag, an attribute or a link). Everything the
page needs is inside it: CSS in a ``<style>``, the handout's fonts subset to the page's characters
and inlined as WOFF2 ``data:`` URIs, diagrams as inline SVG, a clinic's logo as a ``data:`` URI.
A Content-Security-Policy forbids the page to load anything else.

The page reads top to bottom as a person needs it: the title, what to do in an emergency (every
emergency box of the model, moved to the top), then the content in the model's order, then the
version, review date and the notice in the footer. Headings never skip a level; ids come from
the blocks' places in the model, so two renders of one handout are the same bytes.

Python here decides the structure (which heading level, which id, the lines of a diagram's
labels); the templates in ``templates/`` write every tag.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import Markup, escape

from handouts import model as m
from handouts.document import Handout
from handouts.render.html.figures import num

TEMPLATES = Path(__file__).parent / "templates"
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_COLOURS = {"text": "#1a1a1a", "accent": "#0b4f8a", "accent_text": "#ffffff", "muted": "#4d4d4d",
                   "rule": "#7f7f7f", "shade": "#e6eef6", "warning": "#9c2a00", "stripe": "#f2f5f8",
                   "link": "#0b4f8a"}
# A phone number's dialable start: digits, with the + and separators people write.
PHONE = re.compile(r"^\s*(\+?[\d\s().\-/\u00a0]*\d)")
BIDI_CONTROLS = "\u2066\u2067\u2068\u2069\u200e\u200f\u2060"
PHONE_START = re.compile("^[" + BIDI_CONTROLS + r"]*\s*\+?[\d\s().\-/\u00a0]*\d")


# -- inline runs and small values --------------------------------------------------------------------

def inline(nodes) -> Markup:
    """Model inlines as HTML: every piece of text escaped, links only to the model's safe schemes."""
    out = Markup()
    for node in nodes:
        if isinstance(node, m.Text):
            out += escape(node.text)
        elif isinstance(node, m.LineBreak):
            out += Markup("<br>")
        elif isinstance(node, m.Strong):
            out += Markup("<strong>{}</strong>").format(inline(node.children))
        elif isinstance(node, m.Emphasis):
            out += Markup("<em>{}</em>").format(inline(node.children))
        elif isinstance(node, m.Foreign):
            out += Markup('<span lang="{}" dir="{}">{}</span>').format(node.lang, "rtl" if node.rtl else "ltr",
                                                                     inline(node.children))
        elif isinstance(node, m.Link):
            if node.href.lower().startswith(m.SAFE_SCHEMES):  # the model checks it; so do we
                out += Markup('<a href="{}">{}</a>').format(node.href, inline(node.children))
            else:
                out += inline(node.children)
    return out


def phone_href(number: str | None) -> str | None:
    """``tel:`` and the digits (and a leading +) of a number as people write it ("555-0100",
    "+1 (555) 010-0100 ask for the nurse"); None when it does not start like a number."""
    if not number:
        return None
    text = "".join(char for char in number if char not in BIDI_CONTROLS)
    found = PHONE.match(text)
    if not found:
        return None
    digits = re.sub(r"[^\d+]", "", found.group(1))
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if sum(char.isdigit() for char in digits) >= 2 else None


def phone_parts(number: str) -> tuple[str, str]:
    """A number as written, cut after its dialable start: ("555-0199", " ask for the nurse"). The
    start is kept on one line; words after it wrap like any text."""
    found = PHONE_START.match(number or "")
    return (found.group(0), number[found.end():]) if found else ("", number or "")


def uses_emphasis(document: m.Document) -> bool:
    def visit(nodes) -> bool:
        for node in nodes:
            if isinstance(node, m.Emphasis):
                return True
            if isinstance(node, (m.Strong, m.Link, m.Foreign)) and visit(node.children):
                return True
            if isinstance(node, tuple) and visit(node):
                return True
            if hasattr(node, "__dataclass_fields__") and not isinstance(node, (m.Text, m.LineBreak)):
                if visit(getattr(node, name) for name in node.__dataclass_fields__):
                    return True
        return False

    return visit(document.walk())


# -- the page's structure ----------------------------------------------------------------------------

@dataclass
class Node:
    """One block as the templates draw it: the model node, the macro that draws it (``kind``), its
    id, its own heading's level, and the nodes inside it."""

    kind: str
    block: object
    id: str
    level: int = 0
    children: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


class Outline:
    """Heading levels that never skip: a box's heading is one below the part it is in (h2 on the
    page, h3 on a card's face), a model heading at most one below the last section heading, and a
    heading inside a box or step one below that."""

    def __init__(self, base: int):
        self.base = base
        self.current = base

    def section(self) -> int:
        self.current = self.base + 1
        return self.current

    def heading(self, model_level: int) -> int:
        self.current = max(self.base + 1, min(self.base + model_level - 1, self.current + 1))
        return self.current

    def sub(self) -> int:
        return min(self.current + 1, 6)


class Page:
    """Turns a handout's blocks into ``Node`` trees, with the figures drawn and ids given."""

    def __init__(self, handout: Handout):
        self.handout = handout
        self.figures = 0

    def nodes(self, blocks, prefix: str, outline: Outline) -> list[Node]:
        return [self.node(block, f"{prefix}{index}", outline) for index, block in enumerate(blocks, start=1)]

    def node(self, block, id: str, outline: Outline) -> Node:
        if isinstance(block, m.Heading):
            return Node("heading", block, id, outline.heading(block.level))
        if isinstance(block, m.Paragraph):
            return Node("paragraph", block, id)
        if isinstance(block, m.ListBlock):
            return Node("list", block, id)
        if isinstance(block, m.Step):
            return Node("step", block, id, outline.sub(), self.nodes(block.blocks, f"{id}-", Outline(outline.sub())))
        if isinstance(block, m.Table):
            return self.table(block, id)
        if isinstance(block, m.Callout):
            level = outline.section() if block.title else 0
            return Node("callout", block, id, level, self.nodes(block.blocks, f"{id}-", Outline(level or outline.base)))
        if isinstance(block, m.Emergency):
            level = outline.section()
            return Node("emergency", block, id, level, extra={"sub": min(level + 1, 6)})
        if isinstance(block, m.ChecklistGroup):
            return Node("checklist", block, id, outline.section())
        if isinstance(block, m.Figure):
            return self.figure(block, id)
        if isinstance(block, m.ContactBlock):
            return Node("contacts", block, id, outline.section() if block.title else 0)
        if isinstance(block, m.WriteOnLines):
            return Node("fields", block, id)
        if isinstance(block, m.Definitions):
            return Node("definitions", block, id, outline.section())
        if isinstance(block, m.FormTable):
            return Node("form", block, id, outline.section() if block.level <= 2 else outline.heading(block.level))
        raise TypeError(f"the HTML renderer has no handler for {type(block).__name__}")

    def table(self, block: m.Table, id: str) -> Node:
        header = block.header[0]
        labels = [m.plain(m.joined(cell)) for cell in header]
        rows = []
        for number, row in enumerate(block.rows, start=1):
            cells = [self.nodes(cell, f"{id}-r{number}c{column}-", Outline(6))
                     for column, cell in enumerate(row, start=1)]
            rows.append(list(zip(row, cells, labels)))
        return Node("table", block, id, extra={"header": header, "rows": rows})

    def figure(self, block: m.Figure, id: str) -> Node:
        from handouts.render.html.figures import WIDTH, draw

        self.figures += 1
        font = self.handout.font
        drawing = draw(block.kind, block.label_map, block.value_map, rtl=self.handout.rtl,
                       regular=str(font.files["regular"]), bold=str(font.files["bold"]), cjk=font.cjk,
                       language=self.handout.locale)
        return Node("figure", block, id, extra={"drawing": drawing, "width": WIDTH})


def moved_emergencies(document: m.Document) -> tuple[list, list, list]:
    """Every emergency box of the model (with signs in it), in order, to head the page; the blocks
    and the faces without them."""
    found = [(f"b{i}", block) for i, block in enumerate(document.blocks, start=1) if isinstance(block, m.Emergency)]
    blocks = [(f"b{i}", block) for i, block in enumerate(document.blocks, start=1)
              if not isinstance(block, m.Emergency)]
    faces = []

    def moved(block) -> bool:  # a folded card's cover keeps its two calls: the signs they point to come first
        return isinstance(block, m.Emergency) and bool(block.emergency_signs or block.team_signs)

    for number, face in enumerate(document.faces, start=1):
        found += [(f"f{number}b{i}", block) for i, block in enumerate(face.blocks, start=1) if moved(block)]
        faces.append((face, [(f"f{number}b{i}", block) for i, block in enumerate(face.blocks, start=1)
                             if not moved(block)]))
    return found, blocks, faces


def has_contacts(document: m.Document) -> bool:
    return any(isinstance(block, m.ContactBlock) or (isinstance(block, m.Emergency) and block.contacts)
               for block in document.walk())


def colours(layout) -> dict:
    """The layout's colours, each checked to be a plain hex colour (they go into CSS); links take
    the layout's ``link`` colour, else its accent."""
    given = dict(layout.values.get("colours") or {})
    given.setdefault("link", given.get("accent"))
    return {name: given[name] if isinstance(given.get(name), str) and HEX.match(given[name]) else default
            for name, default in DEFAULT_COLOURS.items()}


def topic_width(layout) -> str:
    """The share of a comparison table's width its topic column takes, in percent (as the PDF)."""
    table = layout.values.get("table") or {}
    try:
        share = float(table.get("topic_width", 0.22))
    except (TypeError, ValueError):
        share = 0.22
    return f"{min(max(share, 0.1), 0.5) * 100:.0f}"


def logo_uri(path: str | None) -> str | None:
    """A clinic's logo (PNG or JPEG, checked when the profile was read) as a ``data:`` URI."""
    if not path:
        return None
    data = Path(path).read_bytes()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg" if data.startswith(b"\xff\xd8") else None
    if kind is None:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


# -- the templates -------------------------------------------------------------------------------------

def pictogram_shapes(kind: str, rtl: bool) -> list[dict]:
    """A pictogram's shapes in SVG units (a 100-unit square, y down), with their CSS classes."""
    from handouts.render.pictograms import shapes

    out = []
    for shape in shapes(kind, rtl):
        css = "ring" if shape.stroke else shape.fill
        if shape.circle:
            cx, cy, r = shape.circle
            out.append({"css": css, "circle": (num(cx * 100), num(100 - cy * 100), num(r * 100)),
                        "stroke": num(shape.stroke_width * 100) if shape.stroke else ""})
        else:
            points = " ".join(f"{num(x * 100)},{num(100 - y * 100)}" for x, y in shape.points)
            out.append({"css": css, "circle": (), "points": points, "stroke": ""})
    return out


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["inline"] = inline
    env.filters["plain"] = m.plain
    env.globals["phone_href"] = phone_href
    env.globals["phone_parts"] = phone_parts
    env.globals["joined"] = m.joined
    env.globals["Paragraph"] = m.Paragraph
    env.globals["pictogram_shapes"] = pictogram_shapes
    return env


class _Text(HTMLParser):
    """The characters a page shows: its text, and the column names CSS writes before stacked cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        self.parts += [value or "" for name, value in attrs if name in ("data-label", "alt", "value")]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def render_html(handout: Handout) -> bytes:
    """One handout as a self-contained HTML file (UTF-8 bytes)."""
    from handouts.render.html.fonts import page_faces

    document = handout.document
    page = Page(handout)
    top = Outline(1)
    found, blocks, faces = moved_emergencies(document)
    emergencies = [page.node(block, id, top) for id, block in found]
    body = [page.node(block, id, top) for id, block in blocks]
    face_nodes, inner = [], top   # inner: the outline of the face being filled
    for number, (face, face_blocks) in enumerate(faces, start=1):
        if face_nodes and face_nodes[-1].block.side == face.side:  # a folded card's inside: one section
            face_nodes[-1].children.extend(page.node(block, id, inner) for id, block in face_blocks)
            continue
        level = top.section()
        inner = Outline(level)
        children = [page.node(block, id, inner) for id, block in face_blocks]
        face_nodes.append(Node("face", face, f"f{number}", level, children,
                               {"name": document.furniture.side(face.side)}))
    fur = document.furniture
    footer_contacts = None
    if fur.contacts is not None and not has_contacts(document):  # who to call is always on the page
        footer_contacts = Node("contacts", fur.contacts, "footer-contacts", 2)
    context = {
        "handout": handout,
        "doc": document,
        "fur": fur,
        "lang": document.locale,
        "dir": "rtl" if document.rtl else "ltr",
        "large": handout.variant == "large-print",
        "emergencies": emergencies,
        "body": body,
        "faces": face_nodes,
        "footer_contacts": footer_contacts,
        "logo": logo_uri(fur.logo),
        "address": fur.contacts.address.strip() if fur.contacts is not None and fur.contacts.address else "",
        "colours": colours(handout.layout),
        "topic_width": topic_width(handout.layout),
    }
    template = environment().get_template("page.html.j2")
    # First without fonts, to learn the characters the page shows; then with them, cut to those.
    draft = template.render(context | {"fonts": [], "emphasis_bold": False})
    private = any(isinstance(block, m.WriteOnLines) and block.values for block in document.walk())
    fonts, emphasis_bold = page_faces(handout.font, shown_text(draft), uses_emphasis(document), private)
    return template.render(context | {"fonts": fonts, "emphasis_bold": emphasis_bold}).encode("utf-8")


__all__ = ["render_html", "inline", "phone_href"]
