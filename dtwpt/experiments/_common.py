"""Pieces shared by every experiment: options, errors, atomic files, run folders.

An experiment module (see :mod:`dtwpt.experiments.shift`) builds on these:

- :class:`UsageError` for anything the user can fix (bad option, unusable
  folder); the command line turns it into a one-line message and exit code 2;
- :func:`add_data_arguments` and :func:`add_run_arguments` for the options
  every experiment shares, :func:`make_source` for the image source they
  describe;
- :func:`atomic_write`, :func:`write_text`, :func:`write_csv`, :func:`save_npz`
  write through a temporary file in the destination folder and ``os.replace``
  so that an interrupted run never leaves a partial file;
- :func:`open_run_folder` creates or reopens ``--out`` with its ``config.json``
  and refuses to mix runs with different options.
"""
import argparse
import csv
import fcntl
import json
import os
import platform
import re
import shlex
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from dtwpt._io import atomic_write, temp_pid
from dtwpt.data import BundledPhotos, ImageFolder

__all__ = [
    "UsageError", "ArgumentParser", "positive_int", "non_negative_int", "positive_float",
    "add_data_arguments", "add_run_arguments", "check_run_options", "check_levels",
    "make_source", "shift_vector",
    "atomic_write", "write_text", "write_csv", "save_npz", "remove_stale_temps",
    "environment", "command_line", "format_command", "default_out", "open_run_folder",
    "lock_run_folder", "write_skipped",
]

#: Options that change how a run executes but not its numbers.
EXECUTION_OPTIONS = ("out", "dask", "workers", "quiet")

IMAGENET_PROTOCOL = (
    "ImageNet protocol (--images DIR): every image file under DIR (recursively, in sorted "
    "order) is decoded, converted to luminance 0.299 R + 0.587 G + 0.114 B, resized so "
    "that its shorter side is --resize-to (default 256, bilinear, antialiased), and its "
    "centre square is cut out (side --size + --shift for a whole-pixel shift): X is its "
    "top-left --size square and X' the same square moved by --shift pixels along --axis, "
    "X'[n] = X[n + u] (a fractional shift translates X periodically in the Fourier "
    "domain instead). Unreadable, corrupt or too small files (shorter side < 32) are "
    "skipped, counted and listed in skipped.csv; the run goes on."
)


class UsageError(Exception):
    """A problem the user can fix by changing the command (exit code 2)."""


class ArgumentParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` that raises :class:`UsageError` on bad input.

    The caller prints the message on one line, without argparse's usage block.
    """

    def error(self, message):
        """Raise :class:`UsageError` instead of printing usage and exiting."""
        raise UsageError(message)


def _number(text, kind, minimum, strict):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not np.isfinite(value) or value < minimum or (
            strict and value == minimum):
        bound = f"> {minimum}" if strict else f">= {minimum}"
        noun = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"must be {noun} {bound}, got {text!r}")
    return value


def positive_int(text):
    """Parse an integer >= 1 (argparse ``type``)."""
    return _number(text, int, 1, strict=False)


def non_negative_int(text):
    """Parse an integer >= 0 (argparse ``type``)."""
    return _number(text, int, 0, strict=False)


def positive_float(text):
    """Parse a finite number > 0 (argparse ``type``); whole numbers become ``int``."""
    value = _number(text, float, 0.0, strict=True)
    return int(value) if value.is_integer() else value


def add_data_arguments(parser, *, default_pairs, default_size=224):
    """Add the image-source options (bundled photos or an image folder).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend.
    default_pairs : int
        Number of bundled pairs when neither ``--pairs`` nor ``--images`` is given.
    default_size : int, optional
        Default side of the images.
    """
    group = parser.add_argument_group("data")
    group.add_argument("--images", metavar="DIR",
                       help="folder of image files, ImageNet protocol (see below); "
                            "default: pairs cut from photographs bundled with scikit-image")
    group.add_argument("--pairs", type=positive_int, metavar="N",
                       help=f"number of bundled pairs (default {default_pairs}); not "
                            "with --images")
    group.add_argument("--seed", type=non_negative_int, metavar="S",
                       help="seed of the bundled pairs' positions (default 0); not with "
                            "--images")
    group.add_argument("--size", type=positive_int, default=default_size, metavar="PX",
                       help=f"side of X and X' in pixels (default {default_size})")
    group.add_argument("--shift", type=positive_float, default=1, metavar="PX",
                       help="translation between X and X' in pixels (default 1); a "
                            "fraction such as 0.5 is a sub-pixel (Fourier) shift")
    group.add_argument("--axis", choices=("x", "y"), default="x",
                       help="direction of the shift: x = columns, y = rows (default x)")
    group.add_argument("--resize-to", type=positive_int, default=256, metavar="PX",
                       help="shorter side after resizing, with --images (default 256)")


def add_run_arguments(parser, *, default_chunk=64):
    """Add the execution options: output folder, chunking, dask, progress.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        Parser to extend.
    default_chunk : int, optional
        Default number of items per chunk.
    """
    group = parser.add_argument_group("run")
    group.add_argument("--out", metavar="DIR",
                       help="output folder (default results/<timestamp>); rerunning "
                            "with the same --out resumes an interrupted run")
    group.add_argument("--chunk", type=positive_int, default=default_chunk, metavar="N",
                       help=f"images per chunk, the unit of work, of resumption and of "
                            f"a dask task (default {default_chunk}; at least 32 with --dask)")
    group.add_argument("--dask", metavar="WHERE",
                       help="spread chunks over dask workers: 'local' starts a "
                            "LocalCluster, tcp://HOST:PORT uses a running scheduler "
                            "(needs the 'distributed' package); default: in-process")
    group.add_argument("--workers", type=positive_int, metavar="N",
                       help="worker processes of --dask local (default: CPU count)")
    group.add_argument("--quiet", action="store_true",
                       help="no progress bar (it is also off when stderr is not a terminal)")


def check_run_options(args):
    """Check the options of :func:`add_run_arguments` together.

    Raises
    ------
    UsageError
        For ``--workers`` without ``--dask local``, a malformed ``--dask`` or a
        chunk below 32 images with dask.
    """
    if args.dask is None:
        if args.workers is not None:
            raise UsageError("--workers needs --dask local")
        return
    if args.dask != "local" and "://" not in args.dask:
        raise UsageError(f"--dask must be 'local' or a scheduler address such as "
                         f"tcp://host:8786, got {args.dask!r}")
    if args.dask != "local" and args.workers is not None:
        raise UsageError("--workers applies to --dask local only")
    if args.chunk < 32:
        raise UsageError(f"--chunk must be at least 32 with --dask, got {args.chunk}")


def check_levels(levels, size, q=None):
    """Sorted distinct levels, after checking ``--size`` (and ``--q``) against them.

    Raises
    ------
    UsageError
        If ``size`` is not a multiple of ``2**J`` for the largest level, or if
        the pooling half-width ``q`` is wider than the pooled map.
    """
    levels = sorted(set(levels))
    factor = 2 ** levels[-1]
    if size % factor:
        raise UsageError(f"--size {size} must be a multiple of 2**J = {factor} "
                         f"for --levels {levels[-1]}")
    side = size >> (levels[-1] - 1)
    if q is not None and q > side:
        raise UsageError(f"--q {q} is wider than the pooled map ({side} samples at "
                         f"J = {levels[-1]}); choose --q <= {side}")
    return levels


def make_source(args, *, default_pairs, color=False):
    """The image source the options describe, after checking them.

    Fills in the defaults of ``--pairs`` and ``--seed`` and normalises
    ``--images`` to an absolute path, so that ``vars(args)`` records the run.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options (see :func:`add_data_arguments`, :func:`add_run_arguments`).
    default_pairs : int
        Number of bundled pairs when ``--pairs`` is not given.
    color : bool, optional
        RGB pairs instead of luminance.

    Returns
    -------
    BundledPhotos or ImageFolder

    Raises
    ------
    UsageError
        For inconsistent options or an unusable folder.
    """
    bundled = args.images is None
    if not bundled and (args.pairs is not None or args.seed is not None):
        raise UsageError("--pairs and --seed apply to the bundled photos, not to --images")
    try:
        if bundled:
            args.pairs = default_pairs if args.pairs is None else args.pairs
            args.seed = 0 if args.seed is None else args.seed
            return BundledPhotos(args.pairs, size=args.size, shift=args.shift,
                                 axis=args.axis, seed=args.seed, color=color)
        args.images = os.path.abspath(args.images)
        return ImageFolder(args.images, size=args.size, shift=args.shift, axis=args.axis,
                           resize_to=args.resize_to, color=color,
                           shift_at=getattr(args, "shift_at", None) or "resized")
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def shift_vector(args):
    """The shift ``u = (u_y, u_x)`` between X and X'."""
    return (0.0, float(args.shift)) if args.axis == "x" else (float(args.shift), 0.0)


# ----------------------------------------------------------------- atomic files
# One atomic writer for the whole package: dtwpt._io (temporary file in the
# destination folder, fsync, os.replace; names .NAME.PID.HEX.tmp).


def write_text(path, text):
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    return atomic_write(path, lambda fh: fh.write(text))


def write_csv(path, columns):
    """Write a table atomically as CSV.

    Parameters
    ----------
    path : str or os.PathLike
        Destination.
    columns : dict of str to sequence
        Column name -> values, all of the same length. Floats are written with
        ``repr`` (they read back exactly), booleans as 0/1.
    """
    names = list(columns)
    rows = zip(*(columns[name] for name in names))

    def cell(value):
        if isinstance(value, (bool, np.bool_)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return repr(float(value))
        return value

    def write(fh):
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([cell(v) for v in row] for row in rows)

    return atomic_write(path, write)


def save_npz(path, arrays):
    """Save a dict of arrays as an uncompressed ``.npz`` atomically."""
    return atomic_write(path, lambda fh: np.savez(fh, **arrays), binary=True)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: Temporary names written by dtwpt 0.1 (``.NAME.PID.tmp``), still found in older runs.
_LEGACY_TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.tmp$")


def remove_stale_temps(folder):
    """Delete the temporary files left in ``folder`` by processes that no longer run."""
    for tmp in Path(folder).glob(".*.tmp"):
        legacy = _LEGACY_TEMP.match(tmp.name)
        pid = temp_pid(tmp.name) or (int(legacy["pid"]) if legacy else None)
        if pid is not None and not _pid_alive(pid):
            tmp.unlink(missing_ok=True)


def write_skipped(out, skipped):
    """Write ``skipped.csv`` (columns ``name``, ``reason``) in ``out``."""
    return write_csv(Path(out) / "skipped.csv", {"name": [s[0] for s in skipped],
                                                  "reason": [s[1] for s in skipped]})


# ----------------------------------------------------------------- run folders
def environment():
    """Versions of the software that produced a run, for ``config.json``."""
    import numba
    import pywt
    import scipy

    import dtwpt

    return {"dtwpt": dtwpt.__version__, "numpy": np.__version__, "numba": numba.__version__,
            "scipy": scipy.__version__, "pywt": pywt.__version__,
            "python": sys.version.split()[0], "platform": platform.platform()}


def command_line(args, subcommand=None):
    """The full option list equivalent to ``args`` (every default spelled out).

    Returns
    -------
    list of str
        Arguments for ``python -m dtwpt.experiments``.
    """
    argv = [] if subcommand is None else [subcommand]
    for name, value in sorted(vars(args).items()):
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            argv += [flag, *map(str, value)]
        else:
            argv += [flag, str(value)]
    return argv


def default_out():
    """``results/<timestamp>`` in the current folder."""
    return os.path.join("results", time.strftime("%Y%m%d-%H%M%S"))


def _differences(old, new, prefix=""):
    keys = sorted(set(old) | set(new))
    found = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            found += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            found.append(f"{prefix}{key}: {a!r} there, {b!r} now")
    return found


def open_run_folder(out, config):
    """Create ``out`` with ``config.json``, or reopen it to resume the same run.

    Parameters
    ----------
    out : str or os.PathLike
        Output folder; created with its parents if needed.
    config : dict
        JSON-serialisable description of the run. Its ``"experiment"``,
        ``"options"`` and ``"source"`` entries must equal those of an existing
        ``config.json`` in ``out``; the rest (versions, execution options) is
        informative.

    Returns
    -------
    resumed : bool
        Whether ``out`` already held this run.

    Raises
    ------
    UsageError
        If ``out`` cannot be written, holds a run with other settings, or is a
        non-empty folder that is not a run folder.
    """
    out = Path(out)
    config = json.loads(json.dumps(config))
    path = out / "config.json"
    try:
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            keys = ("experiment", "options", "source")
            changed = _differences({k: old.get(k) for k in keys},
                                   {k: config.get(k) for k in keys})
            if changed:
                raise UsageError(f"--out {out} holds a run with other settings "
                                 f"({'; '.join(changed)}); choose another --out")
            return True
        if out.exists() and any(out.iterdir()):
            raise UsageError(f"--out {out} is a non-empty folder without config.json; "
                             "choose a new or empty folder")
        out.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(config, indent=2) + "\n")
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not valid JSON ({error}); choose another --out") from None
    except OSError as error:
        raise UsageError(f"cannot write to --out {out}: "
                         f"{error.strerror or error}") from None
    return False


@contextmanager
def lock_run_folder(out, config):
    """Open ``out`` (:func:`open_run_folder`) and hold it for this process alone.

    A second run into the same folder, while this one holds it, is refused
    at once instead of computing everything twice. Temporary files left by
    earlier, killed runs are removed.

    Yields
    ------
    resumed : bool

    Raises
    ------
    UsageError
        If another process holds ``out``, or as :func:`open_run_folder`.
    """
    resumed = open_run_folder(out, config)
    with open(Path(out) / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another run is writing to --out {out}; wait for it to end "
                             "or choose another --out") from None
        remove_stale_temps(out)
        try:
            yield resumed
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def format_command(argv):
    """Shell command line for ``argv``."""
    return "python -m dtwpt.experiments " + shlex.join(argv)
