"""Filtering along axis 0: one level, a whole tree, and the tile transpose.

A *level array* has shape ``(nblocks * blen, ncols)``: block ``b`` (rows
``b*blen .. (b+1)*blen``) holds one packet node, and every column is an
independent periodic signal along axis 0. Filtering runs along axis 0 with the
innermost loop over contiguous columns, so it vectorises; a 2D transform
transposes tiles of the image so that both passes use these routines.

A stride-1 (undecimated) level stores each child *polyphase*: its even outputs
(the decimated child) in the first half of the block, its odd outputs in the
second half, so that later stages read either phase contiguously.

Filters are a table ``filt[pair, half, k]`` (half 0 = low, 1 = high): tap
``k < ntaps[pair]`` of the low-pass multiplies input sample ``first[pair] + k``,
tap ``k`` of the high-pass input sample ``first[pair] + shift[pair] + k``
(``shift`` even, chosen so that both halves read the same input rows; the
high-pass output computed at position ``n`` belongs to ``n - shift / stride``).
``ntaps`` is a multiple of ten (zero padded) so that the two halves run
together in blocks of ten taps; ``types[b]`` says which pair splits
block ``b``.
"""

import numpy as np

from ._jit import kernel
from ._scalar import smaller
from ._tiles import TILE, transpose_tile


@kernel(inline="always")
def output_row(n, nout, stride):
    """Row of output ``n`` in its block: stride 1 stores even outputs, then odd ones."""
    return n if stride == 2 else (n & 1) * (nout >> 1) + (n >> 1)


@kernel(inner=True, fastmath={"contract"})
def analysis_level(src, c0, dst, types, filt, first, ntaps, shift, blen, stride):
    """Split every block of columns ``c0 .. c0 + ncols`` of ``src`` into (low,
    high) children in ``dst`` (``ncols`` columns; ``c0`` a ``uint64``).

    Both children of an output row are computed in one sweep over the input
    rows, so each input row is read once per output pair, ten taps at a time
    (the Q-shift default: all of them) with the weights and partial sums in
    registers: taps ``k .. k + 9`` set the outputs (``k == 0``) or are added
    to them. (The ten-tap step is written out here rather than in an inlined
    helper: Numba's inlining of it took a quarter of this kernel's compile
    time.)
    """
    nblocks = src.shape[0] // blen
    nout = blen // stride
    ncols = np.uint64(dst.shape[1])
    for b in range(nblocks):
        t = types[b]
        ubase = np.uint64(b * blen)
        o = 2 * b * nout
        f = filt[t, 0]
        g = filt[t, 1]
        delay = shift[t] // stride
        for k in range(0, ntaps[t], 10):
            w0, w1, w2, w3, w4 = f[k], f[k + 1], f[k + 2], f[k + 3], f[k + 4]
            w5, w6, w7, w8, w9 = f[k + 5], f[k + 6], f[k + 7], f[k + 8], f[k + 9]
            v0, v1, v2, v3, v4 = g[k], g[k + 1], g[k + 2], g[k + 3], g[k + 4]
            v5, v6, v7, v8, v9 = g[k + 5], g[k + 6], g[k + 7], g[k + 8], g[k + 9]
            # The high-pass output row m = (n - delay) % nout and the first input
            # row i0 = (stride * n + first + k) % blen advance with n without a
            # division (a 64-bit division per row cost about as much as 64
            # columns of taps).
            m = (-delay) % nout
            i0 = (first[t] + k) % blen
            for n in range(nout):
                # Output rows (see output_row; written out: each inlined call costs
                # compile time).
                ulo = np.uint64(o + (n if stride == 2 else (n & 1) * (nout >> 1) + (n >> 1)))
                uhi = np.uint64(o + nout
                                + (m if stride == 2 else (m & 1) * (nout >> 1) + (m >> 1)))
                m = m + 1 if m + 1 < nout else 0
                # Input rows i0, i0 + 1, ..., i0 + 9 of the block, periodic (no division).
                i1 = i0 + 1 if i0 + 1 < blen else 0
                i2 = i1 + 1 if i1 + 1 < blen else 0
                i3 = i2 + 1 if i2 + 1 < blen else 0
                i4 = i3 + 1 if i3 + 1 < blen else 0
                i5 = i4 + 1 if i4 + 1 < blen else 0
                i6 = i5 + 1 if i5 + 1 < blen else 0
                i7 = i6 + 1 if i6 + 1 < blen else 0
                i8 = i7 + 1 if i7 + 1 < blen else 0
                i9 = i8 + 1 if i8 + 1 < blen else 0
                # Unsigned 2D indices rather than row views: no negative-index
                # wrapping to check and no view to build per row (a view per row
                # cost more than the taps of a short row).
                u0, u1 = ubase + np.uint64(i0), ubase + np.uint64(i1)
                u2, u3 = ubase + np.uint64(i2), ubase + np.uint64(i3)
                u4, u5 = ubase + np.uint64(i4), ubase + np.uint64(i5)
                u6, u7 = ubase + np.uint64(i6), ubase + np.uint64(i7)
                u8, u9 = ubase + np.uint64(i8), ubase + np.uint64(i9)
                i0 = i0 + stride if i0 + stride < blen else i0 + stride - blen
                if k == 0:
                    for j in range(ncols):
                        c = c0 + j  # unsigned: no negative-index wrapping, so it vectorises
                        x0, x1, x2 = src[u0, c], src[u1, c], src[u2, c]
                        x3, x4, x5 = src[u3, c], src[u4, c], src[u5, c]
                        x6, x7, x8, x9 = src[u6, c], src[u7, c], src[u8, c], src[u9, c]
                        dst[ulo, j] = (w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4
                                       + w5 * x5 + w6 * x6 + w7 * x7 + w8 * x8 + w9 * x9)
                        dst[uhi, j] = (v0 * x0 + v1 * x1 + v2 * x2 + v3 * x3 + v4 * x4
                                       + v5 * x5 + v6 * x6 + v7 * x7 + v8 * x8 + v9 * x9)
                else:
                    for j in range(ncols):
                        c = c0 + j
                        x0, x1, x2 = src[u0, c], src[u1, c], src[u2, c]
                        x3, x4, x5 = src[u3, c], src[u4, c], src[u5, c]
                        x6, x7, x8, x9 = src[u6, c], src[u7, c], src[u8, c], src[u9, c]
                        dst[ulo, j] += (w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4
                                        + w5 * x5 + w6 * x6 + w7 * x7 + w8 * x8 + w9 * x9)
                        dst[uhi, j] += (v0 * x0 + v1 * x1 + v2 * x2 + v3 * x3 + v4 * x4
                                        + v5 * x5 + v6 * x6 + v7 * x7 + v8 * x8 + v9 * x9)


@kernel(inner=True, fastmath={"contract"})
def synthesis_level(src, dst, types, filt, first, ntaps, shift, blen, add):
    """Adjoint of :func:`analysis_level` at stride 2: children -> parents,
    written into ``dst`` (``add=False``) or added to it (``add=True``).

    Parent row ``m`` receives tap ``k`` of child row ``n`` when
    ``2n + first + k = m (mod blen)``: only the taps of one parity reach it,
    from consecutive child rows, so each parent row is summed once (ten-tap
    pairs in registers, like the analysis).
    """
    nblocks = dst.shape[0] // blen
    nout = blen // 2
    ncols = np.uint64(dst.shape[1])
    for b in range(nblocks):
        t = types[b]
        lo0 = 2 * b * nout  # first row of the low child; the high child follows
        hi0 = lo0 + nout
        f = filt[t, 0]
        g = filt[t, 1]
        delay = shift[t] // 2  # the high child's output n sits at row n - delay
        # Parent rows at d = 2 n0 and 2 n0 + 1 (d = m - first mod blen) read the
        # same child rows: n0 - k / 2, ..., n0 - k / 2 - 4 for taps k .. k + 9
        # (the even taps for the first row, the odd ones for the second).
        # The rows m = (2 n0 + first) % blen, n = (n0 - k / 2) % nout and
        # e = (n - delay) % nout advance with n0 without a division.
        for k in range(0, ntaps[t], 10):
            # The even parent row takes taps k, k + 2, ..., k + 8, the odd one
            # taps k + 1, ..., k + 9, of low-child rows n, n - 1, ..., n - 4 and
            # high-child rows e, ..., e - 4 (periodic), all weights in registers.
            # (Written out here rather than in an inlined helper: Numba's
            # inlining of it took a sixth of this kernel's compile time.)
            w0, w1, w2, w3, w4 = f[k], f[k + 2], f[k + 4], f[k + 6], f[k + 8]
            v0, v1, v2, v3, v4 = g[k], g[k + 2], g[k + 4], g[k + 6], g[k + 8]
            x0, x1, x2, x3, x4 = f[k + 1], f[k + 3], f[k + 5], f[k + 7], f[k + 9]
            y0, y1, y2, y3, y4 = g[k + 1], g[k + 3], g[k + 5], g[k + 7], g[k + 9]
            overwrite = k == 0 and not add
            m = first[t] % blen
            n = (-(k // 2)) % nout
            e = (n - delay) % nout
            for _ in range(nout):  # n0
                m1 = m + 1 if m + 1 < blen else 0
                even, odd = np.uint64(b * blen + m), np.uint64(b * blen + m1)
                n1 = n - 1 if n > 0 else nout - 1
                n2 = n1 - 1 if n1 > 0 else nout - 1
                n3 = n2 - 1 if n2 > 0 else nout - 1
                n4 = n3 - 1 if n3 > 0 else nout - 1
                ua0, ua1, ua2 = np.uint64(lo0 + n), np.uint64(lo0 + n1), np.uint64(lo0 + n2)
                ua3, ua4 = np.uint64(lo0 + n3), np.uint64(lo0 + n4)
                e1 = e - 1 if e > 0 else nout - 1
                e2 = e1 - 1 if e1 > 0 else nout - 1
                e3 = e2 - 1 if e2 > 0 else nout - 1
                e4 = e3 - 1 if e3 > 0 else nout - 1
                ub0, ub1, ub2 = np.uint64(hi0 + e), np.uint64(hi0 + e1), np.uint64(hi0 + e2)
                ub3, ub4 = np.uint64(hi0 + e3), np.uint64(hi0 + e4)
                if overwrite:
                    for c in range(ncols):
                        p0, p1, p2 = src[ua0, c], src[ua1, c], src[ua2, c]
                        p3, p4 = src[ua3, c], src[ua4, c]
                        q0, q1, q2 = src[ub0, c], src[ub1, c], src[ub2, c]
                        q3, q4 = src[ub3, c], src[ub4, c]
                        dst[even, c] = (w0 * p0 + w1 * p1 + w2 * p2 + w3 * p3 + w4 * p4
                                        + v0 * q0 + v1 * q1 + v2 * q2 + v3 * q3 + v4 * q4)
                        dst[odd, c] = (x0 * p0 + x1 * p1 + x2 * p2 + x3 * p3 + x4 * p4
                                       + y0 * q0 + y1 * q1 + y2 * q2 + y3 * q3 + y4 * q4)
                else:
                    for c in range(ncols):
                        p0, p1, p2 = src[ua0, c], src[ua1, c], src[ua2, c]
                        p3, p4 = src[ua3, c], src[ua4, c]
                        q0, q1, q2 = src[ub0, c], src[ub1, c], src[ub2, c]
                        q3, q4 = src[ub3, c], src[ub4, c]
                        dst[even, c] += (w0 * p0 + w1 * p1 + w2 * p2 + w3 * p3 + w4 * p4
                                         + v0 * q0 + v1 * q1 + v2 * q2 + v3 * q3 + v4 * q4)
                        dst[odd, c] += (x0 * p0 + x1 * p1 + x2 * p2 + x3 * p3 + x4 * p4
                                        + y0 * q0 + y1 * q1 + y2 * q2 + y3 * q3 + y4 * q4)
                m = m1 + 1 if m1 + 1 < blen else 0
                n = n + 1 if n + 1 < nout else 0
                e = e + 1 if e + 1 < nout else 0


@kernel(nrt=True, inline="always")  # returns a view when called from Python
def tree_analysis(src, c0, ncols, types, filt, first, ntaps, shift, level, last_stride, buf0,
                  buf1):
    """All levels of one real tree along axis 0, on columns ``c0 .. c0 + ncols``
    of ``src``; returns the view holding the leaves."""
    rows = src.shape[0]
    cur = src
    col = np.uint64(c0)  # (unsigned: see analysis_level)
    for j in range(level):
        stride = last_stride if j == level - 1 else 2
        out_rows = rows if stride == 2 else 2 * rows
        buf = buf0 if j % 2 == 0 else buf1
        nxt = buf[: out_rows * ncols].reshape(out_rows, ncols)
        analysis_level(cur, col, nxt, types[j], filt, first, ntaps, shift, rows >> j, stride)
        cur = nxt
        col = np.uint64(0)
    return cur


@kernel(inline="always")
def tree_synthesis(src, dst, types, filt, first, ntaps, shift, level, buf0, buf1, add):
    """Inverse of :func:`tree_analysis` (decimated), written into ``dst``
    (``add=False``) or added to it (``add=True``)."""
    rows, ncols = src.shape
    cur = src
    for j in range(level - 1, -1, -1):
        if j == 0:
            nxt = dst
        else:
            buf = buf0 if j % 2 == 0 else buf1
            nxt = buf[: rows * ncols].reshape(rows, ncols)
        synthesis_level(cur, nxt, types[j], filt, first, ntaps, shift, rows >> j, add and j == 0)
        cur = nxt


@kernel(inner=True)
def transpose_rows(src, dst, col0):
    """``dst[:, col0 + i] = src[i, :]`` for every row ``i`` of ``src``: in
    square tiles of one vector per row (:func:`._tiles.transpose_tile`), each
    column of tiles in turn (so that the rows of ``dst`` it writes are
    written whole before the next), and the rows and columns left over one
    value at a time (unsigned indices: no negative-index wrapping to check)."""
    n, m = src.shape
    n_tiled, m_tiled = n - n % TILE, m - m % TILE
    for c0 in range(0, m_tiled, TILE):
        for i0 in range(0, n_tiled, TILE):
            transpose_tile(src, i0, c0, dst, c0, col0 + i0)
    uc0, un = np.uint64(col0), np.uint64(n)
    for c in range(np.uint64(m)):  # rows of dst: past the tiles' columns, or all
        for i in range(np.uint64(n_tiled if c < m_tiled else 0), un):
            dst[c, uc0 + i] = src[i, c]


@kernel(inner=True)
def transpose_values(src, dst, col0):
    """:func:`transpose_rows` one value at a time, 32 rows of ``src`` at a time
    (unsigned indices: no negative-index wrapping to check): the x-pass's
    scatter into the units of small RMax/CMod images, which ran 1.05 times
    faster so than in tiles (see :func:`._passes._scatter_rmax_units`)."""
    n, m = src.shape
    uc0 = np.uint64(col0)
    for i0 in range(0, n, 32):
        ui0, ui1 = np.uint64(i0), np.uint64(smaller(i0 + 32, n))
        for c in range(np.uint64(m)):
            for i in range(ui0, ui1):
                dst[c, uc0 + i] = src[i, c]
