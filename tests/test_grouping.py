"""Grouping statements into points: the exact clustering of close sets against scipy's."""

from __future__ import annotations

import importlib
import random
import sys

grouping = importlib.import_module("bot.answers.brief.grouping")


def _partition(labels: list[int]) -> list[list[int]]:
    return sorted(sorted(i for i, label in enumerate(labels) if label == x) for x in set(labels))


def test_statements_group_as_scipy_groups_them_without_importing_it(monkeypatch):
    rng = random.Random(7)
    vocabulary = [f"t{i}" for i in range(40)]
    for _ in range(60):
        terms = [frozenset(rng.sample(vocabulary, rng.randint(0, 6)))
                 for _ in range(rng.randint(2, 40))]
        objects = [frozenset({("must", rng.choice("ab"))}) if rng.random() < 0.05
                   else frozenset() for _ in terms]
        weighted = grouping._weighted(terms)
        found = grouping._components(weighted, objects)
        if found is not None:
            assert _partition(found) == _partition(grouping._linkage(weighted, objects))
    # A brief whose close statements leave nothing to a tie never imports scipy.
    monkeypatch.setitem(sys.modules, "scipy", None)
    assert _partition(grouping._cluster(
        [frozenset({"port", "drill"}), frozenset({"port", "drill"}), frozenset({"visa"})],
        [frozenset()] * 3)) == [[0, 1], [2]]


def test_a_tie_that_the_order_of_merging_decides_is_left_to_scipy():
    # B is as close to A as to C, and which pair merges first decides whether D joins.
    cut = 1 - grouping.GROUP_SIMILARITY
    distance = [[0.0, 0.5, 1.0, 1.0], [0.5, 0.0, 0.5, 1.0],
                [1.0, 0.5, 0.0, 0.5], [1.0, 1.0, 0.5, 0.0]]
    assert grouping._merged(distance, cut) is None
    assert grouping._merged([[0.0, 0.5], [0.5, 0.0]], cut) == [[0, 1]]
