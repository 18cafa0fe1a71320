"""The Markdown whitelist: what content may say, and that typed text never becomes markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pdfread import needs

from handouts import model as m
from handouts.errors import MarkupError
from handouts.markup import to_blocks, to_inline


def test_bold_italic_lists_and_safe_links_become_model_nodes():
    blocks = to_blocks("Call **now** or *soon*: [us](tel:5550100).\n\n- one\n- two", path="f.yaml", line=3)
    assert blocks[0] == m.Paragraph((m.Text("Call "), m.Strong((m.Text("now"),)), m.Text(" or "),
                                     m.Emphasis((m.Text("soon"),)), m.Text(": "),
                                     m.Link("tel:5550100", (m.Text("us"),)), m.Text(".")), m.Source("f.yaml", 3))
    assert isinstance(blocks[1], m.ListBlock) and not blocks[1].ordered
    assert blocks[1].items == ((m.Text("one"),), (m.Text("two"),))


def test_numbered_list():
    assert to_blocks("1. first\n2. second")[0].ordered


def test_hard_line_break():
    (block,) = to_blocks("one  \ntwo")
    assert m.LineBreak() in block.content


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
    assert m.plain(to_inline("Salt & pepper < 5 mg")) == "Salt & pepper < 5 mg"


def test_a_link_with_a_scheme_off_the_list_cannot_be_made():
    with pytest.raises(ValueError):
        m.Link("file:///etc/passwd", (m.Text("x"),))


def _nodes(inlines):
    for node in inlines:
        yield node
        yield from _nodes(getattr(node, "children", ()))


TYPED = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="*_[]`\\#<>!-+0123456789")


@given(st.text(alphabet=TYPED, max_size=120))
def test_typed_text_comes_back_as_text(text):
    """Whatever a person types (no Markdown syntax in it) is one run of text: no node but Text."""
    blocks = to_blocks(text)
    shown = " ".join(m.plain(block.content) for block in blocks if isinstance(block, m.Paragraph))
    assert "".join(shown.split()) == "".join(text.split())
    for block in blocks:
        assert all(isinstance(node, m.Text) for node in _nodes(block.content))


@pytest.mark.parametrize("typed, printed", [
    ('call CAR-T a "living drug."', "call CAR-T a \u201cliving drug.\u201d"),
    ("bleeding that won't stop", "bleeding that won\u2019t stop"),
    ("Crohn's disease", "Crohn\u2019s disease"),
    ('"Near" means', "\u201cNear\u201d means"),
    ("'single' quote", "\u2018single\u2019 quote"),
    ('CAR-T को "जीवित दवा" कहते', "CAR-T को \u201cजीवित दवा\u201d कहते"),
    ('see [x](https://a.example/c "t") and "y"', 'see [x](https://a.example/c "t") and \u201cy\u201d'),
    ("<https://a.example/it's>", "<https://a.example/it's>"),
])
def test_straight_quotes_are_printed_curly_but_addresses_stay_as_typed(typed, printed):
    from handouts.markup import curly_quotes

    assert curly_quotes(typed) == printed


@needs("pdftotext")
def test_the_handouts_print_no_straight_quote(tmp_path):
    """pdftotext over the English and Spanish journey and comparison: the “living drug”, the
    “brake” and every apostrophe are typographic (they were typed straight)."""
    import subprocess

    from handouts.document import prepare
    from handouts.registry import Registry
    from handouts.render import render

    seen = ""
    for module in ("car-t-journey", "immunotherapy-vs-car-t", "car-t-side-effects"):
        for locale in ("en", "es"):
            path = tmp_path / f"{module}.{locale}.pdf"
            path.write_bytes(render(prepare(Registry(), module, locale=locale)))
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            assert "'" not in text and '"' not in text, (module, locale)
            seen += text
    assert "\u201cliving drug.\u201d" in seen and "won\u2019t" in seen
