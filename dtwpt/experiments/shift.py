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

from dtwpt import list_wavelets, metrics, theory, tree
from dtwpt.metrics import energy_concentration

from . import shift_figures, shift_report
from ._common import (EXECUTION_OPTIONS, IMAGENET_PROTOCOL, UsageError, add_data_arguments,
                      add_run_arguments, check_run_options, command_line, default_out, environment,
                      format_command, make_source, non_negative_int, open_run_folder,
                      positive_int, remove_stale_temps, shift_vector, write_csv)
from ._runner import chunk_ranges, load_chunks, run_chunks

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
    add_run_arguments(parser, default_chunk=64)
    parser.epilog = IMAGENET_PROTOCOL


# ----------------------------------------------------------------- per chunk
def chunk_sums(batch, *, levels, wavelet, q):
    """Reduce a batch of pairs to per-packet sums: the result saved for a chunk.

    The metrics come from :func:`dtwpt.metrics.shift_metrics`, one call per level.

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

    Returns
    -------
    dict of ndarray
        ``n_images``; ``skipped_names`` and ``skipped_reasons``; per level J,
        ``sum_J<J>`` and ``sumsq_J<J>`` of shape (3, P) (rows: ``rho2``,
        ``rho_max``, ``rho_mod``, over the pairs where ``||Ymod|| > 0``) and
        ``count_J<J>`` of shape (P,), the number of those pairs.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1)
    >>> sums["sum_J1"].shape, int(sums["count_J1"][0])
    ((3, 8), 2)
    """
    n = len(batch)
    result = {"n_images": np.int64(n),
              "skipped_names": np.array([name for name, _ in batch.skipped], dtype=str),
              "skipped_reasons": np.array([why for _, why in batch.skipped], dtype=str)}
    for level in levels:
        if n:
            values = metrics.shift_metrics(batch.x, batch.x_shifted, level, wavelet=wavelet, q=q)
        else:
            values = np.empty((3, 0, 2 * 4 ** level))
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
        ``n_images``, ``skipped`` (list of (name, reason)) and, per level J,
        ``{"count": (P,), "<metric>_mean": (P,), "<metric>_std": (P,)}``.
    """
    totals = {"n_images": sum(int(c["n_images"]) for c in chunks),
              "skipped": [(str(name), str(why)) for c in chunks
                          for name, why in zip(c["skipped_names"], c["skipped_reasons"])]}
    for level in levels:
        sums = sumsq = count = 0
        for c in chunks:  # a fixed order keeps the float sums reproducible
            sums = sums + c[f"sum_J{level}"]
            sumsq = sumsq + c[f"sumsq_J{level}"]
            count = count + c[f"count_J{level}"]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = sums / count
            std = np.sqrt(np.maximum(sumsq / count - mean * mean, 0.0))
        stats = {"count": count}
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
    table["n_images"] = stats["count"]
    return table


def energy_table(levels, wavelet):
    """Columns of ``table1.csv``: energy concentration of the packet kernels.

    The share of each kernel's spectral energy inside the best periodic
    ``kappa_J x kappa_J`` window (:func:`dtwpt.metrics.energy_concentration`),
    summarised over all packets of each level, next to the paper's values.
    """
    shares = [energy_concentration(level, wavelet=wavelet) for level in levels]
    paper = [shift_report.PAPER_TABLE1.get(level, ("", "")) for level in levels]
    return {"level": list(levels), "kappa": [np.pi / 2 ** (j - 1) for j in levels],
            "n_packets": [s.size for s in shares], "mean": [s.mean() for s in shares],
            "std": [s.std() for s in shares], "min": [s.min() for s in shares],
            "paper_mean": [p[0] for p in paper], "paper_std": [p[1] for p in paper]}


def _check_levels(args):
    levels = args.levels = sorted(set(args.levels))
    factor = 2 ** levels[-1]
    if args.size % factor:
        raise UsageError(f"--size {args.size} must be a multiple of 2**J = {factor} "
                         f"for --levels {levels[-1]}")
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
    print(f"pairs: {totals['n_images']} processed, {skipped} skipped"
          + (f" (listed in {out / 'skipped.csv'})" if skipped else ""))
    if stats.computed:
        print(f"speed: {stats.items} images in {stats.seconds:.1f} s = {stats.rate:.1f} "
              f"images/s ({stats.computed} chunks computed, {stats.reused} reused)")
    else:
        print(f"all {stats.reused} chunks were already computed; results aggregated again")
    decided = [v for v in verdicts if v.passed is not None]
    print(f"verdicts: {sum(v.passed for v in decided)}/{len(decided)} PASS "
          f"(see {out / 'report.md'})")


def _write_outputs(out, args, levels, totals, stats, source_description):
    """CSV tables, figures and report of an aggregated run; returns the verdicts."""
    u = shift_vector(args)
    tables = {j: packet_table(j, totals[j], q=args.q, shift=u) for j in levels}
    for j in levels:
        write_csv(out / f"packets_J{j}.csv", tables[j])
    energy = energy_table(levels, args.wavelet)
    write_csv(out / "table1.csv", energy)
    write_csv(out / "skipped.csv", {"name": [s[0] for s in totals["skipped"]],
                                    "reason": [s[1] for s in totals["skipped"]]})
    figures = shift_figures.draw_all(out, tables, wavelet=args.wavelet, q=args.q)
    return shift_report.write_report(
        out / "report.md", tables=tables, energy=energy, totals=totals, figures=figures,
        run_stats=stats, command=format_command(command_line(args)),
        source_description=source_description, axis=args.axis, shift=u)


def run(args):
    """Run the experiment described by parsed options; returns the exit code.

    Writes, in ``--out``: ``config.json``; ``chunks/<start>.npz`` (per-chunk
    sums, the resumable state); ``packets_J<J>.csv`` per level;
    ``table1.csv``; ``skipped.csv``; the figures ``fig5_gamma_J<J>.png``,
    ``fig6_kernels_J<J>.png``, ``fig8_rho2.png``, ``fig9_stability_J<J>.png``;
    and ``report.md``. Prints a short summary on stdout.
    """
    check_run_options(args)
    levels = _check_levels(args)
    source = make_source(args, default_pairs=DEFAULT_PAIRS)
    out = Path(os.path.abspath(args.out or default_out()))
    args.out = str(out)
    config = _config(args, source)
    if open_run_folder(out, config) and not args.quiet:
        print(f"resuming the run in {out}", file=sys.stderr)
    remove_stale_temps(out)
    compute = partial(chunk_sums, levels=tuple(levels), wavelet=args.wavelet, q=args.q)
    stats = run_chunks(source, compute, out / "chunks", chunk=args.chunk, dask=args.dask,
                       workers=args.workers, progress=not args.quiet and sys.stderr.isatty())
    totals = aggregate(load_chunks(out / "chunks", chunk_ranges(len(source), args.chunk)),
                       levels)
    verdicts = _write_outputs(out, args, levels, totals, stats, config["source"])
    _print_summary(out, totals, stats, verdicts)
    return 0
