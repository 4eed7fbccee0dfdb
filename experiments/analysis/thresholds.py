"""Where each threshold of the pattern criteria comes from (docs/patterns.md, "Thresholds").

A criterion compares an *effect size* -- an expected value of the model at a point,
estimated by a mean over replications -- with a threshold. A threshold may rest on one
of three rules, never on what the baseline happens to reach or on what a rival variant
does:

* ``seed``  -- the study's words, read on the model's own unit scales: "high" or
  "present" is the upper half of the scale, "most" or "more often than not" is more than
  half, a count the study reports (3 of the 7 members of X stalled) is that share;
* ``scale`` -- two resolutions of a unit scale, fixed for every criterion alike: a change
  a member would *notice* (``NOTICE``, a tenth of the scale) and *no* change (``NONE``,
  half of that); a relative change is ``NOTICE`` over the scale's midpoint; a count
  changes by at least one;
* ``literature`` -- a published figure (none is needed at present; the rule stays open).

``NOTICE`` and ``NONE`` are assumptions: the study's qualitative statements carry no
numbers. They decide verdicts whose estimate lies near them; the scorecard reports each
estimate with its Monte Carlo standard error and the probability that the pattern holds,
so a reader sees which verdicts they decide. They were fixed before the criteria were run
and are not tuned.
"""

from __future__ import annotations

from dataclasses import dataclass

MIDPOINT = 0.5  # the middle of a unit scale: "high", "present", "more often than not"
NOTICE = 0.1  # a change a member would notice on a unit scale (assumption: a tenth of it)
NONE = NOTICE / 2  # no change: within half of a noticeable change
RELATIVE_NOTICE = NOTICE / MIDPOINT  # a noticeable relative change (20%)


@dataclass(frozen=True)
class Threshold:
    """One threshold of a criterion: its value, the rule it follows and why."""

    name: str
    value: float
    rule: str  # "seed", "scale" or "literature"
    reason: str


THRESHOLDS: dict[str, Threshold] = {t.name: t for t in (
    Threshold("P1_LEVEL", MIDPOINT, "seed",
              "intentional trust is present from the start and high (§4.1.4.2): the upper half of the scale"),
    Threshold("P1_INTERACTION_GAP", NONE, "scale",
              "trust does not follow the number of interactions (§4.1.4.2): the quarter of pairs with the most "
              "contacts outside meetings holds no more trust than the quarter with the fewest (no change)"),
    Threshold("P1_DRIFT", -NONE, "scale",
              "X stays level or rises (§4.1.2.2: stable for 4, rising for 3): a decline smaller than no change"),
    Threshold("P2_MISUSE", MIDPOINT, "seed",
              "shared data were used by the interested party (§4.1.3.2): misuse in more runs than not"),
    Threshold("P2_DROP", NOTICE, "scale", "the exposed members' trust falls (§4.1.3.2): a noticeable change"),
    Threshold("P2_SHARING_FALL", RELATIVE_NOTICE, "scale",
              "the exposed members share less (§4.2.2.4): a noticeable relative change"),
    Threshold("P2_BAND", NONE, "scale", "members not affected keep their trust (R10, §4.1.3.2): no change"),
    Threshold("P3_VALUES_FEEDBACK", MIDPOINT, "seed",
              "members who value feedback (§4.1.4.1): the upper half of the scale"),
    Threshold("P3_COG_GAP", NOTICE, "scale",
              "their cognitive trust in the overloaded organisation is lower (§4.1.2.1): a noticeable change"),
    Threshold("P3_AVOIDANCE", NOTICE, "scale",
              "they route work around it (§4.1.2.1): the share of their intended contacts with it routed "
              "elsewhere exceeds that with the others by a noticeable change"),
    Threshold("P3_INTENT_BAND", NONE, "scale", "their intentional trust in it is intact (§4.1.4.2): no change"),
    Threshold("P3_COLLABORATION", NONE, "scale",
              "collaboration at the table continues: above the level at which it counts as absent (P5)"),
    Threshold("P4_EMP_GAP", NOTICE, "scale",
              "long-standing members have more empathic trust than members of about a year (§4.1.4.3)"),
    Threshold("P4_LANGUAGE_GAP", NOTICE, "scale", "... and more common language (§4.3.3.2)"),
    Threshold("P4_FIXED_GAP", 1.0, "scale", "... and more fixed contacts: at least one more (a count)"),
    Threshold("P4_STALLERS", 3 / 7, "seed",
              "work stalls on an absent contact: 3 of the 7 members of X interviewed report it (§4.1.4.3)"),
    Threshold("P4_STALL_EMP", NOTICE, "scale", "a stall damages empathic trust (§4.1.4.3): a noticeable change"),
    Threshold("P4_STALL_INTENT", NONE, "scale", "... not intentional trust: no change"),
    Threshold("P4_RECOVERY", MIDPOINT, "seed",
              "empathic trust then recovers: more than half of the loss regained within half a year"),
    Threshold("P5_DESTROYED", NOTICE, "scale",
              "a history of misuse has cut intentional trust: a noticeable change against the probe's "
              "counterfactual without misuse"),
    Threshold("P5_COLLAPSE", NONE, "scale",
              "collaboration does not happen (§5): sharing and collaboration no more than no change above zero"),
    Threshold("P5_FALL", NOTICE, "scale", "sharing falls against the counterfactual: a noticeable change"),
    Threshold("P5_WHATEVER", NONE, "scale",
              "whatever the cognitive trust (§5): high cognitive trust does not keep sharing up (no change)"),
    Threshold("P5_ARMS", NOTICE, "scale",
              "the two arms of the probe do differ in cognitive trust at the end (a noticeable change)"),
    Threshold("P6_SLOPE", NOTICE, "scale",
              "a moderator strengthens the link (§4.7): collaboration rises with intentional trust by a "
              "noticeable amount more per unit of trust where the moderator is strong"),
    Threshold("P7_DID", -NOTICE, "scale",
              "Y falls around its breach relative to X (THEORY.md §8): a noticeable difference in differences"),
)}


def value(name: str) -> float:
    return THRESHOLDS[name].value


BEGIN = "<!-- thresholds:begin (generated by python -m experiments.analysis.thresholds docs/patterns.md) -->"
END = "<!-- thresholds:end -->"


def render() -> str:
    """The threshold table of docs/patterns.md."""
    lines = [BEGIN, "", "| threshold | value | rule | why |", "|---|---|---|---|"]
    for t in THRESHOLDS.values():
        lines.append(f"| `{t.name}` | {t.value:.4g} | {t.rule} | {t.reason} |")
    return "\n".join([*lines, "", END])


def update(path) -> None:
    from pathlib import Path

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + render() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    import sys

    update(sys.argv[1])
    print(f"updated {sys.argv[1]}")
