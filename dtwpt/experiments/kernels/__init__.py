"""A CNN's first layer under the RMax/CMod theory: ``python -m dtwpt.experiments kernels``.

For a first layer ``V`` of shape ``(L, C, k, k)`` (``--weights FILE``, read by
:func:`dtwpt.weights.load_first_layer`; by default the ICA-learned layer of
:mod:`dtwpt.learned_filters`) and the layer's stride ``m`` (``--stride``:
AlexNet 4, ResNet 2), the experiment

1. characterises every kernel (:func:`dtwpt.kernel_analysis.analyze_kernels`):
   Gabor-likeness at ``kappa = pi / m``, ``theta``, orientation, bandwidth,
   the monochrome reduction, ``gamma_q(m theta)^2`` and the theorems' bounds;
2. measures ``rho^2``, ``rho_max`` and ``rho_mod`` per kernel on image pairs
   (colour pairs for RGB kernels; :mod:`dtwpt.experiments.kernels.compute`),
   with the multichannel RMax and CMod of :mod:`dtwpt.convolution`;
3. writes ``kernels.csv`` (one row per kernel), ``gabor_counts.csv``,
   ``weights.npy`` (the kernels as used, OIHW), ``skipped.csv``, four figures
   (:mod:`~dtwpt.experiments.kernels.figures`) and ``report.md`` with scoped
   verdicts (:mod:`~dtwpt.experiments.kernels.verdicts`).

Exporting a torchvision first layer to ``.npy`` (where torch is installed)::

    python -c "import numpy, torchvision as tv; m = tv.models.alexnet(weights='DEFAULT'); \
    numpy.save('alexnet_conv1.npy', m.features[0].weight.detach().numpy())"
    python -m dtwpt.experiments kernels --weights alexnet_conv1.npy --stride 4

(ResNet: ``tv.models.resnet18(weights='DEFAULT').conv1.weight`` and ``--stride 2``.)
"""
import argparse
import hashlib
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from dtwpt.kernel_analysis import analyze_kernels, complex_companion
from dtwpt.learned_filters import learned_first_layer
from dtwpt.weights import LAYOUTS, load_first_layer

from .._common import (
    EXECUTION_OPTIONS,
    IMAGENET_PROTOCOL,
    UsageError,
    add_data_arguments,
    add_run_arguments,
    atomic_write,
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
from .._markdown import counts_line
from .._runner import chunk_ranges, load_chunks, run_chunks
from . import figures, report
from .compute import aggregate, chunk_values
from .verdicts import DEFAULT_MIN_SHARE, evaluate, gamma_correlation, kernel_table

__all__ = [
    "DEFAULT_PAIRS",
    "DEFAULT_STRIDE",
    "DESCRIPTION",
    "add_arguments",
    "load_kernels",
    "run",
]

DESCRIPTION = (
    "A CNN's first layer under the RMax/CMod theory of Leterme et al. (arXiv:2209.11740): "
    "for every kernel of the layer (--weights FILE, default: 64 RGB 11x11 filters learned by "
    "ICA of the bundled photographs), its Gabor-likeness, frequency theta, bandwidth, "
    "monochrome reduction, predicted gamma^2(m theta) and bounds, and the measured rho^2, "
    "rho_max and rho_mod on colour image pairs at the layer's stride. Writes config.json, "
    "kernels.csv, gabor_counts.csv, weights.npy, skipped.csv, kernels.png, gamma_map.png, "
    "rho2_vs_gamma.png, stability.png and report.md in --out, and per-chunk results in "
    "--out/chunks (the state a rerun resumes from)."
)

#: Bundled pairs of the default run.
DEFAULT_PAIRS = 64
#: Stride of the default layer (AlexNet-like 11 x 11 kernels).
DEFAULT_STRIDE = 4


def _share(text):
    """Parse a share in (0, 1] (argparse ``type``)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text!r}")
    return value


def add_arguments(parser):
    """Add the experiment's options to ``parser``.

    The image-source options (``--images``, ``--pairs``, ``--size``,
    ``--shift``, ...), the layer's (``--weights``, ``--key``, ``--layout``,
    ``--stride``, ``--q``, ``--min-share``) and the execution options
    (``--out``, ``--chunk``, ``--dask``, ...).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend; its epilog becomes the ImageNet protocol's description.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--stride", "2"])
    >>> args.weights, args.stride, args.q, args.min_share
    (None, 2, 1, 0.5)
    """
    add_data_arguments(parser, default_pairs=DEFAULT_PAIRS)
    group = parser.add_argument_group("layer")
    group.add_argument("--weights", metavar="FILE",
                       help="first-layer weights: .npy, .npz, .safetensors, .h5/.keras, "
                            ".onnx or .pt/.pth (default: the ICA-learned RGB 11x11 layer "
                            "shipped with dtwpt)")
    group.add_argument("--key", metavar="NAME",
                       help="name of the array in a file holding several")
    group.add_argument("--layout", choices=LAYOUTS,
                       help="layout of the stored array when its shape does not tell: "
                            "OIHW (PyTorch) or HWIO (Keras/TensorFlow)")
    group.add_argument("--stride", type=positive_int, default=DEFAULT_STRIDE, metavar="M",
                       help=f"stride m of the layer (default {DEFAULT_STRIDE}; AlexNet 4, "
                            "ResNet 2); CMod subsamples by 2m")
    group.add_argument("--q", type=non_negative_int, default=1,
                       help="max-pooling half-width: a (2q+1) x (2q+1) window (default 1)")
    group.add_argument("--min-share", type=_share, default=DEFAULT_MIN_SHARE, metavar="S",
                       help="share of energy in the pi/m window above which a kernel is "
                            f"Gabor-like (default {DEFAULT_MIN_SHARE})")
    add_run_arguments(parser, default_chunk=16)
    parser.epilog = IMAGENET_PROTOCOL + " Images are kept in colour (RGB) for RGB kernels."


def load_kernels(args):
    """The layer the options name: ``--weights`` (with ``--key``, ``--layout``) or the default.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options; ``args.weights`` is made absolute.

    Returns
    -------
    V : ndarray, shape (L, C, k, k)
        The kernels, OIHW (:func:`dtwpt.weights.load_first_layer`); without
        ``--weights``, :func:`dtwpt.learned_filters.learned_first_layer`.
    description : str
        Where the kernels come from, for the report.

    Raises
    ------
    UsageError
        For a file that cannot be read as a first layer, or ``--key`` or
        ``--layout`` without ``--weights``.

    Examples
    --------
    >>> import argparse, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> V, description = load_kernels(parser.parse_args([]))
    >>> V.shape, description
    ((64, 3, 11, 11), 'ICA-learned RGB 11x11 default (dtwpt.learned_filters)')
    >>> path = Path(tempfile.mkdtemp()) / "conv1.npy"
    >>> np.save(path, V[:8])
    >>> load_kernels(parser.parse_args(["--weights", str(path)]))[0].shape
    (8, 3, 11, 11)
    """
    if args.weights is None:
        if args.key is not None or args.layout is not None:
            raise UsageError("--key and --layout apply to --weights")
        return learned_first_layer(), "ICA-learned RGB 11x11 default (dtwpt.learned_filters)"
    args.weights = os.path.abspath(args.weights)
    try:
        V, info = load_first_layer(args.weights, key=args.key, layout=args.layout,
                                   return_info=True)
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None
    except (ValueError, TypeError, ImportError, OSError) as error:
        raise UsageError(str(error)) from None
    where = f"`{info.path}`" + (f", array `{info.key}`" if info.key is not None else "")
    return V, f"{where} ({info.format}, stored {info.layout} {info.shape})"


def _check_shape(V, args):
    _L, C, _k, _ = V.shape
    if C not in (1, 3):
        raise UsageError(f"the layer has {C} input channels; images have 1 (luminance) or 3 "
                         "(RGB): is this the first layer?")
    m = args.stride
    if args.size % (2 * m):
        raise UsageError(f"--size {args.size} must be a multiple of 2m = {2 * m} for "
                         f"--stride {m}")
    return C == 3


def _config(args, source, V):
    argv = command_line(args, "kernels")
    options = {k: v for k, v in vars(args).items() if k not in EXECUTION_OPTIONS}
    options["weights_sha256"] = hashlib.sha256(np.ascontiguousarray(V).tobytes()).hexdigest()
    return {"experiment": "kernels", "options": options,
            "execution": {k: getattr(args, k) for k in EXECUTION_OPTIONS},
            "argv": argv, "command": format_command(argv), "source": source.describe(),
            "environment": environment(), "created": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def _run_lines(args, config, V, totals, stats, weights_text):
    described = ", ".join(f"{k}={v}" for k, v in config["source"].items())
    speed = (f"{stats.items} pairs in {stats.seconds:.1f} s ({stats.rate:.2f} pairs/s), "
             f"{stats.computed} chunk(s) computed, {stats.reused} reused" if stats.computed
             else f"all {stats.reused} chunk(s) reused from an earlier invocation")
    u = shift_vector(args)
    return [f"- command: `{config['command']}`", (f"- weights: {weights_text}; "
            f"{V.shape[0]} kernels of {V.shape[1]} x {V.shape[2]} x {V.shape[3]} (OIHW)"),
            (f"- stride m = {args.stride} (CMod subsamples by {2 * args.stride}); q = {args.q}; "
            f"Gabor window kappa = pi/{args.stride}; shift u = (u_y, u_x) = "
            f"({u[0]:g}, {u[1]:g})"), f"- source: {described}",
            f"- pairs processed: {totals['n_pairs']}; skipped: {len(totals['skipped'])}",
            f"- this invocation: {speed}"]


def _save_weights(path, V):
    atomic_write(path, lambda fh: np.save(fh, np.ascontiguousarray(V)), binary=True)


def run(args):
    """Run the experiment described by parsed options.

    Writes, in ``--out``: ``config.json``; ``chunks/<start>.npz`` (the
    resumable state); ``kernels.csv``, ``gabor_counts.csv``, ``weights.npy``,
    ``skipped.csv``; the figures of :mod:`dtwpt.experiments.kernels.figures`;
    and ``report.md``. Prints where the report is, the pairs processed, the
    Gabor-like kernels and the verdict counts.

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
        For a layer that cannot be read or is not a first layer (1 or 3 input
        channels), a ``--size`` that is not a multiple of ``2m``, an ``--out``
        folder holding another run, or a source from which no pair could be
        processed. The command line (:func:`dtwpt.experiments.main`) prints it
        on one line and exits with code 2.

    Examples
    --------
    >>> import argparse, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> out = tempfile.mkdtemp()
    >>> run(parser.parse_args(["--pairs", "2", "--size", "32", "--quiet",
    ...                        "--out", out]))  # doctest: +ELLIPSIS
    report: .../report.md
    pairs: 2 processed, 0 skipped
    Gabor-like kernels: 34 of 64; rho^2 vs gamma^2 across 20 kernels in the setting: r = ...
    verdicts: ... (see .../report.md)
    0
    >>> sorted(p.name for p in Path(out).glob("*.csv"))
    ['gabor_counts.csv', 'kernels.csv', 'skipped.csv']
    """
    check_run_options(args)
    V, weights_text = load_kernels(args)
    color = _check_shape(V, args)
    source = make_source(args, default_pairs=DEFAULT_PAIRS, color=color)
    out = Path(os.path.abspath(args.out or default_out()))
    args.out = str(out)
    config = _config(args, source, V)
    m, q, u = args.stride, args.q, shift_vector(args)
    with lock_run_folder(out, config) as resumed:
        if resumed and not args.quiet:
            print(f"resuming the run in {out}", file=sys.stderr)
        analysis = analyze_kernels(V, m, q=q, shift=u)
        theta = np.c_[analysis["theta_y"], analysis["theta_x"]]
        W = complex_companion(V, theta).astype(np.result_type(V.dtype, np.complex64))
        compute = partial(chunk_values, V=V, W=W, m=m, q=q)
        stats = run_chunks(source, compute, out / "chunks", chunk=args.chunk, dask=args.dask,
                           workers=args.workers, progress=not args.quiet and sys.stderr.isatty())
        totals = aggregate(load_chunks(out / "chunks", chunk_ranges(len(source), args.chunk)),
                           len(V))
        write_skipped(out, totals["skipped"])
        if not totals["n_pairs"]:
            raise UsageError(f"no pair could be processed ({len(totals['skipped'])} item(s) "
                             f"skipped, listed in {out / 'skipped.csv'})")
        table = kernel_table(V, totals["values"], totals["groups"], m=m, q=q, shift=u,
                             min_share=args.min_share)
        write_csv(out / "kernels.csv", table)
        write_csv(out / "gabor_counts.csv", report.count_table(table))
        _save_weights(out / "weights.npy", V)
        verdicts = evaluate(table, totals["values"], totals["groups"], m=m, q=q, shift=u)
        drawn = figures.draw_all(out, V, table, gamma_correlation(table), m=m, q=q)
        report.write_report(out / "report.md", table=table, verdicts=verdicts, totals=totals,
                            figures=drawn, m=m, min_share=args.min_share,
                            run_lines=_run_lines(args, config, V, totals, stats, weights_text))
    _print_summary(out, table, totals, verdicts)
    return 0


def _print_summary(out, table, totals, verdicts):
    r, lo, hi, n = gamma_correlation(table)
    print(f"report: {out / 'report.md'}")
    print(f"pairs: {totals['n_pairs']} processed, {len(totals['skipped'])} skipped")
    print(f"Gabor-like kernels: {int(table['gabor_like'].sum())} of {len(table['kernel'])}; "
          f"rho^2 vs gamma^2 across {n} kernels in the setting: "
          + (f"r = {r:.3f} [{lo:.3f}, {hi:.3f}]" if np.isfinite(r) else "not computed"))
    print(f"verdicts: {counts_line(verdicts)} (see {out / 'report.md'})")
