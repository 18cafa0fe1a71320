"""A clinic profile: the name, phone numbers and settings a centre prints on its handouts.

Everything in it was typed by a person, so it is text, never markup: it is escaped before
ReportLab sees it, and anything that looks like a ReportLab or HTML tag is refused outright,
because a tag in a phone number is a mistake or an attack, never an intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from handouts.errors import ContentError, Problem, ValidationFailed
from handouts.facts import FACT_VALUES, OTHER_SETTINGS
from handouts.registry import shown_path
from handouts.schema import Record, Str, validate_record
from handouts.yamlsrc import load_yaml

PHONE_KINDS = ("daytime", "after_hours", "emergency")
# the same ranges as facts.yaml: a profile can move a fact, never outside what makes sense
SETTINGS_FIELDS = {name: replace(spec, required=False) for name, spec in FACT_VALUES.items()} | OTHER_SETTINGS
EMERGENCY_NUMBER = re.compile(r"[0-9][0-9 +\-]{0,14}\Z")
WEB_MAX = 120   # a QR code of a longer address needs modules too small for a phone at 22 mm
CLINIC_FIELDS = {
    "name": Str(required=True, doc="the clinic's name as patients know it"),
    "short_name": Str(max_length=40, doc="a shorter name for where room is tight: the front of a wallet card"),
    "phones": Record(fields={kind: Str() for kind in PHONE_KINDS}),
    "address": Str(),
    "logo": Str(doc="a PNG or JPEG file, relative to the profile"),
    "paper": Str(doc="a4 or letter: the paper this clinic prints on"),
    "web": Str(max_length=WEB_MAX, doc="the https:// address where the clinic publishes the HTML handouts; "
                                       "each PDF then has a QR code to its HTML twin there"),
    "settings": Record(fields=SETTINGS_FIELDS),
}
# Tags ReportLab's paragraph parser would act on, plus the HTML ones people paste by mistake.
_TAG = re.compile(r"</?\s*(a|img|font|span|para|link|br|b|i|u|strike|sup|sub|super|seq\w*|onDraw|index|"
                  r"strong|em|script|style|iframe|object|embed|svg|bullet|greek|unichar|ondraw)\b[^>]*>?",
                  re.IGNORECASE)


LOGO_MAX_BYTES = 2 * 1024 * 1024       # a logo printed 25 mm wide needs far less
LOGO_MAX_PIXELS = 4096 * 4096          # decoded, that is 64 MiB; 13,300 px square would be 700 MiB


def logo_problem(path: Path) -> str | None:
    """What is wrong with a logo file, found from its size on disk and its image header only, so a
    huge or hostile file is refused before anything decodes it."""
    size = path.stat().st_size
    if size > LOGO_MAX_BYTES:
        return f"logo is {size / 1024 / 1024:.1f} MB; use an image of at most {LOGO_MAX_BYTES // 1024 // 1024} MB"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:  # reads the header, not the pixels
            width, height, kind = image.width, image.height, image.format
    except (UnidentifiedImageError, OSError, ValueError):
        return "logo is not a readable PNG or JPEG image"
    if kind not in ("PNG", "JPEG"):
        return f"logo is a {kind} image; use PNG or JPEG"
    if width * height > LOGO_MAX_PIXELS:
        return f"logo is {width} x {height} pixels; use at most {LOGO_MAX_PIXELS:,} pixels (e.g. 1000 x 400)"
    return None


@dataclass
class Clinic:
    """The details printed on handouts. ``None`` fields print as blank lines to fill in by hand."""

    name: str | None = None
    short_name: str | None = None
    phones: dict = field(default_factory=dict)
    address: str | None = None
    logo: Path | None = None
    paper: str | None = None
    settings: dict = field(default_factory=dict)
    source: str | None = None  # the profile file, for the manifest and messages
    web: str | None = None     # where the HTML twins are published (https://, ending in /)
    setting_lines: dict = field(default_factory=dict)  # each setting's line in the profile, for messages


def markup_problems(data, shown: str, keypath: str = "") -> list[Problem]:
    """Every string in the profile that contains a tag, with its line."""
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and _TAG.search(value):
                tag = _TAG.search(value).group(0)
                problems.append(Problem(shown, data.line_of(key),
                                        f"{keypath}{key}: contains markup '{tag}'; clinic details are plain "
                                        "text, remove the tag"))
            elif isinstance(value, dict):
                problems += markup_problems(value, shown, f"{keypath}{key}.")
    return problems


def load_clinic(path) -> Clinic:
    """Read and check a clinic profile; every problem is reported with its line."""
    path = Path(path)
    shown = shown_path(path)
    if not path.is_file():
        raise ContentError("clinic profile not found", path=shown, hint="give the path of a clinic .yaml file")
    data = load_yaml(path, display=shown)
    if not isinstance(data, dict):
        raise ContentError("a clinic profile must be a mapping (name:, phones:, ...)", path=shown, line=1)
    settings = data.get("settings")
    if isinstance(settings, dict) and type(settings.get("emergency_number")) is int:
        settings["emergency_number"] = str(settings["emergency_number"])  # `emergency_number: 911`
    problems = validate_record(CLINIC_FIELDS, data, path=shown, line=1) + markup_problems(data, shown)
    number = settings.get("emergency_number") if isinstance(settings, dict) else None
    if isinstance(number, str) and not EMERGENCY_NUMBER.match(number):
        problems.append(Problem(shown, settings.line_of("emergency_number"), "settings.emergency_number: digits, "
                                "spaces, + and - only, like 911 or 112"))
    web = data.get("web")
    if isinstance(web, str):
        problem = web_problem(web)
        if problem:
            problems.append(Problem(shown, data.line_of("web"), f"web: {problem}"))
        web = web.rstrip("/") + "/"
    logo = None
    if isinstance(data.get("logo"), str):
        logo = (path.parent / data["logo"]).resolve()
        if not logo.is_file():
            problems.append(Problem(shown, data.line_of("logo"), f"logo file '{data['logo']}' not found "
                                    "(give a PNG or JPEG path relative to the profile)"))
        elif logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            problems.append(Problem(shown, data.line_of("logo"), "logo must be a .png or .jpg file"))
        else:
            problem = logo_problem(logo)
            if problem:
                problems.append(Problem(shown, data.line_of("logo"), problem))
    if problems:
        raise ValidationFailed(problems)
    return Clinic(name=data["name"], short_name=data.get("short_name"), phones=dict(data.get("phones") or {}),
                  address=data.get("address"),
                  logo=logo, paper=data.get("paper"), settings=dict(data.get("settings") or {}), source=shown,
                  web=web if isinstance(web, str) else None,
                  setting_lines={key: settings.line_of(key) for key in settings} if isinstance(settings, dict) else {})


def web_problem(address: str) -> str | None:
    """What is wrong with a ``web`` address: printed as a QR code and as text on every handout, it
    must be a plain https address a phone can open, and nothing else."""
    from urllib.parse import urlsplit

    if not address.isascii() or any(char.isspace() or char in "<>\"'\\^`{|}" for char in address):
        return "use a plain https:// address (letters, digits and - . / _ ~ %; an international domain " \
               "in its xn-- form)"
    try:
        parts = urlsplit(address)
    except ValueError:
        return "not a web address; write it like https://example.org/handouts/"
    if parts.scheme != "https" or not parts.hostname:
        return "must start with https:// and name a host, like https://example.org/handouts/"
    if parts.query or parts.fragment or "@" in parts.netloc:
        return "no ?query, #fragment or user@ part: give the folder the HTML handouts are published in"
    return None
