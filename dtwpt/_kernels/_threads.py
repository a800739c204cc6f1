"""Running kernel calls on every core: a persistent pool of Python threads
(the kernels release the GIL), the calling thread taking the first call."""
import concurrent.futures
import threading

from ._notice import compiling_notice

_lock = threading.Lock()
_pool = None


def _executor(n):
    global _pool
    with _lock:
        if _pool is None or _pool._max_workers < n:
            _pool = concurrent.futures.ThreadPoolExecutor(n, thread_name_prefix="dtwpt")
        return _pool


def run(kernel, calls):
    """``kernel(*args)`` for every ``args`` in ``calls``, concurrently; returns their
    results when all end."""
    if not calls:
        return []
    compiling_notice(kernel, calls[0])
    return spread(kernel, calls)


def spread(func, calls):
    """``[func(*args) for args in calls]``, concurrently (``func`` releases the GIL),
    the calling thread taking the first call."""
    if len(calls) <= 1:
        return [func(*args) for args in calls]
    futures = [_executor(len(calls) - 1).submit(func, *args) for args in calls[1:]]
    try:
        first = func(*calls[0])
    finally:
        errors = [f.exception() for f in futures]
    for e in errors:
        if e is not None:
            raise e
    return [first] + [f.result() for f in futures]


def ranges(n, parts):
    """``parts`` contiguous ranges ``(start, stop)`` covering ``range(n)`` evenly."""
    return [(n * k // parts, n * (k + 1) // parts) for k in range(parts)]
