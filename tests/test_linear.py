"""Extraction is linear in one plan's length: a ratio of two timings taken in one run (not a timed test).

A plan of *n* top-level sections is coded at two lengths, 8 times apart; a pass quadratic in the number of
sections or characters (as scanning every sibling of every section once was) makes the longer take
tens of times longer, a linear one about 8 times (plus a fixed start-up cost).  CPU time of this process is
measured, not wall time, so other processes on a shared machine do not move the ratio much.
"""
from __future__ import annotations

import time

import pytest

from analysis.coding import load_codebook
from analysis.coding.plan import extract

BLOCK = ("一、开展第{i}项重点工作\n"
         "（一）组织青少年科技教育活动。各学校每年开展活动。（县教育局、县科协按职责分工负责）\n")


def _plan(n: int) -> str:
    return "某县全民科学素质行动实施方案\n" + "".join(BLOCK.format(i=i) for i in range(n))


def _seconds(text: str, repeat: int = 3) -> float:
    cb = load_codebook()
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()  # this process's CPU time: other processes on a shared machine do not count
        out = extract("x", text, cb, "县")
        best = min(best, time.process_time() - t)
    assert out.actions
    return best


@pytest.mark.slow  # codes two long plans three times each
def test_extraction_time_grows_linearly_with_the_plan():
    small, large = _plan(1000), _plan(8000)
    ratio = _seconds(large) / _seconds(small)
    growth = len(large) / len(small)
    # linear: about 8 (the start-up cost makes it less); a quadratic pass: about 64
    assert ratio < 2 * growth, f"8x the text took {ratio:.1f}x the time: a pass is worse than linear"
