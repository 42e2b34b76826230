"""Symptom words in a run's notes: what counts as a mention, and the false friends that do not."""

from __future__ import annotations

import pytest

from loadguard.symptoms.notes import find


@pytest.mark.parametrize("text, kind, place, side, timing", [
    ("Left arch tingling after 10k, worse the longer I ran", "tingling", "arch", "left", "during"),
    ("numbness in the ball of my left foot", "numbness", "ball of foot", "left", None),
    ("burning under the right heel at night", "burning", "heel", "right", "night"),
    ("Heel stiff on the first steps this morning, fine once warm", "stiffness", "heel", None, "morning"),
    ("sharp shooting pain into the toes", "electric", "toes", None, None),
    ("Pins and needles along the sole", "tingling", "foot", None, None),
    ("RIGHT CALF SORE AFTER THE RUN", "dull ache", "calf", "right", "after"),
    ("Felt great. Inner ankle burning in the last 3k", "burning", "inner ankle", None, "during"),
])
def test_true_mentions(text, kind, place, side, timing):
    [m] = find(text)
    assert (m.kind, m.place, m.side, m.timing) == (kind, place, side, timing)
    assert m.quote in text  # the runner's own words, quoted as written


@pytest.mark.parametrize("text", [
    "burning pace today, felt great",            # effort, no body part
    "legs burning on the climb",                 # working muscles
    "calves burning on the climb",               # working muscles in a body part the log knows
    "toes numb from the cold, hands too",        # the weather
    "feet frozen and numb at the start",
    "calf pack felt heavy",                      # gear
    "new calf sleeves, no issues",
    "no tingling in the arch today",             # negated
    "arch fine, not numb any more",
    "the tingling in my heel is gone",           # resolved
    "Heel-toe drill and toe box check",          # technique and shoe words
    "arch support insoles burning a hole in my wallet",
    "Synthetic example data; not a real athlete.",
    "ankle stability drills, toes strong",       # words that merely begin like symptoms
    "good numbers today, heel felt fine",
    "painted toenails for race day",
    "",
    None,
])
def test_false_friends_are_not_mentions(text):
    assert find(text) == []


def test_one_mention_per_clause_with_the_nerve_word_first():
    [m] = find("shooting pain into the toes")
    assert m.kind == "electric" and m.nerve_in_foot


def test_a_calf_symptom_is_not_nerve_in_the_foot():
    [m] = find("tingling down the left calf")
    assert m.kind == "tingling" and not m.nerve_in_foot
