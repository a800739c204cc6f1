"""``report.md`` of the localization study (markdown only).

The numbers come from :mod:`~dtwpt.experiments.localization.tables` and
:mod:`~dtwpt.experiments.localization.verdicts`.
"""
import numpy as np

from .. import _paper
from .._common import write_text
from .._markdown import table as markdown_table
from .._markdown import verdict_table
from .compute import PACKET_BASE
from .verdicts import shares

__all__ = ["family_correlations", "pct", "write_report"]

_METRICS = ("rho2_mean", "rho_max_mean", "rho_mod_mean")
_LOCALIZATION = ("energy_concentration", "kernel_length")


def pct(pair):
    """``"k/n (p%)"`` for a share ``(k, n)``.

    Parameters
    ----------
    pair : (int, int)
        ``k`` of ``n``, e.g. :func:`dtwpt.experiments.localization.verdicts.shares`.

    Returns
    -------
    str
        The share as text; ``"n/a (0 rows)"`` when ``n`` is 0.

    Examples
    --------
    >>> pct((3, 8)), pct((0, 0))
    ('3/8 (37.5%)', 'n/a (0 rows)')
    """
    k, n = pair
    return f"{k}/{n} ({100.0 * k / n:.1f}%)" if n else "n/a (0 rows)"


def _span(values):
    values = sorted({int(v) for v in values})
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def family_correlations(table):
    """Pearson r across families at each level (3 families or more) of localization and metrics.

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.localization.tables.family_table`.

    Returns
    -------
    dict
        Level -> {(localization column, metric column): r}; a pair is left
        out when either column is constant at that level.

    Examples
    --------
    >>> table = {"level": [2, 2, 2], "energy_concentration": [0.9, 0.95, 0.99],
    ...          "kernel_length": [10, 14, 18], "rho2_mean": [0.3, 0.2, 0.1],
    ...          "rho_max_mean": [0.5, 0.5, 0.5], "rho_mod_mean": [0.4, 0.3, 0.3]}
    >>> corr = family_correlations(table)
    >>> round(corr[2][("kernel_length", "rho2_mean")], 3), len(corr[2])
    (-1.0, 4)
    """
    level = np.asarray(table["level"])
    out = {}
    for j in sorted(set(level.tolist())):
        at = level == j
        if at.sum() < 3:
            continue
        res = {}
        for xname in _LOCALIZATION:
            xv = np.asarray(table[xname], dtype=float)[at]
            for yname in _METRICS:
                yv = np.asarray(table[yname], dtype=float)[at]
                if np.std(xv) > 0 and np.std(yv) > 0:
                    res[(xname, yname)] = float(np.corrcoef(xv, yv)[0, 1])
        out[j] = res
    return out


def _families_section(table):
    rows = [[f, j, n, f"{c:.4f} ± {cs:.4f}", f"{wm:.4f}", f"{wx:.4f}", f"{a:.4f}", f"{b:.4f}",
             f"{c2:.4f}"] for f, j, n, c, cs, wm, wx, a, b, c2 in zip(
        table["family"], table["level"], table["kernel_length"], table["energy_concentration"],
        table["energy_concentration_std"], table["wrong_side_mean"], table["wrong_side_max"],
        *(table[m] for m in _METRICS))]
    paper = "; ".join(f"J = {j}: {mean}" + (f" ± {std}" if std else "")
                      for j, (mean, std) in _paper.TABLE1.items())
    lines = [
        "## Wavelet families", "",
        ("Kernel length: taps per axis of the 2D packet kernels. Energy concentration: largest "
         "share of a packet kernel's spectral energy in a periodic pi/m x pi/m window, mean "
         f"± std over all packets (Table 1; the paper's qshift_a values: {paper}). Wrong side: "
         "share of a packet's energy at omega_x < 0 (1 - analyticity), mean and max over all "
         "packets. rho2, rho_max, rho_mod: mean over pairs and non-low-pass packets. Rows "
         f"`{PACKET_BASE}+NAME` use the {PACKET_BASE} stages with the wavelet NAME below a "
         "main-stage high-pass (which only exists from J = 3 on: at J = 2 they equal "
         f"{PACKET_BASE})."), "",
        markdown_table(["family", "J", "kernel length", "energy conc.", "wrong side mean",
                "wrong side max", "mean rho2", "mean rho_max", "mean rho_mod"], rows), ""]
    return lines + _correlation_lines(family_correlations(table)) + ["![families](families.png)",
                                                                     ""]


def _correlation_lines(corr):
    if not corr:
        return ["(Correlations across families need at least 3 families per level.)", ""]
    rows = [[j, x] + [f"{res[(x, y)]:+.3f}" if (x, y) in res else "n/a" for y in _METRICS]
            for j, res in corr.items() for x in _LOCALIZATION]
    return [("Pearson correlation across families (same level) of localization with the "
             "metrics (descriptive: a handful of families per level):"), "",
            markdown_table(["J", "x", "rho2", "rho_max", "rho_mod"], rows), ""]


_SHARES = [("rho2", False, "Thm 3.11: mean rho2 <= (beta + gamma)^2"),
           ("rho_max", False, "Thm 4.2: mean rho_max <= 2 (beta + gamma) + alpha"),
           ("rho_mod", True, "Thm 2.9: rho_mod <= alpha (photo pairs, kappa <= pi/m)"),
           ("rho_mod_periodic", True, "Thm 2.9: rho_mod <= alpha (periodic shift, kappa <= pi/m)")]


def _shares_table(table):
    ms = sorted(set(np.asarray(table["m"]).tolist()))
    groups = [("all", np.ones(len(table["m"]), dtype=bool))]
    groups += [(f"m={m}", np.asarray(table["m"]) == m) for m in ms]
    rows = [[label] + [pct(shares(table, keep & table["bound_applies"] if scoped else keep,
                                  metric)) for _, keep in groups]
            for metric, scoped, label in _SHARES]
    return markdown_table(["bound"] + [g for g, _ in groups], rows)


_SLICE_METRICS = [("rho2", "discrepancy_bound", "{:.4f} / {:.3f}"),
                  ("rho_max", "rmax_shift_bound", "{:.4f} / {:.3f}"),
                  ("rho_mod", "cmod_shift_bound", "{:.4f} / {:.4f}"),
                  ("rho_mod_periodic", None, "{:.4f}")]


def _slice_row(table, at):
    def mean(name):
        return float(np.nanmean(np.asarray(table[name], dtype=float)[at]))

    cells = []
    for metric, bound, fmt in _SLICE_METRICS:
        values = (mean(f"{metric}_mean"),) + ((mean(bound),) if bound else ())
        cells += [fmt.format(*values), pct(shares(table, at, metric))]
    return cells


def _slice_rows(table):
    m_col, k_col = np.asarray(table["m"]), np.asarray(table["kappa"])
    rows = []
    for m in sorted(set(m_col.tolist())):
        for kappa in sorted(set(k_col[m_col == m].tolist())):
            at = (m_col == m) & (k_col == kappa)
            rows.append([m, f"{kappa * m / np.pi:.4g}", f"{kappa:.4f}",
                         _span(np.asarray(table["support_points"])[at]), *_slice_row(table, at)])
    return rows


def _photo_failures(table):
    applies = np.asarray(table["bound_applies"])
    fails = np.flatnonzero(applies & ~np.asarray(table["rho_mod_holds"]))
    if not fails.size:
        return []
    ratio = np.asarray(table["rho_mod_mean"]) / np.asarray(table["cmod_shift_bound"])
    w = fails[np.argmax(ratio[fails])]
    return [(f"Thm 2.9's bound is exceeded on the photo pairs at {fails.size} point(s) with "
             f"kappa <= pi/m; worst: theta = ({table['theta_y'][w] / np.pi:.3f}, "
             f"{table['theta_x'][w] / np.pi:.3f}) pi, kappa = {table['kappa'][w]:.4f}, m = "
             f"{table['m'][w]}: rho_mod {table['rho_mod_mean'][w]:.4f} vs alpha = "
             f"{table['cmod_shift_bound'][w]:.4f}. The theorem concerns periodic translations; "
             "the photo pairs bring new content in at the border, which an image-sized "
             "narrow-band kernel sees everywhere. The periodic column isolates this effect."), ""]


def _tightness(table):
    lines = []
    for metric, bound, name in (("rho2", "discrepancy_bound", "Thm 3.11"),
                                ("rho_max", "rmax_shift_bound", "Thm 4.2")):
        b = np.asarray(table[bound], dtype=float)
        ratio = np.asarray(table[f"{metric}_mean"], dtype=float)[b > 0] / b[b > 0]
        if ratio.size:
            lines.append(f"{name} median {np.median(ratio):.3f}, max {np.max(ratio):.3f}")
    return [f"Tightness (measured / bound): {'; '.join(lines)}.", ""] if lines else []


def _gabor_section(table, options):
    s = options
    header = ["m", "kappa/(pi/m)", "kappa", "spectrum points", "rho2 / bound", "3.11 holds",
              "rho_max / bound", "4.2 holds", "rho_mod / alpha", "2.9 holds",
              "rho_mod (periodic)", "2.9 holds (periodic)"]
    return [
        "## Gabor filters", "",
        (f"Kernels W = gabor_filter(theta, kappa, {s['size']}) (image-sized, spectrum in the "
         "kappa-square centred at theta), V = Re W; RMax = rmax_conv(X, V, m), "
         f"CMod = cmod_conv(X, W, m). theta: {s['theta_grid']}x{s['theta_grid']} cell centres "
         f"over the half-plane; kappa: {s['kappas']} values from pi/(8m) to pi/m (geometric). "
         "rho2 = (||CMod X - RMax X|| / ||CMod X||)^2, rho_max = ||RMax X' - RMax X|| / "
         "||CMod X||, rho_mod = ||CMod X' - CMod X|| / ||CMod X||, means over the pairs."), "",
        "Share of (theta, kappa, m) where the mean is within the bound:", "",
        _shares_table(table), "",
        ("Per slice (means over theta; `a / b` = measured / bound; spectrum points: how many "
         "frequencies of the kernel's DFT grid are non-zero, over theta. A single point makes "
         "the kernel a pure complex exponential):"), "",
        markdown_table(header, _slice_rows(table)), "",
        *_photo_failures(table), *_tightness(table),
        "![gabor bounds](gabor_bounds.png)", "",
        ("(Log-log axes; measured values more than two decades below every bound of a panel "
         "are drawn at that floor.)"), ""]


def _verdict_lines(verdicts):
    lines = ["## Verdicts", "", *verdict_table(verdicts)]
    return lines + ["", ("Each point's mean over pairs has a 95% Student t interval over the "
                     "photographs the pairs are cut from; a point holds when its interval lies "
                     "within the bound."), ""]


def write_report(path, *, config, families, gabor, verdicts, stats):
    """Write ``report.md``.

    Parameters
    ----------
    path : pathlib.Path
        File to write (atomically).
    config : dict
        The run's ``config.json`` content: ``command`` and ``options``
        (``pairs``, ``size``, ``seed``, ``u``, ``q``, ``levels``,
        ``theta_grid``, ``kappas``).
    families, gabor : dict
        Tables of :mod:`~dtwpt.experiments.localization.tables`.
    verdicts : list of Verdict
        :func:`dtwpt.experiments.localization.verdicts.evaluate`.
    stats : object
        What the invocation did: ``computed`` and ``reused`` units,
        ``seconds`` and ``compile_seconds``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from types import SimpleNamespace
    >>> from dtwpt.experiments.localization.verdicts import evaluate
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     FamilyUnit, GaborUnit, Pairs, compute_unit, prepare_unit, theta_grid)
    >>> from dtwpt.experiments.localization.tables import family_table, gabor_table
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> unit = GaborUnit(2, np.pi / 2, tuple(map(tuple, theta_grid(2))))
    >>> gabor = gabor_table([unit], [compute_unit(prepare_unit(unit, size=32), pairs=pairs)])
    >>> units = [FamilyUnit(w, None, 2) for w in ("qshift_06", "qshift_a", "qshift_b")]
    >>> families = family_table(units, [compute_unit(prepare_unit(u, size=32), pairs=pairs)
    ...                                 for u in units])
    >>> options = {"pairs": 3, "size": 32, "seed": 0, "u": [0, 1], "q": 1, "levels": [2],
    ...            "theta_grid": 2, "kappas": 1}
    >>> stats = SimpleNamespace(computed=4, reused=0, seconds=1.0, compile_seconds=0.5)
    >>> path = Path(tempfile.mkdtemp()) / "report.md"
    >>> write_report(path, config={"command": "dtwpt localization", "options": options},
    ...              families=families, gabor=gabor, verdicts=evaluate(gabor, [2]),
    ...              stats=stats)
    >>> [line for line in path.read_text().splitlines() if line.startswith("## ")]
    ['## Verdicts', '## Wavelet families', '## Gabor filters']
    """
    s = config["options"]
    total = stats.computed + stats.reused
    lines = [
        "# Localization study", "",
        f"Command: `{config['command']}`  ",
        (f"Data: {s['pairs']} bundled photo pairs of {s['size']}x{s['size']} (seed {s['seed']}), "
         f"X' = X shifted one pixel along x (u = {tuple(s['u'])}); max pooling q = {s['q']}.  "),
        (f"Levels J = {', '.join(map(str, s['levels']))} (m = 2^(J-1) = "
         f"{', '.join(str(2 ** (j - 1)) for j in s['levels'])}).  "),
        (f"This invocation: {stats.computed} of {total} units computed, {stats.reused} reused "
         f"from units/, {stats.seconds:.1f} s (kernel compilation {stats.compile_seconds:.1f} s "
         "apart)."), "",
        *_verdict_lines(verdicts), *_families_section(families), *_gabor_section(gabor, s),
        "Full data: `families.csv`, `gabor.csv`; settings: `config.json`.", ""]
    write_text(path, "\n".join(lines))
