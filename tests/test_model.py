"""The document model stands on its own: no renderer, no ReportLab."""

from __future__ import annotations

import subprocess
import sys

from handouts import model as m
from handouts.document import prepare
from handouts.registry import Registry


def test_importing_the_model_does_not_import_reportlab():
    code = "import sys, handouts.model, handouts.document; print('reportlab' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_furniture_is_decided_in_the_model():
    document = prepare(Registry(), "car-t-side-effects", locale="es").document
    fur = document.furniture
    assert fur.draft.endswith("Draft translation: not yet checked by a clinician.")  # and in Spanish before it
    assert fur.version.endswith("1.0") and fur.notice and fur.contacts.rows[0].number is None
    large = prepare(Registry(), "immunotherapy-vs-car-t", variant="large-print").document
    assert not large.furniture.notice_in_footer
    assert isinstance(large.blocks[0], m.Callout) and large.blocks[0].role == "notice"


def test_nodes_know_where_their_text_came_from():
    document = prepare(Registry(), "immunotherapy-vs-car-t", locale="es").document
    heading = next(block for block in document.blocks if isinstance(block, m.Heading))
    assert heading.source.path.endswith("immunotherapy-vs-car-t/locales/es.po") and heading.source.line
    english = prepare(Registry(), "immunotherapy-vs-car-t").document
    heading = next(block for block in english.blocks if isinstance(block, m.Heading))
    assert heading.source.path.endswith("module.yaml") and heading.source.line > 1
