"""Localization study: how the filters' localization drives stability and discrepancy.

``python -m dtwpt.experiments localization`` runs two experiments on pairs of
bundled photographs ``(X, X')``, ``X'`` shifted one pixel along x
(:class:`dtwpt.data.BundledPhotos`, shift ``u = (0, 1)``), with max pooling
``q = 1``. With ``Ymax = RMax X``, ``Ymod = CMod X`` and ``'`` marking the
outputs of ``X'``::

    rho2    = (||Ymod - Ymax|| / ||Ymod||)^2
    rho_max = ||Ymax' - Ymax|| / ||Ymod||
    rho_mod = ||Ymod' - Ymod|| / ||Ymod||

*Wavelet families.* For each Q-shift family (``--wavelets``) and each named
packet-stage wavelet (``--packet-wavelets``, on top of the ``qshift_a``
stages) at each level ``J`` (``--levels``): the packet kernels' length (taps
per axis), their energy concentration (the Table 1 statistic, mean and
standard deviation over all packets), their analyticity (share of spectral
energy at ``omega_x < 0``, mean and max over all packets) and, on the photos,
the mean over pairs and non-low-pass packets of ``rho2``, ``rho_max`` and
``rho_mod`` of the DT-CWPT RMax and CMod.

*Gabor filters.* For ``m = 2**(J-1)``, bandwidths ``kappa`` spaced
geometrically from ``pi/(8m)`` to ``pi/m`` (``--kappas`` values) and centre
frequencies ``theta`` on an ``n x n`` grid of cell centres over the half-plane
(:func:`theta_grid`): the image-sized kernel ``W = gabor_filter(theta, kappa,
size)``, ``V = Re W``, ``RMax = rmax_conv(x, V, m)``, ``CMod = cmod_conv(x, W,
m)``, and the measured mean ``rho2`` against Thm 3.11, ``(beta +
gamma_q(m theta))**2``; ``rho_max`` against Thm 4.2, ``2 (beta + gamma) +
alpha(kappa u)``; ``rho_mod`` against Thm 2.9, ``alpha(kappa u)``, valid when
``kappa <= pi/m``. The theorem is about periodic translations, whereas ``X'``
brings genuine content in at the border; ``rho_mod`` for the periodic shift
``np.roll(X, -1, -1)`` is measured too, and the verdicts
(:mod:`~dtwpt.experiments.localization.verdicts`) judge Thm 2.9 on it.

Outputs in ``--out``: ``config.json``, ``families.csv``, ``gabor.csv``,
``families.png``, ``gabor_bounds.png`` and ``report.md``. Each unit of work
(one family x level row, one ``(m, kappa)`` slice of the Gabor sweep) is saved
atomically as ``<out>/units/<key>.npz`` (per-pair values,
:mod:`~dtwpt.experiments.localization.compute`) by the experiments'
resumable runner, and reused when the run is started again with the same
``--out`` and options; the final files are assembled from the units.

Columns of ``gabor.csv`` renamed from earlier versions, for one vocabulary
across experiments: ``p2_mean`` -> ``rho2_mean``, ``p2_bound`` ->
``discrepancy_bound``, ``p2_holds`` -> ``rho2_holds``, ``r_mean`` ->
``rho_max_mean``, ``r_bound`` -> ``rmax_shift_bound``, ``r_holds`` ->
``rho_max_holds``, ``cmod_ratio_mean`` -> ``rho_mod_mean``, ``cmod_bound`` ->
``cmod_shift_bound``, ``cmod_holds`` -> ``rho_mod_holds``, ``cmod_applies`` ->
``bound_applies``, ``cmod_ratio_periodic_mean`` -> ``rho_mod_periodic_mean``,
``cmod_periodic_holds`` -> ``rho_mod_periodic_holds``; new columns
``<metric>_ci_low`` and ``<metric>_ci_high`` (95% interval over photographs).
``n_pairs`` counts the pairs measured. ``families.csv`` is unchanged.
"""
import argparse
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from dtwpt import gabor_filter
from dtwpt.data import BundledPhotos
from dtwpt.filters import dual_tree_filters, list_wavelets

from .._common import (
    UsageError,
    add_run_arguments,
    check_run_options,
    command_line,
    default_out,
    environment,
    format_command,
    lock_run_folder,
    non_negative_int,
    positive_int,
    write_csv,
)
from .._markdown import counts_line
from .._runner import load_units, run_units
from . import figures, report
from .compute import (
    PACKET_BASE,
    SHIFT,
    FamilyUnit,
    Pairs,
    Q,
    compute_unit,
    kappa_values,
    make_units,
    prepare_unit,
    theta_grid,
    warm_up_unit,
)
from .tables import family_table, gabor_table
from .verdicts import evaluate, shares

__all__ = [
    "DEFAULT_PAIRS",
    "DEFAULT_SIZE",
    "DESCRIPTION",
    "add_arguments",
    "kappa_values",
    "run",
    "theta_grid",
]

DESCRIPTION = (
    "How the filters' localization drives RMax/CMod discrepancy and shift stability: "
    "wavelet families (kernel length, energy concentration, analyticity, and "
    "rho2 / rho_max / rho_mod on the bundled photos) and a sweep of Gabor filters "
    "J(theta, kappa) against the bounds of Thms 2.9, 3.11 and 4.2, with verdicts. Writes "
    "config.json, families.csv, gabor.csv, families.png, gabor_bounds.png and report.md in "
    "--out, and per-unit results in --out/units (the state a rerun resumes from)."
)
#: Bundled pairs and image side of the default run. The side bounds the narrowest
#: Gabor window: kappa = pi/(8m) must exceed 4 pi / size, so size > 32 m (128 at J = 3).
DEFAULT_PAIRS = 32
DEFAULT_SIZE = 256
MAX_LEVEL = 5


def add_arguments(parser):
    """Add the experiment's options to ``parser``.

    The data options (``--pairs``, ``--size``, ``--seed``: bundled pairs
    only), the experiment's (``--levels``, ``--wavelets``,
    ``--packet-wavelets``, ``--theta-grid``, ``--kappas``) and the execution
    options (``--out``, ``--chunk``, ``--dask``, ...).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--wavelets", "qshift_a", "--kappas", "2"])
    >>> args.levels, args.wavelets, args.theta_grid, args.kappas, args.size
    ([2, 3], ['qshift_a'], 4, 2, 256)
    """
    wavelets = list_wavelets()
    data = parser.add_argument_group("data (pairs cut from the bundled photos, X' = X "
                                     "shifted one pixel along x)")
    data.add_argument("--pairs", type=positive_int, default=DEFAULT_PAIRS, metavar="N",
                      help=f"image pairs (default {DEFAULT_PAIRS})")
    data.add_argument("--size", type=positive_int, default=DEFAULT_SIZE, metavar="PX",
                      help=f"side of the images and of the Gabor kernels (default "
                           f"{DEFAULT_SIZE})")
    data.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                      help="seed of the pairs' positions (default 0)")
    exp = parser.add_argument_group("experiment")
    exp.add_argument("--levels", type=positive_int, nargs="+", default=[2, 3], metavar="J",
                     help="levels J of the wavelet families; the Gabor sweep uses "
                          "m = 2**(J-1) (default: 2 3)")
    exp.add_argument("--wavelets", nargs="+", default=wavelets, choices=wavelets,
                     metavar="NAME", help=f"Q-shift families (default: all, {' '.join(wavelets)})")
    exp.add_argument("--packet-wavelets", nargs="*", default=[], metavar="NAME",
                     help="orthogonal PyWavelets wavelets for the packet stage (below a "
                          f"main-stage high-pass, J >= 3), on the {PACKET_BASE} stages, "
                          "e.g. db5 sym8 (default: none)")
    exp.add_argument("--theta-grid", type=positive_int, default=4, metavar="N",
                     help="Gabor centre frequencies: N x N cell centres over the "
                          "half-plane omega_x >= 0 (default 4)")
    exp.add_argument("--kappas", type=positive_int, default=4, metavar="K",
                     help="Gabor bandwidths per m, geometric from pi/(8m) to pi/m "
                          "(default 4)")
    add_run_arguments(parser, default_chunk=32)
    parser.epilog = ("Here --chunk is the number of pairs measured at once inside a unit; the "
                     "unit of work, of resumption and of a dask task is one family at one "
                     "level, or one (m, kappa) slice of the Gabor sweep.")


def _options(args):
    """The options that define the run's numbers, normalised (``args`` is left as parsed)."""
    levels = sorted(set(args.levels))
    if levels[-1] > MAX_LEVEL:
        raise UsageError(f"--levels must lie in 1..{MAX_LEVEL}, got {levels[-1]}")
    if args.size % 2 ** levels[-1]:
        raise UsageError(f"--size {args.size} must be a multiple of 2**J = "
                         f"{2 ** levels[-1]} for --levels {levels[-1]}")
    packet_wavelets = list(dict.fromkeys(args.packet_wavelets))
    for name in packet_wavelets:
        try:
            dual_tree_filters(PACKET_BASE, packet_wavelet=name)
        except (ValueError, TypeError) as error:
            raise UsageError(f"--packet-wavelets: {error}") from None
    return {"pairs": args.pairs, "size": args.size, "seed": args.seed, "levels": levels,
            "wavelets": list(dict.fromkeys(args.wavelets)), "packet_wavelets": packet_wavelets,
            "theta_grid": args.theta_grid, "kappas": args.kappas, "chunk": args.chunk}


def _check_gabor(options, thetas):
    """Every Gabor kernel of the sweep must be a Gabor filter on the size x size grid."""
    for j in options["levels"]:
        m = 2 ** (j - 1)
        kappa = min(kappa_values(m, options["kappas"]))
        for theta in thetas:
            try:
                gabor_filter(theta, kappa, options["size"])
            except ValueError as error:
                raise UsageError(f"--size {options['size']} does not fit the narrowest Gabor "
                                 f"window, kappa = {kappa:.4g} at m = {m}: {error}") from None


def _source(options):
    try:
        return BundledPhotos(options["pairs"], size=options["size"], shift=1, axis="x",
                             seed=options["seed"])
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None


def _config(options, execution, source, thetas):
    argv = command_line(argparse.Namespace(**options, **execution), "localization")
    kappas = {str(2 ** (j - 1)): kappa_values(2 ** (j - 1), options["kappas"])
              for j in options["levels"]}
    return {"experiment": "localization",
            "options": {**options, "packet_base": PACKET_BASE, "q": Q, "u": list(SHIFT)},
            "execution": execution, "argv": argv, "command": format_command(argv),
            "source": source.describe(), "thetas": thetas.tolist(), "kappas": kappas,
            "environment": environment(), "created": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def run(args):
    """Run the study described by parsed options; returns the exit code.

    Writes, in ``--out``: ``config.json``; ``units/<key>.npz`` (one per unit of
    work, the resumable state); ``families.csv``, ``gabor.csv``,
    ``families.png``, ``gabor_bounds.png`` and ``report.md``. Prints a short
    summary on stdout unless ``--quiet``.

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
        For options that cannot be run (a level above 5, a ``--size`` that
        is not a multiple of ``2**J`` or too small for the narrowest Gabor
        window, an unknown packet wavelet) or an ``--out`` folder holding
        another run. The command line (:func:`dtwpt.experiments.main`) prints
        it on one line and exits with code 2.

    Examples
    --------
    >>> import argparse, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> out = tempfile.mkdtemp()
    >>> run(parser.parse_args(["--pairs", "3", "--size", "32", "--levels", "2",
    ...                        "--wavelets", "qshift_a", "--theta-grid", "2",
    ...                        "--kappas", "1", "--quiet", "--out", out]))
    0
    >>> sorted(p.name for p in Path(out).glob("[!.]*.*"))  # doctest: +NORMALIZE_WHITESPACE
    ['config.json', 'families.csv', 'families.png', 'gabor.csv', 'gabor_bounds.png',
     'report.md']
    """
    check_run_options(args)
    options = _options(args)
    thetas = theta_grid(options["theta_grid"])
    _check_gabor(options, thetas)
    source = _source(options)
    out = Path(os.path.abspath(args.out or default_out()))
    execution = {"out": str(out), "dask": args.dask, "workers": args.workers,
                 "quiet": args.quiet}
    config = _config(options, execution, source, thetas)
    units = make_units(options["levels"], options["wavelets"], options["packet_wavelets"],
                       thetas, options["kappas"])
    with lock_run_folder(out, config) as resumed:
        if resumed and not args.quiet:
            print(f"resuming the run in {out}", file=sys.stderr)
        stats = run_units(units, out / "units",
                          prepare=partial(prepare_unit, size=options["size"]),
                          compute=partial(compute_unit, pairs=Pairs(source, options["chunk"])),
                          warm_up=warm_up_unit, dask=args.dask, workers=args.workers,
                          progress=not args.quiet and sys.stderr.isatty(), quiet=args.quiet,
                          unit="unit")
        gabor, verdicts = _write_outputs(out, config, units, stats)
    if not args.quiet:
        _print_summary(out, stats, gabor, verdicts)
    return 0


def _write_outputs(out, config, units, stats):
    """Tables, figures and report from the saved units; returns the Gabor table and verdicts."""
    results = load_units(out / "units", [key for key, _, _ in units])
    fam = [(u, r) for (_, u, _), r in zip(units, results) if isinstance(u, FamilyUnit)]
    gab = [(u, r) for (_, u, _), r in zip(units, results) if not isinstance(u, FamilyUnit)]
    families = family_table(*zip(*fam))
    gabor = gabor_table(*zip(*gab))
    write_csv(out / "families.csv", families)
    write_csv(out / "gabor.csv", gabor)
    verdicts = evaluate(gabor, config["options"]["levels"])
    figures.draw_all(out, families, gabor)
    report.write_report(out / "report.md", config=config, families=families, gabor=gabor,
                        verdicts=verdicts, stats=stats)
    return gabor, verdicts


def _print_summary(out, stats, gabor, verdicts):
    every, applies = np.ones(len(gabor["m"]), dtype=bool), gabor["bound_applies"]
    print(f"report: {out / 'report.md'}")
    print(f"units: {stats.computed} computed, {stats.reused} reused, {stats.seconds:.1f} s "
          f"(kernel compilation {stats.compile_seconds:.1f} s apart)")
    print("means within the bound: Thm 3.11 " + report.pct(shares(gabor, every, "rho2"))
          + ", Thm 4.2 " + report.pct(shares(gabor, every, "rho_max"))
          + ", Thm 2.9 " + report.pct(shares(gabor, applies, "rho_mod_periodic"))
          + " (photo pairs: " + report.pct(shares(gabor, applies, "rho_mod")) + ")")
    print(f"verdicts: {counts_line(verdicts)} (see {out / 'report.md'})")
