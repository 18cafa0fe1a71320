"""The Markdown whitelist: what content may say, and that typed text never becomes markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from handouts.errors import MarkupError
from handouts.markup import escape_text, to_blocks, to_inline


def test_bold_italic_lists_and_safe_links():
    blocks = to_blocks("Call **now** or *soon*: [us](tel:5550100).\n\n- one\n- two")
    assert blocks[0].kind == "p"
    assert blocks[0].items[0] == ('Call <b>now</b> or <i>soon</i>: <a href="tel:5550100" color="#0b4f8a">'
                                  '<u>us</u></a>.')
    assert blocks[1].kind == "ul" and blocks[1].items == ["one", "two"]


def test_numbered_list():
    assert to_blocks("1. first\n2. second")[0].kind == "ol"


@pytest.mark.parametrize("text, message", [
    ('<img src="/etc/passwd"/>', "raw HTML"),
    ("a <font name=x>b</font>", "raw HTML"),
    ("![chart](chart.png)", "an image"),
    ("[x](javascript:alert(1))", "javascript:"),
    ("[x](file:///etc/passwd)", "file:///etc/passwd"),
    ("[x](http://example.org)", "http://example.org"),
    ("[x](/etc/passwd)", "/etc/passwd"),
])
def test_unsafe_markup_is_an_error_with_location(text, message):
    with pytest.raises(MarkupError) as caught:
        to_blocks(text, path="content/x/module.yaml", line=7, field_name="body")
    assert message in caught.value.format_message()
    assert caught.value.format_message().startswith("content/x/module.yaml:7: body:")


def test_ampersand_and_angle_brackets_are_text():
    assert to_inline("Salt & pepper < 5 mg") == "Salt &amp; pepper &lt; 5 mg"


@given(st.text(max_size=200))
def test_escaped_text_reads_back_exactly(text):
    """Whatever a person types, ReportLab shows it as typed: no tag ever takes effect."""
    text = text.replace("\x00", "")
    style = ParagraphStyle("t")
    paragraph = Paragraph(escape_text(text), style)
    shown = "".join(getattr(frag, "text", "") for frag in paragraph.frags)
    # ReportLab folds runs of white space; every other character must come back as typed.
    assert re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", text)
    for frag in paragraph.frags:
        assert not getattr(frag, "link", None)
        assert not hasattr(frag, "cbDefn")  # no <img> or <onDraw> made it through
