"""The model's parameters: one registry with default, range and source for each.

Every number the dynamics use lives here (network-level parameters) or in
`model.scenario.REPRESENTATIVE_FIELDS` (person-level attributes). The registry is
the single source for the ODD parameter table (`docs/ODD.md`), for scenario
validation (unknown names and out-of-range values are refused) and, later, for
sensitivity-analysis factor files (the ranges are the plausible ranges).

Sources are abbreviated; the ODD gives the references:

* ``study``   -- the source study (section given);
* ``P&Y``     -- Pant & Yu (2025), asymmetric trust update with reputation ceiling;
* ``G&N``     -- Gorobets & Nooteboom (2006), trustworthiness as a defection threshold;
* ``Slovic``  -- Slovic (1993), asymmetry principle;
* ``Kim``     -- Kim et al. (2004), integrity violations weigh more than competence ones;
* ``assumption`` -- no empirical anchor; chosen so that the mechanism has a visible
  but not dominant effect, and given a wide range for sensitivity analysis.

Rates are per week (one step = one week) unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ParamSpec:
    """Metadata of one network-level parameter."""

    name: str
    default: float
    low: float
    high: float
    source: str
    doc: str
    kind: type = float  # float, int, bool or str (a choice among `choices`)
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to the parameter's type, or raise ValueError."""
        if self.kind is str:
            if value not in self.choices:
                raise ValueError(f"must be one of {', '.join(self.choices)}, got {value!r}")
            return str(value)
        if self.kind is bool:
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"must be true or false, got {value!r}")
            return bool(value)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"must be a number, got {_show(value)}")
        if value != value:  # NaN compares unequal to itself; int(nan) would give a misleading message
            raise ValueError("must be a number, got NaN")
        if abs(value) == float("inf"):
            raise ValueError(f"must be a finite number, got {value!r}")
        if not (self.low <= value <= self.high):  # before int(): a huge value is out of range, not fractional
            raise ValueError(f"must be between {self.low:g} and {self.high:g}, got {_show(value)}")
        if self.kind is int and value != int(value):
            raise ValueError(f"must be a whole number, got {value!r}")
        return self.kind(value)


def _show(value: Any, limit: int = 40) -> str:
    """``repr`` cut short, so that a 400-digit number or a long string stays one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _window(k: int) -> tuple[ParamSpec, ParamSpec, ParamSpec]:
    """Start and end week of intervention I<k>, and how far its hours may be off."""
    return (ParamSpec(f"i{k}_start", 0, 0, 5200, "assumption", f"I{k}: first week it acts.", int),
            ParamSpec(f"i{k}_end", 0, 0, 5200, "assumption", f"I{k}: week it stops (0: never).", int),
            ParamSpec(f"i{k}_hours", 1.0, 0.5, 2.0, "assumption (the hours are the model's estimates, "
                      "model/interventions.py)",
                      f"I{k}: its hours (recurring and one-off) as a multiple of the estimated ones; the range "
                      "says the estimate may be off by half or double. Costs only, never the dynamics."))


# fmt: off
SPECS: tuple[ParamSpec, ...] = (
    # --- intentional trust (goodwill) -------------------------------------------------
    ParamSpec("shared_goal", 0.85, 0.0, 1.0, "study §4.1.4.2, §4.6",
              "Clarity of the shared goal found at the start: every member's goal clarity starts "
              "here, and intentional trust of i in j starts at goal clarity x goal alignment of i (P1)."),
    ParamSpec("goal_erosion", 0.5, 0.0, 1.0, "study §4.5.1.1, §4.6.2.2 (a newcomer's diverging vision), assumption",
              "Share of the others' goal clarity lost per unit of a newcomer's divergence (its "
              "organisation's usual goal alignment minus the newcomer's)."),
    ParamSpec("intent_gain", 0.04, 0.005, 0.15, "P&Y (lambda+ = 0.10 per period); rescaled, assumption",
              "Building rate of intentional trust per unit of positive signal (joint success)."),
    ParamSpec("loss_ratio", 3.0, 1.0, 6.0, "P&Y (median 3.0); Slovic; anchors §2.3 range [2, 6]",
              "Erosion rate over building rate for intentional trust (losses weigh more)."),
    ParamSpec("misuse_signal", 4.0, 1.0, 8.0, "Kim (integrity breaches weigh most), assumption",
              "Strength of a detected misuse of one's shared data, in units of an ordinary "
              "negative signal."),
    ParamSpec("freeride_signal", 0.15, 0.0, 1.0, "study §2.1.3 (weak opportunism), assumption",
              "Strength of the negative intentional signal from an agreed action left undone "
              "for lack of effort (free-riding)."),
    ParamSpec("reputation_damage", 0.6, 0.0, 1.0, "P&Y (mu_R = 0.60)",
              "Share of the remaining trust ceiling lost per detected misuse; the ceiling on "
              "intentional trust is 1 - damage (hysteresis)."),
    ParamSpec("goodwill_transfer", 0.7, 0.0, 1.0,
              "study §4.1.3.2 (R8 trusts, partly because the meeting has existed for years), §4.5.1.1 "
              "(R11: trust has to be built up again in part), assumption",
              "Share of intentional trust toward and of a replaced representative that rests on the "
              "organisation and the network's history and carries over to the successor; the rest restarts "
              "from the shared goal as it stands (goal clarity x goal alignment), always under the ceiling of "
              "reputation damage. 1: nothing restarts; 0: a full reset."),
    ParamSpec("damage_forgetting", 0.004, 0.0, 0.03, "P&Y (delta_R = 0.03 per period); weekly, assumption",
              "Weekly decay of reputation damage (half-life ~ 3 years at the default)."),
    ParamSpec("intent_gate", 0.3, 0.05, 0.6, "study §5 (intentional trust is the motor), assumption",
              "Level of intentional trust below which it counts as absent: no sharing, no "
              "empathic growth (P5)."),
    ParamSpec("weakest_link", 0.5, 0.0, 1.0, "study §4.2.2.4, assumption",
              "Weight of the least-trusted member present, against the mean, in the trust a "
              "member places in the table when deciding what to share."),
    # --- cognitive trust (competence) -------------------------------------------------
    ParamSpec("cog_start", 0.5, 0.0, 1.0, "assumption (no prior evidence on competence)",
              "Cognitive trust at the first meeting and towards a newcomer before transfer."),
    ParamSpec("cog_gain", 0.06, 0.005, 0.2, "assumption; anchors §5 (mild asymmetry)",
              "Building rate of cognitive trust per action reported back."),
    ParamSpec("cog_loss_ratio", 1.5, 1.0, 3.0, "Kim; anchors §2.3 range [1, 3]",
              "Erosion over building rate for cognitive trust (missing feedback)."),
    ParamSpec("route_threshold", 0.35, 0.0, 0.7, "study §4.1.2.1 (member routes work around), assumption",
              "Cognitive trust below which a member contacts another organisation of the same "
              "domain instead, outside meetings (P3)."),
    # --- empathic trust (routine, identification) -------------------------------------
    ParamSpec("emp_gain", 0.03, 0.005, 0.15, "study §4.1.4.3, assumption",
              "Growth of empathic trust per unit of joint time (meeting together = 1)."),
    ParamSpec("stall_damage", 0.25, 0.0, 0.8, "study §4.1.4.3 (tunnel vision), assumption",
              "Share of empathic trust lost when work stalls because a fixed contact is absent "
              "and no back-up is known (P4)."),
    ParamSpec("routine_rate", 0.25, 0.0, 1.0, "study §4.1.4.3, assumption",
              "Chance that a successful contact makes the person reached one's fixed contact."),
    ParamSpec("learn_backup", 0.25, 0.0, 1.0, "study §4.1.4.3 (general address learned), assumption",
              "Chance that a stall teaches the member a back-up contact at that organisation."),
    ParamSpec("identification", 0.5, 0.0, 2.0, "study §4.1.2.3 (care and safety know each other's domain), assumption",
              "Extra empathic growth per unit of joint work between organisations of different "
              "domains (identification: learning the other domain's differences and overlaps)."),
    ParamSpec("general_channel", 0.5, 0.0, 1.0, "assumption",
              "Chance that a contact without a known person (general address) gets through."),
    # --- communication ----------------------------------------------------------------
    ParamSpec("emp_contact", 0.7, 0.0, 1.0, "study §4.1.3.3 (lines get shorter with time), assumption",
              "How far empathic trust drives contact outside meetings: the weekly contact "
              "chance is contact_rate x (1 - emp_contact + emp_contact x empathic trust)."),
    ParamSpec("contact_joint", 0.5, 0.0, 2.0, "assumption",
              "Joint time (meeting = 1) that one successful contact outside a meeting gives "
              "each side."),
    ParamSpec("lang_gain", 0.02, 0.0, 0.1, "study §4.3.4, assumption",
              "Growth of a representative's common language per meeting attended, times the "
              "openness of the atmosphere."),
    ParamSpec("open_atmosphere", 0.8, 0.0, 1.0, "study §4.3 (open code), assumption",
              "Openness of the atmosphere at the founding; it then falls with irritations and "
              "misuse and rises with informal contact. Scales how much contact teaches common language."),
    ParamSpec("atmosphere_loss", 0.05, 0.0, 0.5, "study §4.3, §4.6.3 (irritations), assumption",
              "Share of the openness lost per detected misuse and per unit of irritation (share of "
              "pairs that saw an agreed action without feedback this week)."),
    ParamSpec("atmosphere_gain", 0.05, 0.0, 0.5, "study §4.3.4 (informal contact), assumption",
              "Share of the gap to full openness closed by an informal moment."),
    ParamSpec("informal_physical", 0.5, 0.0, 1.0, "study §4.3.4 (physical > online), assumption",
              "Informal contact a physical meeting brings (joint-time units)."),
    ParamSpec("online_informal_share", 0.2, 0.0, 1.0, "study §4.3.4 (online: less chat), assumption",
              "Informal contact of an online meeting as a share of a physical one's."),
    ParamSpec("informal_rate", 0.0, 0.0, 1.0, "study §3 table (X little, Y coffee moments)",
              "Weekly chance of an informal contact moment for the whole group."),
    ParamSpec("language_floor", 0.6, 0.0, 1.0, "assumption",
              "Share of shared information understood with no common language at all."),
    ParamSpec("contact_rate", 0.3, 0.0, 1.0, "study §4.1.4.3, assumption",
              "Weekly chance that a member contacts a partner on a shared open case outside "
              "the meetings."),
    ParamSpec("contact_info", 0.1, 0.0, 0.5, "study §4.1.4.3 (thinking along outside meetings), assumption",
              "Share of a case's missing information filled by one successful contact on it."),
    # --- autonomy ---------------------------------------------------------------------
    ParamSpec("power_asymmetry", 0.0, 0.0, 1.0, "study §4.4 (X one pot; Y who pays decides)",
              "How far the paying organisation can decide over the others (0: shared pot)."),
    ParamSpec("voice", 0.8, 0.0, 1.0, "study §4.4.2",
              "How freely members can express their perspective; offsets power asymmetry."),
    ParamSpec("voice_enough", 0.5, 0.01, 1.0, "study §4.4.2 (autonomy kept under who-pays-decides), assumption",
              "T5 study: voice from which power asymmetry costs no willingness; below it the loss "
              "grows as power_asymmetry x (1 - voice / voice_enough)."),
    # --- stability --------------------------------------------------------------------
    ParamSpec("turnover_rate", 0.1, 0.0, 1.0, "study §3 table (most > 1 year), assumption",
              "Yearly chance that a representative is replaced (besides scheduled events)."),
    ParamSpec("absence_scale", 1.0, 0.0, 3.0, "study §4.5 (absence), assumption",
              "Multiplies every representative's absence (1 - availability); 0: nobody is ever "
              "absent, 2: twice as often."),
    ParamSpec("absent_input", 0.5, 0.0, 1.0, "study §4.5.3 (a colleague, written input: minimal hindrance), assumption",
              "Chance that an absent member's case information still reaches the meeting."),
    ParamSpec("transfer_share", 0.3, 0.0, 1.0, "anchors §2.2 (uncertain; Zaheer et al.)",
              "Share of person-bound trust, contacts and common language passed to a successor."),
    # --- coordination -----------------------------------------------------------------
    ParamSpec("evaluation_interval", 0, 0, 156, "study §4.6 (almost no evaluations)",
              "Weeks between chair-led evaluations (0: none).", int),
    ParamSpec("evaluation_align", 0.3, 0.0, 1.0, "study §4.6.5, §5.1, assumption",
              "Share of the gap to full goal alignment closed at an evaluation."),
    ParamSpec("evaluation_repair", 0.3, 0.0, 1.0, "study §4.6.5 (irritations surfaced), assumption",
              "Share of cognitive trust lost since the start repaired at an evaluation."),
    ParamSpec("task_clarity", 0.8, 0.0, 1.0, "study §4.6 (clear, unwritten)",
              "Clarity of the task division between organisations whose tasks overlap."),
    ParamSpec("effort_alignment", 0.5, 0.0, 1.0, "study §2.1.3 (weak opportunism), assumption",
              "How far low goal alignment lowers effort: effort = willingness x (1 - "
              "effort_alignment x (1 - goal alignment))."),
    # --- sharing, risk and opportunism ------------------------------------------------
    ParamSpec("sharing_risk", 0.2, 0.0, 1.0, "study §4.2.2 (GDPR edge), assumption",
              "Caution about sharing personal data at the founding (what the network's rules allow); "
              "each member's caution starts here and then moves (caution_detect, caution_hear, "
              "caution_decay); the share of case information put on the table falls with it."),
    ParamSpec("caution_detect", 0.5, 0.0, 1.0, "study §4.2.2.4, §4.2.3 (R9 more reticent after misuse), assumption",
              "Share of the gap to full caution closed when a member detects misuse of its own data."),
    ParamSpec("caution_hear", 0.1, 0.0, 1.0, "study §4.2.3 (bad experiences make a network careful), assumption",
              "Share of the gap to full caution closed when a member hears of a detected misuse of "
              "another member's data."),
    ParamSpec("caution_decay", 0.005, 0.0, 0.1, "assumption",
              "Weekly return of caution toward sharing_risk (half-life about 2.7 years at the default)."),
    ParamSpec("outsider_rate", 0.0, 0.0, 1.0, "study §3 table (X often, Y closed)",
              "Chance that unscreened outsiders attend a meeting."),
    ParamSpec("burn_penalty", 0.8, 0.0, 1.0, "study §4.2.2.4 (R9 shares less), assumption",
              "How far reputation damage one holds against a member present cuts one's sharing."),
    ParamSpec("opportunity_rate", 0.4, 0.0, 1.0, "assumption",
              "Chance per meeting that a member has a private use for the data shared."),
    ParamSpec("misuse_reach", 0.7, 0.0, 1.0, "study §4.1.3.2 (R9 affected, R10 not), assumption",
              "Chance that a misuse touches the data of a given exposed member who shared."),
    ParamSpec("detect_prob", 0.6, 0.0, 1.0, "study §4.1.3.2 (R9 noticed), assumption",
              "Chance that a member whose data were misused finds out."),
    # --- the breach: Y's hypothesis of its last year (a scenario's [breach] table) -----
    ParamSpec("breach_alignment", 0.15, 0.0, 0.85,
              "study §4.5.1.1 (a 'fairly fierce', diverging vision), assumption",
              "Goal alignment of the newcomer with a diverging vision who arrives at the breach. Bounds: from "
              "no part of the shared goal (0) to the 0.85 its organisation usually brings (no divergence at "
              "all); at 0.5 or more the default temptation no longer exceeds the default threshold."),
    ParamSpec("breach_threshold", 0.4, 0.1, 0.9,
              "G&N (a defection threshold), assumption (the study never heard the housing corporation)",
              "Opportunism threshold of the newcomer with a diverging vision. Bounds: from a person who "
              "defects at almost any temptation (0.1) to one who hardly ever does (0.9)."),
    ParamSpec("breach_conflict", 0.8, 0.0, 1.0,
              "study §4.6.2.2 (the corporation's financial interest can make it sail its own course), "
              "assumption",
              "Conflict of interest of the breach's organisation with the shared goal (from the start). "
              "Bounds: from no interest of its own (0) to one that always conflicts (1)."),
    ParamSpec("breach_shift", 0, 0, 36,
              "study §4.5.1.1 (two colleagues joined in the last year), assumption",
              "Weeks after the scenario's breach week at which the newcomer with a diverging vision arrives. "
              "Bounds: from the start of the last year (0) to 36 weeks later, which still leaves 16 weeks "
              "before the interviews.", int),
    # --- cases ------------------------------------------------------------------------
    ParamSpec("case_rate", 0.8, 0.0, 5.0, "assumption (no caseload in the study)",
              "Mean number of new cases per week (Poisson)."),
    ParamSpec("need_prob", 0.45, 0.05, 1.0, "study §4.2.4 ('80 % of cases you need each other')",
              "Chance that a case needs a given organisation (at least two are always needed)."),
    ParamSpec("case_work", 1.0, 0.2, 5.0, "assumption",
              "Work a case needs before it is resolved, in units of all its agreed actions "
              "done on full information."),
    ParamSpec("max_cases", 24, 4, 200, "assumption",
              "Capacity of the case pool (open cases); arrivals beyond it wait outside.", int),
    # --- mechanism switches (ablations: a pattern's cause switched off) --------------
    ParamSpec("goal_prior", True, 0, 1, "study §4.1.4.2 (P1)",
              "Intentional trust starts from shared-goal alignment; off: it starts at "
              "intent_start_low for everyone.", bool),
    ParamSpec("intent_start_low", 0.2, 0.0, 1.0, "Huxham & Vangen 1996 (trust built up), assumption",
              "Starting intentional trust when goal_prior is off."),
    ParamSpec("opportunism", True, 0, 1, "study §4.1.3.2 (P2)",
              "Members may misuse shared data; off: nobody ever does.", bool),
    ParamSpec("separate_kinds", True, 0, 1, "study §4.1.4.1 (P3)",
              "Feedback moves cognitive trust only; off: it moves intentional trust the same "
              "way (one undifferentiated trust).", bool),
    ParamSpec("tunnel_vision", True, 0, 1, "study §4.1.4.3 (P4)",
              "An absent fixed contact with no back-up stalls the work; off: the member falls "
              "back on the general address.", bool),
    ParamSpec("trust_gate", True, 0, 1, "study §5 (P5)",
              "Intentional trust gates sharing and contact; off: the mean of the three kinds "
              "does, with no floor.", bool),
    ParamSpec("moderators", True, 0, 1, "study §4.7 (P6)",
              "All four moderators act (each also has its own switch below); off: common language, "
              "autonomy, task division, absence, re-learning after turnover, goal erosion and "
              "evaluations have no effect.", bool),
    ParamSpec("communication_moderator", True, 0, 1, "study §4.3 (P6)",
              "Communication moderates (common language filters what is understood; domain "
              "cultures can cost understanding, T4); off: everything shared is understood.", bool),
    ParamSpec("autonomy_moderator", True, 0, 1, "study §4.4 (P6)",
              "Autonomy moderates (power asymmetry can cost willingness); off: willingness is 1.", bool),
    ParamSpec("stability_moderator", True, 0, 1, "study §4.5 (P6)",
              "Stability moderates (absence; re-learning after turnover); off: everyone is always "
              "present and a successor keeps all person-bound trust.", bool),
    ParamSpec("coordination_moderator", True, 0, 1, "study §4.6 (P6)",
              "Coordination moderates (task confusion where tasks overlap, evaluations, goal "
              "erosion by a diverging newcomer); off: none of these act.", bool),
    ParamSpec("misuse_trust", True, 0, 1, "study §4.1.3.2 (P2)",
              "A detected misuse lowers the victim's intentional trust in the misuser and leaves "
              "reputation damage; off: detection still makes the victim and the others cautious, but "
              "trust does not register it (the P2 ablation).", bool),
    ParamSpec("feedback_loss", True, 0, 1, "study §4.1.4.1 (P3)",
              "Missing feedback on an agreed action erodes the cognitive trust of a trustor who values "
              "feedback; off: only feedback received moves cognitive trust (the P3 ablation).", bool),
    ParamSpec("moderation", "interaction", 0, 0, "study §4.7 (P6)",
              "How the moderators act on the link from trust to collaboration. interaction: as factors "
              "that scale what trust yields (the study's moderation); additive: the same factors as main "
              "effects only, y - (1 - m) x 0.1 instead of y x m, so that they shift collaboration "
              "whatever the trust (the P6 ablation).", str, ("interaction", "additive")),
    ParamSpec("intent_shift", 0.0, -1.0, 1.0,
              "a probe of the P6 criterion (study §4.7), not an input: 0 in every scenario",
              "Added to every starting and arrival level of intentional trust (clipped to [0, 1]); "
              "the P6 sweep moves the level of intentional trust with it without touching goal "
              "clarity or alignment, which also set effort. 0 in every scenario."),
    ParamSpec("scheduled_events", True, 0, 1, "study §3 table (P7)",
              "The scenario's scheduled turnover events happen; off: they are ignored.", bool),
    # --- theory variants (study §6.2; THEORY.md §5): "study" is the study's finding -----
    ParamSpec("T1", "study", 0, 0, "study §4.1.4.2 vs Huxham & Vangen 1996",
              "Origin of intentional trust. study: from the shared goal at the start; literature: "
              "starts at intent_start_low and is built through cycles of interaction.", str,
              ("study", "literature")),
    ParamSpec("T2", "study", 0, 0, "study §4.1.4.3 vs Nooteboom 2006",
              "What makes empathic trust go too far. study: routine (one fixed contact, stalls); "
              "literature: identification (blind to misuse and free-riding).", str, ("study", "literature")),
    ParamSpec("T3", "study", 0, 0, "study §4.3.4 vs Van Delden 2009",
              "Informal contact. study: familiarity only; literature: also commitment (goal "
              "alignment rises).", str, ("study", "literature")),
    ParamSpec("T4", "study", 0, 0, "study §4.3 vs Dozy 2011",
              "Different domain cultures. study: no problem where the atmosphere is open; "
              "literature: cross-domain information is less understood regardless.", str,
              ("study", "literature")),
    ParamSpec("T5", "study", 0, 0, "study §4.4.2 vs Hillman et al. 2009",
              "Unequal resources. study: voice offsets power asymmetry; literature: they restrict "
              "autonomy whatever the voice.", str, ("study", "literature")),
    ParamSpec("T6", "study", 0, 0, "study §4.5.3 vs Dozy 2011, Van Delden 2009",
              "Stability. study: moderates the trust-collaboration link; literature: a precondition "
              "(no sharing until the table has been together for stability_start weeks).", str,
              ("study", "literature")),
    ParamSpec("T7", "study", 0, 0, "study §4.5 vs Dozy 2011",
              "External pressure. study: no sham collaboration; literature: imposed participation "
              "gives sham collaboration (less sharing and effort). Acts only when imposed.", str,
              ("study", "literature")),
    ParamSpec("T8", "study", 0, 0, "study §4.6.5 vs Dozy 2011",
              "Task division. study: a natural one suffices unless tasks overlap; literature: without "
              "a written one every case suffers confusion.", str, ("study", "literature")),
    ParamSpec("update_rule", "asymmetric_ceiling", 0, 0, "P&Y; Slovic; Earle & Siegrist; Hoogendoorn et al.",
              "Trust update rule: asymmetric_ceiling (losses weigh more, lasting damage caps trust), "
              "asymmetric (no damage ceiling), symmetric (loss ratio 1, no ceiling), "
              "value_performance (goodwill resilient and symmetric, competence fragile).", str,
              ("asymmetric_ceiling", "asymmetric", "symmetric", "value_performance")),
    ParamSpec("interaction_cycle", 0.5, 0.0, 2.0, "Vangen & Huxham 2003 (trust-building loop), assumption",
              "T1 literature: intentional building per meeting attended together, in units of a "
              "joint success."),
    ParamSpec("identification_blindness", 0.6, 0.0, 1.0, "Nooteboom 2002 (tolerance band), assumption",
              "T2 literature: how far empathic trust hides misuse and free-riding from the trustor."),
    ParamSpec("informal_commitment", 0.05, 0.0, 0.3, "Van Delden 2009, assumption",
              "T3 literature: share of the gap to full goal alignment closed by an informal moment."),
    ParamSpec("culture_gap", 0.3, 0.0, 1.0, "Dozy 2011, assumption",
              "T4: loss of understanding of information on cases that bring domains together "
              "(literature: always; study: times clip(1 - open_atmosphere / open_enough, 0, 1))."),
    ParamSpec("open_enough", 0.5, 0.01, 1.0, "study §4.3 (open enough to ask), assumption",
              "T4 study: openness of the atmosphere from which domain cultures cause no loss."),
    ParamSpec("stability_start", 26, 1, 156, "Dozy 2011, assumption",
              "T6 literature: weeks the table must have been together before members share.", int),
    ParamSpec("sham_share", 0.5, 0.0, 1.0, "Dozy 2011, assumption",
              "T7 literature: share of sharing and effort lost to sham collaboration when imposed."),
    ParamSpec("imposed", False, 0, 1, "study §4.5 (participation voluntary)",
              "Participation of every member is imposed from outside (scenario switch for T7; "
              "an organisation can also be marked imposed on its own).", bool),
    ParamSpec("written_tasks", False, 0, 1, "study §4.6 (clear, unwritten)",
              "The task division is written down (no confusion under either T8 variant).", bool),
    # --- interventions I1-I6 (study §5.1; model/interventions.py): off by default ------
    ParamSpec("i1", False, 0, 1, "study §5.1 recommendation 1", "I1 evaluations: on.", bool),
    *_window(1),
    ParamSpec("i1_every", 13, 1, 156, "study §5.1 (regular evaluations), assumption",
              "I1: weeks between chair-led evaluations.", int),
    ParamSpec("i1_after_turnover", 4, 1, 52, "study §5.1 (more often when members change), assumption",
              "I1: an extra evaluation this many weeks after a representative is replaced.", int),
    ParamSpec("i1_goal", 0.1, 0.0, 0.5, "study §5.1 (a concrete shared goal), assumption",
              "I1: rise in the clarity of the shared goal (shared_goal + i1_goal, at most 1)."),
    ParamSpec("i2", False, 0, 1, "study §5.1 recommendation 2", "I2 data-sharing framework: on.", bool),
    *_window(2),
    ParamSpec("i2_risk_cut", 0.5, 0.0, 1.0, "study §5.1 (clear limits, covenant), assumption",
              "I2: share of the perceived risk of sharing taken away."),
    ParamSpec("i2_officer", 0.5, 0.0, 1.0, "study §5.1 (a privacy officer to ask), assumption",
              "I2: share of the attempts to misuse shared data that the privacy officer stops "
              "before the data are used."),
    ParamSpec("i2_limits", 0.2, 0.0, 0.5, "study §5.1 (clear limits), assumption",
              "I2: rise of every member's opportunism threshold (clear limits on use)."),
    ParamSpec("i2_training", 0.3, 0.0, 1.0, "study §5.1 (training for every new member), assumption",
              "I2: common language a trained newcomer starts with (at least)."),
    ParamSpec("i3", False, 0, 1, "study §5.1 recommendation 3", "I3 informal contact moments: on.", bool),
    *_window(3),
    ParamSpec("i3_rate", 0.25, 0.0, 1.0, "study §5.1 (coffee, lunch), assumption",
              "I3: weekly chance of an informal moment (at least this)."),
    ParamSpec("i3_physical", True, 0, 1, "study §5.1 (meet physically where possible)",
              "I3: meetings are held physically.", bool),
    ParamSpec("i4", False, 0, 1, "study §5.1 recommendation 4",
              "I4 social map: every member knows a back-up contact at every organisation.", bool),
    *_window(4),
    ParamSpec("i5", False, 0, 1, "study §5.1 recommendation 5",
              "I5 expectation management: the chair collects and resolves irritations.", bool),
    *_window(5),
    ParamSpec("i5_repair", 0.3, 0.0, 1.0, "study §5.1, assumption",
              "I5: share of the cognitive trust lost since the start repaired at each meeting."),
    ParamSpec("i5_voice", 0.5, 0.0, 1.0, "study §4.4.2, §5.1, assumption",
              "I5: share of the missing voice given back (voice -> 1 - (1 - voice)(1 - i5_voice))."),
    ParamSpec("i6", False, 0, 1, "study §5.1 recommendation 6",
              "I6 intrinsic motivation (success stories, shadowing, invitation by a manager).", bool),
    *_window(6),
    ParamSpec("i6_turnover_cut", 0.5, 0.0, 1.0, "study §5.1, assumption", "I6: share of turnover avoided."),
    ParamSpec("i6_absence_cut", 0.5, 0.0, 1.0, "study §5.1, assumption", "I6: share of absence avoided."),
    ParamSpec("i6_effort", 0.5, 0.0, 1.0, "study §5.1, assumption",
              "I6: share of the effort lost to low goal alignment regained."),
    # --- schedule ---------------------------------------------------------------------
    ParamSpec("meeting_interval", 6, 1, 26, "study §3 table (X every 6-8, Y every 4 weeks)",
              "Weeks between network meetings.", int),
    ParamSpec("online", False, 0, 1, "study §4.3.4 (X online during COVID, Y physical)",
              "Meetings are online (less informal contact).", bool),
)
# fmt: on

SPEC_BY_NAME: dict[str, ParamSpec] = {s.name: s for s in SPECS}


class _ParamsMethods:
    """Methods of `Params` (the fields are generated from `SPECS`)."""

    @classmethod
    def from_dict(cls, values: dict[str, Any], where: str = "parameters") -> Params:
        """Validate ``values`` against the registry and return a Params.

        Raises `ValueError` with a one-line message naming ``where`` and the key.
        """
        clean = {}
        for key, value in values.items():
            spec = SPEC_BY_NAME.get(key)
            if spec is None:
                raise ValueError(f"{where}: unknown parameter '{key}' (see docs/ODD.md, parameter table)")
            try:
                clean[key] = spec.check(value)
            except ValueError as exc:
                raise ValueError(f"{where}: parameter '{key}' {exc}") from None
        return cls(**clean)

    def with_overrides(self, values: dict[str, Any], where: str = "overrides") -> Params:
        """Return a copy with ``values`` applied (validated)."""
        checked = Params.from_dict(values, where)
        return replace(self, **{k: getattr(checked, k) for k in values})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Network-level parameter values of one run (immutable): one field per registry entry, so
# the dataclass and the table cannot drift apart. Use `Params.from_dict` for user input.
Params = make_dataclass(
    "Params",
    [(s.name, s.kind, field(default=s.kind(s.default), metadata={"spec": s})) for s in SPECS],
    bases=(_ParamsMethods,), frozen=True, module=__name__,
)
