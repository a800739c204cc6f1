"""Command line of ``python -m dtwpt.experiments``: one subcommand per experiment.

``python -m dtwpt.experiments [OPTIONS]`` runs the main experiment
(:mod:`dtwpt.experiments.shift`); ``python -m dtwpt.experiments NAME [OPTIONS]``
runs the experiment registered as ``NAME`` in :data:`EXPERIMENTS`. An
experiment module provides ``DESCRIPTION``, ``add_arguments(parser)`` and
``run(args) -> int``, and follows the conventions every experiment shares
(options, output folder, resumable chunks; see :doc:`/experiments`).

Errors the user can fix print one line on stderr and exit with code 2 (1 for
a failed read or write, e.g. a full disk); an interruption (Ctrl-C or SIGTERM)
exits with code 130, and starting the same command again resumes the run.
"""
import difflib
import importlib
import signal
import sys
import threading
from contextlib import contextmanager

from ._common import ArgumentParser, UsageError

__all__ = ["EXPERIMENTS", "DEFAULT", "main"]

#: Subcommand name -> module implementing the experiment.
EXPERIMENTS = {"shift": "dtwpt.experiments.shift",
               "localization": "dtwpt.experiments.localization",
               "kernels": "dtwpt.experiments.kernels",
               "antialiasing": "dtwpt.experiments.antialiasing",
               "sensitivity": "dtwpt.experiments.sensitivity"}
#: Experiment run when no subcommand is given.
DEFAULT = "shift"

PROG = "python -m dtwpt.experiments"


def _split(argv):
    """(experiment name, remaining arguments); a mistyped name gets a suggestion."""
    if argv and argv[0] in EXPERIMENTS:
        return argv[0], argv[1:]
    if argv and not argv[0].startswith("-"):
        close = difflib.get_close_matches(argv[0], EXPERIMENTS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UsageError(f"unknown experiment {argv[0]!r}; {hint}"
                         f"choose one of {', '.join(EXPERIMENTS)} (default: {DEFAULT})")
    return DEFAULT, argv


def _parser(name, module):
    parser = ArgumentParser(prog=PROG if name == DEFAULT else f"{PROG} {name}",
                            description=module.DESCRIPTION)
    module.add_arguments(parser)
    others = [f"'{PROG} {n} --help'" for n in EXPERIMENTS if n != name]
    parser.epilog = (f"{parser.epilog or ''} Subcommands: {', '.join(EXPERIMENTS)} "
                     f"(default {DEFAULT}); see {', '.join(others)}.")
    return parser


#: Set when SIGTERM arrives during a run (see :func:`_sigterm_as_interrupt`).
_terminated = threading.Event()


def _raise_interrupt(signum, frame):
    _terminated.set()
    raise KeyboardInterrupt


@contextmanager
def _sigterm_as_interrupt():
    """Turn SIGTERM into KeyboardInterrupt, so that ``kill`` stops a run cleanly.

    Python ignores an exception raised while it runs a finalizer (a
    ``__del__`` method or a weak-reference callback): a SIGTERM landing there
    would be lost, so it is also recorded, and :func:`main` ends such a run
    as interrupted.
    """
    _terminated.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv=None):
    """Run an experiment from command-line arguments.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit code: 0 on success, 1 if a file cannot be read or written, 2 for a
        usage error, 130 if interrupted. The error is printed on one line on
        stderr.

    Examples
    --------
    >>> main(["localisation"])  # a typo: "did you mean 'localization'?" on stderr
    2
    >>> import tempfile
    >>> main(["localization", "--pairs", "3", "--size", "32", "--levels", "2",
    ...       "--wavelets", "qshift_a", "--theta-grid", "2", "--kappas", "1", "--quiet",
    ...       "--out", tempfile.mkdtemp()])
    0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        name, rest = _split(argv)
        module = importlib.import_module(EXPERIMENTS[name])
        args = _parser(name, module).parse_args(rest)
        with _sigterm_as_interrupt():
            code = module.run(args)
        if _terminated.is_set():  # a SIGTERM whose KeyboardInterrupt was swallowed
            raise KeyboardInterrupt
        return code
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; run the same command again to resume",
              file=sys.stderr)
        return 130
    except OSError as error:  # e.g. a full disk while writing the results
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
