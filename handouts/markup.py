"""Markdown in content -> document-model nodes, through a whitelist.

Content Markdown is rendered to HTML by Python-Markdown, then rebuilt tag by tag into model nodes
(``handouts.model``) from a short list: bold, italic, one-level lists, line breaks and https, tel
or mailto links. Anything else (raw HTML, images, other link schemes) is an error naming the file
and line. Text comes out as plain Unicode in ``Text`` nodes; no renderer ever parses it again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown as markdown_lib

from handouts.errors import MarkupError
from handouts.model import SAFE_SCHEMES, Emphasis, LineBreak, Link, ListBlock, Paragraph, Source, Strong, Text, joined

_INLINE = {"strong": Strong, "b": Strong, "em": Emphasis, "i": Emphasis}


class _Rebuilder(HTMLParser):
    """Walks the HTML Markdown made and keeps only whitelisted structure, as model nodes."""

    def __init__(self, source: Source):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.blocks: list = []
        self.lists: list[tuple[bool, list]] = []
        self.stack: list[tuple[object, list]] | None = None   # open inline elements, innermost last
        self.refused: str | None = None

    def _open(self) -> list:
        if self.stack is None:
            self.stack = [(None, [])]
        return self.stack[-1][1]

    def _end_paragraph(self):
        if self.stack is not None:
            while len(self.stack) > 1:  # close what Markdown left open
                self._close_inline()
            content = _trim(tuple(self.stack[0][1]))
            if content:
                if self.lists:
                    self.lists[-1][1].append(content)
                else:
                    self.blocks.append(Paragraph(content, self.source))
        self.stack = None

    def _close_inline(self):
        (kind, children), = self.stack[-1:]
        self.stack.pop()
        if isinstance(kind, tuple):  # a link: ("a", href)
            node = Link(kind[1], tuple(children)) if kind[1] else None
        else:
            node = kind(tuple(children))
        if node is not None:
            self.stack[-1][1].append(node)
        else:
            self.stack[-1][1].extend(children)

    def handle_starttag(self, tag, attrs):
        if tag in _INLINE:
            self._open()
            self.stack.append((_INLINE[tag], []))
        elif tag == "br":
            self._open().append(LineBreak())
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.lower().startswith(SAFE_SCHEMES):
                self.refused = self.refused or f"link to '{href}' (only https:, tel: and mailto: links are allowed)"
                href = ""
            self._open()
            self.stack.append((("a", href), []))
        elif tag in ("p", "li"):
            self._end_paragraph()
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            self.lists.append((tag == "ol", []))
        elif tag == "img":
            self.refused = self.refused or "an image (images are not allowed in content)"
        elif tag == "code":
            pass  # shown as plain text: a patient handout has no use for code formatting
        else:
            self.refused = self.refused or f"'<{tag}>' (only bold, italic, lists, line breaks and links)"

    def handle_endtag(self, tag):
        if tag in _INLINE or tag == "a":
            if self.stack and len(self.stack) > 1:
                self._close_inline()
        elif tag in ("p", "li"):
            self._end_paragraph()
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            ordered, items = self.lists.pop()
            if self.lists:  # a nested list reads as items of its parent: handouts stay one level deep
                self.lists[-1][1].extend(items)
            elif items:
                self.blocks.append(ListBlock(tuple(items), ordered, self.source))

    def handle_data(self, data):
        if data.strip() or self.stack is not None:
            target = self._open()
            if target and isinstance(target[-1], Text):
                target[-1] = Text(target[-1].text + data)
            else:
                target.append(Text(data))


def _trim(content: tuple) -> tuple:
    """Inlines without the white space Markdown leaves at the ends of a paragraph."""
    content = list(content)
    while content and isinstance(content[0], Text) and not content[0].text.strip():
        content.pop(0)
    while content and isinstance(content[-1], Text) and not content[-1].text.strip():
        content.pop()
    if content and isinstance(content[0], Text):
        content[0] = Text(content[0].text.lstrip())
    if content and isinstance(content[-1], Text):
        content[-1] = Text(content[-1].text.rstrip())
    return tuple(_join_lines(node) for node in content)


def _join_lines(node):
    """A newline inside a Markdown paragraph is a space (a hard break is ``LineBreak``)."""
    if isinstance(node, Text):
        return Text(node.text.replace("\n", " "))
    if isinstance(node, (Strong, Emphasis)):
        return type(node)(tuple(_join_lines(child) for child in node.children))
    if isinstance(node, Link):
        return Link(node.href, tuple(_join_lines(child) for child in node.children))
    return node


_md = markdown_lib.Markdown(extensions=[], output_format="html")


def to_blocks(text: str, *, path=None, line: int | None = None, field_name: str = "") -> list:
    """Convert one Markdown string to ``Paragraph`` and ``ListBlock`` nodes; raises
    ``MarkupError`` with file and line when it is unsafe.

    The nodes are immutable, so each string is converted once per process: a batch builds the
    same text on two papers and in two variants."""
    return list(_converted(text, str(path) if path is not None else None, line, field_name))


@lru_cache(maxsize=4096)
def _converted(text: str, path, line: int | None, field_name: str) -> tuple:
    _md.reset()
    html = _md.convert(text)
    where = f"{field_name}: " if field_name else ""
    if _md.htmlStash.rawHtmlBlocks:
        raw = str(_md.htmlStash.rawHtmlBlocks[0]).strip()
        raise MarkupError(f"{where}raw HTML is not allowed: {raw[:60]!r}", path=path, line=line,
                          hint="write plain Markdown: **bold**, *italic*, lists and links")
    rebuilder = _Rebuilder(Source(str(path or ""), line))
    rebuilder.feed(html)
    rebuilder.close()
    rebuilder._end_paragraph()
    if rebuilder.refused:
        raise MarkupError(f"{where}not allowed in content: {rebuilder.refused}", path=path, line=line,
                          hint="write plain Markdown: **bold**, *italic*, lists and https/tel/mailto links")
    return tuple(rebuilder.blocks)


def to_inline(text: str, **where) -> tuple:
    """One run of inlines for places that hold a single paragraph (table cells, card bullets)."""
    return joined(to_blocks(text, **where))


# -- typographic quotes ------------------------------------------------------------------------------
# Authors and translators type straight quotes; print has curly ones ("a “living drug”", "won’t").
# Link targets and web addresses are left as typed.
_AS_TYPED = re.compile(r"\]\([^)]*\)|<[^>\s]*>|[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_OPENS_AFTER = r"(^|[\s(\[{\u2014\u2013/-])"


def curly_quotes(text: str) -> str:
    """``text`` with its straight quotes and apostrophes as typographic ones: an apostrophe inside
    a word (won't, Crohn's) and a closing quote become ’ and ”, an opening one ‘ and “ (after a
    space, a bracket or a dash, or at the start)."""
    if "'" not in text and '"' not in text:
        return text
    parts, last = [], 0
    for found in _AS_TYPED.finditer(text):
        parts += [_curl(text[last:found.start()]), found.group()]
        last = found.end()
    return "".join(parts + [_curl(text[last:])])


def _curl(text: str) -> str:
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    text = re.sub(_OPENS_AFTER + "'", "\\1\u2018", text)
    text = re.sub(_OPENS_AFTER + '"', "\\1\u201c", text)
    return text.replace("'", "\u2019").replace('"', "\u201d")
