"""Geometry of the two passes and the carving of scratch into named views.

The x-pass filters the image along x, a strip of rows at a time, with both
real trees (a, b), and scatters the x-leaves into *units*: the column blocks
that the y-pass filters along y, one unit at a time, in a buffer that stays in
cache. A unit's columns are ``[G parts from x-tree a | G parts from x-tree b]``
(coefficient layouts) where a part is ``cw`` columns of one x-packet, per
x phase: with ``K`` chunks per packet, part ``(packet, chunk k)`` holds
positions ``k*cw .. (k+1)*cw`` of the packet's even samples, then (undecimated
layout only) of its odd samples. ``K > 1`` (wide packets, large images) only
when ``G == 1``. In the RMax/CMod layout a unit's columns are four parts,
``[x-tree a odd | x-tree a even | x-tree b even | x-tree b odd]``, each over
the ``G`` packets in turn: y-tree a filters the first three, y-tree b the last
three (``ycols`` columns each), so the even parts that both y-trees need are
stored once. Their last level is undecimated on the two parts whose RMax is
pooled and decimated on the third, which only CMod reads (at even rows).
Each part of a chunk also carries ``halo`` samples on each side (periodic
within the packet) for the pooling window, and after them as many more as
make the part a whole number of vectors (``pw`` columns in all), so that
every row a y-tree filters starts on a vector.

A large image may run in *bands* of ``band`` image rows, so that the units
hold a band rather than the whole image (its y-pass stays in faster caches,
and RMax/CMod's memory near its input plus output). A band's units hold its
rows plus ``top`` rows above and ``bottom`` below (periodic over the image),
enough for every output row of the band to be computed from the rows it needs
without the periodic wrap of the filter levels reaching it
(:func:`band_halo`, :func:`synthesis_halo`): each output is then the same sum
of the same values as from the whole image.

Scratch is a 2D array with one row per thread that works on its own images
or bands (or a single row when threads share an image). A row is the per-image storage
(the units, ``zsize`` elements) followed by one
*slot* of working buffers per thread: the transposed row strip ``xt``, the
x-tree ping-pong pair ``xbuf0, xbuf1`` and the three y-tree buffers ``ybuf``.
"""
from typing import NamedTuple

import numba
import numpy as np

DECIMATED, UNDECIMATED, RMAX_CMOD = 0, 1, 2
#: Bytes of one row of a unit (both parts): a unit's whole y-pass stays in L2.
STRIP_BYTES = 2048
#: Bytes of the x-pass buffers of a whole image, at most: a larger image is
#: filtered along x in strips of rows, STRIP_COLUMN_BYTES per column: 80
#: float32 rows, 40 float64 ones (single 2048² float64 images ran 1.1x faster
#: than with 80 rows; 80 float32 rows ran 1.1-1.3x faster than 40).
XPASS_BYTES = 4 << 20
STRIP_COLUMN_BYTES = 320
#: Below XPASS_BYTES, a band whose x-pass buffers take more than this many
#: bytes runs in as few strips of equal rows (whole 64-byte vectors of rows)
#: as keep a strip's buffers within it: more of them stay in a core's L2
#: (batches of 224² float64 images ran the inverse 1.10x faster in strips of
#: 112 rows; 384² float64 ones ran the forward 1.13x and the inverse 1.15x
#: faster, 512² float32 ones 1.07-1.08x; RMax/CMod on 224² float64 1.05x).
XPASS_SPLIT_BYTES = 1 << 20
#: Bytes of the widest vector register (512 bits): those strips hold whole
#: vectors of rows.
VECTOR_BYTES = 64
#: The inverse's strips (four buffers of a strip per thread rather than three):
#: a 4096² float32 image ran 1.05x faster with 64 rows than with 80.
INVERSE_STRIP_COLUMN_BYTES = 256
#: Bytes of a thread's y-tree buffers, at most: tall images get narrower units,
#: down to MIN_UNIT_ROW bytes per packet chunk (narrower rows cost more per
#: output row than the cache misses they save: measured at 2048^2 and 4096^2).
YPASS_BYTES = 4 << 20
MIN_UNIT_ROW = 512
#: Fewest columns a chunk of a wide packet keeps (for vectorisation).
MIN_CHUNK = 16
#: Bytes of a row of one part of an RMax/CMod chunk, at most: 128 float32 or
#: 64 float64 columns (single 2048² and 4096² float32 images ran 1.15-1.25x
#: faster than with 64 columns, float64 ones as fast; a 512-column float32
#: chunk was slower again) ...
RMAX_PART_BYTES = 512
#: ... but packets whose rows take at most this many bytes stay whole, without
#: the halo and padding of chunks (1536² float32 images ran 1.13-1.2x faster,
#: 2048² ones 1.04-1.07x and 1024² float64 ones 1.09x; whole packets of 2,048
#: bytes, 4096² float32 and 2048² float64, ran slower than chunks).
RMAX_WHOLE_BYTES = 1024
#: RMax/CMod chunks carry this many x samples of each phase on each side, so
#: that a pooling window of half-width q <= 2 * HALO stays inside its chunk.
HALO = 4


class Geometry(NamedTuple):
    """Sizes of one image's two passes (see the module docstring)."""

    H: int
    W: int
    level: int
    layout: int
    w: int  # width of a decimated packet
    nph: int  # x phases stored per part: 1 decimated, 2 otherwise
    G: int  # packets per unit
    K: int  # chunks per packet
    cw: int  # columns of a chunk, per phase
    halo: int  # RMax/CMod chunks: columns each side of a chunk for the pooling window
    pw: int  # columns of a part of a chunk: cw, the halo on both sides, padding
    scols: int  # columns of a unit
    ycols: int  # columns of a unit that one y-tree filters
    nunits: int
    R: int  # image rows per x-pass strip
    xrows: int  # rows of the x-leaves of one tree
    yrows: int  # rows of the y-leaves of one tree
    band: int  # image rows per band (H: one band)
    top: int  # rows above a band in its units (a multiple of 2**level)
    bottom: int  # rows below it
    itemsize: int  # bytes of a value

    @property
    def L(self):
        """Rows of the units: the longest band with its top and bottom rows."""
        return self.band_rows(0)

    @property
    def zsize(self):
        return self.nunits * self.L * self.scols

    @property
    def nbands(self):
        return -(-self.H // self.band)

    def band_rows(self, b):
        """Rows of band ``b`` in the units, ``top`` and ``bottom`` included."""
        return min(self.band, self.H - b * self.band) + self.top + self.bottom

    @property
    def slot_size(self):
        """Elements of one thread's working buffers."""
        return self.W * self.R + 2 * self.xrows * self.R + 3 * self.yrows * self.ycols


def geometry(H, W, level, layout, itemsize, chunked=True, band=None,
             strip=STRIP_COLUMN_BYTES):
    """The :class:`Geometry` of an ``H x W`` image (``chunked=False``: ``K = 1``),
    in bands if ``band = (rows, top, bottom)`` (multiples of ``2**level``), in
    x-pass strips of ``strip`` bytes per column if the x-pass buffers of the
    whole band would exceed ``XPASS_BYTES``, in a few equal strips if they
    would exceed ``XPASS_SPLIT_BYTES``."""
    band, top, bottom = (H, 0, 0) if band is None else band
    L = min(band, H) + top + bottom
    w = W >> level
    nph = 1 if layout == DECIMATED else 2
    # Bytes of a unit row per packet, twice: a unit's row takes at most half of
    # STRIP_BYTES, so that its whole y-pass stays in the core's L2 cache.
    unit_row = 2 * (3 * w if layout == RMAX_CMOD else 2 * nph * w) * itemsize
    G = 1
    while G < (1 << level) and G * unit_row <= STRIP_BYTES:
        G *= 2
    # Wide packets are cut into K chunks so that a unit row stays within half
    # of STRIP_BYTES and the three y-tree buffers of a thread within YPASS_BYTES
    # (or their rows at MIN_UNIT_ROW); RMax/CMod chunks keep RMAX_PART_BYTES
    # per part (its large images run in bands, whose y-trees are short).
    if layout == RMAX_CMOD:  # a y-tree filters three parts of a chunk
        whole = w * itemsize <= RMAX_WHOLE_BYTES
        budget = 3 * (RMAX_WHOLE_BYTES if whole else RMAX_PART_BYTES)
    else:
        budget = min(STRIP_BYTES // 2, max(MIN_UNIT_ROW, YPASS_BYTES // (3 * L * nph)))
    K = 1
    if chunked and unit_row // 2 > budget:
        # RMax/CMod chunks also compute their halo: keep it a small share.
        narrowest = 16 * HALO if layout == RMAX_CMOD else MIN_CHUNK
        divisors = [k for k in range(2, w // narrowest + 1) if w % k == 0]
        fits = [k for k in divisors if unit_row // 2 <= k * budget]
        K = fits[0] if fits else (divisors[-1] if divisors else 1)
    cw = w // K
    halo = HALO if layout == RMAX_CMOD and K > 1 else 0
    pw = cw + 2 * halo
    if halo:  # whole vectors (more halo on the right), so that y-tree b's rows and
        # every level's start on a vector: unaligned rows ran 1.1-1.2x slower
        lanes = VECTOR_BYTES // itemsize
        pw = -(-pw // lanes) * lanes
    if layout == RMAX_CMOD:
        scols, ycols = 4 * G * pw, 3 * G * pw
    else:
        scols = ycols = 2 * G * nph * cw
    xrows = W * nph
    R = H
    xbytes = (W + 2 * xrows) * L * itemsize  # the strip, then the tree's two buffers
    if xbytes > XPASS_BYTES:
        R = strip // itemsize
    elif xbytes > XPASS_SPLIT_BYTES:
        lanes = VECTOR_BYTES // itemsize
        strips = -(-xbytes // XPASS_SPLIT_BYTES)
        R = -(-L // (strips * lanes)) * lanes
    R = min(R, L)
    return Geometry(H, W, level, layout, w, nph, G, K, cw, halo, pw, scols, ycols,
                    ((1 << level) // G) * K, R, xrows, L * nph, band, top, bottom, itemsize)


def _reach(first, ntaps, shift, types, j):
    """The lowest and highest input row offsets of the filter pairs that level
    ``j`` (1-based) of either tree uses: output ``n`` of a level of stride
    ``s`` reads input rows ``s n + lowest .. s n + highest``."""
    used = np.unique(types[:, j - 1])
    used = used[used >= 0]
    return (int(np.min(first[used] + np.minimum(shift[used], 0))),
            int(np.max(first[used] + np.maximum(shift[used], 0) + ntaps[used] - 1)))


def band_halo(first, ntaps, shift, types, level, last_stride, samples):
    """Rows ``(top, bottom)`` that a band needs above and below it (multiples
    of ``2**level``), for the filter tables of the kernels and the node types
    of the trees ``types (2, level, 2**(level-1))``.

    The y-trees run ``level - 1`` levels of stride 2, then one of stride
    ``last_stride``, whose output samples ``samples = (a, b)`` the first output
    row of an image needs: ``(0, 0)`` for decimated coefficients, ``(0, 1)``
    for undecimated ones (the two rows of each decimated row) and ``(-q, q)``
    for RMax/CMod's pooling window (undecimated). Output ``n`` of a level of
    stride ``s`` reads its input rows ``s n + first + shift_h + k``, ``k <
    ntaps`` (``shift_h`` 0 for the low-pass, ``shift`` for the high-pass).
    Following these reaches down the tree gives, at each level, the rows that
    the first and the last output row of a band need: they must lie inside
    the band's storage at that level (no periodic wrap).
    """
    # (resolution j, rows a..b at level j that output row 0 needs), top down
    a, b = samples
    needs = [(level if last_stride == 2 else level - 1, a, b)]
    for j in range(level, 0, -1):
        lo, hi = _reach(first, ntaps, shift, types, j)
        stride = last_stride if j == level else 2
        a, b = stride * a + lo, stride * b + hi
        needs.append((j - 1, a, b))
    step = 1 << level
    top = max(max(-a * (1 << j) for j, a, _ in needs), 0)
    bottom = max(max((b - (step >> j) + 1) << j for j, _, b in needs), 0)
    return -(-top // step) * step, -(-bottom // step) * step


def synthesis_halo(first, ntaps, shift, types, level):
    """Rows ``(top, bottom)`` that a band of the inverse needs above and below
    it (multiples of ``2**level``), as :func:`band_halo` for the synthesis:
    parent row ``m`` of a level receives low-child rows ``n`` with ``2 n +
    first + k = m`` and high-child rows ``e`` with ``2 e + shift + first + k
    = m`` (``k < ntaps``), so the rows that image row ``m`` needs at each
    level follow from ``m``; they must lie inside the band's storage.
    """
    # Rows at each level that image rows 0 (lowest) and -1 (highest) need.
    a, b = 0, -1
    top = bottom = 0
    for j in range(1, level + 1):
        lo, hi = _reach(first, ntaps, shift, types, j)
        a, b = -((hi - a) // 2), (b - lo) // 2  # ceil((a - hi) / 2), floor((b - lo) / 2)
        top, bottom = max(top, -a << j), max(bottom, (b + 1) << j)
    step = 1 << level
    return -(-top // step) * step, -(-bottom // step) * step


#: Scratch starts on a memory page: the buffers' offsets to each other are then the
#: same from call to call. With ``malloc``'s arbitrary start, batch rates alternated
#: between two levels 8-17% apart from one process to the next.
PAGE = 4096


def page_aligned_empty(shape, dtype):
    """``numpy.empty(shape, dtype)`` starting on a :data:`PAGE` boundary."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    raw = np.empty(nbytes + PAGE, dtype=np.uint8)
    start = -raw.ctypes.data % PAGE
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def workers():
    """Threads the drivers use: :func:`numba.get_num_threads`."""
    return numba.get_num_threads()


def forward_row_size(geo):
    """Elements of a scratch row of the forward drivers for ``geo``: the
    units, then a slot per thread."""
    return geo.zsize + workers() * geo.slot_size


def rmax_row_size(geo, q, extra=0):
    """Elements of a scratch row of the RMax/CMod drivers for ``geo``: the
    units, a slot per thread, the pooling buffers (one per thread), then
    ``extra`` elements."""
    return geo.zsize + workers() * (geo.slot_size + pool_size(geo.W, q)) + extra


def pool_size(W, q):
    return 4 * (W + 2 * q)


class Views(NamedTuple):
    """Named views of a scratch row for one thread."""

    z: object  # (nunits, H, scols): the units
    xt: object  # (W * R,): a row strip, transposed
    xbuf0: object  # x-tree ping-pong buffers, (xrows * R,) each
    xbuf1: object
    ybuf: object  # (3, yrows * ycols): y-tree buffers


def carve(row, geo, slot):
    """:class:`Views` of scratch ``row`` for the thread using slot ``slot``."""
    zsize = geo.zsize
    z = row[:zsize].reshape(geo.nunits, geo.L, geo.scols)
    off = zsize + slot * geo.slot_size
    xn, bn, yn = geo.W * geo.R, geo.xrows * geo.R, geo.yrows * geo.ycols
    xt = row[off : off + xn]
    xbuf0 = row[off + xn : off + xn + bn]
    xbuf1 = row[off + xn + bn : off + xn + 2 * bn]
    ybuf = row[off + xn + 2 * bn : off + xn + 2 * bn + 3 * yn].reshape(3, yn)
    return Views(z, xt, xbuf0, xbuf1, ybuf)


def pool_view(row, geo, slot, q):
    """Pooling buffer of slot ``slot`` (after the units and the slots)."""
    start = geo.zsize + workers() * geo.slot_size + slot * pool_size(geo.W, q)
    return row[start : start + pool_size(geo.W, q)]


def inverse_row_size(geo):
    """Elements of a scratch row of the inverse for ``geo`` (storage + one slot
    per thread)."""
    return geo.zsize + workers() * inverse_slot_size(geo)


def inverse_slot_size(geo):
    """Elements of one thread's working buffers in the inverse."""
    return 4 * geo.W * geo.R + 4 * geo.L * geo.scols


class InverseViews(NamedTuple):
    """Named views of a scratch row of the inverse for one thread."""

    z: object  # (nunits, L, scols): the units, synthesised along y
    ya: object  # (L, scols): y-leaves of y-tree a of the current unit
    yb: object  # (L, scols): the same for y-tree b
    ytmp: object  # (L, scols): y-tree b's synthesis
    ybuf: object  # (L * scols,): y-tree buffer
    xleaves: object  # (W * R,): x-leaves of a row strip, gathered from the units
    xbuf0: object  # x-tree buffers, (W * R,) each
    xbuf1: object
    xr: object  # (W * R,): the x-tree's synthesis of the row strip


def carve_inverse(row, geo, slot):
    """:class:`InverseViews` of scratch ``row`` for the thread using slot ``slot``."""
    z = row[: geo.zsize].reshape(geo.nunits, geo.L, geo.scols)
    off = geo.zsize + slot * inverse_slot_size(geo)
    yn, xn = geo.L * geo.scols, geo.W * geo.R
    y = row[off : off + 4 * yn].reshape(4, geo.L, geo.scols)
    x = row[off + 4 * yn : off + 4 * yn + 4 * xn].reshape(4, xn)
    return InverseViews(z, y[0], y[1], y[2], y[3].reshape(-1), x[0], x[1], x[2], x[3])
