"""Chart titles wrapped to a width (dashboard/figures/wrap.py)."""

from __future__ import annotations

import re

from dashboard.figures.wrap import SUP_SCALE, _px, wrap_title

TITLE = (
    "性价比最高：院子覆盖技术部门的 4%，墙高 0%"
    "<br><sup>每十亿美元 0.28 个百分点；本情景（星号）：0.26</sup>"
)


def test_every_line_fits_nothing_is_lost_and_no_line_opens_with_closing_marks():
    wrapped = wrap_title(TITLE, 230, 16)
    lines = wrapped.split("<br>")
    assert len(lines) > 2
    for line in lines:
        sup = line.startswith("<sup>")
        text = re.sub(r"</?sup>", "", line)
        size = SUP_SCALE * 16 if sup else 16
        assert sum(_px(c, size) for c in text) <= 230
        assert text[:1] not in "）：；，%"
    assert re.sub(r"</?sup>|<br>| ", "", wrapped) == re.sub(
        r"</?sup>|<br>| ", "", TITLE
    )
