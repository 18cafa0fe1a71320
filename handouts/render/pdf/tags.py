"""Tagged PDF: a structure tree that tells assistive technology what each piece of a page is.

ReportLab's open-source edition writes no structure, so this is done in two steps:

1. While the story is built, each handler hangs a ``StructNode`` (``H1``, ``P``, ``LI``, ``TH``...)
   on the flowables it makes, under its parent, in reading order (the model's order, which in a
   right-to-left handout is not the drawing order of a mirrored table row).
2. While pages are drawn, a ``Tagger`` on the canvas wraps what each tagged flowable draws in
   marked content (``/P <</MCID 3>> BDC ... EMC``) and notes the page and number. Everything
   else on a page (rules, shading, lines to write on, footers, crop marks, the copies of a card)
   is an ``/Artifact``: each page's content starts as one, and a tagged piece closes it and opens
   it again. Then ``tag_pdf`` writes the tree (``StructTreeRoot``, ``ParentTree``, ``/StructParents``
   on pages, ``/StructParent`` on link and check-box annotations) with pikepdf, and saves with
   qpdf's deterministic ID so the output stays byte-reproducible.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

from handouts.render.pdf.xmp import xmp_packet

TAGGED = True   # the benchmark turns this off to measure what tagging costs; nothing else does


def new_root() -> "StructNode | None":
    """The ``Document`` element a handout's structure is built under (None: an untagged PDF)."""
    return StructNode("Document") if TAGGED else None


@dataclass(eq=False)
class StructNode:
    """One structure element: its standard role, attributes, and kids in reading order. A kid is a
    ``StructNode``, ``("mcid", page, number)`` or ``("annot", page, index in the page's /Annots)``."""

    role: str
    kids: list = field(default_factory=list)
    alt: str = ""
    scope: str = ""          # TH: Column or Row
    colspan: int = 0         # TH or TD: the columns it spans, when more than one
    empty: bool = False      # kept with nothing in it: a table's empty corner cell, so every row has its columns
    quiet: bool = False      # what is drawn inside (a diagram's labels) is covered by this node's /Alt
    actual_text: str = ""    # what it says, where its marked content is spelled for visual readers

    def add(self, role: str, **attributes) -> "StructNode":
        child = StructNode(role, **attributes)
        self.kids.append(child)
        return child

    def has_content(self) -> bool:
        return any(not isinstance(kid, StructNode) or kid.has_content() for kid in self.kids)


class Tagger:
    """Marked content for one document being drawn: hands out MCIDs page by page."""

    def __init__(self):
        self.next_mcid: dict[int, int] = {}
        self.depth = 0           # inside a node marked ``quiet`` (a figure), nothing more is tagged
        self.current: StructNode | None = None   # the node whose marked content is open
        self.lang = ""                           # the language of the run being drawn, if not the document's
        self.link: StructNode | None = None      # the Link element of the run being drawn, if it is a link
        self.links: dict[str, StructNode] = {}   # the node's Link elements by address: a link wrapped onto
                                                 # a second line is one element with two annotations
        self.line: dict | None = None            # while a line is drawn: each node -> where its kids of the line begin
        self.order: dict = {}                    # each kid of the line -> the logical position of its text
        self.logical = 0                         # the logical position of what is being marked
        self.in_span = False                     # an /ActualText span is the open marked content
        self.outline_level = -1                  # the level of the last bookmark (see ``bookmark``)
        self.bookmarks = 0
        self.marked: list[StructNode] = []       # the headings that have their bookmark

    def bookmark(self, canvas, node: StructNode | None, title: str, top: float) -> None:
        """A bookmark (the PDF's outline) to a heading being drawn, one level per heading level;
        a level is never skipped (an H3 under an H1 is one level down), as outlines cannot."""
        if node is None or node.role not in ("H1", "H2", "H3") or self.depth or getattr(canvas, "_formData", None) \
                or node in self.marked:   # a heading in two paragraphs (a card's banner) gets one
            return
        self.marked.append(node)
        level = min(int(node.role[1]) - 1, self.outline_level + 1)
        self.outline_level, self.bookmarks = level, self.bookmarks + 1
        key = f"h{self.bookmarks}"
        canvas.bookmarkHorizontal(key, 0, top)   # the page, scrolled to the heading's top (``top``, local)
        shown = "".join(char for char in title if unicodedata.category(char) != "Cf")   # no bidi controls
        canvas.addOutlineEntry(" ".join(shown.split()), key, level=level, closed=level > 0)

    def begin(self, canvas, node: StructNode | None) -> bool:
        """Start ``node``'s marked content on the canvas's page; False if nothing is to be tagged
        (no node, inside a figure, or inside a form XObject)."""
        if node is None or self.depth or getattr(canvas, "_formData", None):
            return False
        canvas._code.append(f"EMC /{node.role} <</MCID {self._mark(canvas.getPageNumber(), node)}>> BDC")
        self.current = node
        if node.quiet:
            self.depth += 1
        return True

    def _mark(self, page: int, node: StructNode) -> int:
        mcid = self.next_mcid.get(page, 0)
        self.next_mcid[page] = mcid + 1
        self._kid(node, ("mcid", page, mcid))
        return mcid

    def _kid(self, node: StructNode, kid) -> None:
        if self.line is not None:
            self.line.setdefault(node, len(node.kids))
            self.order[id(kid) if isinstance(kid, StructNode) else kid] = self.logical
        node.kids.append(kid)

    # A line is drawn left to right as seen; a right-to-left run's clusters come out last word first.
    # Each cluster of such a run is its own marked content, and when the line ends each node's kids
    # of that line are put in the order their text is read (PDF 14.8.2.3: the structure tree, not the
    # drawing, gives the reading order), so a screen reader reads Arabic in logical order.
    def start_line(self) -> None:
        self.line, self.order, self.logical = {}, {}, 0

    def at(self, logical: int) -> None:
        """What is marked next starts at ``logical`` in the paragraph's text."""
        self.logical = logical

    def split(self, ops: list, page: int) -> None:
        """Close the open marked content and go on in a new one of the same node (a cluster of its
        own, or a run of the line read at another place than it is drawn)."""
        if self.current is not None and not self.depth:
            self.resume(ops, page)

    def end_line(self) -> None:
        def key(kid):
            return self.order.get(id(kid) if isinstance(kid, StructNode) else kid, float("inf"))

        for node, start in (self.line or {}).items():
            node.kids[start:] = sorted(node.kids[start:], key=key)   # stable: ties keep their order
        self.line, self.order = None, {}

    def actual_text(self, ops: list, page: int, spelled_hex: str, logical: str | None = None) -> bool:
        """Open a ``/Span`` with ``/ActualText`` (a joined Arabic letter, a Devanagari conjunct) in
        a line's operators as a marked-content sequence of its own in the node being drawn, not
        nested inside it: a reader that ends the outer sequence at the inner EMC (poppler's) would
        lose the rest of the line. False when nothing is being tagged: the caller nests a plain
        span as before."""
        if self.current is None or self.depth:
            return False
        node = self.link or self.current
        if logical is not None:
            # A cluster of several letters in a right-to-left line (lam-alef) is spelled backwards in
            # the content, for readers that take a line from drawn positions and reverse it (poppler,
            # MuPDF); a /Span element of its own gives readers of the tree its letters in order.
            span = StructNode("Span", actual_text=logical)
            self._kid(node, span)
            node = span
        lang = f" /Lang {_pdf_string(self.lang)}" if self.lang else ""
        ops.append(f"EMC /Span <</MCID {self._mark(page, node)} /ActualText <{spelled_hex}>{lang}>> BDC")
        self.in_span = True
        return True

    def resume(self, ops: list, page: int) -> None:
        """After an ``actual_text`` span: go on with the marked content of the node being drawn (or
        of the link in it), in the language of the run it is in."""
        node = self.link or self.current
        lang = f" /Lang {_pdf_string(self.lang)}" if self.lang else ""
        role = node.role if node is self.link or not lang else "Span"
        ops.append(f"EMC /{role} <</MCID {self._mark(page, node)}{lang}>> BDC")
        self.in_span = False

    def run(self, ops: list, page: int, lang: str, href: str | None) -> StructNode | None:
        """A run of a line starts whose language (``lang``, "" for the document's) or linkness
        differs from the run before: its words go into a ``Link`` element of their own, which
        ``annotation`` ties to the link's annotation, and its marked content says its language
        with /Lang (PDF 14.9.2), so a screen reader switches voice. Returns the Link element."""
        if self.current is None or self.depth:
            return None
        self.lang = lang
        if href is not None and href not in self.links:
            self.links[href] = StructNode("Link")
            self._kid(self.current, self.links[href])
        self.link = self.links[href] if href is not None else None
        self.resume(ops, page)
        return self.link

    def end(self, canvas, node: StructNode) -> None:
        if node.quiet:
            self.depth -= 1
        self.current, self.lang, self.link, self.links, self.in_span = None, "", None, {}, False
        canvas._code.append("EMC /Artifact BMC")

    def annotation(self, canvas, node: StructNode | None) -> None:
        """Tie the annotation about to be added to the page (a link, a check box) to ``node``."""
        if node is None or self.depth or getattr(canvas, "_formData", None):
            return
        node.kids.append(("annot", canvas.getPageNumber(), len(canvas._annotationrefs)))


def _pdf_string(text: str) -> str:
    """A language tag as a PDF literal string (letters, digits and hyphens only)."""
    return "(" + "".join(char for char in text if char.isalnum() or char == "-") + ")"


def tagger_of(canvas) -> Tagger | None:
    return getattr(canvas, "tagger", None)


def annotation(canvas, node: StructNode | None) -> None:
    """Tie the annotation about to be added (a form field's widget) to ``node``, if the PDF is tagged."""
    tagger = tagger_of(canvas)
    if tagger is not None:
        tagger.annotation(canvas, node)


class Marked:
    """``with Marked(canvas, node):`` wraps what is drawn inside in ``node``'s marked content."""

    def __init__(self, canvas, node: StructNode | None):
        self.canvas, self.node = canvas, node
        self.tagger = tagger_of(canvas)
        self.active = False

    def __enter__(self):
        if self.tagger is not None:
            self.active = self.tagger.begin(self.canvas, self.node)
        return self

    def __exit__(self, *exc):
        if self.active:
            self.tagger.end(self.canvas, self.node)
        return False


def artifact_page(code: list) -> None:
    """Make everything on a finished page an artifact but what a tagged flowable marked."""
    code.insert(0, "/Artifact BMC")
    code.append("EMC")


def pagination(code: list, draw) -> None:
    """Draw page furniture (a running footer) as a pagination artifact."""
    code.append("/Artifact <</Type /Pagination>> BDC")
    draw()
    code.append("EMC")


# -- the structure tree, written with pikepdf -------------------------------------------------------

def tag_pdf(data: bytes, root: StructNode | None, *, lang: str) -> bytes:
    """``data`` with ``root`` as its structure tree, marked as tagged, its language given, its title
    shown and its XMP metadata (PDF/UA-1 identification) written; without a root (the benchmark's
    untagged PDFs), ``data`` as it is."""
    if root is None:
        return data
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.open(io.BytesIO(data))
    pages = list(pdf.pages)
    by_page: dict[int, dict[int, object]] = {index: {} for index in range(len(pages))}
    annotation_parents: list[tuple[object, object]] = []

    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))

    def element(node: StructNode, parent) -> object | None:
        if not node.has_content() and not node.empty:
            return None
        made = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent))
        # the element's page: its marked content there is named by number alone, not by an MCR
        # dictionary each (an Arabic sheet has thousands of /ActualText sequences)
        home = next((kid[1] for kid in node.kids if not isinstance(kid, StructNode) and kid[0] == "mcid"), None)
        if home is not None:
            made.Pg = pages[home - 1].obj
        kids = Array()
        for kid in node.kids:
            if isinstance(kid, StructNode):
                child = element(kid, made)
                if child is not None:
                    kids.append(child)
                continue
            what, page, number = kid
            page_obj = pages[page - 1].obj
            if what == "mcid":
                by_page[page - 1][number] = made
                kids.append(number if page == home else Dictionary(Type=Name.MCR, Pg=page_obj, MCID=number))
            else:
                annot = page_obj.Annots[number]
                action = annot.get("/A")
                if annot.get("/Subtype") == Name.Link and "/Contents" not in annot and action is not None \
                        and "/URI" in action:  # PDF/UA 7.18.5: a link says where it goes
                    annot.Contents = String(str(action.URI))
                if annot.get("/Subtype") == Name.Link:   # printed as shown (the Print flag, 12.5.3)
                    annot.F = int(annot.get("/F", 0)) | 4
                annotation_parents.append((annot, made))
                kids.append(Dictionary(Type=Name.OBJR, Pg=page_obj, Obj=annot))
        made.K = kids
        if node.alt:
            made.Alt = String(node.alt)
        if node.actual_text:
            made.ActualText = String(node.actual_text)
        if node.scope or node.colspan:
            made.A = Dictionary(O=Name.Table)
            if node.scope:
                made.A.Scope = Name("/" + node.scope)
            if node.colspan > 1:
                made.A.ColSpan = node.colspan
        return made

    document = element(root, tree_root)
    tree_root.K = Array([document]) if document is not None else Array()
    nums = Array()
    for index, page in enumerate(pages):
        page.obj.StructParents = index
        page.obj.Tabs = Name.S
        marks = by_page[index]
        nums.append(index)
        nums.append(Array([marks[number] for number in range(len(marks))]))
    key = len(pages)
    for annot, made in annotation_parents:
        annot.StructParent = key
        nums.append(key)
        nums.append(made)
        key += 1
    form_fonts(pdf)
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = key
    pdf.Root.StructTreeRoot = tree_root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String(lang)
    preferences = pdf.Root.get("/ViewerPreferences", Dictionary())
    preferences.DisplayDocTitle = True
    pdf.Root.ViewerPreferences = preferences
    info = {str(key)[1:]: str(value) for key, value in pdf.docinfo.items()}
    pdf.Root.Metadata = pdf.make_stream(xmp_packet(info, lang), Type=Name.Metadata, Subtype=Name.XML)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, fix_metadata_version=False,  # XMP as written
             object_stream_mode=pikepdf.ObjectStreamMode.generate)  # the tree's many small objects, compressed
    return out.getvalue()


def form_fonts(pdf) -> None:
    """Text fields typed in with the handout's own embedded font, not Helvetica.

    ReportLab writes a text field whose default appearance names Helvetica, a font no PDF of ours
    embeds. Each field now names the regular font its page already embeds (the subset whose codes
    are the characters' own: digits, Latin letters, the degree sign), in its own ``/DA`` and the
    form's ``/DR``; its empty appearance draws no text and needs no font. A viewer types with that
    font what it holds and substitutes what it does not: a log is written on by hand, and its
    HTML twin has real inputs for typing."""
    from pikepdf import Dictionary, Name, String

    form = pdf.Root.get("/AcroForm")
    if form is None:
        return
    fonts = Dictionary()
    regular_of: dict = {}   # a page -> the name of its regular font with the characters' own codes

    def regular(page) -> str:
        if page.objgen not in regular_of:
            page_fonts = page.Resources.get("/Font", {})
            named = sorted((str(font.BaseFont), key) for key, font in page_fonts.items()
                           if str(font.get("/BaseFont", "")).endswith("-Regular"))
            if not named:
                raise ValueError("a text field on a page with no regular font")
            key = named[0][1]     # AAAAAA+...: the subset of the characters' own codes
            fonts[key] = page_fonts[key]
            regular_of[page.objgen] = key
        return regular_of[page.objgen]

    for widget in form.get("/Fields", []):
        if widget.get("/FT") != Name.Tx:
            continue
        key = regular(widget.P)
        colour = str(widget.get("/DA", "0 g")).split("Tf")[-1].strip() or "0 g"
        widget.DA = String(f"{key} 0 Tf {colour}")
        for appearance in widget.AP.values():   # empty: it draws no text (ReportLab shares equal ones)
            if "/Font" in appearance.get("/Resources", {}):
                del appearance.Resources["/Font"]
    if len(fonts):
        form.DR = Dictionary(Font=fonts)
        form.DA = String(f"{next(iter(fonts.keys()))} 0 Tf 0 g")
