from __future__ import annotations

import pytest
from slack_sdk.models.blocks import SectionBlock

from bot.core.typed import text_length
from bot.ideas import blocks as idea_blocks
from bot.ideas import rules as capture
from bot.slack.text import SECTION_TEXT_LIMIT, escape, split_escaped, truncate


def test_escape_replaces_exactly_the_three_control_characters() -> None:
    assert escape("<!channel> & <@U1> \"'*_") == "&lt;!channel&gt; &amp; &lt;@U1&gt; \"'*_"


@pytest.mark.parametrize(
    "raw",
    [
        "&" * 5000,
        "word " * 2000,
        "😀" * 2000,
        "line\n" * 1500,
        "x" * 9000,
    ],
)
def test_split_keeps_every_chunk_within_the_limit_and_entities_whole(raw: str) -> None:
    escaped = escape(raw)

    chunks = split_escaped(escaped)

    assert all(0 < text_length(chunk) <= SECTION_TEXT_LIMIT for chunk in chunks)
    for chunk in chunks:
        tail = chunk[chunk.rfind("&") :] if "&" in chunk else ""
        assert not tail or tail.endswith(";") or ";" in tail
    assert "".join(chunks).replace(" ", "").replace("\n", "") == escaped.replace(" ", "").replace(
        "\n", ""
    )


def test_truncate_marks_the_cut() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a longer sentence", 9) == "a longer…"


def test_longest_ideas_still_make_valid_posts() -> None:
    post = idea_blocks.idea_post(
        idea_id=7,
        text="&" * capture.QUICK_IDEA_LIMIT,
        author_id="U0ALICE01",
        vote_emojis=("+1",),
        problem="<" * capture.PROBLEM_LIMIT,
        details="😀" * capture.DETAILS_LIMIT,
    )

    for block in post:
        block.validate_json()
        if isinstance(block, SectionBlock):
            assert block.text is not None
            assert text_length(block.text.text) <= SECTION_TEXT_LIMIT
    assert len(post) <= 50
