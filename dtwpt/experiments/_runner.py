"""Resumable execution of an experiment's units of work, in-process or on dask.

:func:`run_units` is the general runner: a run is a list of units, each a
``(key, payload, size)``; a unit's result ``compute(prepare(payload))`` (a
dict of arrays) is saved atomically as ``<folder>/<key>.npz``. Units already
saved are not computed again, so rerunning an interrupted run finishes it;
:func:`load_units` returns the results in the order of the keys asked for, so
that aggregates do not depend on when, in which order or where the units were
computed.

:func:`run_chunks` applies it to an image source: a unit is a chunk of
consecutive indices, loaded (``source.load(start, stop)``), reduced by the
experiment's ``compute(batch) -> dict of arrays`` and saved as
``<folder>/<start:09d>.npz``; :func:`load_chunks` reads them back in index
order.

In-process (the default), the next unit is prepared (e.g. its chunk loaded)
in a background thread while the current one is computed (the Numba kernels
use every core); the first unit is prepared while the kernels are compiled
(a warm-up on one item). With dask, a unit is one task, prepared and computed on a
worker; the client saves the results as they arrive.
"""
import logging
import math
import os
import re
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from tqdm import tqdm

from dtwpt._kernels import silence_compiling_notice

from ._common import UsageError, remove_stale_temps, save_npz

__all__ = [
    "RunStats",
    "chunk_ranges",
    "load_chunks",
    "load_units",
    "run_chunks",
    "run_units",
    "speed_line",
]

#: A unit key: a plain file name (no folder, not hidden, no temporary-file look).
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+=-]*$")


@dataclass
class RunStats:
    """What one invocation of :func:`run_units` (or :func:`run_chunks`) did.

    Attributes
    ----------
    items : int
        Items (the units' sizes: images or files for chunks) in the units
        computed by this invocation.
    computed : int
        Units (chunks) computed by this invocation.
    reused : int
        Units (chunks) found already saved.
    seconds : float
        Wall-clock time of the computation and decoding, compilation excluded.
    compile_seconds : float
        Time of the warm-up call on a small payload, e.g. one item (the
        kernels' compilation on first use; a fraction of a second once they
        are cached).
    prepare_seconds, compute_seconds : float
        In-process, the time spent preparing the units (decoding images, in a
        background thread) and computing them (in the calling thread); the two
        overlap, so ``seconds`` is close to the larger of them when the
        pipeline is balanced. NaN with dask.
    """

    items: int
    computed: int
    reused: int
    seconds: float
    compile_seconds: float = 0.0
    prepare_seconds: float = math.nan
    compute_seconds: float = math.nan

    @property
    def rate(self):
        """Items per second (NaN if nothing was computed)."""
        return self.items / self.seconds if self.items and self.seconds > 0 else math.nan

    def stage_rates(self):
        """Items per second of the preparation and of the computation, each on its own."""
        return tuple(self.items / t if self.items and t > 0 else math.nan
                     for t in (self.prepare_seconds, self.compute_seconds))


def speed_line(stats):
    """One line on what an invocation computed and how fast, compilation apart."""
    if not stats.computed:
        return f"all {stats.reused} chunk(s) were already computed; results aggregated again"
    line = (f"speed: {stats.items} pairs in {stats.seconds:.1f} s = {stats.rate:.1f} pairs/s "
            f"({stats.computed} chunk(s) computed, {stats.reused} reused; first call and "
            f"kernel compilation {stats.compile_seconds:.1f} s apart)")
    loading, computing = stats.stage_rates()
    if math.isfinite(loading) and math.isfinite(computing):
        line += (f"; on their own, loading ran at {loading:.1f} pairs/s and computing at "
                 f"{computing:.1f} pairs/s, overlapped")
    return line


def _warm_up(prepare, compute, payload):
    """Compute ``payload`` once, so that compilation is timed apart from the run."""
    began = time.perf_counter()
    compute(prepare(payload))
    return time.perf_counter() - began


def chunk_ranges(n_items, chunk):
    """``[(start, stop), ...]`` covering ``range(n_items)`` in chunks of ``chunk``."""
    return [(start, min(start + chunk, n_items)) for start in range(0, n_items, chunk)]


def _unit_path(folder, key):
    return Path(folder) / f"{key}.npz"


def _chunk_key(start):
    return f"{start:09d}"


def _save_chunk(path, result):
    """Save one unit's result (a chunk's, for :func:`run_chunks`)."""
    save_npz(path, result)


def _check_units(units):
    keys = [unit[0] for unit in units]
    for key in keys:
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValueError(f"unit key {key!r} is not a file name made of letters, digits "
                             "and _ . + = - (not starting with a dot)")
    repeated = sorted(k for k, n in Counter(keys).items() if n > 1)
    if repeated:
        raise ValueError(f"unit keys must be unique; repeated: {', '.join(repeated)}")


def _run_unit(prepare, compute, payload):
    """One unit of work: ``compute(prepare(payload))`` (a dask task)."""
    return compute(prepare(payload))


def run_units(units, folder, *, prepare, compute, warm_up=None, dask=None, workers=None,
              progress=True, quiet=False, unit="pair"):
    """Compute and save every unit of work not yet saved in ``folder``.

    Each unit's result ``compute(prepare(payload))`` (a dict of arrays) is
    saved atomically as ``<folder>/<key>.npz``; a unit whose file exists is
    reused, so that rerunning an interrupted run finishes it. Read the
    results back with :func:`load_units`, in an order that does not depend
    on when or where the units were computed.

    Parameters
    ----------
    units : list of (str, object, int)
        ``(key, payload, size)`` per unit: a unique file name without suffix
        (letters, digits, ``_ . + = -``), what ``prepare`` takes, and the
        amount of work (items) for the progress bar and :class:`RunStats`.
    folder : str or os.PathLike
        Where the unit files go (created if needed).
    prepare : callable
        ``prepare(payload)``: the unit's input (loading, kernels). In-process it
        runs in a background thread for the next unit while the current one is
        computed. Picklable for dask, like ``compute``.
    compute : callable
        ``compute(prepared) -> dict of arrays``.
    warm_up : callable, optional
        ``warm_up(payload)`` gives a small payload of the same kind (e.g. one
        item of it); in-process it is prepared and computed once before the
        first pending unit so that the kernels' compilation is timed apart
        (:attr:`RunStats.compile_seconds`) and announced when slow.
    dask : str, optional
        ``"local"`` for a :class:`distributed.LocalCluster`, or a scheduler
        address: each unit is one task. None computes in this process.
    workers : int, optional
        Worker processes of the local cluster (default: CPU count).
    progress : bool, optional
        Show a progress bar on stderr.
    quiet : bool, optional
        Do not print the kernels' one-time compilation notice on stderr.
    unit : str, optional
        Name of the items counted by ``size``, for the progress bar.

    Returns
    -------
    RunStats

    Raises
    ------
    ValueError
        If a key is not a plain file name or appears twice.
    """
    _check_units(units)
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    remove_stale_temps(folder)
    pending = [u for u in units if not _unit_path(folder, u[0]).exists()]
    total, todo = sum(u[2] for u in units), sum(u[2] for u in pending)
    if dask is not None:
        return _run_units_on_dask(units, pending, folder, prepare, compute, dask, workers,
                                  progress, unit)
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
    try:
        # The first unit is prepared (e.g. decoded) while the kernels compile.
        upcoming = loader.submit(_timed, prepare, pending[0][1]) if pending else None
        compiling = 0.0
        if pending and warm_up is not None:
            if quiet:
                silence_compiling_notice()
            compiling = _warm_up(prepare, compute, warm_up(pending[0][1]))
        bar = _progress_bar(total, todo, unit, progress)
        began = time.perf_counter()
        with bar:
            stages = _run_in_process(prepare, compute, pending, _saver(folder, bar), loader,
                                     upcoming)
    finally:
        # On an interruption, do not wait for a unit being prepared: it is not saved.
        loader.shutdown(wait=False, cancel_futures=True)
    return RunStats(todo, len(pending), len(units) - len(pending),
                    time.perf_counter() - began, compiling, *stages)


def _progress_bar(total, todo, unit, progress):
    return tqdm(total=total, initial=total - todo, unit=unit, disable=not progress,
                smoothing=0.1)


def _saver(folder, bar):
    """``save(key, size, result)``: a unit's file, and the progress bar moved on."""
    def save(key, size, result):
        _save_chunk(_unit_path(folder, key), result)
        bar.update(size)
    return save


def _run_units_on_dask(units, pending, folder, prepare, compute, dask, workers, progress, unit):
    """:func:`run_units` on dask: one task per unit, no warm-up."""
    total, todo = sum(u[2] for u in units), sum(u[2] for u in pending)
    bar = _progress_bar(total, todo, unit, progress)
    began = time.perf_counter()
    with bar:
        _run_on_dask(dask, workers, prepare, compute, pending, _saver(folder, bar))
    return RunStats(todo, len(pending), len(units) - len(pending),
                    time.perf_counter() - began, 0.0, math.nan, math.nan)


def _load_range(source, item_range):
    return source.load(*item_range)


def _first_item(item_range):
    start, stop = item_range
    return start, min(start + 1, stop)


def run_chunks(source, compute, folder, *, chunk, dask=None, workers=None, progress=True,
               quiet=False):
    """Compute and save every chunk of ``source`` not yet saved in ``folder``.

    A chunk is a unit of :func:`run_units` keyed by its first index,
    ``<folder>/<start:09d>.npz``; the warm-up computes its first item.

    Parameters
    ----------
    source : BundledPhotos or ImageFolder
        Image source (``len``, ``load``); sent once to every worker with dask.
    compute : callable
        ``compute(batch) -> dict of arrays``; picklable for dask (a module-level
        function or a :func:`functools.partial` of one).
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
        Do not print the kernels' one-time compilation notice on stderr.

    Returns
    -------
    RunStats
    """
    units = [(_chunk_key(start), (start, stop), stop - start)
             for start, stop in chunk_ranges(len(source), chunk)]
    return run_units(units, folder, prepare=partial(_load_range, source), compute=compute,
                     warm_up=_first_item, dask=dask, workers=workers, progress=progress,
                     quiet=quiet, unit="pair")


def _timed(function, payload):
    began = time.perf_counter()
    return function(payload), time.perf_counter() - began


def _run_in_process(prepare, compute, pending, save, loader, upcoming):
    """Compute unit k while the ``loader`` thread prepares unit k + 1
    (``upcoming``: the future of unit 0, already submitted).

    Returns
    -------
    prepare_seconds, compute_seconds : float
    """
    if not pending:
        return 0.0, 0.0
    preparing = computing = 0.0
    for k, (key, _, size) in enumerate(pending):
        prepared, seconds = upcoming.result()
        preparing += seconds
        if k + 1 < len(pending):
            upcoming = loader.submit(_timed, prepare, pending[k + 1][1])
        result, seconds = _timed(compute, prepared)
        computing += seconds
        save(key, size, result)
    return preparing, computing


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


def _run_on_dask(address, workers, prepare, compute, pending, save):
    """One task per unit; results are saved in the order they arrive."""
    if not pending:
        return
    distributed = _import_distributed()
    with _dask_client(distributed, address, workers) as client:
        # Sent once to every worker (an image source can be large), not with each task.
        shared_prepare, shared_compute = client.scatter([prepare, compute], broadcast=True)
        futures = {client.submit(_run_unit, shared_prepare, shared_compute, payload,
                                 pure=False): (key, size) for key, payload, size in pending}
        for future in distributed.as_completed(futures):
            save(*futures.pop(future), future.result())


def load_units(folder, keys):
    """The saved results of the units ``keys``, in that order.

    Parameters
    ----------
    folder : str or os.PathLike
        Folder given to :func:`run_units`.
    keys : list of str
        Unit keys.

    Returns
    -------
    list of dict of ndarray

    Raises
    ------
    UsageError
        If a unit file is missing or unreadable.
    """
    results = []
    for key in keys:
        path = _unit_path(folder, key)
        try:
            with np.load(path) as data:
                results.append({name: data[name] for name in data.files})
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            raise UsageError(f"cannot read {path} ({error}); delete it and rerun "
                             "to compute it again") from None
    return results


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
    return load_units(folder, [_chunk_key(start) for start, _ in ranges])
