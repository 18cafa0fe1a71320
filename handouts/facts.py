"""Facts that change (fever threshold, label durations) as dated data, filled into sentences.

Content says ``{fever}`` or ``{stay_near_weeks}``; the value comes from ``content/facts.yaml``
unless the clinic profile sets its own. When a label changes, one number changes, not every
sentence in every language.

A clinic's ``facts.yaml`` (in a ``--content`` folder) may also add facts of its own: each one is
a placeholder of the same name, so its modules can say ``{visit_days}`` and keep the number out
of every sentence and every translation, as the bundled content does.
"""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import dataclass
from datetime import date

from handouts.errors import ContentError, Problem, UnknownNameError, ValidationFailed
from handouts.registry import Registry, shown_path
from handouts.schema import Choice, Date, Number, Str, validate_record
from handouts.yamlsrc import load_yaml

FACT_FIELDS = {
    "value": Number(required=True, minimum=0),
    "unit": Choice(required=True, values=("celsius", "weeks", "per_day")),
    "since": Date(required=True, doc="the date this value took effect"),
    "before": Number(minimum=0, doc="the value before that date"),
    "note": Str(doc="why the value is what it is"),
}
KNOWN_FACTS = ("fever_threshold_c", "stay_near_weeks", "no_driving_weeks", "temperature_checks_per_day")
# The values a fact may take, wherever it is set (facts.yaml or a clinic profile's settings). A
# fever threshold outside 37.5-39 °C is a slip (or Fahrenheit), never a clinical choice.
FACT_VALUES = {
    "fever_threshold_c": Number(required=True, minimum=37.5, maximum=39, doc="call-now fever threshold in °C"),
    "stay_near_weeks": Number(required=True, integer=True, minimum=0, maximum=52,
                              doc="weeks to stay near the treatment centre after a CAR-T infusion"),
    "no_driving_weeks": Number(required=True, integer=True, minimum=0, maximum=52,
                               doc="weeks not to drive after a CAR-T infusion"),
    "temperature_checks_per_day": Number(required=True, integer=True, minimum=1, maximum=6,
                                         doc="how many times a day, at least, to take a temperature in the "
                                             "first month after CAR-T"),
}
# The table of CAR-T products in facts.yaml: each product's label durations and the label's date.
PRODUCTS_KEY = "car_t_products"
PRODUCT_FIELDS = {
    "name": Str(required=True, doc="the brand and generic name, for people reading the file"),
    "stay_near_weeks": Number(required=True, integer=True, minimum=0, maximum=52,
                              doc="the label's weeks near the treatment centre"),
    "no_driving_weeks": Number(required=True, integer=True, minimum=0, maximum=52,
                               doc="the label's weeks without driving"),
    "label": Date(required=True, doc="the date of the label these weeks come from"),
    "note": Str(doc="anything a reviewer should know"),
}
PRODUCT_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
# What content may write in braces, and the fact each one shows.
# ``{stay_near_weeks}`` prints the number *with* its word ("2 weeks", "1 week"), so each language's
# plural rule can pick the form; ``{emergency_number}`` is a clinic setting, not a dated fact.
PLACEHOLDERS = {"fever": "fever_threshold_c", "stay_near_weeks": "stay_near_weeks",
                "no_driving_weeks": "no_driving_weeks", "emergency_number": "emergency_number",
                "temperature_checks": "temperature_checks_per_day", "fever_medicine": "fever_medicine"}
# Clinic settings that are not facts: the local emergency number, and which temperature scale
# comes first ("100.4 °F (38 °C)"; without the setting, Letter paper puts Fahrenheit first).
OTHER_SETTINGS = {
    "emergency_number": Str(max_length=15, doc="the number to call in an emergency where the clinic is, e.g. 911 "
                                               "or 112; without it the handouts say 'your emergency number'"),
    "temperature_first": Choice(values=("celsius", "fahrenheit"),
                                doc="which scale the fever threshold gives first (default: fahrenheit on Letter "
                                    "paper, celsius otherwise)"),
    "clinicians_language": Str(max_length=20, doc="the language emergency staff read where the clinic is (default "
                                                 "en): a translated wallet card prints its banner and the labels "
                                                 "of its patient lines in it too, and its lines for staff in it"),
    "car_t_product": Str(doc="the CAR-T product this clinic's handouts are for, a name from car_t_products in "
                             "facts.yaml (e.g. yescarta): its label's weeks are printed"),
}
# "{stay_near_weeks} weeks" would print "2 weeks weeks": the placeholder brings its word
COUNTED_WORD_AFTER = re.compile(r"\{(stay_near_weeks|no_driving_weeks)\}\s+weeks?\b"
                                r"|\{(temperature_checks)\}\s+times?\b", re.IGNORECASE)
# A clinic's own fact: a number (printed in the locale's notation) or a short text printed as written.
OWN_FACT_FIELDS = {
    "since": Date(required=True, doc="the date this value took effect"),
    "before": Number(doc="the value before that date"),
    "unit": Str(doc="what the number counts, for whoever edits the file (not printed)"),
    "note": Str(doc="why the value is what it is"),
}
FACT_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
# Markdown or markup in a text fact would change the sentence it is filled into.
NOT_IN_TEXT_FACTS = set("*_[]<>\\`\n")


@dataclass(frozen=True)
class Product:
    """A CAR-T product's label durations, and the date of the label they come from."""

    key: str
    name: str
    stay_near_weeks: int
    no_driving_weeks: int
    label: date


@dataclass(frozen=True)
class Fact:
    name: str
    value: float | str
    since: date
    before: float | None = None

    @property
    def own(self) -> bool:
        """A clinic's own fact: a placeholder of its own name, filled in as its value."""
        return self.name not in KNOWN_FACTS


def load_facts(registry: Registry) -> dict[str, Fact]:
    """The dated defaults, a clinic's own ``facts.yaml`` overriding the bundled one key by key and
    adding facts of its own."""
    return load_fact_tables(registry)[0]


def load_products(registry: Registry) -> dict[str, Product]:
    """The CAR-T product table, a clinic's own ``facts.yaml`` adding products or replacing them by key."""
    return load_fact_tables(registry)[1]


def load_fact_tables(registry: Registry) -> tuple[dict[str, Fact], dict[str, Product]]:
    """The facts and the CAR-T product table, read from each ``facts.yaml`` once and checked
    together: every problem of a file is reported with its line before anything is used."""
    facts: dict[str, Fact] = {}
    products: dict[str, Product] = {}
    for path in registry.facts_paths():
        shown = shown_path(path)
        data = load_yaml(path, display=shown)
        problems = []
        for name, entry in (data or {}).items():
            line = data.line_of(name)
            if name == PRODUCTS_KEY:
                problems += _product_problems(entry, shown, line)
                continue
            if not isinstance(entry, dict):
                raise ContentError(f"{name}: should have value, unit and since", path=shown, line=line)
            fields = FACT_FIELDS | {"value": FACT_VALUES[name]} if name in KNOWN_FACTS else \
                _own_fact_fields(name, entry, shown, line)
            problems += validate_record(fields, entry, path=shown, line=line, keypath=name)
            if not problems:
                facts[name] = Fact(name, entry["value"], entry["since"], entry.get("before"))
        if problems:
            raise ValidationFailed(problems)
        for key, entry in ((data or {}).get(PRODUCTS_KEY) or {}).items():
            products[key] = Product(key, entry["name"], int(entry["stay_near_weeks"]),
                                    int(entry["no_driving_weeks"]), entry["label"])
    missing = [name for name in KNOWN_FACTS if name not in facts]
    if missing:
        raise ContentError(f"facts.yaml lacks {', '.join(missing)}", path="content/facts.yaml",
                           hint="every placeholder needs a dated default value")
    return facts, products


def _product_problems(table, shown: str, line: int | None) -> list:
    if not isinstance(table, dict) or not table:
        return [Problem(shown, line, f"{PRODUCTS_KEY}: a table of products, each with name, stay_near_weeks, "
                                     "no_driving_weeks and label")]
    problems = []
    for key, entry in table.items():
        where = table.line_of(key)
        if not isinstance(key, str) or not PRODUCT_NAME.match(key):
            problems.append(Problem(shown, where, f"{PRODUCTS_KEY}.{key}: a product's key is lower-case letters, "
                                                  "digits and -"))
        elif not isinstance(entry, dict):
            problems.append(Problem(shown, where, f"{PRODUCTS_KEY}.{key}: should have name, stay_near_weeks, "
                                                  "no_driving_weeks and label"))
        else:
            problems += validate_record(PRODUCT_FIELDS, entry, path=shown, line=where,
                                        keypath=f"{PRODUCTS_KEY}.{key}")
    return problems


PRODUCT_FACTS = ("stay_near_weeks", "no_driving_weeks")   # what a product's label sets


def prints_product_weeks(data) -> bool:
    """Whether a module's English prints a product's weeks: in a placeholder, or as a timeline
    (drawn from them). Only such a handout changes with the CAR-T product chosen."""
    if isinstance(data, dict):
        return data.get("kind") == "timeline" or any(prints_product_weeks(value) for value in data.values())
    if isinstance(data, (list, tuple)):
        return any(prints_product_weeks(value) for value in data)
    return isinstance(data, str) and any("{" + name in data for name in PRODUCT_FACTS)


def product_weeks(products: dict[str, Product], settings: dict, source: str | None = None) -> dict:
    """The weeks a named product's label sets, checked against the clinic's own: a clinic may ask
    for longer than the label, never for less (a handout must not print less than the label)."""
    key = settings.get("car_t_product")
    if not key:
        return {}
    if key not in products:
        near = difflib.get_close_matches(str(key), products, n=1)
        raise UnknownNameError(f"unknown CAR-T product '{key}'" + (f"; did you mean '{near[0]}'?" if near else ""),
                               hint=f"products: {', '.join(sorted(products))} (car_t_products in facts.yaml)")
    product = products[key]
    weeks = {name: getattr(product, name) for name in PRODUCT_FACTS}
    for name, label_value in weeks.items():
        own = settings.get(name)
        if own is not None and own < label_value:
            raise ContentError(f"settings.{name}: {own} is less than the {label_value} weeks of the "
                               f"{product.name} label ({product.label.isoformat()})", path=source,
                               hint="a handout never prints less than the product's label; remove the setting "
                                    "or raise it")
        if own is not None:
            weeks[name] = own
    return weeks


def _own_fact_fields(name, entry: dict, shown: str, line: int | None) -> dict:
    """The schema of a clinic's own fact, once its name is known to be a good placeholder name.

    A name one slip away from a bundled fact (``stay_near_week``) is refused: taken as a new fact,
    it would leave the bundled value printed while the clinic believes it changed it."""
    known = ", ".join(KNOWN_FACTS)
    if not isinstance(name, str) or not FACT_NAME.match(name):
        raise ContentError(f"fact '{name}': a name is lower-case letters, digits and _", path=shown, line=line,
                           hint="it becomes the placeholder {name} in your modules")
    if name in PLACEHOLDERS:
        raise ContentError(f"fact '{name}': {{{name}}} is a placeholder already (it shows {PLACEHOLDERS[name]})",
                           path=shown, line=line, hint=f"to change it, set {PLACEHOLDERS[name]}")
    near = difflib.get_close_matches(name, KNOWN_FACTS, n=1, cutoff=0.85)
    if near:
        raise ContentError(f"unknown fact '{name}': did you mean '{near[0]}'? (known: {known})", path=shown,
                           line=line, hint="a fact of your own needs a name of its own")
    value = entry.get("value")
    if isinstance(value, str) and NOT_IN_TEXT_FACTS & set(value):
        raise ContentError(f"{name}.value: a text fact is printed as written, so it holds no * _ [ ] < > \\ ` "
                           "or line break", path=shown, line=entry.line_of("value"))
    spec = Str(required=True) if isinstance(value, str) else Number(required=True)
    return {"value": spec, **OWN_FACT_FIELDS}


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a string uses; raises ``ValueError`` on a stray single brace."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def placeholder_problem(text: str, english: str | None = None, known=PLACEHOLDERS) -> str | None:
    """What is wrong with the placeholders of ``text`` (None when nothing): a stray brace, a name
    that is not ``known`` (the bundled placeholders, and a clinic's own facts where it has some), a
    format of its own (``{fever:x}``), or, for a translation of ``english``, a placeholder dropped,
    added or renamed - a Spanish sentence without ``{fever}`` would tell a patient to call about a
    fever without saying which."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return "a single '{' or '}' (write '{{' or '}}' for a literal brace)"
    for name, spec, conversion in fields:
        if name not in known:
            return f"unknown placeholder {{{name}}}"
        if spec or conversion:
            return f"'{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}': " \
                   f"a placeholder takes no format (write {{{name}}})"
    doubled = COUNTED_WORD_AFTER.search(text) if english is None else None
    if doubled:
        name = doubled.group(1) or doubled.group(2)
        return f"'{doubled.group(0)}': {{{name}}} prints its number with the word (\"2 weeks\"); " \
               f"write {{{name}}} alone"
    if english is not None:
        ours, theirs = sorted(name for name, _, _ in fields), sorted(placeholders_in(english))
        if ours != theirs:
            dropped = [f"{{{n}}}" for n in dict.fromkeys(theirs) if ours.count(n) < theirs.count(n)]
            added = [f"{{{n}}}" for n in dict.fromkeys(ours) if ours.count(n) > theirs.count(n)]
            return "; ".join(([f"the English has {', '.join(dropped)}, the translation does not"] if dropped else [])
                             + ([f"{', '.join(added)} is not in the English"] if added else []))
    return None


def fill(text: str, values: dict[str, str]) -> str:
    """Put the values into a string's placeholders (values are already escaped markup)."""
    return text.format_map(values)
