"""The main experiment: RMax against CMod on every DT-CWPT packet (paper, Section 5).

For every pair ``(X, X')`` of the source (``X'`` is ``X`` shifted by ``u``),
every level ``J`` and every packet, with ``Ymax = RMax X``, ``Ymod = CMod X``
(:func:`dtwpt.rmax_cmod`) and ``'`` marking the outputs of ``X'``, compared
at the same output positions (no re-alignment, as in the paper)::

    rho^2   = (||Ymod - Ymax|| / ||Ymod||)^2
    rho_max = ||Ymax' - Ymax|| / ||Ymod||
    rho_mod = ||Ymod' - Ymod|| / ||Ymod||

Each chunk of pairs is reduced to per-packet sums, sums of squares and counts
(float64), from which the run's means and (population) standard deviations
over images follow. The outputs are described in :func:`run`.
"""
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from dtwpt import dtcwpt2, list_wavelets, metrics, theory, tree
from dtwpt.data import SHIFT_AT
from dtwpt.metrics import energy_concentration, pair_metrics

from . import shift_figures, shift_report
from . import _paper
from ._common import (EXECUTION_OPTIONS, IMAGENET_PROTOCOL, UsageError, add_data_arguments,
                      add_run_arguments, check_run_options, command_line, default_out, environment,
                      format_command, lock_run_folder, make_source, non_negative_int,
                      positive_int, shift_vector, write_csv, write_skipped)
from ._runner import chunk_ranges, load_chunks, run_chunks, speed_line

__all__ = ["DESCRIPTION", "add_arguments", "run", "chunk_sums",
           "aggregate", "packet_table", "energy_table"]

DESCRIPTION = (
    "Reproduce the RMax/CMod experiment of Leterme et al. (arXiv:2209.11740, Section 5): "
    "for every image pair (X, X') and every DT-CWPT packet, the discrepancy rho^2 "
    "between RMax and CMod and their shift instabilities rho_max and rho_mod, averaged "
    "over images; Table 1; Figures 5, 6, 8, 9; and a report with a verdict per claim. "
    "Writes config.json, packets_J<J>.csv, table1.csv, skipped.csv, fig*.png and report.md "
    "in --out, and per-chunk results in --out/chunks (the state a rerun resumes from)."
)

METRICS = ("rho2", "rho_max", "rho_mod")
#: Bundled pairs of the default run.
DEFAULT_PAIRS = 256
POOL_ALIGN = ("centred", "offset")
MODES = ("periodization", "symmetric")
#: Protocol presets: (pool_align, mode, shift_at). "paper" is the combination whose
#: maps are closest to the paper's (measured by ``python -m dtwpt.experiments
#: sensitivity``; see the documentation of the protocol).
PROTOCOLS = {"theory": ("centred", "periodization", "resized"),
             "paper": ("offset", "periodization", "resized")}
PROTOCOL_OPTIONS = ("pool_align", "mode", "shift_at")


def _preset_text(name):
    return ", ".join(f"{k.replace('_', '-')} {v}"
                     for k, v in zip(PROTOCOL_OPTIONS, PROTOCOLS[name]))


def resolve_protocol(args):
    """Fill ``--pool-align``, ``--mode`` and ``--shift-at`` from ``--protocol``; check them."""
    for option, value in zip(PROTOCOL_OPTIONS, PROTOCOLS[args.protocol]):
        if getattr(args, option) is None:
            setattr(args, option, value)
    if args.images is None and args.shift_at != "resized":
        raise UsageError("--shift-at original needs --images: the bundled photographs "
                         "are not resized")


def add_arguments(parser):
    """Add the experiment's options to ``parser``."""
    add_data_arguments(parser, default_pairs=DEFAULT_PAIRS)
    group = parser.add_argument_group("experiment")
    group.add_argument("--levels", type=positive_int, nargs="+", default=[2, 3], metavar="J",
                       help="decomposition levels J >= 1; RMax subsamples by m = 2**(J-1) "
                            "(default: 2 3)")
    group.add_argument("--wavelet", choices=list_wavelets(), default="qshift_a",
                       help="Q-shift filters of the dual tree (default qshift_a)")
    group.add_argument("--q", type=non_negative_int, default=1,
                       help="max-pooling half-width: a (2q+1) x (2q+1) window (default 1)")
    protocol = parser.add_argument_group(
        "protocol", "choices the paper leaves open; each is recorded in config.json")
    protocol.add_argument("--protocol", choices=tuple(PROTOCOLS), default="theory",
                          help="preset of the three options below: 'theory' (default: "
                               f"{_preset_text('theory')}) or 'paper', the combination "
                               "closest to the paper's maps on real photographs "
                               f"({_preset_text('paper')}); an option given explicitly "
                               "overrides the preset")
    protocol.add_argument("--pool-align", choices=POOL_ALIGN,
                          help="RMax's pooling window: 'centred' on 2n as in the theory, "
                               "or 'offset' by one stride-m sample (centred on 2n + 1) as "
                               "PyTorch's MaxPool2d(3, 2, padding=0) next to CMod's "
                               "x[..., ::2, ::2]")
    protocol.add_argument("--mode", choices=MODES,
                          help="boundary handling of the transform: 'periodization' or "
                               "'symmetric' (mirror extension)")
    protocol.add_argument("--shift-at", choices=SHIFT_AT,
                          help="with --images: translate after resizing ('resized') or the "
                               "original image before resizing ('original')")
    add_run_arguments(parser, default_chunk=64)
    parser.epilog = IMAGENET_PROTOCOL


# ----------------------------------------------------------------- per chunk
def offset_rmax(x, level, *, wavelet="qshift_a", mode="periodization", q=1, offset=1):
    """RMax of every packet with the pooling window centred on ``2n + offset``.

    ``offset = 0`` is :func:`dtwpt.rmax` (the theory's window, centred on
    ``2n``); ``offset = 1`` moves the window by one sample of the stride-``m``
    grid along both axes, as PyTorch's ``MaxPool2d(2q + 1, 2, padding=0)``
    does next to CMod's subsampling ``x[..., ::2, ::2]``. Computed from the
    real part of the undecimated packets (``dtcwpt2(..., decimated=False)``),
    with the same periodic wrap as the transform.

    Returns
    -------
    ndarray, shape (..., P, H / 2**J, W / 2**J)

    Examples
    --------
    >>> import numpy as np, dtwpt
    >>> x = np.random.default_rng(0).standard_normal((32, 32))
    >>> bool(np.allclose(offset_rmax(x, 2, offset=0), dtwpt.rmax(x, 2)))
    True
    """
    y = dtcwpt2(x, level, wavelet=wavelet, mode=mode, decimated=False).coeffs.real
    pooled = np.full(y[..., ::2, ::2].shape, -np.inf, dtype=y.dtype)
    for dy in range(-q, q + 1):
        for dx in range(-q, q + 1):
            window = np.roll(y, (-dy - offset, -dx - offset), axis=(-2, -1))[..., ::2, ::2]
            np.maximum(pooled, window, out=pooled)
    return pooled


def pair_values(x, x_shifted, level, *, wavelet, q, mode="periodization",
                pool_align="centred"):
    """``rho^2``, ``rho_max``, ``rho_mod`` of each pair and packet, shape (3, n, P)."""
    if pool_align == "centred":
        return metrics.shift_metrics(x, x_shifted, level, wavelet=wavelet, mode=mode, q=q)
    both = np.concatenate([x, x_shifted])
    ymax = offset_rmax(both, level, wavelet=wavelet, mode=mode, q=q)
    ymod = np.abs(dtcwpt2(both, level, wavelet=wavelet, mode=mode).coeffs)
    return pair_metrics(ymax, ymod, len(x))


def chunk_sums(batch, *, levels, wavelet, q, mode="periodization", pool_align="centred"):
    """Reduce a batch of pairs to per-packet sums and per-pair values: a chunk's result.

    Parameters
    ----------
    batch : dtwpt.data.Batch
        Pairs (float32).
    levels : sequence of int
        Decomposition levels.
    wavelet : str
        Q-shift family.
    q : int
        Max-pooling half-width.
    mode : {"periodization", "symmetric"}, optional
        Boundary handling.
    pool_align : {"centred", "offset"}, optional
        RMax's pooling window (see :func:`offset_rmax`).

    Returns
    -------
    dict of ndarray
        ``n_pairs``; ``skipped_names`` and ``skipped_reasons``; ``groups``
        (the photograph of each pair); per level J, ``sum_J<J>`` and
        ``sumsq_J<J>`` of shape (3, P) (rows: ``rho2``, ``rho_max``,
        ``rho_mod``, over the pairs where ``||Ymod|| > 0``), ``count_J<J>``
        of shape (P,), the number of those pairs, and ``pairs_J<J>`` of shape
        (3, n, P), float32, every pair's values (NaN where ``Ymod = 0``).

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1)
    >>> sums["sum_J1"].shape, int(sums["count_J1"][0]), sums["pairs_J1"].shape
    ((3, 8), 2, (3, 2, 8))
    """
    n = len(batch)
    result = {"n_pairs": np.int64(n),
              "skipped_names": np.array([name for name, _ in batch.skipped], dtype=str),
              "skipped_reasons": np.array([why for _, why in batch.skipped], dtype=str),
              "groups": np.array(batch.groups, dtype=str)}
    for level in levels:
        if n:
            values = pair_values(batch.x, batch.x_shifted, level, wavelet=wavelet, q=q,
                                 mode=mode, pool_align=pool_align)
        else:
            values = np.empty((3, 0, 2 * 4 ** level))
        result[f"pairs_J{level}"] = values.astype(np.float32)
        valid = np.isfinite(values[0])
        values = np.where(valid, values, 0.0)
        result[f"sum_J{level}"] = values.sum(axis=1)
        result[f"sumsq_J{level}"] = (values * values).sum(axis=1)
        result[f"count_J{level}"] = valid.sum(axis=0).astype(np.int64)
    return result


# ----------------------------------------------------------------- whole run
def aggregate(chunks, levels):
    """Per-packet means and standard deviations over all chunks, in index order.

    Parameters
    ----------
    chunks : list of dict
        :func:`chunk_sums` results in chunk order.
    levels : sequence of int

    Returns
    -------
    dict
        ``n_pairs``, ``skipped`` (list of (name, reason)), ``groups`` (n,)
        and, per level J, ``{"count": (P,), "<metric>_mean": (P,),
        "<metric>_std": (P,), "pairs": (3, n, P)}``.
    """
    totals = {"n_pairs": sum(int(c["n_pairs"]) for c in chunks),
              "skipped": [(str(name), str(why)) for c in chunks
                          for name, why in zip(c["skipped_names"], c["skipped_reasons"])],
              "groups": np.concatenate([c["groups"] for c in chunks])}
    for level in levels:
        sums = sumsq = count = 0
        for c in chunks:  # a fixed order keeps the float sums reproducible
            sums = sums + c[f"sum_J{level}"]
            sumsq = sumsq + c[f"sumsq_J{level}"]
            count = count + c[f"count_J{level}"]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = sums / count
            std = np.sqrt(np.maximum(sumsq / count - mean * mean, 0.0))
        stats = {"count": count,
                 "pairs": np.concatenate([c[f"pairs_J{level}"] for c in chunks], axis=1)}
        for k, name in enumerate(METRICS):
            stats[f"{name}_mean"], stats[f"{name}_std"] = mean[k], std[k]
        totals[level] = stats
    return totals


def packet_table(level, stats, *, q, shift):
    """Columns of ``packets_J<J>.csv``: tiles, theory and measured statistics.

    Parameters
    ----------
    level : int
        J; ``m = 2**(J-1)`` and the packets' bandwidth is ``kappa = pi / m``.
    stats : dict
        ``aggregate(...)[level]``.
    q : int
        Max-pooling half-width.
    shift : (float, float)
        Shift vector ``u = (u_y, u_x)``.

    Returns
    -------
    dict of str to ndarray
    """
    m = 2 ** (level - 1)
    kappa = np.pi / m
    theta = tree.tile_centres(level)
    n_packets = len(theta)
    row, col = np.divmod(np.arange(n_packets), 2 ** level)
    table = {
        "packet": np.arange(n_packets), "row": row, "col": col,
        "theta_y": theta[:, 0], "theta_x": theta[:, 1],
        "is_lowpass": tree.lowpass_mask(level),
        "gamma_sq": theory.gamma_sq(m * theta, q=q),
        "discrepancy_bound": theory.discrepancy_bound(theta, kappa, m, q=q),
        "rmax_shift_bound": theory.rmax_shift_bound(theta, kappa, m, shift, q=q),
        "cmod_shift_bound": np.full(n_packets, theory.cmod_shift_bound(kappa, shift)),
    }
    for name in METRICS:
        table[f"{name}_mean"] = stats[f"{name}_mean"]
        table[f"{name}_std"] = stats[f"{name}_std"]
    table["n_pairs"] = stats["count"]
    return table


def energy_table(levels, wavelet):
    """Columns of ``table1.csv``: energy concentration of the packet kernels.

    The share of each kernel's spectral energy inside the best periodic
    ``kappa_J x kappa_J`` window (:func:`dtwpt.metrics.energy_concentration`),
    summarised over all packets of each level, next to the paper's values.
    """
    shares = [energy_concentration(level, wavelet=wavelet) for level in levels]
    paper = [_paper.TABLE1.get(level, ("", "")) for level in levels]
    return {"level": list(levels), "kappa": [np.pi / 2 ** (j - 1) for j in levels],
            "n_packets": [s.size for s in shares], "mean": [s.mean() for s in shares],
            "std": [s.std() for s in shares], "min": [s.min() for s in shares],
            "paper_mean": [p[0] for p in paper],
            "paper_std": ["" if p[1] is None else p[1] for p in paper]}


def _check_levels(args):
    levels = args.levels = sorted(set(args.levels))
    factor = 2 ** levels[-1]
    if args.size % factor:
        raise UsageError(f"--size {args.size} must be a multiple of 2**J = {factor} "
                         f"for --levels {levels[-1]}")
    side = args.size >> (levels[-1] - 1)
    if args.q > side:
        raise UsageError(f"--q {args.q} is wider than the pooled map ({side} samples at "
                         f"J = {levels[-1]}); choose --q <= {side}")
    return levels


def _config(args, source):
    argv = command_line(args)
    options = {k: v for k, v in vars(args).items() if k not in EXECUTION_OPTIONS}
    return {"experiment": "shift", "options": options,
            "execution": {k: getattr(args, k) for k in EXECUTION_OPTIONS},
            "argv": argv, "command": format_command(argv), "source": source.describe(),
            "environment": environment(), "created": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def _print_summary(out, totals, stats, verdicts):
    skipped = len(totals["skipped"])
    print(f"report: {out / 'report.md'}")
    print(f"pairs: {totals['n_pairs']} processed, {skipped} skipped"
          + (f" (listed in {out / 'skipped.csv'})" if skipped else ""))
    print(speed_line(stats))
    counts = {s: sum(v.status == s for v in verdicts)
              for s in ("PASS", "FAIL", "INCONCLUSIVE", "N/A")}
    print("verdicts: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
          + f" (see {out / 'report.md'})")


def _setting(args):
    return {"q": args.q, "shift": float(args.shift), "axis": args.axis,
            "pool_align": args.pool_align, "mode": args.mode}


def _write_outputs(out, args, levels, totals, stats, source_description):
    """CSV tables, figures and report of an aggregated run; returns the verdicts."""
    u = shift_vector(args)
    tables = {j: packet_table(j, totals[j], q=args.q, shift=u) for j in levels}
    for j in levels:
        write_csv(out / f"packets_J{j}.csv", tables[j])
    energy = energy_table(levels, args.wavelet)
    write_csv(out / "table1.csv", energy)
    figures = shift_figures.draw_all(out, tables, wavelet=args.wavelet, q=args.q)
    return shift_report.write_report(
        out / "report.md", tables=tables, energy=energy, totals=totals, figures=figures,
        run_stats=stats, command=format_command(command_line(args)),
        source_description=source_description, setting=_setting(args), shift=u)


def run(args):
    """Run the experiment described by parsed options; returns the exit code.

    Writes, in ``--out``: ``config.json``; ``chunks/<start>.npz`` (per-chunk
    sums and per-pair values, the resumable state); ``packets_J<J>.csv`` per
    level; ``table1.csv``; ``skipped.csv``; ``paper_J<J>.csv`` (this run next
    to the paper, tile by tile); the figures ``fig5_gamma_J<J>.png``,
    ``fig6_kernels_J<J>.png``, ``fig8_rho2.png``, ``fig9_stability_J<J>.png``,
    ``paper_J<J>.png``; and ``report.md``. Prints a short summary on stdout.
    A run in which no pair could be processed exits with an error.
    """
    check_run_options(args)
    resolve_protocol(args)
    levels = _check_levels(args)
    source = make_source(args, default_pairs=DEFAULT_PAIRS)
    out = Path(os.path.abspath(args.out or default_out()))
    args.out = str(out)
    config = _config(args, source)
    with lock_run_folder(out, config) as resumed:
        if resumed and not args.quiet:
            print(f"resuming the run in {out}", file=sys.stderr)
        compute = partial(chunk_sums, levels=tuple(levels), wavelet=args.wavelet, q=args.q,
                          mode=args.mode, pool_align=args.pool_align)
        stats = run_chunks(source, compute, out / "chunks", chunk=args.chunk, dask=args.dask,
                           workers=args.workers, progress=not args.quiet and sys.stderr.isatty(),
                           quiet=args.quiet)
        totals = aggregate(load_chunks(out / "chunks", chunk_ranges(len(source), args.chunk)),
                           levels)
        write_skipped(out, totals["skipped"])
        if not totals["n_pairs"]:
            raise UsageError(f"no pair could be processed: all {len(totals['skipped'])} "
                             f"item(s) were skipped (reasons in {out / 'skipped.csv'})")
        verdicts = _write_outputs(out, args, levels, totals, stats, config["source"])
    _print_summary(out, totals, stats, verdicts)
    return 0
