"""Numba kernels of the dual-tree packet transform (no Python-level logic here).

Data layout. A *level array* has shape ``(nblocks * blen, ncols)``: block ``b``
(rows ``b*blen .. (b+1)*blen``) holds one packet node, and every column is an
independent periodic signal along axis 0. Filtering runs along axis 0 with the
innermost loop over contiguous columns, so it vectorises. A 2D transform
filters the image along y (rows), transposes, then filters along x, so both
passes use the same routine.

Filters are a table ``filt[pair, half, k]`` (half 0 = low, 1 = high) with the
non-zero support ``start[pair, half] <= k < stop[pair, half]``; ``types[b]``
says which pair splits block ``b``.

Per-thread scratch is one flat buffer cut into views; the batch drivers split
the batch statically over threads so each thread reuses its own buffer.
"""
import numba as nb
import numpy as np

DECIMATED, UNDECIMATED, RMAX_CMOD = 0, 1, 2


@nb.njit(cache=True, nogil=True)
def analysis_level(src, dst, types, filt, start, stop, blen, stride):
    """Split every block of ``src`` into (low, high) children in ``dst``."""
    nblocks = src.shape[0] // blen
    ncols = src.shape[1]
    nout = blen // stride
    for b in range(nblocks):
        t = types[b]
        base = b * blen
        for half in range(2):
            o = (2 * b + half) * nout
            for n in range(nout):
                row = dst[o + n]
                row[:] = 0
                for k in range(start[t, half], stop[t, half]):
                    w = filt[t, half, k]
                    srow = src[base + (stride * n + k) % blen]
                    for c in range(ncols):
                        row[c] += w * srow[c]


@nb.njit(cache=True, nogil=True)
def synthesis_level(src, dst, types, filt, start, stop, blen):
    """Adjoint of :func:`analysis_level` at stride 2: children -> parents."""
    nblocks = dst.shape[0] // blen
    ncols = dst.shape[1]
    nout = blen // 2
    dst[:] = 0
    for b in range(nblocks):
        t = types[b]
        base = b * blen
        for half in range(2):
            o = (2 * b + half) * nout
            for n in range(nout):
                srow = src[o + n]
                for k in range(start[t, half], stop[t, half]):
                    w = filt[t, half, k]
                    row = dst[base + (2 * n + k) % blen]
                    for c in range(ncols):
                        row[c] += w * srow[c]


@nb.njit(cache=True, nogil=True)
def tree_analysis(src, types, filt, start, stop, level, last_stride, buf0, buf1):
    """All levels of one real tree along axis 0; returns the view holding the leaves."""
    rows, ncols = src.shape
    cur = src
    for j in range(level):
        stride = last_stride if j == level - 1 else 2
        out_rows = rows if stride == 2 else 2 * rows
        buf = buf0 if j % 2 == 0 else buf1
        nxt = buf[: out_rows * ncols].reshape(out_rows, ncols)
        analysis_level(cur, nxt, types[j], filt, start, stop, rows >> j, stride)
        cur = nxt
    return cur


@nb.njit(cache=True, nogil=True)
def tree_synthesis(src, dst, types, filt, start, stop, level, buf0, buf1):
    """Inverse of :func:`tree_analysis` (decimated), written into ``dst``."""
    rows, ncols = src.shape
    cur = src
    for j in range(level - 1, -1, -1):
        if j == 0:
            nxt = dst
        else:
            buf = buf0 if j % 2 == 0 else buf1
            nxt = buf[: rows * ncols].reshape(rows, ncols)
        synthesis_level(cur, nxt, types[j], filt, start, stop, rows >> j)
        cur = nxt


@nb.njit(cache=True, nogil=True)
def transpose_rows(src, dst, col0, step):
    """``dst[:, col0 + i] = src[i * step, :]`` for every ``i``."""
    n = src.shape[0] // step
    for i0 in range(0, n, 16):
        i1 = min(i0 + 16, n)
        for c in range(src.shape[1]):
            for i in range(i0, i1):
                dst[c, col0 + i] = src[i * step, c]


@nb.njit(cache=True, nogil=True)
def _take(buf, offset, rows, cols):
    return buf[offset : offset + rows * cols].reshape(rows, cols)


@nb.njit(cache=True, nogil=True)
def _assemble_coeffs(xa, xb, out, iv, ih, sign, conj, h, w, col_b, up):
    """Complex packets from the four trees; ``out`` is the real view (P, up*h, 2*up*w)."""
    for p in range(iv.size):
        s = sign[p]
        cs = conj[p]
        for ux in range(up * w):
            r = ih[p] * up * w + ux
            for uy in range(up * h):
                cy = iv[p] * up * h + uy
                aa = xa[r, cy]
                ba = xa[r, col_b + cy]
                ab = xb[r, cy]
                bb = xb[r, col_b + cy]
                out[p, uy, 2 * ux] = aa + s * bb
                out[p, uy, 2 * ux + 1] = cs * (ba - s * ab)


@nb.njit(cache=True, nogil=True)
def _assemble_rmax_cmod(xa, xb, rmax, cmod, iv, ih, sign, h, w, H, q, plane):
    """RMax and CMod of every packet from the RMAX_CMOD layout (see forward_one)."""
    h2 = 2 * h
    w2 = 2 * w
    for p in range(iv.size):
        s = sign[p]
        r0 = ih[p] * w2
        ca = iv[p] * h2
        cb = H + iv[p] * h2
        for ux in range(w2):
            for uy in range(h2):
                plane[uy, ux] = xa[r0 + ux, ca + uy] + s * xb[r0 + ux, cb + uy]
        cba = 2 * H + iv[p] * h
        cab = iv[p] * h
        for nx in range(w):
            r = r0 + 2 * nx
            for ny in range(h):
                re = plane[2 * ny, 2 * nx]
                im = xa[r, cba + ny] - s * xb[r, cab + ny]
                cmod[p, ny, nx] = np.sqrt(re * re + im * im)
        for ny in range(h):
            for nx in range(w):
                best = plane[2 * ny, 2 * nx]
                for dy in range(-q, q + 1):
                    yy = (2 * ny + dy) % h2
                    for dx in range(-q, q + 1):
                        v = plane[yy, (2 * nx + dx) % w2]
                        if v > best:
                            best = v
                rmax[p, ny, nx] = best


@nb.njit(cache=True, nogil=True)
def _shapes(H, W, layout):
    """(y-pass rows, x-pass input columns, x-pass output rows) of a layout."""
    yrows = H if layout == DECIMATED else 2 * H
    zcols = 2 * yrows if layout != RMAX_CMOD else 3 * H
    xrows = W if layout == DECIMATED else 2 * W
    return yrows, zcols, xrows


@nb.njit(cache=True, nogil=True)
def scratch_size(H, W, layout):
    """Elements of per-image scratch that :func:`forward_one` needs."""
    yrows, zcols, xrows = _shapes(H, W, layout)
    nz = 2 if layout == RMAX_CMOD else 1
    return nz * W * zcols + 3 * xrows * zcols


@nb.njit(cache=True, nogil=True)
def forward_one(x, yt, xt, filt, start, stop, level, layout, scratch):
    """Both passes for one image; returns ``(xa, xb, col_b)``.

    Layouts of the x-pass inputs (columns; A/B = y-tree a/b, "full" = last
    y-stage undecimated, "even" = its even rows):
    DECIMATED: both x-trees read ``[A | B]``; UNDECIMATED: ``[A full | B full]``;
    RMAX_CMOD: x-tree a reads ``[A full | B even]``, x-tree b ``[A even | B full]``.
    Scratch holds, in order: za, (zb), xa, xb, tmp. The y-pass runs in xa/xb
    before they are needed, and za is free once the x-pass is done.
    """
    H, W = x.shape
    yrows, zcols, xrows = _shapes(H, W, layout)
    zsize = W * zcols
    xsize = xrows * zcols
    za = _take(scratch, 0, W, zcols)
    off = zsize
    zb = za
    if layout == RMAX_CMOD:
        zb = _take(scratch, off, W, zcols)
        off += zsize
    xa = scratch[off : off + xsize]
    xb = scratch[off + xsize : off + 2 * xsize]
    tmp = scratch[off + 2 * xsize : off + 3 * xsize]
    ystride = 2 if layout == DECIMATED else 1
    for v in range(2):
        y = tree_analysis(x, yt[v], filt, start, stop, level, ystride, xa, xb)
        if layout == RMAX_CMOD:
            if v == 0:
                transpose_rows(y, za, 0, 1)
                transpose_rows(y, zb, 0, 2)
            else:
                transpose_rows(y, za, 2 * H, 2)
                transpose_rows(y, zb, H, 1)
        else:
            transpose_rows(y, za, v * yrows, 1)
    last = 2 if layout == DECIMATED else 1
    final_even = (level - 1) % 2 == 0
    tree_analysis(za, xt[0], filt, start, stop, level, last,
                  xa if final_even else tmp, tmp if final_even else xa)
    tree_analysis(zb, xt[1], filt, start, stop, level, last,
                  xb if final_even else tmp, tmp if final_even else xb)
    return xa.reshape(xrows, zcols), xb.reshape(xrows, zcols), yrows


@nb.njit(cache=True, parallel=True)
def forward_batch(x, out, yt, xt, filt, start, stop, level, layout, iv, ih, sign, conj, scratch):
    """Complex coefficients of a batch ``x (B, H, W)``; ``out`` real view ``(B, P, h', 2w')``."""
    B, H, W = x.shape
    nthreads = scratch.shape[0]
    h = H >> level
    w = W >> level
    up = 1 if layout == DECIMATED else 2
    for t in nb.prange(nthreads):
        for i in range(t, B, nthreads):
            xa, xb, col_b = forward_one(x[i], yt, xt, filt, start, stop, level, layout, scratch[t])
            _assemble_coeffs(xa, xb, out[i], iv, ih, sign, conj, h, w, col_b, up)


@nb.njit(cache=True, parallel=True)
def rmax_cmod_batch(x, rmax, cmod, yt, xt, filt, start, stop, level, q, iv, ih, sign, scratch):
    """RMax and CMod of every packet for a batch ``x (B, H, W)``."""
    B, H, W = x.shape
    nthreads = scratch.shape[0]
    h = H >> level
    w = W >> level
    for t in nb.prange(nthreads):
        for i in range(t, B, nthreads):
            xa, xb, _ = forward_one(x[i], yt, xt, filt, start, stop, level, RMAX_CMOD, scratch[t])
            plane = scratch[t, : 4 * h * w].reshape(2 * h, 2 * w)
            _assemble_rmax_cmod(xa, xb, rmax[i], cmod[i], iv, ih, sign, h, w, H, q, plane)


@nb.njit(cache=True, nogil=True)
def _split_coeffs(coeffs, xa, xb, iv, ih, sign, conj, h, w, H):
    """Inverse of :func:`_assemble_coeffs` (decimated): the four trees, halved."""
    for p in range(iv.size):
        s = sign[p]
        cs = conj[p]
        for nx in range(w):
            r = ih[p] * w + nx
            for ny in range(h):
                cy = iv[p] * h + ny
                re = coeffs[p, ny, 2 * nx]
                im = cs * coeffs[p, ny, 2 * nx + 1]
                # re = aa + s bb, im = ba - s ab, and the partner packet has -s.
                xa[r, cy] += 0.5 * re
                xb[r, H + cy] += 0.5 * s * re
                xa[r, H + cy] += 0.5 * im
                xb[r, cy] -= 0.5 * s * im


@nb.njit(cache=True, parallel=True)
def inverse_batch(coeffs, x, yt, xt, filt, start, stop, level, iv, ih, sign, conj, scratch):
    """Images ``x (B, H, W)`` from coefficients (real view ``(B, P, h, 2w)``)."""
    B, H, W = x.shape
    nthreads = scratch.shape[0]
    h = H >> level
    w = W >> level
    for t in nb.prange(nthreads):
        buf = scratch[t]
        xa = buf[: 2 * H * W].reshape(W, 2 * H)
        xb = buf[2 * H * W : 4 * H * W].reshape(W, 2 * H)
        z = buf[4 * H * W : 6 * H * W].reshape(W, 2 * H)
        zt = buf[6 * H * W : 8 * H * W].reshape(W, 2 * H)
        p0 = buf[8 * H * W : 10 * H * W]
        p1 = buf[10 * H * W : 12 * H * W]
        yv = buf[12 * H * W : 13 * H * W].reshape(H, W)
        yfull = buf[13 * H * W : 14 * H * W].reshape(H, W)
        for i in range(t, B, nthreads):
            xa[:] = 0
            xb[:] = 0
            _split_coeffs(coeffs[i], xa, xb, iv, ih, sign, conj, h, w, H)
            tree_synthesis(xa, z, xt[0], filt, start, stop, level, p0, p1)
            tree_synthesis(xb, zt, xt[1], filt, start, stop, level, p0, p1)
            z += zt
            out = x[i]
            out[:] = 0
            for v in range(2):
                transpose_rows(z[:, v * H : (v + 1) * H], yv, 0, 1)
                tree_synthesis(yv, yfull, yt[v], filt, start, stop, level, p0, p1)
                for r in range(H):
                    for c in range(W):
                        out[r, c] += 0.25 * yfull[r, c]
