"""Atomic file writing, for the figures of :mod:`dtwpt.plotting` (and any writer).

A file is written to a temporary name in its destination folder, flushed to
disk (``fsync``) and renamed onto the destination (``os.replace``): readers see
the old file or the new one, never a partial one. Temporary names are
``.NAME.PID.HEX.tmp`` (:data:`TEMP_NAME`): the PID says which process may
still be writing it, the random HEX keeps two threads of one process apart, so
a clean-up can delete those whose process is gone (:func:`temp_pid`).
"""
import os
import re
import secrets
from pathlib import Path

__all__ = ["TEMP_NAME", "atomic_write", "temp_pid"]

TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<token>[0-9a-f]{8})\.tmp$")


def _temp_path(path):
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def temp_pid(name):
    """PID of the process that made the temporary file ``name``, or None if not one."""
    match = TEMP_NAME.match(name)
    return int(match["pid"]) if match else None


def atomic_write(path, write, *, binary=False):
    """Create or replace ``path`` atomically, creating its parent folders.

    Parameters
    ----------
    path : str or os.PathLike
        Destination.
    write : callable
        Called with the open temporary file.
    binary : bool, optional
        Open the file in binary mode instead of UTF-8 text.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        # "x": never follow or reuse an existing name; honours the umask (unlike mkstemp)
        with open(tmp, "xb" if binary else "x", **text) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
