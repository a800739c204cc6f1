"""Anti-aliased pooling next to RMax and CMod, per DT-CWPT packet: stability against what is kept.

``python -m dtwpt.experiments antialiasing`` runs, for every pair of the
source, every level and every packet, the five pooling operators of
:mod:`dtwpt.antialiasing` (RMax, CMod, MaxBlurPool, CMod+Blur, APS max
pooling) and their measures (:mod:`dtwpt.experiments.antialiasing.compute`),
then writes per-packet tables, maps, a trade-off figure and a report with
scoped verdicts (:mod:`dtwpt.experiments.antialiasing.report`).
"""
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from dtwpt import list_wavelets, tree
from dtwpt.antialiasing import BLUR_SIZES, OPERATORS

from .._common import (
    EXECUTION_OPTIONS,
    IMAGENET_PROTOCOL,
    UsageError,
    add_data_arguments,
    add_run_arguments,
    check_levels,
    check_run_options,
    command_line,
    default_out,
    environment,
    format_command,
    make_source,
    non_negative_int,
    open_run_folder,
    positive_int,
    remove_stale_temps,
    write_csv,
)
from .._markdown import counts_line
from .._runner import chunk_ranges, load_chunks, run_chunks
from . import figures, report
from .compute import MEASURES, TILE_GROUPS, aggregate, chunk_sums, tile_groups

__all__ = ["DESCRIPTION", "DEFAULT_PAIRS", "DEFAULT_SIZE", "add_arguments", "run",
           "packet_table", "summary_table"]

DESCRIPTION = (
    "Anti-aliased pooling next to RMax and CMod, packet by packet: for every image pair, "
    "DT-CWPT packet and operator (RMax, CMod, MaxBlurPool, CMod+Blur, APS max pooling), the "
    "shift instability ||Y' - Y|| / ||Y|| under crops, circular shifts by u and by m, and "
    "what the operator keeps (kept energy, envelope recovery r²). Writes config.json, "
    "packets_J<J>.csv, summary.csv, skipped.csv, stability/recovery/energy/tradeoff PNGs and "
    "report.md in --out, and per-chunk results in --out/chunks (the state a rerun resumes "
    "from)."
)

#: Bundled pairs and image side of the default run (well under a minute).
DEFAULT_PAIRS = 48
DEFAULT_SIZE = 128


def add_arguments(parser):
    """Add the experiment's options to ``parser``.

    The image-source options (``--images``, ``--pairs``, ``--size``,
    ``--shift``, ...), the experiment's (``--levels``, ``--wavelet``, ``--q``,
    ``--blur-size``) and the execution options (``--out``, ``--chunk``,
    ``--dask``, ...).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend; its epilog becomes the ImageNet protocol's description.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--levels", "2", "--blur-size", "5"])
    >>> args.levels, args.q, args.blur_size, args.wavelet
    ([2], 1, 5, 'qshift_a')
    """
    add_data_arguments(parser, default_pairs=DEFAULT_PAIRS, default_size=DEFAULT_SIZE)
    group = parser.add_argument_group("experiment")
    group.add_argument("--levels", type=positive_int, nargs="+", default=[2, 3], metavar="J",
                       help="decomposition levels J >= 1; m = 2**(J-1) (default: 2 3)")
    group.add_argument("--wavelet", choices=list_wavelets(), default="qshift_a",
                       help="Q-shift filters of the dual tree (default qshift_a)")
    group.add_argument("--q", type=non_negative_int, default=1,
                       help="max-pooling half-width: a (2q+1) x (2q+1) window (default 1)")
    group.add_argument("--blur-size", type=int, choices=BLUR_SIZES, default=3,
                       help="binomial blur taps: 3 = [1,2,1]/4, 5 = [1,4,6,4,1]/16 (default 3)")
    add_run_arguments(parser, default_chunk=16)
    parser.epilog = IMAGENET_PROTOCOL


def packet_table(level, stats, axis):
    """Columns of ``packets_J<J>.csv``: tiles, then mean and std of every measure.

    Parameters
    ----------
    level : int
        Decomposition level ``J``.
    stats : dict
        The level's statistics, ``aggregate(...)[level]``
        (:func:`dtwpt.experiments.antialiasing.compute.aggregate`).
    axis : {"x", "y"}
        Direction of the shift (decides the ``stable`` tiles).

    Returns
    -------
    dict of str to ndarray
        One entry of length ``P = 2 * 4**J`` (the packets) per column:
        ``packet``, ``row``, ``col``, ``theta_y``, ``theta_x``,
        ``is_lowpass``, ``is_pathological``, then
        ``<operator>_<measure>_mean`` and ``_std`` (over pairs) for every
        operator of :data:`dtwpt.antialiasing.OPERATORS` and measure of
        :data:`~dtwpt.experiments.antialiasing.compute.MEASURES`,
        ``<operator>_aligned_roll_m_max`` and ``n_pairs``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.antialiasing.compute import aggregate, chunk_sums
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> table = packet_table(1, aggregate([sums], [1])[1], "x")
    >>> list(table)[:7]
    ['packet', 'row', 'col', 'theta_y', 'theta_x', 'is_lowpass', 'is_pathological']
    >>> len(table["packet"]), int(table["is_lowpass"].sum()), table["n_pairs"].tolist()
    (8, 2, [2, 2, 2, 2, 2, 2, 2, 2])
    """
    theta = tree.tile_centres(level)
    row, col = np.divmod(np.arange(len(theta)), 2 ** level)
    groups = tile_groups(level, axis)
    table = {"packet": np.arange(len(theta)), "row": row, "col": col,
             "theta_y": theta[:, 0], "theta_x": theta[:, 1],
             "is_lowpass": tree.lowpass_mask(level), "is_pathological": groups[1]}
    for o, op in enumerate(OPERATORS):
        for k, measure in enumerate(MEASURES):
            table[f"{op}_{measure}_mean"] = stats["mean"][k, o]
            table[f"{op}_{measure}_std"] = stats["std"][k, o]
        table[f"{op}_aligned_roll_m_max"] = stats["max"][MEASURES.index("aligned_roll_m"), o]
    table["n_pairs"] = stats["count"][0, 0]
    return table


def summary_table(totals, levels):
    """Columns of ``summary.csv``: one row per level, operator, measure and tile group.

    Each row holds the mean over photographs of the per-pair tile average, its
    95% interval over photographs
    (:func:`dtwpt.experiments.antialiasing.report.interval`; NaN with fewer
    than three photographs) and the numbers of photographs and pairs.

    Parameters
    ----------
    totals : dict
        The run's totals, :func:`dtwpt.experiments.antialiasing.compute.aggregate`.
    levels : sequence of int
        Levels ``J`` to tabulate (keys of ``totals``).

    Returns
    -------
    dict of str to list
        Columns ``level``, ``operator``, ``measure``, ``tiles``, ``mean``,
        ``ci_low``, ``ci_high``, ``n_photos`` and ``n_pairs``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.antialiasing.compute import aggregate, chunk_sums
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> rows = summary_table(aggregate([sums], [1]), [1])
    >>> len(rows["mean"])  # 5 operators x 8 measures x 5 tile groups
    200
    >>> [rows[k][0] for k in ("operator", "measure", "tiles", "n_photos")], int(rows["n_pairs"][0])
    (['rmax', 'kept_energy', 'band', 2], 2)
    """
    rows = {k: [] for k in ("level", "operator", "measure", "tiles", "mean", "ci_low",
                            "ci_high", "n_photos", "n_pairs")}
    for level in levels:
        values = totals[level]["tile_means"]
        for o, op in enumerate(OPERATORS):
            for k, measure in enumerate(MEASURES):
                for g, group in enumerate(TILE_GROUPS):
                    v = values[:, k, o, g]
                    mean, lo, hi, n = report.interval(v, totals["photos"])
                    row = (level, op, measure, group, mean, lo, hi, n, np.isfinite(v).sum())
                    for key, value in zip(rows, row):
                        rows[key].append(value)
    return rows


def _config(args, source):
    argv = command_line(args, "antialiasing")
    return {"experiment": "antialiasing",
            "options": {k: v for k, v in vars(args).items() if k not in EXECUTION_OPTIONS},
            "execution": {k: getattr(args, k) for k in EXECUTION_OPTIONS},
            "argv": argv, "command": format_command(argv), "source": source.describe(),
            "environment": environment(), "created": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def _run_lines(args, config, totals, stats):
    described = ", ".join(f"{k}={v}" for k, v in config["source"].items())
    speed = (f"{stats.items} pairs in {stats.seconds:.1f} s ({stats.rate:.2f} pairs/s, "
             f"first-use kernel compilation included), {stats.computed} chunk(s) computed, "
             f"{stats.reused} reused" if stats.computed
             else f"all {stats.reused} chunk(s) reused from an earlier invocation")
    return [f"- command: `{config['command']}`", f"- source: {described}",
            f"- pairs processed: {totals['n_pairs']}; skipped: {len(totals['skipped'])}",
            (f"- levels J = {', '.join(map(str, args.levels))}; q = {args.q}; blur "
            f"{args.blur_size} taps; wavelet {args.wavelet}; shift u = {args.shift:g} along "
            f"{args.axis}"), f"- this invocation: {speed}"]


def run(args):
    """Run the experiment described by parsed options.

    Writes, in ``--out``: ``config.json``; ``chunks/<start>.npz`` (the
    resumable state); ``packets_J<J>.csv`` per level; ``summary.csv``;
    ``skipped.csv``; the figures of
    :mod:`dtwpt.experiments.antialiasing.figures`; and ``report.md``. Prints
    where the report is, the pairs processed and the verdict counts.

    Parameters
    ----------
    args : argparse.Namespace
        Options parsed by a parser that :func:`add_arguments` extended.

    Returns
    -------
    int
        Exit code, 0.

    Raises
    ------
    UsageError
        For options that cannot be run together (e.g. a ``--size`` that is
        not a multiple of ``2**J``), an ``--out`` folder holding another run,
        or a source from which no pair could be processed. The command line
        (:func:`dtwpt.experiments.main`) prints it on one line and exits with
        code 2.

    Examples
    --------
    >>> import argparse, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> out = tempfile.mkdtemp()
    >>> run(parser.parse_args(["--pairs", "2", "--size", "32", "--levels", "1",
    ...                        "--quiet", "--out", out]))  # doctest: +ELLIPSIS
    report: .../report.md
    pairs: 2 processed, 0 skipped
    verdicts: ... (see .../report.md)
    0
    >>> sorted(p.name for p in Path(out).glob("*.csv"))
    ['packets_J1.csv', 'skipped.csv', 'summary.csv']
    """
    check_run_options(args)
    levels = args.levels = check_levels(args.levels, args.size, args.q)
    source = make_source(args, default_pairs=DEFAULT_PAIRS)
    out = Path(os.path.abspath(args.out or default_out()))
    args.out = str(out)
    config = _config(args, source)
    if open_run_folder(out, config) and not args.quiet:
        print(f"resuming the run in {out}", file=sys.stderr)
    remove_stale_temps(out)
    compute = partial(chunk_sums, levels=tuple(levels), wavelet=args.wavelet, q=args.q,
                      blur_size=args.blur_size, shift=args.shift, axis=args.axis)
    stats = run_chunks(source, compute, out / "chunks", chunk=args.chunk, dask=args.dask,
                       workers=args.workers, progress=not args.quiet and sys.stderr.isatty())
    totals = aggregate(load_chunks(out / "chunks", chunk_ranges(len(source), args.chunk)),
                       levels)
    write_csv(out / "skipped.csv", _skipped_columns(totals))
    if not totals["n_pairs"]:
        raise UsageError(f"no pair could be processed ({len(totals['skipped'])} item(s) "
                         f"skipped, listed in {out / 'skipped.csv'})")
    for j in levels:
        write_csv(out / f"packets_J{j}.csv", packet_table(j, totals[j], args.axis))
    write_csv(out / "summary.csv", summary_table(totals, levels))
    verdicts, notes = report.evaluate(totals, levels, q=args.q, shift=args.shift)
    drawn = figures.draw_all(out, totals, levels, axis=args.axis, shift=args.shift)
    report.write_report(out / "report.md", totals=totals, levels=levels, verdicts=verdicts,
                        scope_notes=notes, figures=drawn,
                        run_lines=_run_lines(args, config, totals, stats), axis=args.axis)
    print(f"report: {out / 'report.md'}")
    print(f"pairs: {totals['n_pairs']} processed, {len(totals['skipped'])} skipped")
    print(f"verdicts: {counts_line(verdicts)} (see {out / 'report.md'})")
    return 0


def _skipped_columns(totals):
    return {"name": [s[0] for s in totals["skipped"]],
            "reason": [s[1] for s in totals["skipped"]]}
