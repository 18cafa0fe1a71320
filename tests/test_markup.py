"""The Markdown whitelist: what content may say, and that typed text never becomes markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
