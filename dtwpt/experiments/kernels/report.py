"""``report.md`` of the kernels experiment: the layer counted as the paper does, kernel by kernel.

The paper's counts of Gabor-like channels (v1 of Leterme et al.,
arXiv:2209.11740, Table I) are quoted next to this layer's; the verdicts come
from :mod:`dtwpt.experiments.kernels.verdicts`.
"""
import numpy as np

from .. import _paper
from .._common import write_text
from .._markdown import skipped_section, verdict_table
from .._stats import MIN_TILES
from .verdicts import MAX_DELTA, gamma_correlation, rank_correlation

__all__ = ["SHARE_LEVELS", "count_table", "write_report"]


#: Thresholds on the energy share at which the Gabor-like kernels are counted.
SHARE_LEVELS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def count_table(table):
    """Columns of ``gabor_counts.csv``: per threshold, the Gabor-like kernels, their mean share.

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.kernels.verdicts.kernel_table` (column
        ``gabor_share``).

    Returns
    -------
    dict of str to list
        ``min_share`` (the thresholds of :data:`SHARE_LEVELS`),
        ``n_gabor_like`` (kernels whose share reaches it), ``n_kernels`` and
        ``mean_share`` (of those kernels; NaN when there are none).

    Examples
    --------
    >>> counts = count_table({"gabor_share": np.array([0.3, 0.55, 0.65, 0.95])})
    >>> counts["n_gabor_like"]
    [3, 3, 2, 1, 1, 1]
    >>> round(counts["mean_share"][1], 4)
    0.7167
    """
    share = table["gabor_share"]
    counts = [int((share >= t).sum()) for t in SHARE_LEVELS]
    means = [float(share[share >= t].mean()) if c else np.nan for t, c in
             zip(SHARE_LEVELS, counts)]
    return {"min_share": list(SHARE_LEVELS), "n_gabor_like": counts,
            "n_kernels": [len(share)] * len(SHARE_LEVELS), "mean_share": means}


def _fmt_theta(ty, tx):
    return f"({ty / np.pi:+.2f}, {tx / np.pi:.2f})π"


def _ci(table, name, i):
    lo, hi = table[f"{name}_ci_low"][i], table[f"{name}_ci_high"][i]
    mean = table[f"{name}_mean"][i]
    return f"{mean:.3f} [{lo:.3f}, {hi:.3f}]" if np.isfinite(lo) else f"{mean:.3f}"


def _layer_section(table, m, min_share):
    share, gabor = table["gabor_share"], table["gabor_like"]
    n, L = int(gabor.sum()), len(share)
    mean = f"{share[gabor].mean():.0%}" if n else "—"
    delta = table["delta"][gabor]
    paper = "; ".join(f"{net}: {g} of {c} at kappa = pi/{mm}, mean share {s:.0%}"
                      for net, (mm, g, c, s) in _paper.GABOR_COUNTS.items())
    counts = count_table(table)
    lines = [(f"- **{n} of {L} kernels are Gabor-like** at kappa = pi/{m} (share of energy in "
             f"the best kappa x kappa square and its mirror >= {min_share:g}); their mean "
             f"share is {mean}. The paper (v1, Table I): {paper}."),
             f"- monochrome (Hypothesis 5.1): relative projection error delta of the Gabor-like "
             f"kernels: median {np.median(delta):.3f}, max {delta.max():.3f}; "
             f"{int(table['in_setting'].sum())} of them have delta <= {MAX_DELTA} and are in "
             "the theory's setting (the paper: delta <= 0.1, mean about 1e-2, on AlexNet's)"
             if n else "- no Gabor-like kernel", "",
             "| share >= | " + " | ".join(f"{t:g}" for t in counts["min_share"]) + " |",
             "|---" * (len(SHARE_LEVELS) + 1) + "|",
             "| Gabor-like kernels | " + " | ".join(map(str, counts["n_gabor_like"])) + " |",
             "| mean share | " + " | ".join("—" if not np.isfinite(v) else f"{v:.0%}"
                                            for v in counts["mean_share"]) + " |"]
    return lines


def _correlation_line(table):
    r, lo, hi, n = gamma_correlation(table)
    if not np.isfinite(r):
        return (f"Correlation between measured mean rho² and gamma²(m theta) across the "
                f"kernels in the setting: not computed ({n} kernels, {MIN_TILES} needed).")
    rho, rlo, rhi, _ = rank_correlation(table)
    r_out, lo_out, hi_out, n_out = gamma_correlation(table, outside_zone=True)
    outside = (f"r = {r_out:.3f} [{lo_out:.3f}, {hi_out:.3f}] over {n_out} kernels"
               if np.isfinite(r_out) else f"not computed ({n_out} kernels)")
    return (f"**Correlation between measured mean rho² and predicted gamma²(m theta) across "
            f"the {n} Gabor-like kernels in the setting: Pearson r = {r:.3f}, 95% interval "
            f"[{lo:.3f}, {hi:.3f}]** (Fisher z; the kernels are the observations). Spearman's "
            f"rank correlation: {rho:.3f} [{rlo:.3f}, {rhi:.3f}]. Without the kernels in the "
            f"pathological zone: {outside}. A Pearson r well above the rank correlation, or "
            "one that vanishes outside the zone, means that a few kernels of large gamma² "
            "carry it: the theory's prediction shows where gamma² is large, not as a trend "
            "among small values.")


def _zone_section(table):
    """Kernel by kernel: the Gabor-like kernels in the pathological zone and what it costs."""
    gabor, zone = table["gabor_like"], table["pathological"]
    inside = np.flatnonzero(gabor & zone)
    others = gabor & ~zone
    if not inside.size:
        return ["No Gabor-like kernel sits in the pathological zone."]
    ref = {k: float(np.nanmedian(table[f"{k}_mean"][others])) if others.any() else np.nan
           for k in ("rho2", "rho_max", "rho_mod")}
    lines = [(f"{inside.size} Gabor-like kernel(s) sit in the pathological zone (gamma²(m theta) "
             f">= the value at the pathological DT-CWPT tile centres). Cost: each one's mean "
             f"rho² and rho_max against the median over the {int(others.sum())} Gabor-like "
             f"kernels outside the zone (rho² {ref['rho2']:.3f}, rho_max {ref['rho_max']:.3f}, "
             f"rho_mod {ref['rho_mod']:.3f}). The zone is where RMax departs from CMod "
             "(rho²); rho_max also depends on the kernel's frequency along the shift: a "
             "kernel with theta nearly perpendicular to the shift barely moves under it."), "",
             ("| kernel | theta (y, x) | orientation | gamma² | delta | rho² [95%] | "
             "rho_max [95%] | rho_mod | rho² cost | rho_max cost |"), "|---" * 10 + "|"]
    for i in inside[np.argsort(-table["gamma_sq"][inside])]:
        lines.append(
            f"| {i} | {_fmt_theta(table['theta_y'][i], table['theta_x'][i])} | "
            f"{np.degrees(table['orientation'][i]):+.0f}° | {table['gamma_sq'][i]:.3f} | "
            f"{table['delta'][i]:.3f} | {_ci(table, 'rho2', i)} | {_ci(table, 'rho_max', i)} | "
            f"{table['rho_mod_mean'][i]:.3f} | {table['rho2_mean'][i] - ref['rho2']:+.3f} | "
            f"{table['rho_max_mean'][i] - ref['rho_max']:+.3f} |")
    return lines


def _gabor_table(table):
    idx = np.flatnonzero(table["gabor_like"])
    lines = [("| kernel | share | theta (y, x) | bandwidth | delta | in setting | gamma² | "
             "rho² [95%] | rho_max | rho_mod |"), "|---" * 10 + "|"]
    for i in idx[np.argsort(-table["gamma_sq"][idx])]:
        lines.append(
            f"| {i} | {table['gabor_share'][i]:.2f} | "
            f"{_fmt_theta(table['theta_y'][i], table['theta_x'][i])} | "
            f"{table['bandwidth'][i] / np.pi:.2f}π | {table['delta'][i]:.3f} | "
            f"{'yes' if table['in_setting'][i] else 'no'} | {table['gamma_sq'][i]:.3f} | "
            f"{_ci(table, 'rho2', i)} | {table['rho_max_mean'][i]:.3f} | "
            f"{table['rho_mod_mean'][i]:.3f} |")
    return lines


NOTES = [
    ("- Operators (Section 5 of the paper, multichannel): RMax_l X = MaxPool_q(sum_c (X_c ⋆ "
    "V_lc) ↓ m), window centred on 2n, stride 2; CMod_l X = |sum_c (X_c ⋆ W_lc) ↓ 2m| with "
    "W_l the Hilbert companion of V_l along theta_l (Re W = V). Periodic cross-correlation; "
    "outputs of X' are compared with those of X at the same positions."),
    ("- theta is the input frequency a kernel responds to (response sum_t V[t] exp(+i<omega, "
    "t>)), reported with theta_x >= 0; orientation = atan2(theta_y, theta_x) is the direction "
    "of the wave vector (perpendicular to the stripes)."),
    ("- Gabor-likeness: the largest share of the kernel's energy spectrum (summed over input "
    "channels, zero-padded DFT) inside a periodic kappa x kappa square together with its "
    "mirror image (a real kernel's spectrum is even), kappa = pi/m: the statistic of the "
    "paper's count. The paper does not state the threshold behind its count; this run uses "
    "the one given by --min-share and the table above shows the count at other thresholds."),
    ("- Bounds use each kernel's 90% bandwidth as kappa: a finite kernel is never exactly in "
    "J(theta, kappa), the theorems' hypothesis. With m >= 2 they are usually far above the "
    "measured values (beta = q m kappa is large); the pattern over theta, through gamma², is "
    "what the theory predicts usefully."),
    ("- Intervals: a kernel's mean over pairs gets a 95% Student t interval over the "
    "per-photograph means (pairs cut from one photograph are not independent); the "
    "correlation across kernels a Fisher-z interval; comparisons pass only when their "
    "interval excludes 0 on the claimed side."),
]


def write_report(path, *, table, verdicts, totals, figures, run_lines, m, min_share):
    """Write ``report.md``.

    Parameters
    ----------
    path : pathlib.Path
        File to write (atomically).
    table : dict
        :func:`dtwpt.experiments.kernels.verdicts.kernel_table`.
    verdicts : list of Verdict
        :func:`dtwpt.experiments.kernels.verdicts.evaluate`.
    totals : dict
        :func:`dtwpt.experiments.kernels.compute.aggregate`.
    figures : list of (str, str)
        Caption and file name of each figure.
    run_lines : list of str
        Markdown bullet lines describing the run.
    m : int
        Stride of the layer.
    min_share : float
        The Gabor-likeness threshold of the run.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> from dtwpt.experiments.kernels.compute import aggregate
    >>> from dtwpt.experiments.kernels.verdicts import evaluate, kernel_table
    >>> V = learned_first_layer()
    >>> values = np.random.default_rng(0).random((3, 6, 64))  # stand-in measurements
    >>> groups = np.repeat(["a", "b", "c"], 2)
    >>> table = kernel_table(V, values, groups, m=4, q=1, shift=(0, 1), min_share=0.5)
    >>> verdicts = evaluate(table, values, groups, m=4, q=1, shift=(0, 1))
    >>> totals = {"skipped": []}
    >>> path = Path(tempfile.mkdtemp()) / "report.md"
    >>> write_report(path, table=table, verdicts=verdicts, totals=totals, figures=[],
    ...              run_lines=["- stand-in values"], m=4, min_share=0.5)
    >>> [line for line in path.read_text().splitlines() if line.startswith("## ")][:3]
    ['## Run', '## The layer', '## Verdicts: 2/2 PASS, 2 inconclusive, 2 not applicable']
    """
    decided = [v for v in verdicts if v.decided]
    counts = {s: sum(v.status == s for v in verdicts) for s in ("INCONCLUSIVE", "N/A")}
    lines = [
        "# A CNN first layer under the RMax/CMod theory", "",
        ("Kernel by kernel: is max pooling behind each kernel close to a complex modulus, and "
        "how stable is it to a one-pixel shift? After H. Leterme, K. Polisano, V. Perrier, "
        "K. Alahari, *On the Shift Invariance of Max Pooling Feature Maps in Convolutional "
        "Neural Networks* (arXiv:2209.11740)."), "",
        "## Run", "", *run_lines, "",
        "## The layer", "", *_layer_section(table, m, min_share), "",
        (f"## Verdicts: {sum(v.status == 'PASS' for v in decided)}/{len(decided)} PASS, "
        f"{counts['INCONCLUSIVE']} inconclusive, {counts['N/A']} not applicable"), "",
        *verdict_table(verdicts, with_level=False), "", _correlation_line(table), "",
        "## The pathological zone, kernel by kernel", "", *_zone_section(table), "",
        "## Gabor-like kernels", "",
        "Sorted by predicted gamma²; every kernel is in `kernels.csv`.", "",
        *_gabor_table(table), "",
        "## Figures", "", *[f"![{c}]({f})\n\n*{c}*\n" for c, f in figures],
        "## Skipped items", "", *skipped_section(totals["skipped"]), "",
        "## Notes", "", *NOTES, "",
    ]
    write_text(path, "\n".join(lines))
