"""Numba kernels of the dual-tree packet transform (no Python-level logic here).

Data layout. A *level array* has shape ``(nblocks * blen, ncols)``: block ``b``
(rows ``b*blen .. (b+1)*blen``) holds one packet node, and every column is an
independent periodic signal along axis 0. Filtering runs along axis 0 with the
innermost loop over contiguous columns, so it vectorises. A 2D transform
transposes the image and filters along x, transposes the x-packets into strips
of columns, then filters along y, so both passes use the same routine.

A stride-1 (undecimated) level stores each child *polyphase*: its even
outputs (the decimated child) in the first half of the block, its odd outputs
in the second half, so that later stages read either phase contiguously.

Filters are a table ``filt[pair, half, k]`` (half 0 = low, 1 = high): tap
``k < ntaps[pair]`` of the low-pass multiplies input sample ``first[pair] + k``,
tap ``k`` of the high-pass input sample ``first[pair] + shift[pair] + k``
(``shift`` even, chosen so that both halves read the same input rows; the
high-pass output computed at position ``n`` belongs to ``n - shift / stride``).
``ntaps`` is a multiple of five (zero padded) so that the two halves run
together in blocks of five or ten taps; ``types[b]`` says which pair splits
block ``b``.

Per-thread scratch is one flat buffer cut into views; the batch drivers split
the batch statically over threads so each thread reuses its own buffer.
"""
import numba as nb
import numpy as np

DECIMATED, UNDECIMATED, RMAX_CMOD = 0, 1, 2
STRIP_BYTES = 2048


@nb.njit(cache=True, nogil=True, fastmath={"contract"}, inline="always")
def _five_taps(lo, hi, a0, a1, a2, a3, a4, f, g, k, add):
    """``lo (+)= sum_i f[k+i] a_i`` and ``hi (+)= sum_i g[k+i] a_i``, element-wise."""
    w0, w1, w2, w3, w4 = f[k], f[k + 1], f[k + 2], f[k + 3], f[k + 4]
    v0, v1, v2, v3, v4 = g[k], g[k + 1], g[k + 2], g[k + 3], g[k + 4]
    if add:
        for c in range(lo.size):
            x0, x1, x2, x3, x4 = a0[c], a1[c], a2[c], a3[c], a4[c]
            lo[c] = lo[c] + w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4
            hi[c] = hi[c] + v0 * x0 + v1 * x1 + v2 * x2 + v3 * x3 + v4 * x4
    else:
        for c in range(lo.size):
            x0, x1, x2, x3, x4 = a0[c], a1[c], a2[c], a3[c], a4[c]
            lo[c] = w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4
            hi[c] = v0 * x0 + v1 * x1 + v2 * x2 + v3 * x3 + v4 * x4


@nb.njit(cache=True, nogil=True, fastmath={"contract"})
def _ten_tap_block(src, dst, base, o, nout, f, g, first, delay, idx, stride, blen):
    """The ten-tap case of :func:`analysis_level` for one block, weights in registers."""
    w0, w1, w2, w3, w4 = f[0], f[1], f[2], f[3], f[4]
    w5, w6, w7, w8, w9 = f[5], f[6], f[7], f[8], f[9]
    v0, v1, v2, v3, v4 = g[0], g[1], g[2], g[3], g[4]
    v5, v6, v7, v8, v9 = g[5], g[6], g[7], g[8], g[9]
    for n in range(nout):
        lo = dst[o + _out_row(n, nout, stride)]
        hi = dst[o + nout + _out_row((n - delay) % nout, nout, stride)]
        i = (stride * n + first) % blen
        a0, a1, a2 = src[base + idx[i]], src[base + idx[i + 1]], src[base + idx[i + 2]]
        a3, a4, a5 = src[base + idx[i + 3]], src[base + idx[i + 4]], src[base + idx[i + 5]]
        a6, a7, a8 = src[base + idx[i + 6]], src[base + idx[i + 7]], src[base + idx[i + 8]]
        a9 = src[base + idx[i + 9]]
        for c in range(lo.size):
            x0, x1, x2, x3, x4 = a0[c], a1[c], a2[c], a3[c], a4[c]
            x5, x6, x7, x8, x9 = a5[c], a6[c], a7[c], a8[c], a9[c]
            lo[c] = (w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4
                     + w5 * x5 + w6 * x6 + w7 * x7 + w8 * x8 + w9 * x9)
            hi[c] = (v0 * x0 + v1 * x1 + v2 * x2 + v3 * x3 + v4 * x4
                     + v5 * x5 + v6 * x6 + v7 * x7 + v8 * x8 + v9 * x9)


@nb.njit(cache=True, nogil=True)
def _out_row(n, nout, stride):
    """Row of output ``n`` in its block: stride 1 stores even outputs, then odd ones."""
    return n if stride == 2 else (n & 1) * (nout >> 1) + (n >> 1)


@nb.njit(cache=True, nogil=True, fastmath={"contract"})
def analysis_level(src, dst, types, filt, first, ntaps, shift, blen, stride):
    """Split every block of ``src`` into (low, high) children in ``dst``.

    Both children of an output row are computed in one sweep over the input
    rows, so each input row is read once per output pair; ten-tap pairs (the
    Q-shift default) keep all the weights and partial sums in registers, other
    lengths run five taps at a time.
    """
    nblocks = src.shape[0] // blen
    nout = blen // stride
    idx = np.arange(blen + filt.shape[2]) % blen  # row of input sample i, periodic
    for b in range(nblocks):
        t = types[b]
        base = b * blen
        f = filt[t, 0]
        g = filt[t, 1]
        nt = ntaps[t]
        if nt == 10:
            _ten_tap_block(src, dst, base, 2 * b * nout, nout, f, g, first[t],
                           shift[t] // stride, idx, stride, blen)
            continue
        for n in range(nout):
            lo = dst[2 * b * nout + _out_row(n, nout, stride)]
            m = (n - shift[t] // stride) % nout
            hi = dst[(2 * b + 1) * nout + _out_row(m, nout, stride)]
            i = (stride * n + first[t]) % blen
            for k in range(0, nt, 5):
                _five_taps(lo, hi, src[base + idx[i + k]], src[base + idx[i + k + 1]],
                           src[base + idx[i + k + 2]], src[base + idx[i + k + 3]],
                           src[base + idx[i + k + 4]], f, g, k, k > 0)


@nb.njit(cache=True, nogil=True, fastmath={"contract"})
def synthesis_level(src, dst, types, filt, first, ntaps, shift, blen):
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
            f = filt[t, half]
            delay = shift[t] // 2 if half else 0
            for n in range(nout):
                srow = src[o + (n - delay) % nout]
                r = (2 * n + first[t]) % blen
                for k in range(ntaps[t]):
                    w = f[k]
                    row = dst[base + r]
                    for c in range(ncols):
                        row[c] += w * srow[c]
                    r += 1
                    if r == blen:
                        r = 0


@nb.njit(cache=True, nogil=True)
def tree_analysis(src, types, filt, first, ntaps, shift, level, last_stride, buf0, buf1):
    """All levels of one real tree along axis 0; returns the view holding the leaves."""
    rows, ncols = src.shape
    cur = src
    for j in range(level):
        stride = last_stride if j == level - 1 else 2
        out_rows = rows if stride == 2 else 2 * rows
        buf = buf0 if j % 2 == 0 else buf1
        nxt = buf[: out_rows * ncols].reshape(out_rows, ncols)
        analysis_level(cur, nxt, types[j], filt, first, ntaps, shift, rows >> j, stride)
        cur = nxt
    return cur


@nb.njit(cache=True, nogil=True)
def tree_synthesis(src, dst, types, filt, first, ntaps, shift, level, buf0, buf1):
    """Inverse of :func:`tree_analysis` (decimated), written into ``dst``."""
    rows, ncols = src.shape
    cur = src
    for j in range(level - 1, -1, -1):
        if j == 0:
            nxt = dst
        else:
            buf = buf0 if j % 2 == 0 else buf1
            nxt = buf[: rows * ncols].reshape(rows, ncols)
        synthesis_level(cur, nxt, types[j], filt, first, ntaps, shift, rows >> j)
        cur = nxt


@nb.njit(cache=True, nogil=True)
def transpose_rows(src, dst, col0):
    """``dst[:, col0 + i] = src[i, :]`` for every row ``i`` of ``src``, in 32 x 32 tiles."""
    n, m = src.shape
    for i0 in range(0, n, 32):
        i1 = min(i0 + 32, n)
        for c0 in range(0, m, 32):
            for c in range(c0, min(c0 + 32, m)):
                orow = dst[c, col0 + i0 : col0 + i1]
                for i in range(i1 - i0):
                    orow[i] = src[i0 + i, c]


@nb.njit(cache=True, nogil=True)
def _take(buf, offset, rows, cols):
    return buf[offset : offset + rows * cols].reshape(rows, cols)


@nb.njit(cache=True, nogil=True)
def strips(W, level, layout, itemsize):
    """Column layout of the y-pass: ``(wa, wb, G)``.

    The y-pass runs on strips of ``G`` consecutive x-packets. A strip's columns
    are ``[G parts of width wa | G parts of width wb]``: for DECIMATED and
    UNDECIMATED, x-tree a then x-tree b (``wa = wb`` = x-packet width); for
    RMAX_CMOD, y-tree a reads ``[x-tree a undecimated | x-tree b even samples]``
    and y-tree b ``[x-tree b undecimated | x-tree a even samples]``, where the
    undecimated part is phase-major: the even x samples of the ``G`` packets,
    then their odd samples. A strip's row takes at most ``STRIP_BYTES / 2``
    bytes, so that a strip's whole y-pass stays in the core's L2 cache.
    """
    w = W >> level
    wa = w if layout == DECIMATED else 2 * w
    wb = w if layout != UNDECIMATED else 2 * w
    G = 1
    while G < (1 << level) and 2 * G * (wa + wb) * itemsize <= STRIP_BYTES:
        G *= 2
    return wa, wb, G


@nb.njit(cache=True, nogil=True)
def scratch_size(H, W, level, layout, itemsize):
    """Elements of per-image scratch that :func:`forward_one` needs."""
    wa, wb, G = strips(W, level, layout, itemsize)
    yrows = H if layout == DECIMATED else 2 * H
    xrows = W if layout == DECIMATED else 2 * W
    nz = 2 if layout == RMAX_CMOD else 1
    zsize = H * (wa + wb) << level
    return nz * zsize + W * H + 2 * xrows * H + 4 * yrows * G * (wa + wb)


@nb.njit(cache=True, nogil=True)
def _x_pass(x, types, filt, first, ntaps, shift, level, layout, za, zb, xt, xb0, xb1, wa, wb, G):
    """Filter along x with both trees and scatter the leaves into y-pass strips."""
    transpose_rows(x, xt, 0)
    xstride = 2 if layout == DECIMATED else 1
    for hh in range(2):
        xo = tree_analysis(xt, types[hh], filt, first, ntaps, shift, level, xstride, xb0, xb1)
        for ih in range(1 << level):
            g, j = ih // G, ih % G
            block = xo[ih * wa : (ih + 1) * wa]
            if layout == RMAX_CMOD:
                own = za[g] if hh == 0 else zb[g]
                other = zb[g] if hh == 0 else za[g]
                transpose_rows(block[:wb], own, j * wb)
                transpose_rows(block[wb:], own, G * wb + j * wb)
                transpose_rows(block[:wb], other, G * wa + j * wb)
            else:
                transpose_rows(block, za[g], j * wa if hh == 0 else G * wa + j * wb)


@nb.njit(cache=True, nogil=True)
def forward_one(x, types, filt, first, ntaps, shift, level, layout, scratch, out, rmax, cmod,
                iv, ih, sign, conj, q, pool):
    """Both passes and the assembly for one image.

    DECIMATED / UNDECIMATED write complex packets into ``out`` (real view
    ``(P, h', 2w')``); RMAX_CMOD writes ``rmax`` and ``cmod`` ``(P, h, w)``.
    """
    H, W = x.shape
    wa, wb, G = strips(W, level, layout, x.itemsize)
    ngroups = (1 << level) // G
    scols = G * (wa + wb)
    yrows = H if layout == DECIMATED else 2 * H
    xrows = W if layout == DECIMATED else 2 * W
    zsize = ngroups * H * scols
    za = scratch[:zsize].reshape(ngroups, H, scols)
    off = zsize
    zb = za
    if layout == RMAX_CMOD:
        zb = scratch[off : off + zsize].reshape(ngroups, H, scols)
        off += zsize
    xt = _take(scratch, off, W, H)
    off += W * H
    xb0 = scratch[off : off + xrows * H]
    xb1 = scratch[off + xrows * H : off + 2 * xrows * H]
    off += 2 * xrows * H
    ysize = yrows * scols
    ya0 = scratch[off : off + ysize]
    ya1 = scratch[off + ysize : off + 2 * ysize]
    yb0 = scratch[off + 2 * ysize : off + 3 * ysize]
    yb1 = scratch[off + 3 * ysize : off + 4 * ysize]
    _x_pass(x, types, filt, first, ntaps, shift, level, layout, za, zb, xt, xb0, xb1, wa, wb, G)
    ystride = 2 if layout == DECIMATED else 1
    h = H >> level
    w = W >> level
    for g in range(ngroups):
        ya = tree_analysis(za[g], types[0], filt, first, ntaps, shift, level, ystride, ya0, ya1)
        yb = tree_analysis(zb[g], types[1], filt, first, ntaps, shift, level, ystride, yb0, yb1)
        if layout == RMAX_CMOD:
            _assemble_rmax_cmod(ya, yb, rmax, cmod, iv, ih, sign, h, w, g, G, q, pool)
        else:
            up = 1 if layout == DECIMATED else 2
            _assemble_coeffs(ya, yb, out, iv, ih, sign, conj, up * h, up * w, g, G, up == 2)


@nb.njit(cache=True, nogil=True)
def _assemble_coeffs(ya, yb, out, iv, ih, sign, conj, h, w, g, G, poly):
    """Complex packets of strip ``g`` from the four trees; ``out`` is (P, h, 2w) real.

    With ``poly`` (undecimated layout) rows and columns of a packet are stored
    polyphase and are put back in natural order here.
    """
    # Slicing first keeps loop indices non-negative, which lets the loops vectorise.
    for p in range(iv.size):
        if ih[p] // G != g:
            continue
        s = sign[p]
        cs = conj[p]
        c0 = (ih[p] % G) * w
        c1 = G * w + c0
        for ny in range(h):
            r = iv[p] * h + (_out_row(ny, h, 1) if poly else ny)
            aa = ya[r, c0 : c0 + w]
            ab = ya[r, c1 : c1 + w]
            ba = yb[r, c0 : c0 + w]
            bb = yb[r, c1 : c1 + w]
            orow = out[p, ny]
            if poly:
                for nx in range(w):
                    k = _out_row(nx, w, 1)
                    orow[2 * nx] = aa[k] + s * bb[k]
                    orow[2 * nx + 1] = cs * (ba[k] - s * ab[k])
            else:
                for nx in range(w):
                    orow[2 * nx] = aa[nx] + s * bb[nx]
                    orow[2 * nx + 1] = cs * (ba[nx] - s * ab[nx])


@nb.njit(cache=True, nogil=True)
def rmax_scratch_size(W, q):
    """Elements of the pooling scratch of :func:`_assemble_rmax_cmod`."""
    return 4 * (W + 2 * q)


@nb.njit(cache=True, nogil=True, fastmath={"contract"})
def _assemble_rmax_cmod(ya, yb, rmax, cmod, iv, ih, sign, h, w, g, G, q, pool):
    """RMax and CMod of the packets of strip ``g`` (RMAX_CMOD layout).

    The real part of packet ``(v, u, s)`` on the undecimated grid is
    ``ya + s * yb`` over the rows of y-packet ``v`` and the columns of
    x-packet ``u``; both are polyphase, and undecimated sample ``2n + d`` is
    sample ``n + d // 2`` of phase ``d % 2``. So the max over the window
    centred on ``2n`` is a max over ``2q + 1`` whole rows (along y, for the
    whole strip and both signs at once), then over shifted rows (along x), with
    the ``q`` samples next to each packet edge wrapped periodically.
    """
    width = G * w
    seg = width + 2 * q
    # Outputs whose window wraps around the packet's edge: n + d // 2 outside [0, w).
    left, right = min((q + 1) // 2, w), min(q // 2, w)
    edges = [n for n in range(w) if n < left or n >= w - right]
    vmax = pool[: 4 * seg].reshape(2, 2, seg)  # [sign, x phase, q + column + q]
    nv = ya.shape[0] // (2 * h)
    packet = np.full((nv, G, 2), -1, dtype=np.int64)
    for p in range(iv.size):
        if ih[p] // G == g:
            packet[iv[p], ih[p] % G, 0 if sign[p] > 0 else 1] = p
    for v in range(nv):
        r0 = v * 2 * h
        for ny in range(h):
            for d in range(-q, q + 1):
                r = r0 + (d % 2) * h + (ny + d // 2) % h
                for ph in range(2):
                    a = ya[r, ph * width : (ph + 1) * width]
                    b = yb[r, ph * width : (ph + 1) * width]
                    plus = vmax[0, ph, q : q + width]
                    minus = vmax[1, ph, q : q + width]
                    if d == -q:
                        for c in range(width):
                            plus[c] = a[c] + b[c]
                            minus[c] = a[c] - b[c]
                    else:
                        for c in range(width):
                            plus[c] = max(plus[c], a[c] + b[c])
                            minus[c] = max(minus[c], a[c] - b[c])
            for j in range(G):
                for k in range(2):
                    p = packet[v, j, k]
                    if p < 0:
                        continue
                    s = sign[p]
                    even = vmax[k, 0, q + j * w : q + (j + 1) * w]
                    odd = vmax[k, 1, q + j * w : q + (j + 1) * w]
                    orow = rmax[p, ny]
                    if q == 1:
                        for n in range(1, w):
                            orow[n] = max(max(odd[n - 1], even[n]), odd[n])
                    else:
                        for n in range(left, w - right):
                            m = even[n]
                            for d in range(-q, q + 1):
                                m = max(m, vmax[k, d % 2, q + j * w + n + d // 2])
                            orow[n] = m
                    for n in edges:
                        m = even[n]
                        for d in range(-q, q + 1):
                            m = max(m, vmax[k, d % 2, q + j * w + (n + d // 2) % w])
                        orow[n] = m
                    aa = ya[r0 + ny, j * w : (j + 1) * w]
                    bb = yb[r0 + ny, j * w : (j + 1) * w]
                    ab = ya[r0 + ny, 2 * width + j * w : 2 * width + (j + 1) * w]
                    ba = yb[r0 + ny, 2 * width + j * w : 2 * width + (j + 1) * w]
                    orow = cmod[p, ny]
                    for nx in range(w):
                        re = aa[nx] + s * bb[nx]
                        im = ba[nx] - s * ab[nx]
                        orow[nx] = np.sqrt(re * re + im * im)


@nb.njit(cache=True, parallel=True)
def forward_batch(x, out, types, filt, first, ntaps, shift, level, layout, iv, ih, sign, conj,
                  scratch):
    """Complex coefficients of a batch ``x (B, H, W)``; ``out`` real view ``(B, P, h', 2w')``."""
    B = x.shape[0]
    nthreads = scratch.shape[0]
    dummy = np.empty((1, 1, 1), dtype=x.dtype)
    for t in nb.prange(nthreads):
        for i in range(t, B, nthreads):
            forward_one(x[i], types, filt, first, ntaps, shift, level, layout, scratch[t], out[i],
                        dummy, dummy, iv, ih, sign, conj, 0, scratch[t, :1])


@nb.njit(cache=True, parallel=True)
def rmax_cmod_batch(x, rmax, cmod, types, filt, first, ntaps, shift, level, q, iv, ih, sign,
                    scratch):
    """RMax and CMod of every packet for a batch ``x (B, H, W)``."""
    B, H, W = x.shape
    nthreads = scratch.shape[0]
    used = scratch_size(H, W, level, RMAX_CMOD, x.itemsize)
    dummy = np.empty((1, 1, 1), dtype=x.dtype)
    for t in nb.prange(nthreads):
        pool = scratch[t, used:]
        for i in range(t, B, nthreads):
            forward_one(x[i], types, filt, first, ntaps, shift, level, RMAX_CMOD, scratch[t],
                        dummy, rmax[i], cmod[i], iv, ih, sign, sign, q, pool)


@nb.njit(cache=True, nogil=True)
def _split_coeffs(coeffs, ya, yb, iv, ih, sign, conj, h, w, W):
    """Adjoint of :func:`_assemble_coeffs`, halved: the four trees from the packets."""
    for p in range(iv.size):
        s = sign[p]
        cs = conj[p]
        c0 = ih[p] * w
        for ny in range(h):
            r = iv[p] * h + ny
            crow = coeffs[p, ny]
            aa = ya[r, c0 : c0 + w]
            ab = ya[r, W + c0 : W + c0 + w]
            ba = yb[r, c0 : c0 + w]
            bb = yb[r, W + c0 : W + c0 + w]
            for nx in range(w):
                re = 0.5 * crow[2 * nx]
                im = 0.5 * cs * crow[2 * nx + 1]
                # re = aa + s bb and im = ba - s ab; the partner packet has -s.
                aa[nx] += re
                bb[nx] += s * re
                ba[nx] += im
                ab[nx] -= s * im


def inverse_scratch_size(H, W):
    """Elements of per-image scratch that :func:`inverse_batch` needs."""
    return 10 * H * W


@nb.njit(cache=True, parallel=True)
def inverse_batch(coeffs, x, types, filt, first, ntaps, shift, level, iv, ih, sign, conj, scratch):
    """Images ``x (B, H, W)`` from coefficients (real view ``(B, P, h, 2w)``)."""
    B, H, W = x.shape
    nthreads = scratch.shape[0]
    h = H >> level
    w = W >> level
    n = H * W
    for t in nb.prange(nthreads):
        buf = scratch[t]
        ya = buf[: 2 * n].reshape(H, 2 * W)
        yb = buf[2 * n : 4 * n].reshape(H, 2 * W)
        z = buf[4 * n : 6 * n].reshape(H, 2 * W)
        zb = buf[6 * n : 8 * n].reshape(H, 2 * W)
        p0 = buf[8 * n : 10 * n]
        xt = buf[2 * n : 3 * n].reshape(W, H)
        xr = buf[3 * n : 4 * n].reshape(W, H)
        for i in range(t, B, nthreads):
            ya[:] = 0
            yb[:] = 0
            _split_coeffs(coeffs[i], ya, yb, iv, ih, sign, conj, h, w, W)
            tree_synthesis(ya, z, types[0], filt, first, ntaps, shift, level, p0,
                           buf[6 * n : 8 * n])
            tree_synthesis(yb, zb, types[1], filt, first, ntaps, shift, level, p0, buf[: 2 * n])
            z += zb
            out = x[i]
            out[:] = 0
            for hh in range(2):
                transpose_rows(z[:, hh * W : (hh + 1) * W], xt, 0)
                tree_synthesis(xt, xr, types[hh], filt, first, ntaps, shift, level, p0, zb.ravel())
                for c in range(W):
                    for r in range(H):
                        out[r, c] += 0.25 * xr[c, r]


@nb.njit(cache=True, nogil=True)
def _pair_norms(ymax, ymod, ymax_s, ymod_s, out):
    """``out[p]`` = ||Ymod||^2, ||Ymod-Ymax||^2, ||Ymax'-Ymax||^2, ||Ymod'-Ymod||^2 (float64)."""
    for p in range(ymod.shape[0]):
        mod2 = disc = dmax = dmod = 0.0
        for i in range(ymod.shape[1]):
            for j in range(ymod.shape[2]):
                a = np.float64(ymod[p, i, j])
                r = np.float64(ymax[p, i, j])
                a_s = np.float64(ymod_s[p, i, j])
                r_s = np.float64(ymax_s[p, i, j])
                mod2 += a * a
                disc += (a - r) * (a - r)
                dmax += (r_s - r) * (r_s - r)
                dmod += (a_s - a) * (a_s - a)
        out[p, 0] = mod2
        out[p, 1] = disc
        out[p, 2] = dmax
        out[p, 3] = dmod


@nb.njit(cache=True, parallel=True)
def output_pair_norms(ymax, ymod, n):
    """:func:`_pair_norms` of every pair; ``ymax`` and ``ymod`` hold the ``n``
    images X followed by the ``n`` images X'."""
    out = np.empty((n, ymod.shape[1], 4))
    for b in nb.prange(n):
        _pair_norms(ymax[b], ymod[b], ymax[n + b], ymod[n + b], out[b])
    return out


@nb.njit(cache=True, parallel=True)
def pair_norms_batch(x, xs, types, filt, first, ntaps, shift, level, q, iv, ih, sign, scratch):
    """:func:`_pair_norms` of the pairs ``(x[b], xs[b])`` without storing RMax and CMod.

    Each thread keeps the four outputs of its current pair in its scratch
    (after the :func:`forward_one` and pooling parts).
    """
    n, H, W = x.shape
    nthreads = scratch.shape[0]
    P = iv.size
    h, w = H >> level, W >> level
    used = scratch_size(H, W, level, RMAX_CMOD, x.itemsize)
    pool_end = used + rmax_scratch_size(W, q)
    out = np.empty((n, P, 4))
    for t in nb.prange(nthreads):
        planes = scratch[t, pool_end : pool_end + 4 * P * h * w].reshape(4, P, h, w)
        pool = scratch[t, used:pool_end]
        for b in range(t, n, nthreads):
            forward_one(x[b], types, filt, first, ntaps, shift, level, RMAX_CMOD, scratch[t],
                        planes[0], planes[0], planes[1], iv, ih, sign, sign, q, pool)
            forward_one(xs[b], types, filt, first, ntaps, shift, level, RMAX_CMOD, scratch[t],
                        planes[0], planes[2], planes[3], iv, ih, sign, sign, q, pool)
            _pair_norms(planes[0], planes[1], planes[2], planes[3], out[b])
    return out
