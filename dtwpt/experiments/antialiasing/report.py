"""Verdicts and ``report.md`` of the anti-aliasing experiment.

Each claim compares two operators on one measure averaged over the band-pass
tiles, pair by pair. The paired differences are reduced to one mean per
photograph (pairs cut from one photograph are not independent) and judged by
the 95% Student t interval over the photographs
(:func:`interval`): PASS when it lies entirely on the claimed side of 0,
FAIL when entirely on the other side, INCONCLUSIVE when it contains 0 or
fewer than three photographs are available, N/A
outside the setting the claim was made for. APS's exactness is a
deterministic claim, checked on the largest value over all pairs and band-pass
packets against :data:`APS_TOLERANCE`.
"""
import time
from dataclasses import dataclass

import numpy as np

from dtwpt import tree
from dtwpt.antialiasing import OPERATORS

from .._common import write_text
from .._markdown import skipped_section, verdict_table
from .._stats import MIN_GROUPS, Verdict, compare, grouped_mean_interval
from .compute import KINDS, MEASURES, TILE_GROUPS

__all__ = ["Claim", "CLAIMS", "APS_TOLERANCE", "interval", "evaluate", "write_report"]

#: Largest aligned instability counted as exact: float32 transforms of an image and of
#: its circular shift agree to about 1e-6 relative; every other operator is above 1e-2.
APS_TOLERANCE = 1e-4

NAMES = {"rmax": "RMax", "cmod": "CMod", "max_blur": "MaxBlurPool", "cmod_blur": "CMod+Blur",
         "aps": "APS max pool"}


@dataclass(frozen=True)
class Claim:
    """``first`` has a lower (``direction = -1``) or higher (+1) ``measure`` than ``second``.

    Parameters
    ----------
    text : str
        The claim, in words.
    source : str
        Who makes it (paper and arXiv number).
    measure : str
        One of :data:`~dtwpt.experiments.antialiasing.compute.MEASURES`,
        averaged over the band-pass tiles.
    first, second : str
        Operators compared, names of :data:`dtwpt.antialiasing.OPERATORS`.
    direction : {-1, 1}
        -1 when ``first`` is claimed lower than ``second``, +1 when higher.
    scope : str
        The setting the claim was made for, any of ``"q"`` (a pooling window,
        ``q >= 1``), ``"J"`` (``J >= 2``) and ``"u"`` (``0 < |u| <= 1``).

    Examples
    --------
    >>> claim = CLAIMS[0]
    >>> claim.text, claim.first, claim.second, claim.direction, claim.scope
    ('CMod is more stable than RMax', 'cmod', 'rmax', -1, 'qJu')
    """

    text: str
    source: str
    measure: str
    first: str
    second: str
    direction: int
    scope: str

    def applies(self, level, q, shift):
        """Reason the claim is out of its setting, or None when it applies.

        Parameters
        ----------
        level : int
            Decomposition level ``J``.
        q : int
            Max-pooling half-width.
        shift : float
            ``u``.

        Returns
        -------
        str or None
            Why the claim is not applicable, or None.

        Examples
        --------
        >>> CLAIMS[0].applies(2, 1, 1) is None
        True
        >>> CLAIMS[0].applies(2, 1, 2)
        'made for shifts of at most one pixel'
        """
        if "q" in self.scope and q < 1:
            return "made for max pooling over a window (q >= 1)"
        if "J" in self.scope and level < 2:
            return "made for m = 2**(J-1) >= 2 (J >= 2)"
        if "u" in self.scope and not 0 < abs(shift) <= 1:
            return "made for shifts of at most one pixel"
        return None


CLAIMS = (
    Claim("CMod is more stable than RMax", "Leterme et al. 2022 (arXiv:2209.11740), Fig. 9",
          "instability_crop", "cmod", "rmax", -1, "qJu"),
    Claim("MaxBlurPool is more stable than RMax", "Zhang 2019 (arXiv:1904.11486)",
          "instability_crop", "max_blur", "rmax", -1, "q"),
    Claim("MaxBlurPool keeps less of the packet's energy than RMax",
          "Zhang 2019; Leterme et al. 2022: blur helps 'despite a loss of information'",
          "kept_energy", "max_blur", "rmax", -1, "q"),
    Claim("MaxBlurPool keeps less of the packet's envelope than RMax",
          "Zhang 2019; Leterme et al. 2022: blur helps 'despite a loss of information'",
          "recovery", "max_blur", "rmax", -1, "q"),
    Claim("CMod keeps more of the packet's envelope than MaxBlurPool",
          "Leterme et al. 2022 (arXiv:2212.00394): CMod as anti-aliasing that keeps high "
          "frequencies", "recovery", "cmod", "max_blur", +1, "qJ"),
    Claim("CMod+Blur is more stable than CMod", "Leterme et al. 2022 (arXiv:2212.00394)",
          "instability_crop", "cmod_blur", "cmod", -1, "J"),
)


def interval(values, photos):
    """Mean over photographs of per-pair ``values`` and its 95% interval.

    Each photograph's pairs are averaged, and the interval is Student's t over
    these means (pairs cut from one photograph are not independent); NaN
    values are left out.

    Parameters
    ----------
    values : array_like, shape (n_pairs,)
        One value per pair.
    photos : sequence of str, length n_pairs
        The photograph each pair comes from.

    Returns
    -------
    mean : float
        Mean of the per-photograph means.
    low, high : float
        Its 95% Student t interval; NaN with fewer than three photographs.
    n_photos : int
        Photographs with at least one finite value.

    Examples
    --------
    >>> mean, lo, hi, k = interval([1.0, 1.2, 2.0, 2.2, 3.0], list("aabbc"))
    >>> round(mean, 3), k
    (2.067, 3)
    """
    return grouped_mean_interval(values, photos)


def _tile_values(stats, measure, operator, group="band"):
    return stats["tile_means"][:, MEASURES.index(measure), OPERATORS.index(operator),
                           TILE_GROUPS.index(group)]


def _compare(level, claim, stats, out_of_scope):
    sign = "<" if claim.direction < 0 else ">"
    criterion = (f"95% interval over photographs of mean({NAMES[claim.first]} - "
                 f"{NAMES[claim.second]}) {sign} 0")
    text = f"{claim.text} ({claim.source})"
    if out_of_scope:
        return Verdict(level, text, f"not applicable: {out_of_scope}", criterion, "N/A"), \
            out_of_scope
    diff = (_tile_values(stats, claim.measure, claim.first)
            - _tile_values(stats, claim.measure, claim.second))
    mean, lo, hi, k = interval(claim.direction * diff, stats["photos"])
    status = compare(lo, hi, 0.0)
    low, high = sorted((claim.direction * lo, claim.direction * hi))
    bounds = f"[{low:+.4f}, {high:+.4f}]" if np.isfinite(lo) else (
        f"no interval: fewer than {MIN_GROUPS} photographs")
    measured = (f"{claim.measure}, band-pass mean: {NAMES[claim.first]} - "
                f"{NAMES[claim.second]} = {claim.direction * mean:+.4f} {bounds} "
                f"({k} photographs, {int(np.isfinite(diff).sum())} pairs)")
    return Verdict(level, text, measured, criterion, status), None


def _aps_verdict(level, stats):
    band = ~tree.lowpass_mask(level)
    worst = float(np.nanmax(stats["max"][MEASURES.index("aligned_roll_m"),
                                         OPERATORS.index("aps"), band]))
    others = {op: float(np.nanmean(stats["mean"][MEASURES.index("aligned_roll_m"),
                                                 OPERATORS.index(op), band]))
              for op in OPERATORS if op != "aps"}
    lowest = min(others, key=others.get)
    m = 2 ** (level - 1)
    status = ("INCONCLUSIVE" if not np.isfinite(worst)
              else "PASS" if worst <= APS_TOLERANCE else "FAIL")
    return Verdict(level, f"APS is invariant to circular shifts by m = {m}, up to its "
                   "polyphase offset (Chaman & Dokmanić 2021, arXiv:2011.14214)",
                   f"largest aligned instability under roll by m: {worst:.1e} (lowest mean "
                   f"of the others: {NAMES[lowest]} {others[lowest]:.3f})",
                   f"<= {APS_TOLERANCE:g} on every pair and band-pass packet", status)


def evaluate(totals, levels, *, q, shift):
    """Every claim on every level.

    Parameters
    ----------
    totals : dict
        :func:`dtwpt.experiments.antialiasing.compute.aggregate` output.
    levels : sequence of int
        Levels ``J`` to judge (keys of ``totals``).
    q : int
        Max-pooling half-width.
    shift : float
        ``|u|``.

    Returns
    -------
    verdicts : list of Verdict
        Per level, one verdict per claim of :data:`CLAIMS`, then APS's
        exactness; each has ``level``, ``claim``, ``measured``, ``criterion``
        and ``status`` (``"PASS"``, ``"FAIL"``, ``"INCONCLUSIVE"`` or
        ``"N/A"``).
    scope_notes : list of str
        Why claims were N/A.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.antialiasing.compute import aggregate, chunk_sums
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> verdicts, notes = evaluate(aggregate([sums], [1]), [1], q=1, shift=1)
    >>> [v.status for v in verdicts]  # two photographs: no interval
    ['N/A', 'INCONCLUSIVE', 'INCONCLUSIVE', 'INCONCLUSIVE', 'N/A', 'N/A', 'PASS']
    >>> notes[0]
    "J = 1, 'CMod is more stable than RMax': N/A, made for m = 2**(J-1) >= 2 (J >= 2)."
    """
    verdicts, notes = [], []
    for level in levels:
        for claim in CLAIMS:
            verdict, why = _compare(level, claim, totals[level],
                                    claim.applies(level, q, shift))
            verdicts.append(verdict)
            if why:
                notes.append(f"J = {level}, '{claim.text}': N/A, {why}.")
        verdicts.append(_aps_verdict(level, totals[level]))
    return verdicts, notes


# ----------------------------------------------------------------- markdown
def _cell(values, photos):
    mean, lo, hi, k = interval(values, photos)
    if not k:
        return "—"
    return f"{mean:.3f} [{lo:.3f}, {hi:.3f}]" if np.isfinite(lo) else f"{mean:.3f}"


def _extreme_tiles(stats, operator, level):
    band = ~tree.lowpass_mask(level)
    values = stats["mean"][MEASURES.index("instability_crop"), OPERATORS.index(operator)]
    values = np.where(band, values, np.nan)
    theta = tree.tile_centres(level) / np.pi
    best, worst = np.nanargmin(values), np.nanargmax(values)
    fmt = "({:+.3f}, {:.3f})π: {:.3f}"
    return (fmt.format(*theta[best], values[best]), fmt.format(*theta[worst], values[worst]))


def where_table(stats, level, axis):
    """Markdown: per operator, instability by tile group, what it keeps, its extreme tiles."""
    head = ("| operator | instability (crop): band-pass | pathological | ordinary | "
            f"stable column abs(theta_{axis}) < pi/2^J | other tiles | kept energy | "
            "envelope recovery r² | most stable tile (theta_y, theta_x) | least stable tile |")
    lines = [head, "|---" * 10 + "|"]
    for op in OPERATORS:
        group = [_cell(_tile_values(stats, "instability_crop", op, g), stats["photos"])
                 for g in TILE_GROUPS]
        kept = [_cell(_tile_values(stats, m, op), stats["photos"])
                for m in ("kept_energy", "recovery")]
        lines.append(f"| {NAMES[op]} | " + " | ".join(group + kept + list(
            _extreme_tiles(stats, op, level))) + " |")
    return lines


def kinds_table(stats):
    """Markdown: band-pass mean instability per kind of pair, same positions and aligned."""
    head = "| operator | " + " | ".join(f"{k} | {k} aligned" for k in KINDS) + " |"
    lines = [head, "|---" * (1 + 2 * len(KINDS)) + "|"]
    for op in OPERATORS:
        cells = [_cell(_tile_values(stats, f"{name}_{kind}", op), stats["photos"])
                 for kind in KINDS for name in ("instability", "aligned")]
        lines.append(f"| {NAMES[op]} | " + " | ".join(cells) + " |")
    return lines


def _answer(totals, levels):
    """One paragraph per level: the paper's question answered with this run's numbers."""
    lines = []
    for level in levels:
        stats = totals[level]

        def mean(measure, op, group="band", stats=stats):
            return interval(_tile_values(stats, measure, op, group), stats["photos"])[0]

        def listed(group):
            if not np.isfinite(mean("instability_crop", OPERATORS[0], group)):
                return "no such tile at this level"
            return ", ".join(f"{NAMES[op]} {mean('instability_crop', op, group):.3f}"
                             for op in OPERATORS)

        inst = {op: mean("instability_crop", op) for op in OPERATORS}
        keep = {op: mean("recovery", op) for op in OPERATORS}
        order = sorted(OPERATORS, key=inst.get)
        lines.append(
            f"- **J = {level}**: from most to least stable under crops (band-pass mean "
            "instability, envelope recovery r² in brackets): "
            + ", ".join(f"{NAMES[op]} {inst[op]:.3f} (r² {keep[op]:.3f})" for op in order)
            + f". On pathological tiles: {listed('pathological')}; on ordinary tiles: "
            + f"{listed('ordinary')}.")
    return lines


DEFINITIONS = [
    ("- Operators (output n at input position 2m n, m = 2^(J-1), periodic boundaries; "
    "`dtwpt.antialiasing`): RMax = max over the (2q+1)² window of Re Z at 2n; CMod = |Z[2n]|; "
    "MaxBlurPool = binomial blur of the stride-1 max, sampled at 2n; CMod+Blur = binomial "
    "blur of |Z|, sampled at 2n; APS max pool = the polyphase component of the stride-1 max "
    "with the largest l2 norm (ties to the first of (0,0), (0,1), (1,0), (1,1)). Z is the "
    "packet's undecimated complex map at stride m."),
    ("- instability = ||Y' - Y|| / ||Y||, outputs compared at the same positions, each "
    "operator normalised by its own output: all five are positively homogeneous, so the "
    "ratio ignores their gain and a blur is not rewarded for shrinking its output (the "
    "paper's rho_max divides by ||CMod X|| instead). *aligned*: the minimum over circular "
    "translations of Y' by at most one output sample."),
    ("- kept energy = mean(Y²) / mean(|Z|²); envelope recovery r² = squared Pearson "
    "correlation between |Z| and Y upsampled to stride m (periodic bilinear, APS placed at "
    "its phase): the share of the envelope's variance that the best affine reconstruction "
    "from the output explains. What the packet says about *where* its energy lies; no "
    "operator keeps its phase. A kept energy above 1 means the operator picks samples "
    "larger than the packet's root mean square (a max over a window does); the two "
    "measures disagree when an operator removes energy that does not follow the envelope "
    "(a blur of RMax's aliased maxima lowers its energy and raises its envelope recovery)."),
    ("- Pairs: *crop* is the source's X' (new content enters at the border); *roll* the "
    "circular translation of X by u (no new content); *roll_m* the circular translation by "
    "m, one sample of the stride-m grid, where APS is exact up to its polyphase offset."),
    ("- Tile groups: band-pass = all but the two low-pass tiles; pathological = band-pass "
    "tiles with a corner on (2 pi/m) Z² (largest gamma_q(m theta)²); ordinary = the other "
    "band-pass tiles; the stable column = band-pass tiles with abs(theta along the shift) "
    "< pi/2^J."),
    (f"- Uncertainty: every 'value [low, high]' is a mean of the per-pair tile average over "
     "photographs (each photograph's pairs averaged first) with its 95% Student t interval "
     f"over photographs; no interval below {MIN_GROUPS} photographs. The bundled pairs are "
     "overlapping crops of five photographs, so by default five observations carry each "
     "interval; with --images every file is one photograph. The per-packet CSV means are "
     "over pairs."),
]


def write_report(path, *, totals, levels, verdicts, scope_notes, figures, run_lines, axis):
    """Write ``report.md``.

    Parameters
    ----------
    path : pathlib.Path
        File to write (atomically).
    totals : dict
        :func:`dtwpt.experiments.antialiasing.compute.aggregate` output.
    levels : list of int
        Levels ``J`` reported (keys of ``totals``).
    verdicts : list of Verdict
        :func:`evaluate`'s verdicts.
    scope_notes : list of str
        :func:`evaluate`'s notes on the claims that are N/A.
    figures : list of (str, str)
        Caption and file name of each figure.
    run_lines : list of str
        Markdown bullet lines describing the run.
    axis : {"x", "y"}
        Direction of the shift.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.antialiasing.compute import aggregate, chunk_sums
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> totals = aggregate([sums], [1])
    >>> verdicts, notes = evaluate(totals, [1], q=1, shift=1)
    >>> path = Path(tempfile.mkdtemp()) / "report.md"
    >>> write_report(path, totals=totals, levels=[1], verdicts=verdicts, scope_notes=notes,
    ...              figures=[], run_lines=["- a tiny run"], axis="x")
    >>> path.read_text().splitlines()[0]
    '# Anti-aliased pooling next to RMax and CMod, packet by packet'
    """
    count = {status: sum(v.status == status for v in verdicts)
             for status in ("PASS", "FAIL", "INCONCLUSIVE", "N/A")}
    lines = [
        "# Anti-aliased pooling next to RMax and CMod, packet by packet", "",
        ("Which pooling after a DT-CWPT packet is stable to small shifts, where on the "
        "frequency plane, and what does it keep of the packet? RMax and CMod (Leterme et "
        "al., arXiv:2209.11740), MaxBlurPool (Zhang, arXiv:1904.11486), CMod+Blur (Leterme "
        "et al., arXiv:2212.00394) and max pooling with adaptive polyphase sampling (Chaman "
        "& Dokmanić, arXiv:2011.14214), on the same packets and the same pairs."), "",
        "## Run", "", *run_lines, f"- written: {time.strftime('%Y-%m-%d %H:%M:%S')}", "",
        (f"## Verdicts: {count['PASS']}/{count['PASS'] + count['FAIL']} PASS "
         f"({count['INCONCLUSIVE']} inconclusive, {count['N/A']} not applicable)"), "",
        *verdict_table(verdicts), "", *(f"- {note}" for note in scope_notes), "",
        "## The answer in numbers", "", *_answer(totals, levels), "",
    ]
    for level in levels:
        lines += [f"## J = {level}: where each operator is stable, and what it keeps", "",
                  ("Crop pairs; each cell is the mean over photographs of the per-pair "
                   "tile average [95% interval over photographs]; extreme tiles by the "
                   "per-tile mean instability over pairs, theta in units of pi."), "",
                  *where_table(totals[level], level, axis), "",
                  f"Band-pass mean instability for each kind of pair (J = {level}):", "",
                  *kinds_table(totals[level]), ""]
    lines += ["## Figures", "",
              *[f"![{caption}]({name})\n\n*{caption}*\n" for caption, name in figures],
              "## Definitions", "", *DEFINITIONS, "",
              "## Skipped items", "", *skipped_section(totals["skipped"]), ""]
    write_text(path, "\n".join(lines))
