"""Chunked, resumable execution of an experiment over an image source.

A run splits the source's items into chunks of consecutive indices. Each chunk
is loaded (``source.load(start, stop)``), reduced by the experiment's
``compute(batch) -> dict of arrays`` and saved atomically as
``<folder>/<start>.npz``. Chunks already saved are not computed again, so
rerunning an interrupted run finishes it; :func:`load_chunks` returns the
results in index order, so that aggregates do not depend on when, in which
order or where the chunks were computed.

In-process (the default), the next chunk is loaded in a background thread
while the current one is computed (the Numba kernels use every core). With
dask, a chunk is one task, loaded and reduced on a worker; the client saves
the results as they arrive.
"""
import logging
import math
import os
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ._common import UsageError, remove_stale_temps, save_npz

__all__ = ["RunStats", "chunk_ranges", "run_task", "run_chunks", "load_chunks", "speed_line"]

#: Seconds after which a first call still running is announced as compiling.
COMPILE_NOTICE_AFTER = 1.0


@dataclass
class RunStats:
    """What one invocation of :func:`run_chunks` did.

    Attributes
    ----------
    items : int
        Items (images or files) in the chunks computed by this invocation.
    computed : int
        Chunks computed by this invocation.
    reused : int
        Chunks found already saved.
    seconds : float
        Wall-clock time of the computation and decoding, compilation excluded.
    compile_seconds : float
        Time of the first call on one item (the kernels' compilation on first
        use; a fraction of a second once they are cached).
    """

    items: int
    computed: int
    reused: int
    seconds: float
    compile_seconds: float = 0.0

    @property
    def rate(self):
        """Items per second (NaN if nothing was computed)."""
        return self.items / self.seconds if self.items and self.seconds > 0 else math.nan


def speed_line(stats):
    """One line on what an invocation computed and how fast, compilation apart."""
    if not stats.computed:
        return f"all {stats.reused} chunk(s) were already computed; results aggregated again"
    return (f"speed: {stats.items} pairs in {stats.seconds:.1f} s = {stats.rate:.1f} pairs/s "
            f"({stats.computed} chunk(s) computed, {stats.reused} reused; first call and "
            f"kernel compilation {stats.compile_seconds:.1f} s apart)")


def _warm_up(source, compute, pending, quiet):
    """Run ``compute`` on one item so that compilation is timed apart; announce it if slow."""
    start, stop = pending[0]
    done = threading.Event()

    def announce():
        if not done.wait(COMPILE_NOTICE_AFTER) and not quiet:
            print("dtwpt: compiling kernels (first use only; cached for later runs)...",
                  file=sys.stderr, flush=True)

    began = time.perf_counter()
    notice = threading.Thread(target=announce, daemon=True)
    notice.start()
    try:
        compute(source.load(start, min(start + 1, stop)))
    finally:
        done.set()
    return time.perf_counter() - began


def chunk_ranges(n_items, chunk):
    """``[(start, stop), ...]`` covering ``range(n_items)`` in chunks of ``chunk``."""
    return [(start, min(start + chunk, n_items)) for start in range(0, n_items, chunk)]


def _chunk_path(folder, start):
    return Path(folder) / f"{start:09d}.npz"


def _save_chunk(path, result):
    save_npz(path, result)


def run_task(source, start, stop, compute):
    """Load items ``start:stop`` of ``source`` and reduce them: one unit of work.

    Parameters
    ----------
    source : BundledPhotos or ImageFolder
        Picklable image source.
    start, stop : int
        Item range.
    compute : callable
        ``compute(batch) -> dict of arrays``; picklable for dask (a module-level
        function or a :func:`functools.partial` of one).

    Returns
    -------
    dict of ndarray
    """
    return compute(source.load(start, stop))


def run_chunks(source, compute, folder, *, chunk, dask=None, workers=None, progress=True,
               quiet=False):
    """Compute and save every chunk of ``source`` not yet saved in ``folder``.

    Parameters
    ----------
    source : BundledPhotos or ImageFolder
        Image source (``len``, ``load``); pickled to the workers with dask.
    compute : callable
        ``compute(batch) -> dict of arrays``, see :func:`run_task`.
    folder : str or os.PathLike
        Where chunk files go (created if needed).
    chunk : int
        Items per chunk; must stay the same across the runs sharing ``folder``.
    dask : str, optional
        ``"local"`` for a :class:`distributed.LocalCluster`, or a scheduler
        address; None computes in this process.
    workers : int, optional
        Worker processes of the local cluster (default: CPU count).
    progress : bool, optional
        Show a progress bar (pairs/s, ETA) on stderr.
    quiet : bool, optional
        Do not announce a slow first call (kernel compilation) on stderr.

    Returns
    -------
    RunStats
    """
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    remove_stale_temps(folder)
    ranges = chunk_ranges(len(source), chunk)
    pending = [r for r in ranges if not _chunk_path(folder, r[0]).exists()]
    todo = sum(stop - start for start, stop in pending)
    compiling = _warm_up(source, compute, pending, quiet) if pending and dask is None else 0.0
    bar = tqdm(total=len(source), initial=len(source) - todo, unit="pair",
               disable=not progress, smoothing=0.1)

    def save(start, stop, result):
        _save_chunk(_chunk_path(folder, start), result)
        bar.update(stop - start)

    began = time.perf_counter()
    with bar:
        if dask is None:
            _run_in_process(source, compute, pending, save)
        else:
            _run_on_dask(dask, workers, source, compute, pending, save)
    return RunStats(todo, len(pending), len(ranges) - len(pending),
                    time.perf_counter() - began, compiling)


def _run_in_process(source, compute, pending, save):
    """Compute chunk k while a background thread loads chunk k + 1."""
    if not pending:
        return
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
    try:
        upcoming = loader.submit(source.load, *pending[0])
        for k, (start, stop) in enumerate(pending):
            batch = upcoming.result()
            if k + 1 < len(pending):
                upcoming = loader.submit(source.load, *pending[k + 1])
            save(start, stop, compute(batch))
    finally:
        # On an interruption, do not wait for a chunk being decoded: it is not saved.
        loader.shutdown(wait=False, cancel_futures=True)


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError("--dask needs the 'distributed' package: "
                         "pip install 'dtwpt[dask]'") from None
    return distributed


@contextmanager
def _dask_client(distributed, address, workers):
    if address != "local":
        try:
            client = distributed.Client(address, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the dask scheduler at {address}: {error}") from None
        with client:
            yield client
        return
    cores = os.cpu_count() or 1
    n_workers = workers or cores
    # One task per worker process; Numba's threads share the remaining cores.
    env = {"NUMBA_NUM_THREADS": str(max(1, cores // n_workers))}
    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR,
                                  env=env) as cluster, distributed.Client(cluster) as client:
        yield client


def _run_on_dask(address, workers, source, compute, pending, save):
    """One task per chunk; results are saved in the order they arrive."""
    if not pending:
        return
    distributed = _import_distributed()
    with _dask_client(distributed, address, workers) as client:
        shared = client.scatter(source, broadcast=True)
        futures = {client.submit(run_task, shared, start, stop, compute, pure=False):
                   (start, stop) for start, stop in pending}
        for future in distributed.as_completed(futures):
            save(*futures.pop(future), future.result())


def load_chunks(folder, ranges):
    """The saved results of every chunk, in index order.

    Parameters
    ----------
    folder : str or os.PathLike
        Folder given to :func:`run_chunks`.
    ranges : list of (int, int)
        :func:`chunk_ranges` of the run.

    Returns
    -------
    list of dict of ndarray

    Raises
    ------
    UsageError
        If a chunk file is missing or unreadable.
    """
    results = []
    for start, _ in ranges:
        path = _chunk_path(folder, start)
        try:
            with np.load(path) as data:
                results.append({key: data[key] for key in data.files})
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            raise UsageError(f"cannot read {path} ({error}); delete it and rerun "
                             "to compute that chunk again") from None
    return results
