"""Content -> document model: one module, translated, filled in and checked, as a ``Document``.

This is where a module's English and its catalogue meet the facts and the clinic profile, and
where page furniture is decided, so every renderer draws the same handout. Nothing here knows
about PDF or HTML.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from handouts import model as m
from handouts.clinic import Clinic
from handouts.content import Module
from handouts.errors import ContentError, FontError
from handouts.facts import (
    PLACEHOLDERS,
    Fact,
    Product,
    fill,
    load_fact_tables,
    placeholder_problem,
    placeholders_in,
    product_weeks,
)
from handouts.fonts import FontFamily, covered_characters, family_for_locale
from handouts.i18n import (
    COMMON,
    Translator,
    babel_locale,
    is_rtl,
    load_translator,
    locale_script,
    script_name,
    translator_for,
)
from handouts.kinds import kind_of, stage
from handouts.layouts import Layout, Paper, load_layout, load_paper
from handouts.markup import curly_quotes, to_blocks
from handouts.output import twin_name
from handouts.registry import Registry
from handouts.schema import Text, map_record_texts

ISOLATE = "\u2066{}\u2069"   # left-to-right isolate: "38 °C (100.4 °F)" keeps its order in Arabic text
FIRST_STRONG = "\u2068{}\u2069"  # a clinic's name or address runs in the direction of its own first letter
WORD_JOINER = "\u2060"         # invisible; no line may break beside it


@dataclass
class Handout:
    """One document model and what a renderer needs to draw it: layout, paper, font."""

    document: m.Document
    module: Module
    layout: Layout
    paper: Paper
    font: FontFamily
    clinic: Clinic
    variant: str = "standard"
    draft: bool = False
    warnings: list = field(default_factory=list)

    @property
    def locale(self) -> str:
        return self.document.locale

    @property
    def rtl(self) -> bool:
        return self.document.rtl


def common_strings(registry: Registry | None = None) -> dict:
    """The English words every handout prints around its content, a clinic's own
    ``_common/strings.yaml`` rewording the bundled ones key by key."""
    return {key: text for key, (text, _, _) in (registry or Registry()).common_string_entries().items()}


def format_number(value: float, locale: str = "en") -> str:
    """At most one decimal, in the locale's notation (38,3 in Spanish)."""
    from babel.numbers import format_decimal

    return format_decimal(round(float(value), 1), format="#,##0.#", locale=babel_locale(locale))


def format_date(value: date, locale: str) -> str:
    """A date as the locale writes it (25 de noviembre de 2026, 2026年11月25日)."""
    from babel.dates import format_date as babel_format_date

    text = babel_format_date(value, format="long", locale=babel_locale(locale))
    # A date is never broken across two lines ("25 | noviembre", "2026年11 | 月25日"): no-break
    # spaces, and a WORD JOINER between Chinese characters, where any two may otherwise part.
    text = text.replace(" ", "\u00a0")
    return "".join(char + (WORD_JOINER if ord(char) >= 0x2E80 and index + 1 < len(text) else "")
                   for index, char in enumerate(text))


def settings_of(facts: dict[str, Fact], clinic: Clinic, products: dict[str, Product] | None = None) -> dict:
    """Every fact's value: the dated default, then the label's weeks of the clinic's CAR-T product
    (``settings.car_t_product``), then the clinic's own setting (never less than that label)."""
    weeks = product_weeks(products or {}, clinic.settings, clinic.source)
    return {name: fact.value for name, fact in facts.items()} | clinic.settings | weeks


def fahrenheit_first(clinic: Clinic, paper: str) -> bool:
    """Whether the fever threshold reads "100.4 °F (38 °C)": the clinic says, else the paper does
    (Letter is the paper of the countries that take temperatures in Fahrenheit)."""
    order = clinic.settings.get("temperature_first")
    return order == "fahrenheit" if order else paper == "letter"


def counted(words: dict, key: str, count: float, locale: str) -> str:
    """"1 week", "2 weeks", Arabic "أسبوعين": the catalogue's plural form of a counted word for
    ``count``, its number in the locale's notation."""
    form = words[key]
    text = form(int(count)) if callable(form) else (form[0] if count == 1 else form[1])
    # a no-break space: "2 / weeks" never splits across two lines
    return text.replace("{n} ", "{n}\u00a0").replace("{n}", format_number(count, locale))


def placeholder_values(facts: dict[str, Fact], clinic: Clinic, locale: str = "en", words: dict | None = None,
                       paper: str = "a4", products: dict[str, Product] | None = None) -> dict[str, str]:
    """Each placeholder's text: the clinic's setting where it has one, else the dated default.

    Weeks come with their word, in the plural form the locale's rule picks ("1 week", "2 weeks").
    The emergency number is the clinic's (``settings.emergency_number``), else words that work
    anywhere ("your emergency number"). A clinic's own fact fills the placeholder of its name: a
    number in the locale's notation ("2,5" in Spanish), a text as written.
    """
    words = words or common_strings()
    settings = settings_of(facts, clinic, products)
    celsius = float(settings["fever_threshold_c"])
    fahrenheit = celsius * 9 / 5 + 32
    # no-break spaces: the threshold is never split across two lines
    c_text = f"{format_number(celsius, locale)}\u00a0°C"
    f_text = f"{format_number(fahrenheit, locale)}\u00a0°F"
    first, second = (f_text, c_text) if fahrenheit_first(clinic, paper) else (c_text, f_text)
    rtl = is_rtl(locale)
    values = {
        # a word joiner before it: Chinese may break a line anywhere, but not just before "38 °C"
        "fever": WORD_JOINER + isolated(f"{first}\u00a0({second})", rtl),
        "stay_near_weeks": isolated(counted(words, "weeks", settings["stay_near_weeks"], locale), rtl, FIRST_STRONG),
        "no_driving_weeks": isolated(counted(words, "weeks", settings["no_driving_weeks"], locale), rtl,
                                     FIRST_STRONG),
        "emergency_number": isolated(settings["emergency_number"], rtl) if settings.get("emergency_number")
        else words["emergency_number"],
        "temperature_checks": isolated(counted(words, "times_a_day", settings["temperature_checks_per_day"], locale),
                                       rtl, FIRST_STRONG),
        # a sentence of the common words, so a clinic rewords it once (its own _common/strings.yaml)
        "fever_medicine": words["fever_medicine"],
    }
    assert set(values) == set(PLACEHOLDERS)
    own = {name: fact.value for name, fact in facts.items() if fact.own}
    for name, value in own.items():
        if isinstance(value, str):  # a text runs in the direction of its own first letter
            values[name] = isolated(value, is_rtl(locale), FIRST_STRONG)
        else:
            values[name] = isolated(format_number(value, locale), is_rtl(locale))
    return values


def uncovered(text: str, covered: frozenset) -> str | None:
    """The first character of ``text`` the font cannot draw (white space and controls excepted)."""
    for char in text:
        if char not in covered and not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf"):
            return char
    return None


def describe_char(char: str) -> str:
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"


def line_for(module: Module, keypath: str) -> int | None:
    """The line of a key path like ``comparison.rows[3].left`` in the module's YAML."""
    node, line = module.data, 1
    for part in keypath.replace("]", "").replace("[", ".").split("."):
        if node is None:
            break
        key = int(part) - 1 if part.isdigit() else part
        try:
            line = node.line_of(key) or line
            node = node[key]
        except (AttributeError, IndexError, KeyError, TypeError):
            break
        if not hasattr(node, "line_of"):
            node = None
    return line


def link_targets(blocks) -> set[str]:
    """Every link target in some model blocks."""
    found: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, m.Link):
                found.add(node.href)
            visit(getattr(node, "children", ()))

    for block in blocks:
        visit(block.content if isinstance(block, m.Paragraph) else [n for item in block.items for n in item])
    return found


@dataclass
class Localized:
    """A module's fields translated and filled in: Markdown fields as blocks, others as strings,
    and where each string came from."""

    data: dict
    sources: dict   # keypath -> model.Source


@dataclass(frozen=True)
class Staff:
    """A translated card's lines for emergency staff, in the clinicians' language: its module data
    and common words, localized like the patient's."""

    locale: str
    data: dict
    words: dict
    card_rtl: bool = False   # the card's own direction

    def both(self, ours: tuple, face: str, index: int, theirs) -> tuple:
        """The patient's words, then on a line of its own the same line in the staff's language
        (``theirs`` makes it from the staff's data and words), marked with that language and set
        apart from the patient's text direction."""
        return (*ours, m.LineBreak(), *self.only(face, index, theirs))

    def only(self, face: str, index: int, theirs) -> tuple:
        """The line in the staff's language alone, marked with it and set apart in its direction."""
        inlines = theirs(self.data[face][index - 1], self.words)
        start, end = self.isolate.split("{}")
        marked = (*m.text(start), *inlines, *m.text(end))
        return (m.Foreign(self.locale, marked, is_rtl(self.locale)),)

    @property
    def isolate(self) -> str:
        """The staff's words set apart in their own direction, where it is not the card's."""
        if is_rtl(self.locale) == self.card_rtl:
            return "{}"
        return "\u2067{}\u2069" if is_rtl(self.locale) else ISOLATE

    def label(self, face: str, index: int, key: str, ours: str) -> str:
        """A patient line's label in both languages: "Nombre / Name:"."""
        theirs = self.words["label"].format(label=self.data[face][index - 1]["patient"][key])
        return f"{ours} / {self.isolate.format(theirs)}"


def localize(module: Module, translate: Translator, values: dict[str, str], covered: frozenset | None = None,
             font_name: str = "") -> Localized:
    """The module's data with each patient-facing string translated, checked and made model nodes.

    With ``covered`` (the characters the font has), a character the font cannot draw is an error
    naming it, rather than a box on the page.
    """
    sources = {}

    def convert(keypath: str, english: str, spec: Text):
        line = line_for(module, keypath)
        text = curly_quotes(translate(english, context=keypath))   # typed "straight", printed “curly”
        catalogue_line = translate.line_of(english)
        where = m.Source(translate.path, catalogue_line) if catalogue_line else m.Source(module.shown, line)
        sources[keypath] = where
        missing = uncovered(text, covered) if covered is not None else None
        if missing:
            raise FontError(f"{keypath} [{translate.locale}]: {describe_char(missing)} is not in the font "
                            f"{font_name}", path=where.path, line=where.line,
                            hint="fix the text, or add a font that covers it to fonts.yaml")
        translated = catalogue_line is not None
        label = f"{keypath} [{translate.locale}]" if translated else keypath
        hint = f"placeholders are {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
        problem = placeholder_problem(english, known=values)  # the bundled placeholders and a clinic's own
        if problem:  # the English itself: reported at the module
            raise ContentError(f"{keypath}: {problem}", path=module.shown, line=line, hint=hint)
        problem = placeholder_problem(text, english, known=values) if translated else None
        if problem:
            raise ContentError(f"{label}: {problem}", path=where.path, line=where.line,
                               hint="a translation keeps every placeholder of its English, as written there")
        text = fill(text, values)
        if not spec.markdown:
            return text
        blocks = tuple(to_blocks(text, path=where.path, line=where.line, field_name=label))
        if translated and any("](" in t or "<" in t for t in (english, text)):  # links: [x](url) or <url>
            ours = link_targets(blocks)
            theirs = link_targets(to_blocks(fill(english, values), path=module.shown, line=line, field_name=keypath))
            if ours != theirs:
                raise ContentError(f"{label}: the links differ from the English ({', '.join(sorted(ours)) or 'none'} "
                                   f"against {', '.join(sorted(theirs)) or 'none'})", path=where.path,
                                   line=where.line, hint="a translation links to the same places as its English")
        return blocks

    return Localized(map_record_texts(module.fields, module.data, convert), sources)


def localized_words(translate: Translator, registry: Registry | None = None) -> dict:
    """The common strings, translated (placeholders such as ``{page}`` kept).

    The draft notice is printed in the handout's language *and* in English, so a clinician who
    does not read the language still sees that nobody has reviewed it. A translation must keep the
    placeholders of its English: the handout fills them in, and ``{pagina}`` would stop the build.
    """
    english = common_strings(registry)
    words = {key: translate(text, context=f"{COMMON}.{key}") for key, text in english.items()
             if isinstance(text, str)}
    for key, forms in english.items():
        if isinstance(forms, tuple):
            words[key] = counted_word(translate, key, forms)
    for key, text in words.items():
        if callable(text):
            continue
        try:
            same = sorted(placeholders_in(text)) == sorted(placeholders_in(english[key]))
        except ValueError:
            same = False
        if not same:
            raise ContentError(f"{COMMON}.{key} [{translate.locale}]: keep the placeholders of the English "
                               f"{english[key]!r}", path=translate.path, line=translate.line_of(english[key]))
    for key in ("draft", "draft_mark"):  # the notice, and the short mark on a wallet card
        if words[key] != english[key]:
            # the English set apart, so its full stop stays at its end in a right-to-left line
            english_part = isolated(english[key], is_rtl(translate.locale))
            words[f"{key}_parts"] = ((words[key], ""), (" / ", ""), (english_part, "en"))
            words[key] = f"{words[key]} / {english_part}"
    return words


def counted_word(translate: Translator, key: str, english: tuple):
    """A counted word of the common strings as a function of the count; each of its translated
    forms is checked first: it may leave the number out (Arabic says "two weeks" in one word,
    أسبوعين), but it may hold no other placeholder."""
    for form in translate.messages.get(english, ()):
        try:
            extra = set(placeholders_in(form)) - {"n"}
        except ValueError:
            extra = {"a single brace"}
        if extra:
            raise ContentError(f"{COMMON}.{key} [{translate.locale}]: a form of a counted word holds only {{n}}, "
                               f"not {', '.join(sorted(extra))}", path=translate.path, line=translate.line_of(english))

    def form(count: int) -> str:
        return translate.counted(english, count, context=f"{COMMON}.{key}")
    return form


def check_clinic_covered(clinic: Clinic, covered: frozenset, font_name: str, locale: str) -> None:
    """A clinic's name or numbers in a script the handout's font lacks is an error, not boxes."""
    for key, text in [("name", clinic.name), ("short_name", clinic.short_name), ("address", clinic.address),
                      *clinic.phones.items()]:
        missing = uncovered(text or "", covered)
        if missing:
            raise FontError(f"{key}: {describe_char(missing)} cannot be drawn in the {locale} handouts' font "
                            f"{font_name}", path=clinic.source, hint="write it in letters that font covers")


# -- building the model ------------------------------------------------------------------------------

def isolated(text: str, rtl: bool, pattern: str = ISOLATE) -> str:
    """Typed data set apart from right-to-left text around it. Without this, the bidi algorithm
    shows "555-0100" after Arabic words as "0100-555" (the digits become Arabic numbers and the
    hyphen no longer joins them), and "+1 555 0100" as "0100 555 1+": a number nobody could dial."""
    return pattern.format(text) if rtl and text else text


def contact_block(words: dict, clinic: Clinic, rtl: bool = False) -> m.ContactBlock:
    """Who to call: the clinic's numbers, or blank lines to write them on. The emergency line
    prints the clinic's ``settings.emergency_number`` when its ``phones:`` has no emergency
    number: a blank line there invites the clinic's own number, and a seizure should get 911."""
    numbers = {**clinic.phones}
    numbers.setdefault("emergency", (clinic.settings or {}).get("emergency_number"))
    rows = tuple(m.ContactRow(kind, words["label"].format(label=words[kind]),
                              isolated(str(numbers.get(kind) or ""), rtl) or None)
                 for kind in ("daytime", "after_hours", "emergency"))
    address = "\n".join(isolated(line, rtl, FIRST_STRONG) for line in (clinic.address or "").splitlines())
    return m.ContactBlock(words["contacts"], isolated(clinic.name or "", rtl, FIRST_STRONG), rows, address,
                          m.Source(str(clinic.source or "")))


def furniture(module: Module, locale: str, words: dict, clinic: Clinic, draft: bool,
              notice_in_footer: bool) -> m.Furniture:
    return m.Furniture(
        notice=words["notice"], notice_in_footer=notice_in_footer,
        version=words["version"].format(version=module.version),
        reviewed=words["reviewed"].format(date=format_date(module.reviewed, locale)),
        page_label=words["page"], draft=words["draft"] if draft else "",
        draft_parts=words.get("draft_parts", ()) if draft else (),
        draft_mark_parts=words.get("draft_mark_parts", ()) if draft else (),
        card_notice=words["card_notice"], card_instructions=words["card_instructions"],
        fold_instructions=words["fold_instructions"],
        draft_mark=words["draft_mark"] if draft else "",
        sides=tuple((side, words[f"card_{side}"]) for side in ("front", "back", "inside", "outside")),
        clinic=isolated(clinic.name or "", is_rtl(locale), FIRST_STRONG),
        clinic_short=isolated(clinic.short_name or clinic.name or "", is_rtl(locale), FIRST_STRONG),
        logo=str(clinic.logo) if clinic.logo else None, contacts=contact_block(words, clinic, is_rtl(locale)),
        web=clinic.web + twin_name(module.name, locale) if clinic.web else "",
        web_label=words["online"] if clinic.web else "")


def listed(entries) -> tuple:
    """The items of a YAML list of Markdown fields (each one or more blocks), as one list's items."""
    return tuple(item for entry in entries for item in m.items_of(entry))


def summary_box(words: dict, entries, source: m.Source) -> m.Callout:
    """The "Key points" box: a sheet's key points, a checklist's summary."""
    return m.Callout("key_points", m.text(words["key_points"]), (m.ListBlock(listed(entries), source=source),), source)


def emergency_blocks(data: dict, sources: dict, words: dict, fur: m.Furniture, split: bool) -> list:
    """The emergency box, whole; or, in large print (``split``), where 18 pt cannot hold it all on the
    first page, a box with the emergency signs (saying the team's signs are in the next box), then
    a box with the care team's signs, then one with the note to the caregiver and who to call.
    Each box is kept whole."""
    whole = emergency_block(data, sources, words, fur)
    if whole is None:
        return []
    if not split:  # the centre's name and address head the first page; the box keeps to the numbers
        return [replace(whole, contacts=replace(whole.contacts, clinic="", address=""))]
    # the note to the caregiver ("No answer, or not sure? Call 911...") goes with who to call: the
    # first page keeps its room for the emergency signs
    first = replace(whole, team_signs=(), team_overleaf=words["team_signs_below"], contacts=None, note=())
    second = m.Emergency(words["call_team"], "", (), "", whole.team_signs, source=whole.source,
                         first_page=False)
    third = m.Emergency(whole.contacts.title, "", (), "", (), whole.note, contacts=replace(whole.contacts, title=""),
                        source=whole.source, first_page=False)
    return [first, second, third]


def emergency_block(data: dict, sources: dict, words: dict, fur: m.Furniture, *, card_front: bool = False
                    ) -> m.Emergency | None:
    """The emergency box of a module (None when it has no ``emergency:``): emergency signs first,
    then the care team's, then who to call. A card's front shows the emergency signs and says the
    team's are on the back (they are, under their heading), with the contacts."""
    spec = data.get("emergency")
    if not spec:
        return None
    signs = listed(spec["call_emergency"])
    team = () if card_front else listed(spec["call_team"])
    # a wallet card has no room for the note to the caregiver (its alert sheet and every sheet have it)
    note = m.joined(spec["note"]) if spec.get("note") and not card_front else ()
    return m.Emergency(words["emergency_title"], words["call_emergency"],
                       signs, words["call_team"], team, note, None if card_front else fur.contacts,
                       words["team_signs_overleaf"] if card_front else "",
                       sources.get("emergency.call_emergency[1]", m.Source()),
                       emergency_icon=pictogram(words, "emergency"), team_icon=pictogram(words, "team"))


def pictogram(words: dict, kind: str) -> m.Pictogram:
    """The pictogram of an action ("emergency" or "team") with its text alternative."""
    return m.Pictogram(kind, words[f"pictogram_{kind}"])


@dataclass(frozen=True)
class Parts:
    """What a kind's ``document.build`` reads: a module's translated content, and the words,
    furniture and settings every handout prints around it."""

    module: Module
    data: dict                 # the translated, filled-in content
    sources: dict              # key path -> where in the module (or its catalogue) it came from
    words: dict                # the common strings, in the handout's language
    fur: m.Furniture
    locale: str
    settings: dict             # every fact's value for this clinic
    emergency_first: bool      # large print: the emergency box comes first, split where it must be
    staff: Staff | None        # a card's lines for emergency staff in their language
    notice: tuple              # the draft notice's box, when the layout does not print it in the footer
    layout: dict = field(default_factory=dict)   # the layout's values (a checklist's note lines, a log's days)


def build_document(module: Module, localized: Localized, locale: str, words: dict, clinic: Clinic, *,
                   draft: bool, notice_in_footer: bool, settings: dict | None = None,
                   emergency_first: bool = False, staff: Staff | None = None,
                   layout_values: dict | None = None) -> m.Document:
    """The whole handout as a model: title, body blocks (or card faces) and furniture. The body is
    the kind's to build (``handouts/kinds/<kind>/document.py``)."""
    data = localized.data
    fur = furniture(module, locale, words, clinic, draft, notice_in_footer)
    notice = () if notice_in_footer else (m.Callout("notice", (), (m.Paragraph(m.text(fur.notice)),)),)
    build = stage(module.kind, "document", module.shown, module.data.line_of("kind")).build
    blocks, faces = build(Parts(module, data, localized.sources, words, fur, locale, settings or {},
                                emergency_first, staff, notice, layout_values or {}))
    if emergency_first:  # large print: what to do in an emergency comes first, before the notice and key points
        blocks = [block for block in blocks if isinstance(block, m.Emergency)] + \
            [block for block in blocks if not isinstance(block, m.Emergency)]
    return m.Document(module.name, module.kind, locale, is_rtl(locale), data["title"], data.get("subtitle") or "",
                      tuple(blocks), fur, tuple(faces), m.Source(module.shown, 1))


def staff_lines(registry: Registry, module: Module, locale: str, clinic: Clinic, facts: dict, products: dict,
                paper: str, covered: frozenset, font_name: str) -> Staff | None:
    """A card's lines for emergency staff in their language (``settings.clinicians_language``,
    English by default), when the card is in another language; None when it is in theirs."""
    theirs = clinic.settings.get("clinicians_language") or "en"
    if babel_locale(theirs).language == babel_locale(locale).language:
        return None
    common = load_translator(registry.common_folders(), theirs)
    words = localized_words(common, registry)
    values = placeholder_values(facts, clinic, theirs, words, paper, products)
    try:
        localized = localize(module, translator_for(module, theirs), values, covered, font_name)
    except FontError:  # the staff's script is not the card's, nor Latin letters the card's font has
        raise ContentError(f"settings.clinicians_language: {theirs} cannot be printed on the {locale} card: "
                           f"its font {font_name} cannot draw {script_name(locale_script(theirs))}",
                           path=clinic.source,
                           line=clinic.setting_lines.get("clinicians_language"),
                           hint="a card prints its staff lines in its own font: choose a language written in "
                                "Latin letters or in the card's own script") from None
    return Staff(theirs, localized.data, words, is_rtl(locale))


def prepare(registry: Registry, module_name: str, *, locale: str = "en", paper: str = "a4",
            clinic: Clinic | None = None, variant: str = "standard") -> Handout:
    """Everything needed to draw one handout, checked; raises our own errors for bad input."""
    clinic = clinic or Clinic()
    module = registry.module(module_name)
    layout = load_layout(module.layout, registry)
    kind = kind_of(module.kind, module.shown, module.data.line_of("kind"))
    wanted = kind.renderer
    if variant == "large-print":
        if not layout.values.get("large_print"):
            raise ContentError(f"layout '{module.layout}' has no large-print variant", path=layout.files[0],
                               hint="name one with 'large_print: <layout>' in the layout")
        layout = load_layout(layout.values["large_print"], registry)
        wanted = kind.large_renderer
    if layout.renderer != wanted:
        raise ContentError(f"layout '{layout.name}' draws {layout.renderer}s, but this module is a {module.kind}",
                           path=module.shown, line=module.data.line_of("layout"),
                           hint=f"name a layout whose renderer is {wanted}")
    translate = translator_for(module, locale)
    font = family_for_locale(layout["font"], locale, locale_script(locale), registry)
    covered = covered_characters(font)
    facts, products = load_fact_tables(registry)
    common = load_translator(registry.common_folders(), locale)
    words = localized_words(common, registry)
    values = placeholder_values(facts, clinic, locale, words, paper, products)
    for key in ("call_emergency", "team_signs_overleaf", "team_signs_below", "calls_emergency", "calls_team"):
        words[key] = words[key].format(emergency_number=values["emergency_number"])
    localized = localize(module, translate, values, covered, font.name)
    check_clinic_covered(clinic, covered, font.name, locale)
    draft = translate.draft or common.draft
    staff = staff_lines(registry, module, locale, clinic, facts, products, paper, covered, font.name) \
        if kind.staff_lines else None
    document = build_document(module, localized, locale, words, clinic, draft=draft,
                              notice_in_footer=layout.values.get("footer_notice", True),
                              settings=settings_of(facts, clinic, products),
                              emergency_first=bool(layout.values.get("emergency_first", False)), staff=staff,
                              layout_values=layout.values)
    warnings = [f"{where}{module.name} [{locale}]: {text}, English used" for where, text in translate.missing]
    warnings += [f"{where}_common [{locale}]: {text}, English used" for where, text in common.missing]
    return Handout(document, module, layout, load_paper(paper, registry), font, clinic, variant, draft, warnings)


__all__ = ["Handout", "prepare", "build_document", "localize", "placeholder_values", "format_date"]
