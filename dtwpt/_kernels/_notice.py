"""A one-time message on stderr when kernels are about to be compiled.

Numba compiles a kernel on its first call with new argument types, unless its
on-disk cache (``__pycache__`` or ``NUMBA_CACHE_DIR``) has it. The check reads
the cache index the way the dispatcher does; if anything about it fails, no
message is printed (the message is a courtesy, never an error).
"""
import sys
import threading

#: Typical seconds of a first call's compilation, by the first kernel it
#: compiles (2-core machine): the value check of the validators comes first in
#: most calls, so its figure is that of a whole first call of ``dtcwpt2``,
#: ``rmax_cmod`` or the experiments (2.2-3.2 s).
SECONDS = {"count_outside": 3, "coefficient_work": 2, "rmax_cmod_work": 3, "inverse_work": 2,
           "output_pair_norms_work": 1}

_checked = set()
_lock = threading.Lock()
_shown = False


def _cached(kernel, args):
    sig = tuple(kernel.typeof_pyval(a) for a in args)
    if sig in kernel.overloads:
        return True
    cache = kernel._cache
    key = cache._index_key(sig, kernel.targetctx.codegen())
    return key in cache._cache_file._load_index()


def compiling_notice(kernel, args):
    """Print ``dtwpt: compiling kernels (first use only, ~N s)`` once per process
    if ``kernel(*args)`` is going to compile; quiet when the cache is warm."""
    global _shown
    key = (kernel.py_func.__name__, tuple(getattr(a, "dtype", None) for a in args))
    if _shown or key in _checked:
        return
    with _lock:
        _checked.add(key)
        try:
            cold = not _cached(kernel, args)
        except (AttributeError, KeyError, TypeError, ValueError, OSError):  # numba changed
            cold = False
        if cold and not _shown:
            _shown = True
            seconds = SECONDS.get(kernel.py_func.__name__, 3)
            print(f"dtwpt: compiling kernels (first use only, ~{seconds} s)", file=sys.stderr,
                  flush=True)


def silence_compiling_notice():
    """Never print the notice in this process (the experiments' ``--quiet``)."""
    global _shown
    _shown = True
