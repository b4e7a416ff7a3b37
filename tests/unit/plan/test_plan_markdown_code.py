"""The plan comment CI posts: a value holding backticks stays inside its code span."""

from __future__ import annotations

from markdown_it import MarkdownIt

from runner.plan import render

from .test_plan_output import _hosts


def test_the_plan_comment_keeps_a_hostile_value_inert(estate_repo) -> None:
    hostile = "X``[win](https://evil.example) ![i](https://evil.example/i.png) @team``"
    estate_repo.write("inventory/hosts/bulk.yaml", _hosts(1, "OLD"))
    estate_repo.commit()
    estate_repo.write("inventory/hosts/bulk.yaml", _hosts(1, "OLD").replace(
        "serial: OLD00000", f"serial: {hostile!r}".replace("'", '"')))
    estate_repo.commit()
    out = render(estate_repo.plan(), "markdown")
    assert "evil.example" in out
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    live = [child for token in tokens if token.type == "inline"
            for child in token.children or [] if child.type in ("link_open", "image")]
    assert live == []
    texts = [child.content for token in tokens if token.type == "inline"
             for child in token.children or [] if child.type == "text"]
    assert not any("@team" in text for text in texts)
