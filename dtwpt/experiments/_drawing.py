"""An experiment's figures, drawn in worker processes while the experiment computes.

A figure job is ``(name, caption, draw, args, kwargs)``: ``draw(*args,
**kwargs)`` returns a :class:`matplotlib.figure.Figure`, which
:func:`png_bytes` turns into a PNG file's bytes. ``draw`` is a module-level
function or its name ``"module:function"``, imported where the figure is
drawn (so that this process need not import Matplotlib); the arguments must be
picklable. :class:`FigureJobs` takes jobs as soon as their inputs are known
(figures of the options alone while the kernels compile, figures of the
results once they are in) and :meth:`FigureJobs.write` saves the files in the
order the jobs were given, each atomically, so a run that fails before it
leaves no figure behind.

Where the jobs are drawn: on Linux with at least two cores, in worker
processes forked as the :class:`FigureJobs` is created, if the process then
runs a single thread (the command line's case; forking a process that runs
threads may deadlock the child); the kernels' compilation holds one core and
Python's lock, so only another process draws meanwhile. Otherwise (macOS,
where forking is unsafe, Windows, a single core, or a caller already running
threads) the jobs are drawn in this process by :meth:`FigureJobs.write`. The
files are the same either way.
"""
import importlib
import io
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ._common import atomic_write

__all__ = ["FigureJobs", "png_bytes"]

#: Resolution of the saved figures, dots per inch.
DPI = 150
#: Most worker processes a run draws its figures with.
MAX_WORKERS = 2


def png_bytes(fig, *, dpi=DPI):
    """The PNG file of ``fig`` at ``dpi``, drawn in one pass.

    Byte for byte what ``fig.savefig(buffer, format="png", dpi=dpi)`` writes
    with Matplotlib's default ``savefig.*`` settings (the figure's own
    colours, no cropping), but drawn once: with a layout engine, ``savefig``
    draws the figure a first time without rendering, to place the axes, and
    then again; here the layout is computed in the draw that renders.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1), layout="constrained")
    >>> _ = fig.add_subplot().plot([0, 1])
    >>> data = png_bytes(fig, dpi=50)
    >>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", fig.dpi  # the figure keeps its own dpi
    (True, 100.0)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.image import imsave

    canvas, own_dpi = FigureCanvasAgg(fig), fig.dpi
    fig.dpi = dpi
    try:
        canvas.draw()
        buffer = io.BytesIO()
        imsave(buffer, canvas.buffer_rgba(), format="png", origin="upper", dpi=dpi)
    finally:
        fig.dpi = own_dpi
    return buffer.getvalue()


def _draw_png(draw, args, kwargs):
    """A job's PNG bytes (what a worker process runs)."""
    if isinstance(draw, str):
        module, name = draw.split(":")
        draw = getattr(importlib.import_module(module), name)
    return png_bytes(draw(*args, **kwargs))


def _quiet_worker():
    """Leave Ctrl-C and SIGTERM to the parent, which stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _fork_pool(workers):
    """A pool of ``workers`` processes forked now, or None where that is unsafe or useless."""
    workers = min(workers, os.cpu_count() or 1)
    if (workers < 2 or not sys.platform.startswith("linux")
            or threading.active_count() > 1):
        return None
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_quiet_worker)
    # With fork, the first submission starts every worker, before the pool's own threads.
    pool.submit(int)
    return pool


def _png(job, drawn):
    """The PNG bytes of ``job``: the worker's result ``drawn``, or drawn here if none."""
    if drawn is not None:
        try:
            return drawn.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): draw it here
            pass
    return _draw_png(*job)


class FigureJobs:
    """Figures drawn in worker processes (where safe) and saved in the order given.

    Parameters
    ----------
    workers : int, optional
        Most worker processes; fewer on a machine with fewer cores.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from matplotlib.figure import Figure
    >>> out = Path(tempfile.mkdtemp())
    >>> with FigureJobs() as jobs:
    ...     jobs.submit([("empty.png", "an empty figure", Figure, ((2, 1),), {}),
    ...                  ("wide.png", "a wide one", "matplotlib.figure:Figure", (),
    ...                   {"figsize": (4, 1)})])
    ...     jobs.write(out)
    [('an empty figure', 'empty.png'), ('a wide one', 'wide.png')]
    >>> (out / "empty.png").read_bytes()[1:4]
    b'PNG'
    """

    def __init__(self, workers=MAX_WORKERS):
        self._pool = _fork_pool(workers)
        self._jobs = []

    def submit(self, jobs):
        """Start drawing ``jobs``, a list of ``(name, caption, draw, args, kwargs)``."""
        for name, caption, *job in jobs:
            drawn = None if self._pool is None else self._pool.submit(_draw_png, *job)
            self._jobs.append((name, caption, job, drawn))

    def write(self, out):
        """Save every figure submitted so far in the folder ``out``, in submission order.

        Returns
        -------
        list of (str, str)
            ``(caption, file name)`` per figure.
        """
        written = []
        for name, caption, job, drawn in self._jobs:
            data = _png(job, drawn)
            atomic_write(out / name, lambda fh, data=data: fh.write(data), binary=True)
            written.append((caption, name))
        self._jobs = []
        return written

    def close(self, *, wait=True):
        """Stop the worker processes; ``wait=False`` stops them at once, dropping the
        figures not written yet."""
        if self._pool is None:
            return
        # No public way to stop a busy worker before Python 3.14's terminate_workers.
        processes = [] if wait else list((self._pool._processes or {}).values())
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        for process in processes:
            process.terminate()
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        self.close(wait=kind is None)
