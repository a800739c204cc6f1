"""Output arrays of the batch transforms and operators, recycled once dropped.

A batch's outputs are large (64 images of 224 x 224 at level 3: 51 MB of
complex64 coefficients), and the operating system maps fresh memory page by
page on its first write: on the benchmark machine that cost a third of a
batch's time. So :func:`dtwpt.dtcwpt2`, :func:`dtwpt.idtcwpt2` and
:func:`dtwpt.rmax_cmod` take their outputs from here: an output that nothing
references any more (no array, view or object holds it) is handed out again,
its pages already mapped, by the next call that needs the same number of
bytes. The arrays are NumPy arrays viewing that memory (``base`` is the
pooled buffer, ``flags.owndata`` is False); their contents are overwritten in
full. At most :data:`OUTPUT_POOL_BYTES` of outputs are tracked (the least
recently used are let go first); a larger output is never kept, and
``out=`` does not use the pool. Under a free-threaded Python (no GIL), whose
reference counts cannot be read this way, every output is a fresh array.
"""
import sys
import threading

import numpy as np

from ._kernels import page_aligned_empty

#: Bytes of outputs the pool tracks at most (256 MiB).
OUTPUT_POOL_BYTES = 256 * 2 ** 20

_lock = threading.Lock()
_pool = []  # (buffer, nbytes): page-aligned uint8 buffers, least recently used first


def _refs(pool, i):
    """References to the array that owns the memory of ``pool[i]``: the pooled
    buffer's and every handed-out view's (NumPy points views at the owner)."""
    return sys.getrefcount(pool[i][0].base)


# A buffer that only the pool references, counted the same way as in the pool.
_UNUSED = _refs([(page_aligned_empty(1, np.uint8), 1)], 0)


def _gil_enabled():
    check = getattr(sys, "_is_gil_enabled", None)
    return check() if check is not None else True


def empty(shape, dtype):
    """``numpy.empty(shape, dtype)`` starting on a memory page (so that large
    outputs can be streamed, see :mod:`._kernels._memory`), reusing a dropped
    output of the same size."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if nbytes == 0 or nbytes > OUTPUT_POOL_BYTES or not _gil_enabled():
        return page_aligned_empty(shape, dtype)
    with _lock:
        for i in range(len(_pool)):
            if _pool[i][1] == nbytes and _refs(_pool, i) == _UNUSED:
                buf = _pool.pop(i)[0]
                break
        else:
            buf = page_aligned_empty(nbytes, np.uint8)
            # Stop tracking the least recently used outputs (freed now if
            # dropped, else when their holders drop them) to make room.
            total = sum(n for _, n in _pool) + nbytes
            while _pool and total > OUTPUT_POOL_BYTES:
                total -= _pool.pop(0)[1]
        _pool.append((buf, nbytes))
    return buf.view(dtype).reshape(shape)


def pooled_bytes():
    """Bytes of outputs the pool tracks (dropped or still held by callers)."""
    with _lock:
        return sum(n for _, n in _pool)
