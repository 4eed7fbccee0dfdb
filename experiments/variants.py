"""`trustnet variants`: which theory variants reproduce the observed patterns?

Pattern-oriented comparison (Grimm et al. 2005): for the baseline (the study's side of
every pair) and each variant switched on one at a time (T1-T8 on the literature's side,
the alternative trust update rules, and pairs a user asks for), the uncertain
parameters are sampled over their ranges (Latin hypercube, SALib), X and Y and the
pattern probes are run at every sample point, and the contrast experiment's criteria
(docs/patterns.md) score P1-P7. A variant's *share* for a pattern is the share of
sample points at which the pattern is reproduced; "all" is the share reproducing all
seven at once. Intervals are Wilson 95% intervals over the sample points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.sample import latin

from experiments.contrast import MODERATOR_CONTRASTS, P5_PROBE, Tables, score
from experiments.design import Study
from experiments.executors import ExecutorSpec
from experiments.runner import RunSummary, execute
from experiments.store import save_figure, write_json, write_text
from model.parameters import SPEC_BY_NAME
from model.scenario import ScenarioError, load_scenario
from model.variants import THEORY_PAIRS, UPDATE_RULES

# the uncertain parameters sampled for the comparison (ranges from the registry)
UNCERTAIN = ("intent_gain", "loss_ratio", "misuse_signal", "reputation_damage", "cog_gain",
             "emp_gain", "stall_damage", "transfer_share", "contact_rate", "detect_prob",
             "opportunity_rate", "sharing_risk")
PATTERNS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
REJECT_BELOW = 0.25  # a pattern reproduced at < 25% of the sample (Wilson upper bound) rejects


def default_variants() -> dict[str, dict]:
    out = {"baseline": {}}
    for t in THEORY_PAIRS:
        out[f"{t}=literature"] = {t: "literature"}
    for rule in UPDATE_RULES[1:]:
        out[f"update_rule={rule}"] = {"update_rule": rule}
    return out


def parse_variant(text: str) -> tuple[str, dict]:
    """``T1=literature`` or ``T1=literature+T3=literature`` -> (name, overrides)."""
    overrides = {}
    for part in text.split("+"):
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip() or "literature"
        if key not in SPEC_BY_NAME or SPEC_BY_NAME[key].kind is not str:
            names = ", ".join([*THEORY_PAIRS, "update_rule"])
            raise ScenarioError(f"variant '{part}': unknown theory pair '{key}' (choose from {names})")
        try:
            overrides[key] = SPEC_BY_NAME[key].check(value)
        except ValueError as exc:
            raise ScenarioError(f"variant '{part}': {key} {exc}") from None
    return "+".join(f"{k}={v}" for k, v in overrides.items()), overrides


def parameter_sample(n: int, seed: int) -> list[dict]:
    """Latin hypercube over the uncertain parameters' registry ranges."""
    problem = {"num_vars": len(UNCERTAIN), "names": list(UNCERTAIN),
               "bounds": [[SPEC_BY_NAME[k].low, SPEC_BY_NAME[k].high] for k in UNCERTAIN]}
    rows = latin.sample(problem, n, seed=seed)
    return [dict(zip(UNCERTAIN, map(float, row), strict=True)) for row in rows]


def _points(sample: list[dict], overrides: dict, which: str) -> list[dict]:
    pts = []
    for k, values in enumerate(sample):
        common = {**values, **overrides}
        if which == "main":
            pts += [{"label": f"s{k}:x", "scenario": "x", **common},
                    {"label": f"s{k}:y", "scenario": "y", **common}]
        else:
            pts.append({"label": f"s{k}:p5-probe", "scenario": "x", **common, **P5_PROBE})
            for name, (strong, weak) in MODERATOR_CONTRASTS.items():
                pts.append({"label": f"s{k}:p6-{name}-strong", "scenario": "x", **common, **strong})
                pts.append({"label": f"s{k}:p6-{name}-weak", "scenario": "x", **common, **weak})
    return pts


class _Prefixed:
    """The tables of one sample point, seen with the contrast experiment's labels."""

    def __init__(self, tables: Tables, prefix: str):
        self.tables, self.prefix = tables, prefix

    def get(self, table: str, label: str) -> pd.DataFrame:
        return self.tables.get(table, self.prefix + label)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval of a proportion."""
    if n == 0:
        return float("nan"), float("nan")
    z, p = 1.96, successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def shares(scores: pd.DataFrame) -> pd.DataFrame:
    """Per variant and pattern (and "all"): share of sample points reproducing it.

    ``scores`` has one row per (variant, sample) and a boolean column per pattern.
    """
    rows = []
    for variant, frame in scores.groupby("variant", sort=False):
        n = len(frame)
        for pattern in (*PATTERNS, "all"):
            hit = frame[list(PATTERNS)].all(axis=1) if pattern == "all" else frame[pattern]
            hits = int(hit.sum())
            lo, hi = wilson(hits, n)
            rows.append({"variant": variant, "pattern": pattern, "share": hits / n if n else float("nan"),
                         "ci_low": lo, "ci_high": hi, "samples": n})
    return pd.DataFrame(rows)


def verdict(table: pd.DataFrame) -> dict[str, list]:
    """Rejected variants, survivors, and variants the patterns cannot tell from the baseline."""
    rejected, survivors, alike = {}, [], []
    base = table[table.variant == "baseline"].set_index("pattern")
    for variant, frame in table.groupby("variant", sort=False):
        f = frame.set_index("pattern")
        failing = [p for p in PATTERNS if f.loc[p, "ci_high"] < REJECT_BELOW]
        if failing:
            rejected[variant] = failing
        else:
            survivors.append(variant)
        if variant != "baseline" and len(base):
            same = all(f.loc[p, "ci_low"] <= base.loc[p, "ci_high"]
                       and base.loc[p, "ci_low"] <= f.loc[p, "ci_high"] for p in (*PATTERNS, "all"))
            if same:
                alike.append(variant)
    return {"rejected": rejected, "survivors": survivors, "indistinguishable_from_baseline": alike}


@dataclass
class VariantSizes:
    samples: int = 16
    reps: int = 8


def run_variants(out: Path, sizes: VariantSizes | None = None, seed: int = 20221,
                 variants: dict[str, dict] | None = None, executor: ExecutorSpec | None = None,
                 block_size: int | None = None, quiet: bool = False, engine: str = "batch"
                 ) -> tuple[list[RunSummary], pd.DataFrame | None]:
    sizes = sizes or VariantSizes()
    variants = variants if variants is not None else default_variants()
    out = Path(out)
    sample = parameter_sample(sizes.samples, seed)
    x = load_scenario("x")
    summaries, score_rows = [], []
    for k, (name, overrides) in enumerate(variants.items()):
        for which in ("main", "probes"):
            study = Study(scenario=x, points=tuple(_points(sample, overrides, which)), reps=sizes.reps,
                          seed=seed, pairs_every=4 if which == "main" else 0,
                          record_agents=which == "main", kind=f"variants-{which}",
                          extra={"variant": name})
            summaries.append(execute(study, out / "runs" / f"v{k:02d}-{which}", executor, engine=engine,
                                     block_size=block_size, quiet=quiet))
        if not all(s.ok for s in summaries[-2:]):
            continue
        main, probes = Tables(out / "runs" / f"v{k:02d}-main"), Tables(out / "runs" / f"v{k:02d}-probes")
        for j in range(len(sample)):
            card = score(_Prefixed(main, f"s{j}:"), _Prefixed(probes, f"s{j}:"))
            score_rows.append({"variant": name, "sample": j, **{r.id: r.passed for r in card}})
    if not all(s.ok for s in summaries):
        return summaries, None
    scores = pd.DataFrame(score_rows)
    scores.to_csv(out / "scores.csv", index=False)
    table = shares(scores)
    table[["variant", "pattern", "share", "ci_low", "ci_high"]].to_csv(out / "variants.csv", index=False)
    result = verdict(table)
    write_json({"sample": sample, "uncertain": list(UNCERTAIN), "variants": variants, **result,
                "samples": sizes.samples, "reps": sizes.reps, "root_seed": seed}, out / "verdict.json")
    heatmap(table, out / "variants.png")
    write_text(report(table, result, sizes, seed), out / "report.md")
    return summaries, table


def heatmap(table: pd.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    wide = table.pivot(index="variant", columns="pattern", values="share")
    wide = wide.loc[list(dict.fromkeys(table.variant)), [*PATTERNS, "all"]]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(wide) + 1.8))
    im = ax.imshow(wide.to_numpy(dtype=float), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(wide.shape[1]), wide.columns)
    ax.set_yticks(range(len(wide)), wide.index)
    for (i, j), v in np.ndenumerate(wide.to_numpy(dtype=float)):
        ax.text(j, i, f"{v:.0%}", ha="center", va="center", color="white" if v < 0.6 else "black", fontsize=8)
    fig.colorbar(im, ax=ax, label="share of the parameter sample reproducing the pattern")
    ax.set_title("Which theory variants reproduce the patterns?")
    save_figure(fig, path)
    return path


def report(table: pd.DataFrame, result: dict, sizes: VariantSizes, seed: int) -> str:
    lines = ["# Theory variants against the patterns", "",
             f"{sizes.samples} Latin-hypercube points over {len(UNCERTAIN)} uncertain parameters "
             f"({', '.join(UNCERTAIN)}), {sizes.reps} replications per point, root seed {seed}. "
             "A variant's share is the share of sample points at which the pattern's criterion "
             "(docs/patterns.md) passes; brackets are Wilson 95% intervals.", "",
             "| variant | " + " | ".join((*PATTERNS, "all")) + " |", "|---|" + "---|" * (len(PATTERNS) + 1)]
    for variant, frame in table.groupby("variant", sort=False):
        f = frame.set_index("pattern")
        lines.append(f"| {variant} | " + " | ".join(
            f"{f.loc[p, 'share']:.0%} [{f.loc[p, 'ci_low']:.0%}, {f.loc[p, 'ci_high']:.0%}]"
            for p in (*PATTERNS, "all")) + " |")
    lines += ["", "## Verdict", ""]
    if result["rejected"]:
        lines.append(f"**Rejected** (a pattern reproduced at under {REJECT_BELOW:.0%} of the sample, upper "
                     "bound):")
        for v, pats in result["rejected"].items():
            lines.append(f"- {v}: cannot produce {', '.join(pats)}")
    else:
        lines.append("No variant is rejected outright.")
    lines += ["", "**Survive:** " + (", ".join(result["survivors"]) or "none"), ""]
    alike = result["indistinguishable_from_baseline"]
    lines.append("**The patterns cannot tell these apart from the baseline** (all intervals overlap): "
                 + (", ".join(alike) if alike else "none") + ".")
    lines += ["", "Theory pairs (literature vs study), THEORY.md §5:", ""]
    for t, (lit, study) in THEORY_PAIRS.items():
        lines.append(f"- {t}: literature — {lit}; study — {study}")
    return "\n".join(lines) + "\n"
