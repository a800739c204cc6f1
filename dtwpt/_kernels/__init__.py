"""Numba kernels of the dual-tree packet transform, and the drivers that run
them on every core.

Layout of the package:

- :mod:`._filtering`: one level and a whole tree of filtering along axis 0,
  the tile transpose (the data layout and filter table are described there);
- :mod:`._scratch`: geometry of the passes, scratch sizes and named views;
- :mod:`._assembly`: complex packets, RMax/CMod pooling and pair norms from
  the four real trees;
- :mod:`._passes`: the x-pass of a row strip, the y-pass of a unit, and one
  work function per purpose (coefficients, RMax/CMod and pair norms, inverse);
- :mod:`._memory`: nontemporal stores of large outputs;
- :mod:`._scalar`: ``min`` and ``max`` of two numbers, without Numba's generic
  helpers;
- :mod:`._checks`: the one-pass value check of the validators;
- :mod:`._threads`, :mod:`._notice`: the thread pool, and the one-time
  message when kernels are compiled;
- :mod:`._atomic`: the atomic counters with which threads take jobs and wait
  for each other's;
- :mod:`._jit`: the Numba options of every kernel, and the lowering pass that
  asks LLVM for 512-bit vectors and ``noalias`` arguments.

Numba's on-disk cache checks the source file of each compiled function only:
a kernel compiled with code from another module keeps that code until its
own file changes. After editing one of these modules, delete the cache files
(``__pycache__/*.nbi``, ``*.nbc``) or set a fresh ``NUMBA_CACHE_DIR``.

The drivers below split a batch over threads image by image, each thread
taking the next image when it is done with its last (:mod:`._atomic`); a
batch smaller than the thread count (one large image) is split inside each
image instead: by bands of rows (see :mod:`._scratch`) if it runs in bands,
each thread taking whole bands the same way, in its own units; otherwise the
threads share the x-pass by strips of rows, then the y-pass by units.
"""
import numpy as np

from . import _passes
from ._checks import count_outside
from ._filtering import tree_analysis, tree_synthesis
from ._memory import LINE
from ._notice import compiling_notice, silence_compiling_notice
from ._scratch import (
    DECIMATED,
    HALO,
    INVERSE_STRIP_COLUMN_BYTES,
    RMAX_CMOD,
    STRIP_BYTES,
    STRIP_COLUMN_BYTES,
    UNDECIMATED,
    band_halo,
    carve,
    carve_inverse,
    forward_row_size,
    geometry,
    inverse_row_size,
    inverse_slot_size,
    page_aligned_empty,
    pool_view,
    rmax_row_size,
    synthesis_halo,
    workers,
)
from ._threads import ranges, run, spread

__all__ = [
    "DECIMATED",
    "RMAX_CMOD",
    "STRIP_BYTES",
    "UNDECIMATED",
    "all_within",
    "compiling_notice",
    "dtype_bound",
    "extremes",
    "silence_compiling_notice",
    "forward_batch",
    "forward_geometry",
    "forward_row_size",
    "inverse_batch",
    "inverse_geometry",
    "inverse_row_size",
    "page_aligned_empty",
    "output_pair_norms",
    "pair_norms_batch",
    "rmax_cmod_batch",
    "rmax_geometry",
    "rmax_row_size",
    "scratch_rows",
    "tree_analysis",
    "tree_synthesis",
]

#: Outputs of at least this many bytes in all are written with streaming
#: stores (see :mod:`._memory`, :func:`_streamed`): larger than the caches,
#: they go to memory anyway. On the benchmark machine the coefficients of a
#: batch of 64 float64 224² images (102 MB) were computed 1.17x faster
#: streamed, those of a float32 one (51 MB) 1.2x slower.
STREAM_BYTES = 64 << 20
#: Rows that do not start on a cache line are streamed if they take at least
#: this many bytes (seven whole lines or more): the same bytes, 1.05-1.25
#: times faster into a 2048² or 4096² image's ``out=`` 16 bytes past a page;
#: rows of 448 bytes (a float64 batch of 224² images) ran 1.1-1.2 times
#: slower streamed so.
STREAM_ROW_BYTES = 8 * LINE

#: Images of at least this many bytes are shared by all threads when the batch is
#: smaller (RMax/CMod's, with about twice the work per pixel: half as many).
#: Smaller images run faster on one thread, since threads sharing an image wait
#: for each other between its passes. Measured crossovers, two threads against
#: one, J = 3: float32 images of about 300² (forward), 330² (inverse), 210²
#: (RMax/CMod); float64 about 225², 235², 195² (a 192² float32 image ran 1.5
#: times faster on one thread, a 512² one 1.35-1.6 times slower).
SPLIT_BYTES = 384 << 10


#: Arrays of at least this many elements are shared by all threads in :func:`extremes`
#: and :func:`all_within`.
SPLIT_ELEMENTS = 1 << 16


def _extremes(a):
    return a.min(), a.max()


def _shares(a):
    """Contiguous shares of the 1D array ``a``, one per thread (one if ``a`` is small)."""
    n = workers() if a.size >= SPLIT_ELEMENTS else 1
    return [a[start:stop] for start, stop in ranges(a.size, n)]


def dtype_bound(bound, dtype):
    """The largest value of the float ``dtype`` that is at most ``bound`` (>= 0)."""
    limit = np.dtype(dtype).type(bound)
    if float(limit) > bound:  # (compared as Python floats: NumPy would compare in dtype)
        limit = np.nextafter(limit, limit.dtype.type(0))
    return limit


def all_within(a, bound):
    """Whether every element of the 1D array ``a`` is at most ``bound`` in
    magnitude (so none is NaN or infinite): one vectorised pass, every thread
    taking a share. ``bound`` is rounded down to ``a``'s dtype, so a True is
    exact; a False may come from a value within ``bound`` but above the
    rounded bound, which the caller checks exactly."""
    limit = dtype_bound(bound, a.dtype)
    return sum(run(count_outside, [(share, limit) for share in _shares(a)])) == 0


def extremes(a):
    """The minimum and maximum of each share of a non-empty 1D array ``a``, as an
    array of its dtype (their own extremes are ``a``'s, NaN if ``a`` has one):
    every thread takes a share (numpy's reductions release the GIL)."""
    found = spread(_extremes, [(share,) for share in _shares(a)])
    return np.array(found, dtype=a.dtype)


def _shared(B, geo):
    """Whether threads share the images of a batch of ``B``: fewer images than
    threads, each large enough (:data:`SPLIT_BYTES`)."""
    n = workers()
    least = SPLIT_BYTES // 2 if geo.layout == RMAX_CMOD else SPLIT_BYTES
    return B < n and n > 1 and geo.H * geo.W * geo.itemsize >= least


def scratch_rows(B, geo, own_bands=True):
    """Rows of scratch (one per thread working on its own images or bands) that
    the drivers use for a batch of ``B`` images with geometry ``geo``
    (``own_bands``: threads sharing an image take whole bands, see
    :func:`_schedule`)."""
    if not _shared(B, geo):
        return max(1, min(workers(), B))
    return min(workers(), geo.nbands) if own_bands else 1


def _schedule(B, geo, nrows, call, rows_first=True, steps=False):
    """Argument tuples of the work function: ``call(row, slot, jobs, rows,
    units, bands)`` (scratch row, working-buffer slot, ``jobs = (taken, steps,
    i0, i1)``: images ``i0:i1``, the flags of their jobs and the flags and
    counts of their bands' steps or None, see :mod:`._passes`; ``(start,
    stop)`` ranges of rows of a band's units, of units and of bands).

    Returns a list of rounds (each a list of concurrent calls). Threads take
    whole images as they come free; with fewer images than threads, whole
    bands of each image the same way if there are scratch rows for them (each
    thread in its own row); else they share each band in two rounds: its
    rows, then its units (the reverse with ``rows_first=False``: the inverse,
    whose rows are the band's own rows, without those above and below), each
    thread doing its own share; with ``steps`` True (a work function that
    takes them), in one round, each thread taking the next step of a band
    (row strip or unit) as it comes free (see ``rmax_cmod_work``).
    """
    n = workers()
    shared = _shared(B, geo)
    if not shared or (geo.nbands > 1 and nrows > 1):
        k = min(n, geo.nbands, nrows) if shared else max(1, min(n, B, nrows))
        jobs = (np.zeros(B * geo.nbands, np.int64), None, 0, B)  # one set of flags: shared
        return [[call(w, 0, jobs, (0, geo.L), (0, geo.nunits), (0, geo.nbands))
                 for w in range(k)]]
    if steps:
        # Per band: strips and units done, then a flag per step (a strip stops
        # at image rows 0 and H too: at most two more).
        width = 2 + -(-geo.L // geo.R) + 2 + geo.nunits
        jobs = (np.zeros(B, np.int64), np.zeros(B * geo.nbands * width, np.int64), 0, B)
        return [[call(0, w, jobs, (0, geo.L), (0, geo.nunits), (0, geo.nbands))
                 for w in range(n)]]
    rounds = []
    for i in range(B):
        for b in range(geo.nbands):
            band = (b, b + 1)
            stored = geo.band_rows(b)
            first, count = (0, stored) if rows_first else (geo.top, stored - geo.top - geo.bottom)
            own = np.zeros((2, n, 1), np.int64)  # a flag per call: each does its share
            by_rows = [call(0, w, (own[0, w], None, i, i + 1), (first + r0, first + r1),
                            (0, 0), band)
                       for w, (r0, r1) in enumerate(ranges(count, n))]
            by_units = [call(0, w, (own[1, w], None, i, i + 1), (0, 0), u, band)
                        for w, u in enumerate(ranges(geo.nunits, n))]
            rounds += [by_rows, by_units] if rows_first else [by_units, by_rows]
    return rounds


def _streamed(outputs, chunk):
    """Whether the kernels stream their rows into ``outputs`` (see
    :mod:`._memory`): at least :data:`STREAM_BYTES` in all, and every chunk of
    ``chunk`` elements of a row either whole cache lines (each output and its
    rows start on a line, and a chunk fills its last one) or at least
    :data:`STREAM_ROW_BYTES` long, its elements starting on multiples of
    their size (its partial lines at either end are stored the ordinary way:
    an ``out=`` from ``numpy.empty`` starts 16 bytes past a page). Other rows
    would be stored the ordinary way after a copy: slower than storing them
    directly."""
    def streamable(out):
        size = chunk * out.itemsize
        lines = out.ctypes.data % LINE == 0 and out.strides[-2] % LINE == 0 and size % LINE == 0
        return lines or (out.ctypes.data % out.itemsize == 0 and size >= STREAM_ROW_BYTES)

    return (sum(out.nbytes for out in outputs) >= STREAM_BYTES
            and all(streamable(out) for out in outputs))


def forward_batch(x, out, types, filt, first, ntaps, shift, level, iv, ih, sign, conj,
                  scratch, geo):
    """Complex coefficients ``out (B, P, h', w')`` of a batch ``x (B, H, W)``
    with geometry ``geo`` (:func:`forward_geometry`); ``scratch`` has
    :func:`scratch_rows` rows of :func:`forward_row_size` elements.
    """
    bank, packets = (filt, first, ntaps, shift), (iv, ih, sign, conj)
    sizes = (geo.G, geo.K, geo.cw, geo.nph, geo.R, geo.band, geo.top, geo.bottom)
    # Streamed rows of packets are computed in xt (idle in the y-pass), then stored;
    # line=None compiles the work function without streaming (Numba prunes the
    # branches on it).
    stream = _streamed((out,), geo.nph * geo.cw)

    def call(row, slot, jobs, rows, units, bands):
        v = carve(scratch[row], geo, slot)
        taken, _, i0, i1 = jobs
        # Threads on one image start at bands spread evenly, so that each takes
        # a run of consecutive bands (see coefficient_work).
        lead = row * (bands[1] - bands[0]) // scratch.shape[0]
        return (x, out, taken, i0, i1, *rows, *units, *bands, lead, bank, types, level, packets,
                sizes, v.z, v.xt, v.xbuf0, v.xbuf1, v.ybuf,
                v.xt[: 2 * geo.nph * geo.cw].view(out.dtype) if stream else None)

    for calls in _schedule(x.shape[0], geo, scratch.shape[0], call):
        run(_passes.coefficient_work, calls)


def _packet_table(iv, ih, sign, level):
    """``table[v, u, k]``: the packet of y-packet ``v``, x-packet ``u``, sign index ``k``."""
    table = np.full((1 << level, 1 << level, 2), -1, dtype=np.int64)
    table[iv, ih, (sign < 0).astype(np.int64)] = np.arange(iv.size)
    if (table < 0).any():
        raise ValueError("the packet layout does not cover every (y-packet, x-packet, sign)")
    return table


#: Images run in bands (see :mod:`._scratch`) of at most this many bytes of
#: image rows, if at least two fit: a band's units and y-tree buffers stay in
#: faster caches (512 rows of a 2048-wide float32 image; single 1536² to 4096²
#: float32 images ran 1.1-1.7x faster than without bands, a 1024² one as fast);
BAND_BYTES = 4 << 20
#: RMax/CMod images whose units and working buffers take more than this many
#: bytes ...
BAND_MIN_BYTES = 32 << 20
#: ... run in bands that take at most this share of the call's input plus output,
BAND_SHARE = 0.4
#: with at least this many rows per band for each row they add above and below.
BAND_MIN_RATIO = 4


def _banded(B, H, W, level, layout, itemsize, chunked, halo, budget=None, slot=None,
            own_bands=True, strip=STRIP_COLUMN_BYTES):
    """The :class:`._scratch.Geometry` of a batch of ``B`` images: in bands of
    at most :data:`BAND_BYTES` of image rows if at least two fit; with a
    ``budget`` (bytes), in enough bands for the scratch of an image whose
    scratch would take more than :data:`BAND_MIN_BYTES` to fit it; but a band
    keeps at least :data:`BAND_MIN_RATIO` rows per row it adds. ``halo()``
    gives the rows ``(top, bottom)`` a band adds; ``slot(geo)`` the elements of
    a thread's working buffers (``geo.slot_size`` by default); ``own_bands``:
    see :func:`scratch_rows` (then as many bands per thread, where allowed);
    ``strip``: bytes per column of an x-pass strip (see :func:`._scratch.geometry`).
    """
    geo = geometry(H, W, level, layout, itemsize, chunked, strip=strip)

    def size(g):
        slots = workers() * (slot(g) if slot else g.slot_size)
        return scratch_rows(B, g, own_bands) * (g.zsize + slots) * itemsize

    small = budget is None or size(geo) <= BAND_MIN_BYTES
    step = 1 << level
    rows = max(BAND_BYTES // (W * itemsize), step)
    fast = -(-H // rows) if H > 2 * rows else 1
    if small and fast == 1:
        return geo
    top, bottom = halo()

    def banded(n):  # n bands (or fewer, of the same rows)
        return geometry(H, W, level, layout, itemsize, chunked,
                        (-(-H // (n * step)) * step, top, bottom), strip)

    # The most bands allowed: n bands have at least H / n rows each.
    most = max(1, H // max(BAND_MIN_RATIO * (top + bottom), step))
    enough = 1
    if not small:
        while enough < most and size(banded(enough)) > budget:
            enough += 1
    n = min(max(enough, fast), most)
    if own_bands and B < workers() and n > 1:  # as many bands per thread
        n = min(-(-n // workers()) * workers(), most)
    return banded(n) if n > 1 else geo


def forward_geometry(B, H, W, level, layout, itemsize, bank, types):
    """The :class:`._scratch.Geometry` of :func:`forward_batch` (DECIMATED or
    UNDECIMATED ``layout``)."""
    _, first, ntaps, shift = bank
    decimated = layout == DECIMATED
    return _banded(B, H, W, level, layout, itemsize, True,
                   lambda: band_halo(first, ntaps, shift, types, level, 2 if decimated else 1,
                                     (0, 0) if decimated else (0, 1)))


def inverse_geometry(B, H, W, level, itemsize, bank, types):
    """The :class:`._scratch.Geometry` of :func:`inverse_batch`."""
    _, first, ntaps, shift = bank
    return _banded(B, H, W, level, DECIMATED, itemsize, True,
                   lambda: synthesis_halo(first, ntaps, shift, types, level),
                   slot=inverse_slot_size, strip=INVERSE_STRIP_COLUMN_BYTES)


def rmax_geometry(B, H, W, level, itemsize, q, bank, types, bands=True):
    """The :class:`._scratch.Geometry` of RMax/CMod for a batch of ``B`` images.

    Chunked packets keep a halo of ``HALO`` samples, enough for ``q <= 2 * HALO``;
    a wider window takes whole packets. With ``bands``, the image may run in
    bands (:func:`_banded`), enough of them for its scratch to take at most
    :data:`BAND_SHARE` of the input plus output.
    """
    chunked = q <= 2 * HALO
    if not bands:
        return geometry(H, W, level, RMAX_CMOD, itemsize, chunked)
    budget = BAND_SHARE * B * 5 * H * W * itemsize  # input, then RMax and CMod: 4 H W
    _, first, ntaps, shift = bank
    # Threads share each band (one set of units: the memory bound).
    return _banded(B, H, W, level, RMAX_CMOD, itemsize, chunked,
                   lambda: band_halo(first, ntaps, shift, types, level, 1, (-q, q)), budget,
                   own_bands=False)


def _window(q):
    """The pooling window argument of the kernels: None for the default ``q = 1``,
    whose kernels are then compiled without the code of other windows."""
    return None if q == 1 else q


def rmax_cmod_batch(x, rmax, cmod, types, filt, first, ntaps, shift, level, q, iv, ih, sign,
                    scratch, geo):
    """RMax and CMod ``(B, P, h, w)`` of every packet for a batch ``x (B, H, W)``
    with geometry ``geo`` (:func:`rmax_geometry`); ``scratch`` rows hold
    :func:`rmax_row_size` elements.
    """
    bank, table = (filt, first, ntaps, shift), _packet_table(iv, ih, sign, level)
    sizes = (geo.G, geo.K, geo.cw, geo.halo, geo.pw, geo.R, geo.band, geo.top, geo.bottom)
    # Streamed rows are computed in xt (idle in the y-pass), then stored.
    stream = _streamed((rmax, cmod), geo.cw)

    def call(row, slot, jobs, rows, units, bands):
        v = carve(scratch[row], geo, slot)
        taken, steps, i0, i1 = jobs
        if stream and steps is None:  # whole images, in the variant that shares steps
            steps = np.zeros(0, np.int64)
        return (x, x, rmax, cmod, None, taken, steps, i0, i1, *rows, *units, *bands, bank,
                types, level, _window(q), table, sign, sizes, v.z, v.xt, v.xbuf0, v.xbuf1,
                v.ybuf, pool_view(scratch[row], geo, slot, q),
                v.xt[: 2 * geo.cw] if stream else None)

    # Threads share an image's steps only in the streaming variant of the
    # kernels (large outputs), which takes an array of steps, empty for whole
    # images; the other variant, which batches use, takes None and compiles
    # without that code (its first call 0.2-0.3 s sooner).
    for calls in _schedule(x.shape[0], geo, scratch.shape[0], call, steps=stream):
        run(_passes.rmax_cmod_work, calls)


def pair_norms_batch(x, xs, types, filt, first, ntaps, shift, level, q, iv, ih, sign, scratch,
                     geo):
    """Pair norms ``(n, P, 4)`` of the pairs ``(x[b], xs[b])`` without storing RMax and CMod.

    ``geo`` is :func:`rmax_geometry` without bands. Each thread keeps RMax and
    CMod of its current pair (``Ymax, Ymax'`` then ``Ymod, Ymod'``) in its
    scratch row, after :func:`rmax_row_size` elements.
    """
    n, H, W = x.shape
    P, h, w = iv.size, H >> level, W >> level
    used = rmax_row_size(geo, q)
    bank, table = (filt, first, ntaps, shift), _packet_table(iv, ih, sign, level)
    sizes = (geo.G, geo.K, geo.cw, geo.halo, geo.pw, geo.R, geo.band, geo.top, geo.bottom)
    norms = np.empty((n, P, 4))
    k = max(1, min(workers(), n, scratch.shape[0]))
    taken = np.zeros(n, np.int64)  # pairs taken as threads come free
    calls = []
    for worker in range(k):
        v = carve(scratch[worker], geo, 0)
        planes = scratch[worker, used : used + 4 * P * h * w].reshape(2, 2, P, h, w)
        calls.append((x, xs, planes[0], planes[1], norms, taken, None, 0, n, 0, geo.L,
                      0, geo.nunits, 0, 1, bank, types, level, _window(q), table, sign, sizes,
                      v.z, v.xt, v.xbuf0, v.xbuf1, v.ybuf, pool_view(scratch[worker], geo, 0, q),
                      None))
    run(_passes.rmax_cmod_work, calls)
    return norms


def output_pair_norms(ymax, ymod, n):
    """Pair norms ``(n, P, 4)``; ``ymax`` and ``ymod`` hold the ``n`` images X
    followed by the ``n`` images X'."""
    norms = np.empty((n, ymod.shape[1], 4))
    taken = np.zeros(n, np.int64)  # pairs taken as threads come free
    k = max(1, min(workers(), n))
    run(_passes.output_pair_norms_work, [(ymax, ymod, n, norms, taken)] * k)
    return norms


def inverse_batch(coeffs, x, types, filt, first, ntaps, shift, level, iv, ih, sign, conj,
                  scratch, bound, geo):
    """Images ``x (B, H, W)`` from complex coefficients ``(B, P, h, w)`` with
    geometry ``geo`` (:func:`inverse_geometry`); ``scratch`` has
    :func:`scratch_rows` rows of :func:`inverse_row_size` elements.

    Returns how many real and imaginary parts of the coefficients are NaN or
    beyond ``bound`` in magnitude (rounded down to the dtype): the caller's
    value check, made while reading them.
    """
    bank = (filt, first, ntaps, shift)
    packets = (_packet_table(iv, ih, sign, level), conj, x.dtype.type(0.125),
               dtype_bound(bound, x.dtype))
    sizes = (geo.G, geo.K, geo.cw, geo.R, geo.band, geo.top, geo.bottom)

    def call(row, slot, jobs, rows, units, bands):
        v = carve_inverse(scratch[row], geo, slot)
        taken, _, i0, i1 = jobs
        return (coeffs, x, taken, i0, i1, *units, *rows, *bands, bank, types, level, packets,
                sizes, *v)

    outside = 0
    for calls in _schedule(x.shape[0], geo, scratch.shape[0], call, rows_first=False):
        outside += sum(run(_passes.inverse_work, calls))
    return outside
