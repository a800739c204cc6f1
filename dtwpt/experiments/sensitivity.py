"""How the protocol choices the paper leaves open move the main experiment's maps.

``python -m dtwpt.experiments sensitivity`` runs the shift experiment
(:mod:`dtwpt.experiments.shift`) on the same pairs once per combination of

- RMax's pooling window: centred on ``2n`` (the theory) or offset by one
  stride-``m`` sample (common PyTorch code);
- the boundary handling: periodization or symmetric extension;
- with ``--images``, where the shift is applied: after resizing, or on the
  original image before resizing;
- what ``rho_max`` is divided by: CMod's norm ``||Ymod||`` (the paper's
  definition) or RMax's own ``||Ymax||``;

and writes, per combination and level, the levels of the maps (ordinary and
pathological ``rho^2``, ``rho_max``, ``rho_mod``) and their tile-wise Pearson r
and mean absolute difference with the paper's Figs 8, 9a and 9b
(``sensitivity.csv``, ``sensitivity.png``, ``report.md``). The combination
with the smallest mean absolute difference over the six maps is the one
``--protocol paper`` selects when it is measured on real photographs.
"""
import argparse
import itertools
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from dtwpt.plotting import save_figure

from . import shift
from ._common import (
    EXECUTION_OPTIONS,
    check_levels,
    check_run_options,
    command_line,
    default_out,
    environment,
    format_command,
    lock_run_folder,
    make_source,
    write_csv,
    write_text,
)
from ._runner import chunk_ranges, load_chunks, run_chunks
from .shift.compute import aggregate, chunk_sums, packet_table
from .shift.report import paper_comparison
from .shift.verdicts import pathological_tiles

__all__ = ["DESCRIPTION", "add_arguments", "run", "combinations"]

DESCRIPTION = (
    "Measure how the protocol choices the paper leaves open (RMax's pooling-window "
    "alignment, the boundary mode, with --images whether the shift is applied before "
    "resizing, and what rho_max is divided by) move the levels of the main experiment's "
    "maps and their distance to the paper's Figs 8, 9a, 9b. Writes sensitivity.csv, "
    "sensitivity.png and report.md in --out, and each combination's chunks in "
    "--out/chunks/<combination>."
)


def add_arguments(parser):
    """Add the main experiment's options to ``parser``, the protocol ones hidden.

    The options of :func:`dtwpt.experiments.shift.add_arguments`; the
    protocol options (``--protocol``, ``--pool-align``, ``--mode``,
    ``--shift-at``, ``--rho-max-norm``) are still parsed but left out of the
    help, since :func:`run` varies them over :func:`combinations`.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--levels", "2"])
    >>> args.levels, args.wavelet, args.q
    ([2], 'qshift_a', 1)
    >>> "--pool-align" in parser.format_help()
    False
    """
    shift.add_arguments(parser)
    for action in list(parser._actions):
        if action.dest in shift.PROTOCOL_OPTIONS + ("protocol",):
            action.help = argparse.SUPPRESS


def combinations(with_images):
    """The protocol combinations the command measures.

    Every combination of RMax's pooling window
    (:data:`dtwpt.experiments.shift.POOL_ALIGN`), the boundary mode
    (:data:`~dtwpt.experiments.shift.MODES`), where the shift is applied
    (after resizing only, unless the images come from a folder) and
    ``rho_max``'s normaliser (:data:`~dtwpt.experiments.shift.RHO_MAX_NORMS`).

    Parameters
    ----------
    with_images : bool
        Whether the pairs come from ``--images`` (then the shift is also
        applied to the original image, before resizing).

    Returns
    -------
    list of dict
        One ``{"pool_align", "mode", "shift_at", "rho_max_norm"}`` dict per
        combination.

    Examples
    --------
    >>> combos = combinations(False)
    >>> len(combos), len(combinations(True))
    (16, 32)
    >>> combos[0]  # doctest: +NORMALIZE_WHITESPACE
    {'pool_align': 'centred', 'mode': 'periodization', 'shift_at': 'resized',
     'rho_max_norm': 'cmod'}
    """
    places = ("resized", "original") if with_images else ("resized",)
    return [dict(zip(shift.PROTOCOL_OPTIONS, c))
            for c in itertools.product(shift.POOL_ALIGN, shift.MODES, places,
                                       shift.RHO_MAX_NORMS)]


def _name(combination):
    return "-".join(combination[k] for k in shift.PROTOCOL_OPTIONS)


def _levels_row(table, level):
    band = ~np.asarray(table["is_lowpass"], dtype=bool)
    patho = pathological_tiles(level) & band
    return {"rho2_ordinary": float(np.nanmean(table["rho2_mean"][band & ~patho])),
            "rho2_pathological": float(np.nanmean(table["rho2_mean"][patho])),
            "rho_max": float(np.nanmean(table["rho_max_mean"][band])),
            "rho_mod": float(np.nanmean(table["rho_mod_mean"][band]))}


def _measure(args, combination, out, levels):
    """Tables of one combination (computing its chunks unless already saved)."""
    options = argparse.Namespace(**vars(args))
    for key, value in combination.items():
        setattr(options, key, value)
    source = make_source(options, default_pairs=shift.DEFAULT_PAIRS)
    compute = partial(chunk_sums, levels=tuple(levels), wavelet=args.wavelet, q=args.q,
                      mode=combination["mode"], pool_align=combination["pool_align"],
                      rho_max_norm=combination["rho_max_norm"])
    folder = out / "chunks" / _name(combination)
    folder.parent.mkdir(exist_ok=True)
    run_chunks(source, compute, folder, chunk=args.chunk, dask=args.dask, workers=args.workers,
               progress=not args.quiet and sys.stderr.isatty(), quiet=args.quiet)
    totals = aggregate(load_chunks(folder, chunk_ranges(len(source), args.chunk)), levels)
    u = shift.shift_vector(args)
    return {j: packet_table(j, totals[j], q=args.q, shift=u) for j in levels}


def _figure(rows):
    names = sorted({r["combination"] for r in rows})
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.subplots()
    maps = sorted({(r["level"], r["map"]) for r in rows})
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        values = [next(r["mean_abs_diff"] for r in rows if r["combination"] == name
                       and (r["level"], r["map"]) == key) for key in maps]
        ax.bar(np.arange(len(maps)) + k * width, values, width, label=name)
    ax.set_xticks(np.arange(len(maps)) + 0.4 - width / 2,
                  [f"J={j} {m}" for j, m in maps], fontsize=8)
    ax.set_ylabel("mean |this run - paper| over tiles")
    ax.legend(fontsize=7, title="pool-mode-shift_at-norm")
    ax.set_title("Distance to the paper's maps per protocol combination")
    return fig


def run(args):
    """Measure every combination; returns the exit code.

    Runs the shift experiment once per :func:`combinations` entry on the same
    pairs (each combination's chunks in ``--out/chunks/<combination>``, so
    that a rerun resumes) and writes ``config.json``, ``sensitivity.csv``
    (per combination and level, the levels of the maps and, at J = 2 and 3,
    their Pearson r and mean absolute difference with the paper's Figs 8, 9a,
    9b), ``sensitivity.png`` (at J = 2 or 3) and ``report.md``. Prints the
    report's path on stdout.

    Parameters
    ----------
    args : argparse.Namespace
        Options parsed by a parser that :func:`add_arguments` extended; the
        levels are normalised in place.

    Returns
    -------
    int
        Exit code, 0.

    Raises
    ------
    UsageError
        For options that cannot be run (a ``--size`` that is not a multiple of
        ``2**J``, a ``--q`` wider than the pooled map, inconsistent execution
        options) or an ``--out`` folder holding another run. The command line
        (:func:`dtwpt.experiments.main`) prints it on one line and exits with
        code 2.

    Examples
    --------
    >>> import contextlib, csv, io, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> out = tempfile.mkdtemp()
    >>> args = parser.parse_args(["--pairs", "2", "--size", "32", "--levels", "2",
    ...                           "--quiet", "--out", out])
    >>> with contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     code = run(args)
    >>> code, printed.getvalue().startswith("report: ")
    (0, True)
    >>> sorted(p.name for p in Path(out).glob("[!.]*.*"))
    ['config.json', 'report.md', 'sensitivity.csv', 'sensitivity.png']
    >>> with open(Path(out) / "sensitivity.csv", newline="") as fh:
    ...     rows = list(csv.DictReader(fh))
    >>> len(rows), sorted({r["map"] for r in rows})  # 16 combinations x 4 rows
    (64, ['fig8', 'fig9_cmod', 'fig9_rmax', 'levels'])
    """
    check_run_options(args)
    levels = args.levels = check_levels(args.levels, args.size, args.q)
    out = Path(os.path.abspath(args.out or default_out()))
    args.out = str(out)
    options = {k: v for k, v in vars(args).items()
               if k not in EXECUTION_OPTIONS + shift.PROTOCOL_OPTIONS + ("protocol",)}
    argv = command_line(args, "sensitivity")
    config = {"experiment": "sensitivity", "options": options, "argv": argv,
              "command": format_command(argv), "environment": environment(),
              "created": time.strftime("%Y-%m-%d %H:%M:%S %z")}
    rows = []
    with lock_run_folder(out, config):
        for combination in combinations(args.images is not None):
            tables = _measure(args, combination, out, levels)
            comparison, _ = paper_comparison(tables)
            for level in levels:
                rows.append({"combination": _name(combination), **combination, "level": level,
                             **_levels_row(tables[level], level), "map": "levels",
                             "pearson_r": np.nan, "mean_abs_diff": np.nan})
            rows += [{"combination": _name(combination), **combination, "level": c["level"],
                      **_levels_row(tables[c["level"]], c["level"]), "map": c["map"],
                      "pearson_r": c["pearson_r"], "mean_abs_diff": c["mean_abs_diff"]}
                     for c in comparison]
        table = {key: [r[key] for r in rows] for key in rows[0]}
        write_csv(out / "sensitivity.csv", table)
        compared = [r for r in rows if r["map"] != "levels"]
        if compared:
            fig = _figure(compared)
            save_figure(fig, out / "sensitivity.png")
        write_text(out / "report.md", _report(rows, compared, config["command"]))
    print(f"report: {out / 'report.md'}")
    return 0


def _report(rows, compared, command):
    lines = ["# Sensitivity of the shift experiment to the protocol", "",
             f"- command: `{command}`", "",
             "| combination (pool-mode-shift_at-norm) | J | ordinary rho^2 | pathological rho^2 | "
             "mean rho_max | mean rho_mod |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['combination']} | {r['level']} | {r['rho2_ordinary']:.3f} | "
              f"{r['rho2_pathological']:.3f} | {r['rho_max']:.3f} | {r['rho_mod']:.3f} |"
              for r in rows if r["map"] == "levels"]
    if compared:
        score = {}
        for r in compared:
            score.setdefault(r["combination"], []).append(r["mean_abs_diff"])
        best = min(score, key=lambda name: np.mean(score[name]))
        lines += ["", "Mean absolute difference with the paper's maps (Figs 8, 9a, 9b), "
                  "averaged over the maps:", "",
                  "| combination | mean abs difference | worst map | smallest Pearson r |",
                  "|---|---|---|---|"]
        for name, diffs in sorted(score.items(), key=lambda item: np.mean(item[1])):
            rs = [r["pearson_r"] for r in compared if r["combination"] == name]
            lines.append(f"| {name} | {np.mean(diffs):.3f} | {max(diffs):.3f} | "
                         f"{min(rs):.3f} |")
        lines += ["", f"Closest to the paper: **{best}**.", "",
                  "![distance per combination](sensitivity.png)", ""]
    return "\n".join(lines) + "\n"
