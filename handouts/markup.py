"""Markdown in content -> ReportLab paragraph markup, through a whitelist.

ReportLab's paragraph markup is powerful in ways a handout must never be: ``<img src>`` embeds
any local file, ``<a href>`` writes any link, ``<font>`` changes the face. So content Markdown is
rendered to HTML, then rebuilt tag by tag from a short list; anything else is an error naming the
file and line, and every piece of text is escaped on the way out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

import markdown as markdown_lib

from handouts.errors import MarkupError

SAFE_SCHEMES = ("https:", "tel:", "mailto:")
_INLINE = {"strong": "b", "b": "b", "em": "i", "i": "i"}


def escape_text(text: str) -> str:
    """Plain text as ReportLab markup that shows exactly what was typed."""
    return escape(text, quote=True)


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>")


def plain_text(markup: str) -> str:
    """Our markup as the words it shows: tags dropped, entities decoded, line breaks as newlines."""
    return unescape(_TAG.sub("", _BREAK.sub("\n", markup.replace("\n", " "))))


@dataclass
class Block:
    """A paragraph (``kind='p'``) or a list (``'ul'``/``'ol'``) of paragraphs, as safe markup."""

    kind: str
    items: list = field(default_factory=list)


class _Rebuilder(HTMLParser):
    """Walks the HTML Markdown made and keeps only whitelisted structure."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.lists: list[Block] = []
        self.current: list[str] | None = None
        self.refused: str | None = None

    def _text_target(self) -> list[str]:
        if self.current is None:
            self.current = []
        return self.current

    def _end_paragraph(self):
        if self.current is not None and "".join(self.current).strip():
            markup = "".join(self.current).strip()
            if self.lists:
                self.lists[-1].items.append(markup)
            else:
                self.blocks.append(Block("p", [markup]))
        self.current = None

    def handle_starttag(self, tag, attrs):
        if tag in _INLINE:
            self._text_target().append(f"<{_INLINE[tag]}>")
        elif tag == "br":
            self._text_target().append("<br/>")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.lower().startswith(SAFE_SCHEMES):
                self.refused = self.refused or f"link to '{href}' (only https:, tel: and mailto: links are allowed)"
            self._text_target().append(f'<a href="{escape_text(href)}" color="#0b4f8a"><u>')
        elif tag in ("p", "li"):
            self._end_paragraph()
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            block = Block(tag)
            self.lists.append(block)
        elif tag == "img":
            self.refused = self.refused or "an image (images are not allowed in content)"
        elif tag == "code":
            pass  # shown as plain text: a patient handout has no use for code formatting
        else:
            self.refused = self.refused or f"'<{tag}>' (only bold, italic, lists, line breaks and links)"

    def handle_endtag(self, tag):
        if tag in _INLINE:
            self._text_target().append(f"</{_INLINE[tag]}>")
        elif tag == "a":
            self._text_target().append("</u></a>")
        elif tag in ("p", "li"):
            self._end_paragraph()
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            block = self.lists.pop()
            if self.lists:  # a nested list reads as items of its parent: handouts stay one level deep
                self.lists[-1].items.extend(block.items)
            elif block.items:
                self.blocks.append(block)

    def handle_data(self, data):
        if data.strip() or self.current is not None:
            self._text_target().append(escape_text(data))


_md = markdown_lib.Markdown(extensions=[], output_format="html")


def to_blocks(text: str, *, path=None, line: int | None = None, field_name: str = "") -> list[Block]:
    """Convert one Markdown string; raises ``MarkupError`` with file and line when it is unsafe."""
    _md.reset()
    html = _md.convert(text)
    where = f"{field_name}: " if field_name else ""
    if _md.htmlStash.rawHtmlBlocks:
        raw = str(_md.htmlStash.rawHtmlBlocks[0]).strip()
        raise MarkupError(f"{where}raw HTML is not allowed: {raw[:60]!r}", path=path, line=line,
                          hint="write plain Markdown: **bold**, *italic*, lists and links")
    rebuilder = _Rebuilder()
    rebuilder.feed(html)
    rebuilder.close()
    rebuilder._end_paragraph()
    if rebuilder.refused:
        raise MarkupError(f"{where}not allowed in content: {rebuilder.refused}", path=path, line=line,
                          hint="write plain Markdown: **bold**, *italic*, lists and https/tel/mailto links")
    return rebuilder.blocks


def to_inline(text: str, **where) -> str:
    """One paragraph of markup for places that hold a single line (table cells, card bullets)."""
    blocks = to_blocks(text, **where)
    return "<br/>".join(item for block in blocks for item in block.items)
