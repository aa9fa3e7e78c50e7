"""The people evaluation runs, and discovery without people.yaml keeps its bundled figures."""

from __future__ import annotations

from bot.people_eval import people_report


def test_people_figures_on_the_bundled_and_held_out_articles(kb):
    alone, curated, heldout = people_report(kb)
    # people.yaml only adds and corrects: discovery alone finds everyone on the bundled five
    assert (alone.found, alone.roles_found, alone.quotes_right) == (
        alone.people, alone.roles, alone.quotes)
    assert curated.found == curated.people and curated.quotes_wrong == 0
    # held-out: measured, not tuned; the figures a change must not lower
    assert heldout.people >= 19 and heldout.quotes >= 20
    assert heldout.found >= 19 and heldout.roles_found >= 15 and heldout.quotes_right >= 20
    assert heldout.quotes_wrong == 0
    assert "held-out" in heldout.summary()
