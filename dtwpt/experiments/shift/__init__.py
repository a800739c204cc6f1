"""The main experiment: RMax against CMod on every DT-CWPT packet (paper, Section 5).

``python -m dtwpt.experiments [shift]``. The package is split by concern:

- :mod:`.compute`: per-pair ``rho^2``, ``rho_max``, ``rho_mod``, chunk sums,
  per-packet tables;
- :mod:`.verdicts`: the paper's claims, judged inside their setting with 95%
  intervals;
- :mod:`.report`: ``report.md`` and the tile-by-tile comparison with the paper;
- :mod:`.figures`: the paper's Figs 5, 6, 8, 9 and the side-by-side figures;
- this module: the options (including the protocol choices) and :func:`run`.
"""
import os
import sys
import time
from functools import partial
from pathlib import Path

from dtwpt import list_wavelets
from dtwpt.data import SHIFT_AT

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
    lock_run_folder,
    make_source,
    non_negative_int,
    positive_int,
    shift_vector,
    write_csv,
    write_skipped,
)
from .._drawing import FigureJobs
from .._markdown import counts_line
from .._runner import chunk_ranges, load_chunks, run_chunks, speed_line
from . import _jobs
from . import report as _report
from .compute import (
    POOL_OFFSETS,
    RHO_MAX_NORMS,
    aggregate,
    chunk_sums,
    energy_table,
    packet_table,
)

__all__ = ["DESCRIPTION", "add_arguments", "run", "resolve_protocol", "PROTOCOLS",
           "POOL_ALIGN", "MODES", "RHO_MAX_NORMS"]

DESCRIPTION = (
    "Reproduce the RMax/CMod experiment of Leterme et al. (arXiv:2209.11740, Section 5): "
    "for every image pair (X, X') and every DT-CWPT packet, the discrepancy rho^2 "
    "between RMax and CMod and their shift instabilities rho_max and rho_mod, averaged "
    "over images; Table 1; Figures 5, 6, 8, 9; and a report with a verdict per claim. "
    "Writes config.json, packets_J<J>.csv, table1.csv, skipped.csv, fig*.png and report.md "
    "in --out, and per-chunk results in --out/chunks (the state a rerun resumes from)."
)

#: Bundled pairs of the default run.
DEFAULT_PAIRS = 256
POOL_ALIGN = tuple(POOL_OFFSETS)
MODES = ("periodization", "symmetric")
#: Protocol presets: (pool_align, mode, shift_at, rho_max_norm). "paper" is the
#: combination whose maps are closest to the paper's (measured by ``python -m
#: dtwpt.experiments sensitivity``; see the documentation of the protocol).
PROTOCOLS = {"theory": ("centred", "periodization", "resized", "cmod"),
             "paper": ("offset-x", "periodization", "resized", "rmax")}
PROTOCOL_OPTIONS = ("pool_align", "mode", "shift_at", "rho_max_norm")


def _preset_text(name):
    return ", ".join(f"{k.replace('_', '-')} {v}"
                     for k, v in zip(PROTOCOL_OPTIONS, PROTOCOLS[name]))


def resolve_protocol(args):
    """Fill the protocol options not given from ``--protocol``; check them.

    The four protocol options (``pool_align``, ``mode``, ``shift_at``,
    ``rho_max_norm``) left at None take the value of the preset named by
    ``args.protocol`` (:data:`PROTOCOLS`); an option given explicitly is kept.
    ``args`` is modified in place.

    Parameters
    ----------
    args : argparse.Namespace
        Options parsed by a parser that :func:`add_arguments` extended.

    Raises
    ------
    UsageError
        For ``--shift-at original`` without ``--images`` (the bundled
        photographs are not resized, so there is no original to shift).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--protocol", "paper", "--mode", "symmetric"])
    >>> resolve_protocol(args)
    >>> args.pool_align, args.mode, args.shift_at, args.rho_max_norm
    ('offset-x', 'symmetric', 'resized', 'rmax')
    """
    for option, value in zip(PROTOCOL_OPTIONS, PROTOCOLS[args.protocol]):
        if getattr(args, option) is None:
            setattr(args, option, value)
    if args.images is None and args.shift_at != "resized":
        raise UsageError("--shift-at original needs --images: the bundled photographs "
                         "are not resized")


def add_arguments(parser):
    """Add the experiment's options to ``parser``.

    The data options (``--pairs``, ``--size``, ``--images``, ``--shift``,
    ...), the experiment's (``--levels``, ``--wavelet``, ``--q``), the
    protocol choices (``--protocol`` and the four options it presets, left at
    None until :func:`resolve_protocol`) and the execution options
    (``--out``, ``--chunk``, ``--dask``, ...).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--levels", "2", "--q", "2"])
    >>> args.levels, args.wavelet, args.q, args.protocol, args.pool_align
    ([2], 'qshift_a', 2, 'theory', None)
    """
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
                          help="preset of the four options below: 'theory' (default: "
                               f"{_preset_text('theory')}) or 'paper', the combination "
                               "closest to the paper's maps on real photographs "
                               f"({_preset_text('paper')}); an option given explicitly "
                               "overrides the preset")
    protocol.add_argument("--pool-align", choices=POOL_ALIGN,
                          help="RMax's pooling window: 'centred' on 2n as in the theory, "
                               "'offset' by one stride-m sample along both axes (centred "
                               "on 2n + 1) as PyTorch's MaxPool2d(3, 2, padding=0) next to "
                               "CMod's x[..., ::2, ::2], or 'offset-x' / 'offset-y' along "
                               "one axis only")
    protocol.add_argument("--mode", choices=MODES,
                          help="boundary handling of the transform: 'periodization' or "
                               "'symmetric' (mirror extension)")
    protocol.add_argument("--shift-at", choices=SHIFT_AT,
                          help="with --images: translate after resizing ('resized') or the "
                               "original image before resizing ('original')")
    protocol.add_argument("--rho-max-norm", choices=RHO_MAX_NORMS,
                          help="what rho_max = ||Ymax' - Ymax|| / ||.|| divides by: 'cmod' "
                               "(||Ymod||, the paper's definition and the ratio its Thm 4.2 "
                               "bounds) or 'rmax' (RMax's own ||Ymax||, which the paper's "
                               "Fig. 9a matches)")
    add_run_arguments(parser, default_chunk=64)
    parser.epilog = IMAGENET_PROTOCOL


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
    print(f"verdicts: {counts_line(verdicts)} (see {out / 'report.md'})")


def _setting(args):
    return {"q": args.q, "shift": float(args.shift), "axis": args.axis,
            "pool_align": args.pool_align, "mode": args.mode,
            "rho_max_norm": args.rho_max_norm}


def _write_outputs(out, args, levels, totals, stats, source_description, energy, figures):
    """CSV tables, figures (those of ``figures`` and the results') and report of an
    aggregated run; returns the verdicts."""
    u = shift_vector(args)
    tables = {j: packet_table(j, totals[j], q=args.q, shift=u) for j in levels}
    for j in levels:
        write_csv(out / f"packets_J{j}.csv", tables[j])
    write_csv(out / "table1.csv", energy)
    figures.submit(_jobs.result_jobs(tables))
    drawn = figures.write(out)
    return _report.write_report(
        out / "report.md", tables=tables, energy=energy, totals=totals, figures=drawn,
        run_stats=stats, command=format_command(command_line(args)),
        source_description=source_description, setting=_setting(args), shift=u)


def _run(args, levels, energy, figures):
    """:func:`run` once its options are checked: (out, totals, stats, verdicts)."""
    source = make_source(args, default_pairs=DEFAULT_PAIRS)
    out = Path(os.path.abspath(args.out or default_out()))
    args.out = str(out)
    config = _config(args, source)
    with lock_run_folder(out, config) as resumed:
        if resumed and not args.quiet:
            print(f"resuming the run in {out}", file=sys.stderr)
        # Figs 5 and 6 need only the options: drawn while this process computes.
        figures.submit(_jobs.option_jobs(levels, wavelet=args.wavelet, q=args.q))
        compute = partial(chunk_sums, levels=tuple(levels), wavelet=args.wavelet, q=args.q,
                          mode=args.mode, pool_align=args.pool_align,
                          rho_max_norm=args.rho_max_norm)
        stats = run_chunks(source, compute, out / "chunks", chunk=args.chunk, dask=args.dask,
                           workers=args.workers, progress=not args.quiet and sys.stderr.isatty(),
                           quiet=args.quiet)
        totals = aggregate(load_chunks(out / "chunks", chunk_ranges(len(source), args.chunk)),
                           levels)
        write_skipped(out, totals["skipped"])
        if not totals["n_pairs"]:
            raise UsageError(f"no pair could be processed: all {len(totals['skipped'])} "
                             f"item(s) were skipped (reasons in {out / 'skipped.csv'})")
        verdicts = _write_outputs(out, args, levels, totals, stats, config["source"], energy,
                                  figures)
    return out, totals, stats, verdicts


def run(args):
    """Run the experiment described by parsed options; returns the exit code.

    Writes, in ``--out``: ``config.json``; ``chunks/<start>.npz`` (per-chunk
    sums and per-pair values, the resumable state); ``packets_J<J>.csv`` per
    level; ``table1.csv``; ``skipped.csv``; ``paper_J<J>.csv`` (this run next
    to the paper, tile by tile); the figures ``fig5_gamma_J<J>.png``,
    ``fig6_kernels_J<J>.png``, ``fig8_rho2.png``, ``fig9_stability_J<J>.png``,
    ``paper_J<J>.png``; and ``report.md``. Prints a short summary on stdout.
    A run in which no pair could be processed exits with an error.

    Parameters
    ----------
    args : argparse.Namespace
        Options parsed by a parser that :func:`add_arguments` extended; the
        protocol options and the levels are filled in and normalised in place.

    Returns
    -------
    int
        Exit code, 0.

    Raises
    ------
    UsageError
        For options that cannot be run (a ``--size`` that is not a multiple of
        ``2**J``, a ``--q`` wider than the pooled map, ``--shift-at original``
        without ``--images``, inconsistent execution options), an ``--out``
        folder holding another run, or a run in which every pair was skipped.
        The command line (:func:`dtwpt.experiments.main`) prints it on one
        line and exits with code 2.

    Examples
    --------
    >>> import argparse, contextlib, io, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> out = tempfile.mkdtemp()
    >>> args = parser.parse_args(["--pairs", "2", "--size", "32", "--levels", "2",
    ...                           "--quiet", "--out", out])
    >>> with contextlib.redirect_stdout(io.StringIO()) as summary:
    ...     code = run(args)
    >>> code, summary.getvalue().splitlines()[1]
    (0, 'pairs: 2 processed, 0 skipped')
    >>> sorted(p.name for p in Path(out).glob("[!.]*.*"))  # doctest: +NORMALIZE_WHITESPACE
    ['config.json', 'fig5_gamma_J2.png', 'fig6_kernels_J2.png', 'fig8_rho2.png',
     'fig9_stability_J2.png', 'packets_J2.csv', 'paper_J2.csv', 'paper_J2.png',
     'report.md', 'skipped.csv', 'table1.csv']
    """
    check_run_options(args)
    resolve_protocol(args)
    levels = args.levels = check_levels(args.levels, args.size, args.q)
    try:  # Table 1 and Fig. 6 need each level's kernels: refuse a level they cannot have
        energy = energy_table(levels, args.wavelet)
    except ValueError as error:
        raise UsageError(f"--levels {levels[-1]}: {error}") from None
    # Worker processes draw the figures, forked now while this process runs a single
    # thread (see FigureJobs).
    with FigureJobs() as figures:
        out, totals, stats, verdicts = _run(args, levels, energy, figures)
    _print_summary(out, totals, stats, verdicts)
    return 0
