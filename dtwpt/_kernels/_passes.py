"""Pass drivers: the x-pass of a row strip, the y-pass of a unit, and the
per-thread work functions that the batch drivers call (see :mod:`._scratch`
for the geometry and the buffers).

Every work function takes ranges: images ``i0, i1``, bands ``b0, b1``, image
rows ``r0, r1`` (x-pass) and units ``u0, u1`` (y-pass). Its jobs, the
(image, band) pairs of those ranges, are taken on demand: a thread goes
through them in order and does those whose flag in ``taken`` it is the first
to raise (:func:`._atomic.take`), so that threads sharing the flags share the
jobs as they come free, and a thread with flags of its own does them all. A
thread that owns whole images (or bands) passes all the rows and units.
Threads that share one band of the transforms first split its rows (x-pass
only), then its units (y-pass only), in two calls with a flag of their own.
RMax/CMod's threads share every band in one call: each step of a band (an
x-pass strip, then a unit) is a job, and a thread waits, before the band's
first unit, for the strips that others took to be done, and before the next
band, for the units (see :func:`_band_step`). Each work function runs the
x-pass strips and the y-pass units as steps of one loop with one call of the
filter (or synthesis) tree, whose code is then compiled once.
"""

import numpy as np

from ._assembly import (
    assemble_coefficients,
    pair_norms,
    pool_rmax_cmod,
    split_coefficients,
)
from ._atomic import arrive, arrived, give_way, take
from ._filtering import (
    analysis_level,
    transpose_rows,
    transpose_values,
    tree_analysis,
    tree_synthesis,
)
from ._jit import kernel
from ._memory import store_fence
from ._scalar import larger, smaller


@kernel(inline="always")
def _transposed_strip(x, r0, n, xt, tiles=True):
    """Rows ``r0 .. r0 + n`` of ``x`` transposed into ``xt``: a ``(W, n)`` view
    (``tiles``: None to transpose value by value, see :func:`_scatter_rmax_units`)."""
    W = x.shape[1]
    strip = xt[: W * n].reshape(W, n)
    origin = 0 * r0  # a run-time zero: a literal 0 would compile another transpose
    if tiles is None:
        transpose_values(x[r0 : r0 + n], strip, origin)
    else:
        transpose_rows(x[r0 : r0 + n], strip, origin)
    return strip


@kernel(inline="always")
def _band_rows(b, band, top, bottom, H):
    """The image row of the first row of band ``b``'s units (``top`` rows above
    the band, periodic: may be negative) and the rows of its units (see
    :class:`._scratch.Geometry`)."""
    return b * band - top, smaller(band, H - b * band) + top + bottom


@kernel(inline="always")
def _taken(taken, i, i0, b, b0, b1):
    """Whether job ``(i, b)`` was taken by another thread (see the module
    docstring); if not, it is taken now."""
    return take(taken, (i - i0) * (b1 - b0) + b - b0) != 0


#: Reads of a count that a waiting thread makes before it gives its processor
#: away between reads (:func:`._atomic.give_way`): a few microseconds.
SPINS = 2000


@kernel(inline="always")
def _wait(counts, index, value):
    """Until ``counts[index]`` reaches ``value``: the steps it counts are done,
    and their writes visible (see :func:`._atomic.arrived`). Only steps that
    a running thread has taken are waited for; after :data:`SPINS` reads, the
    thread gives its processor away between reads, so that a thread it
    waits for gets it if it needs it."""
    spins = 0
    while arrived(counts, index) < value:
        if spins < SPINS:
            spins += 1
        else:
            give_way()


#: What :func:`_band_step` does.
TAKE, TAKE_AFTER_STRIPS, STRIP_DONE, UNIT_DONE, BAND_DONE = 0, 1, 2, 3, 4


@kernel(inner=True)
def _band_step(steps, base, what, k):
    """The steps of a band that threads share (see the module docstring):
    ``steps[base]`` and ``steps[base + 1]`` count the band's strips and units
    done, ``steps[base + 1 + k]`` is the flag of step ``k`` (1-based: x-pass
    strips, then units; see :func:`._atomic.take`). ``what``:

    - TAKE: whether the calling thread does step ``k``;
    - TAKE_AFTER_STRIPS: the same for the band's first unit (step ``k``,
      after ``k - 1`` strips), once every strip is done (the units hold what
      the strips wrote): the thread waits only for strips that others took,
      each a step that another thread is running;
    - STRIP_DONE, UNIT_DONE: counts one more strip or unit done;
    - BAND_DONE: waits for ``k`` units to be done (the next band's strips
      overwrite them).

    With ``steps`` empty (threads with whole images), it does nothing and
    every step is the caller's. Called rather than inlined: its code is
    compiled once for its three call sites.
    """
    if steps.size == 0:
        return True
    if what == TAKE_AFTER_STRIPS:
        _wait(steps, base, k - 1)
    if what <= TAKE_AFTER_STRIPS:
        return take(steps, base + 1 + k) == 0
    if what <= UNIT_DONE:
        arrive(steps, base + what - STRIP_DONE)
    else:
        _wait(steps, base + 1, k)
    return True


@kernel(inner=True)
def _carry_rows(unit, first, n):
    """Rows ``first .. first + n`` of a unit copied to rows ``0 .. n``.

    Consecutive bands share ``n = top + bottom`` image rows: the last rows of
    a band's units (from row ``first = band`` on) are the first rows of the
    next band's. Their x-pass results do not depend on the band, so the
    next band takes them from here rather than filtering them again (a fifth
    of a band's x-pass at :math:`J = 3`). RMax/CMod carries each unit once
    its y-pass is done, by the thread that did it (the next band's strips
    start after every unit is done); the forward transform carries its
    units when a thread takes the band after the one they hold.
    """
    ncols = unit.shape[1]
    for row in range(n):
        for c in range(ncols):
            unit[row, c] = unit[first + row, c]


@kernel(inline="always")
def _strip_rows(r, last, R, start, H):
    """Rows of the x-pass strip that starts at row ``r`` of a band's units
    (image row ``start + r``, periodic): at most ``R``, up to ``last``, and
    not across image row 0 or ``H``, so that it is contiguous in the image (a
    band's units hold fewer than ``2 H`` rows)."""
    n = smaller(R, last - r)
    if r < -start < r + n:
        n = -start - r
    if r < H - start < r + n:
        n = H - start - r
    return n


@kernel(inline="always")
def _scatter_units(leaves, t, z, r0, r1, level, G, K, cw, nph):
    """x-tree ``t``'s leaves of rows ``r0:r1`` scattered into the units ``z``."""
    w = K * cw
    for ih in range(1 << level):
        block = leaves[ih * nph * w : (ih + 1) * nph * w]
        col = (t * G + ih % G) * nph * cw
        for k in range(K):
            rows = z[(ih // G) * K + k, r0:r1]
            for ph in range(nph):
                transpose_rows(block[ph * w + k * cw : ph * w + (k + 1) * cw], rows,
                               col + ph * cw)


@kernel(inner=True)
def _scatter_rmax_units(leaves, t, z, r0, r1, level, G, K, cw, halo, pw, tiles):
    """Undecimated x-tree ``t``'s leaves of rows ``r0:r1`` scattered into the
    units ``z`` of the RMax/CMod layout (x-tree a's odd and even parts, then
    x-tree b's even and odd ones): ``pw`` columns of a part's chunk, from
    ``halo`` columns before it on (periodic).

    ``tiles``: None to transpose value by value (:func:`transpose_values`),
    anything else for :func:`transpose_rows`, in tiles (Numba compiles the
    one that is used). :func:`rmax_cmod_work` passes its row buffer for
    streamed outputs: large images, whose units live in the shared cache,
    where the tiles' whole-row stores ran the x-pass 1.3-1.5 times faster; on
    batches of 224² images the tiled scatter ran 1.05 times slower (as a
    whole call), and the tiled image strips 1.02 times faster, less than
    the 0.09 s they took to compile in the first call.
    """
    w = K * cw
    for ih in range(1 << level):
        j = ih % G
        block = leaves[ih * 2 * w : (ih + 1) * 2 * w]
        for k in range(K):
            rows = z[(ih // G) * K + k, r0:r1]
            for ph in range(2):  # even, odd; one call site
                part = 1 + t if ph == 0 else 3 * t
                _scatter_periodic(block[ph * w : (ph + 1) * w], k * cw - halo, pw, rows,
                                  (part * G + j) * pw, tiles)


@kernel(inline="always")
def _scatter_periodic(phase, start, length, dst, col0, tiles):
    """Rows ``start .. start + length`` of ``phase``, taken periodically
    (``start`` may be negative), transposed to columns ``col0 ..`` of ``dst``
    (``tiles``: see :func:`_scatter_rmax_units`)."""
    n = phase.shape[0]
    pos = start % n
    done = 0
    while done < length:
        m = smaller(length - done, n - pos)
        if tiles is None:
            transpose_values(phase[pos : pos + m], dst, col0 + done)
        else:
            transpose_rows(phase[pos : pos + m], dst, col0 + done)
        done += m
        pos = 0


@kernel()
def coefficient_work(x, out, taken, i0, i1, r0, r1, u0, u1, b0, b1, lead, bank, types, level,
                     packets, geo, z, xt, xbuf0, xbuf1, ybuf, line):
    """Complex packets ``out (B, P, h', w')`` of images ``i0:i1``, bands ``b0:b1``
    (the jobs not ``taken`` yet), each image's bands from band ``b0 + lead`` on
    (cyclically), so that threads on one image take runs of consecutive bands.
    With streamed outputs (large images), a band that follows the band in the
    thread's units takes the rows it shares with it from them (see
    :func:`_carry_rows`).

    ``line``: None, or a complex buffer of a row of a unit's packets to
    stream the rows through (see :func:`assemble_coefficients`).
    ``packets = (iv, ih, sign, conj)``; ``geo = (G, K, cw, nph, R, band, top,
    bottom)`` (see :mod:`._scratch`); ``r0:r1`` are rows of a band's units
    (clipped to the band). The x-pass strips and the y-pass units are jobs of
    one loop, so that the tree's code is compiled once (one call site).
    """
    iv, ih, sign, conj = packets
    G, K, cw, nph, R, band, top, bottom = geo
    filt, first, ntaps, shift = bank
    H = x.shape[1]
    # Three y-buffers suffice: y-tree a ends in ybuf[(level - 1) % 2], and y-tree b
    # uses ybuf[2] and the other one.
    spare = 1 if (level - 1) % 2 == 0 else 0
    nb = b1 - b0
    held = -1  # the job (image, band) whose rows the units hold
    for i in range(i0, i1):
        for k in range(nb):
            b = b0 + (k + lead) % nb
            if _taken(taken, i, i0, b, b0, b1):
                continue
            # The band's units hold image rows start .. start + rows (periodic);
            # its output rows are the y-packets' rows ny0 .. ny1, moved by oy.
            start, rows = _band_rows(b, band, top, bottom, H)
            out_rows = (nph * (top >> level), nph * ((rows - bottom) >> level),
                        nph * (start >> level))
            r, u, last = r0, u0, smaller(r1, rows)
            job = (i - i0) * nb + b - b0
            if line is not None:
                if b > b0 and held == job - 1:  # the band before: rows it shares are here
                    for unit in range(z.shape[0]):
                        _carry_rows(z[unit], band, top + bottom)
                    r = larger(r0, top + bottom)
            held = job
            while r < last or u < u1:  # x-pass strips, then y-pass units
                on_x = r < last
                n = _strip_rows(r, last, R, start, H)
                src = _transposed_strip(x[i], (start + r + H) % H, n, xt) if on_x \
                    else z[u, :rows]
                ya = yb = src
                for t in range(2):
                    buf0 = xbuf0 if on_x else (ybuf[0] if t == 0 else ybuf[2])
                    buf1 = xbuf1 if on_x else (ybuf[1] if t == 0 else ybuf[spare])
                    leaves = tree_analysis(src, 0, src.shape[1], types[t], filt, first, ntaps,
                                           shift, level, 3 - nph, buf0, buf1)
                    if on_x:
                        _scatter_units(leaves, t, z, r, r + n, level, G, K, cw, nph)
                    elif t == 0:
                        ya = leaves
                    else:
                        yb = leaves
                if on_x:
                    r += n
                else:
                    assemble_coefficients(ya, yb, out[i], iv, ih, sign, conj, u, G, K, cw, nph,
                                          (rows >> level) * nph, out_rows, line)
                    u += 1
    if line is not None:
        store_fence()


@kernel(fastmath={"contract"})
def rmax_cmod_work(x, xs, rmax, cmod, norms, taken, steps, i0, i1, r0, r1, u0, u1, b0, b1,
                   bank, types, level, window, packet_of, sign, geo, z, xt, xbuf0, xbuf1, ybuf,
                   pool, line):
    """RMax and CMod ``(B, P, h, w)`` of images ``i0:i1``, bands ``b0:b1`` (the
    images not ``taken`` yet; pairs: one band), or, if ``steps`` is not empty,
    the steps of every image and band that threads sharing them leave (see
    :func:`_band_step`);
    ``geo = (G, K, cw, halo, pw, R, band, top, bottom)`` (see :mod:`._scratch`);
    ``r0:r1`` are rows of a band's units (clipped to the band); ``window``:
    the pooling window's half-width, None for 1 (see :func:`pool_rmax_cmod`).

    With pairs (``norms`` an array rather than None), ``norms[i]`` (see
    :func:`pair_norms`) of the pairs ``(x[i], xs[i])`` instead, RMax and CMod
    of the current pair in ``rmax (2, P, h, w)`` and ``cmod (2, P, h, w)``
    (Numba compiles the pair code only then: it prunes the branches on
    ``norms is None``). ``line``: None, or a buffer of two rows of a chunk to
    stream the output rows through (see :func:`pool_rmax_cmod`).
    """
    G, K, cw, halo, pw, R, band, top, bottom = geo
    filt, first, ntaps, shift = bank
    H = x.shape[1]
    part = G * pw  # y-tree a reads parts 0-2 of a unit, y-tree b parts 1-3
    spare = 1 if (level - 1) % 2 == 0 else 0  # y-tree b's second buffer (see coefficient_work)
    stride = 0  # of a band's counts and flags in steps; 0: each thread takes whole images
    if steps is not None:
        stride = steps.size // larger(1, (i1 - i0) * (b1 - b0))
    for i in range(i0, i1):
        if stride == 0 and take(taken, i - i0) != 0:  # pairs never run in bands
            continue
        for s in range(1 if norms is None else 2):
            image = x[i] if s == 0 else xs[i]
            o = i if norms is None else s
            for b in range(b0, b1):
                # The band's units hold image rows start .. start + rows
                # (periodic); its output rows are those of y-packet rows
                # ny0 .. ny1, moved by oy.
                start, rows = _band_rows(b, band, top, bottom, H)
                out_rows = (top >> level, (rows - bottom) >> level, (start >> level))
                r, u, last = r0, u0, smaller(r1, rows)
                # (Numba removes the code on steps when it is None: the kernels
                # that batches use compile without it.)
                if steps is not None:
                    base = ((i - i0) * (b1 - b0) + b - b0) * stride
                    step = 0
                    if b > b0:  # the rows shared with the band before are in the units
                        r = larger(r0, top + bottom)  # (see _carry_rows)
                while r < last or u < u1:  # x-pass strips, then y-pass units
                    on_x = r < last
                    n = _strip_rows(r, last, R, start, H)
                    if steps is not None:
                        step += 1
                        if not _band_step(steps, base,
                                          TAKE if on_x or u > u0 else TAKE_AFTER_STRIPS, step):
                            if on_x:  # another thread's step
                                r += n
                            else:
                                u += 1
                            continue
                    src = _transposed_strip(image, (start + r + H) % H, n, xt, line) if on_x \
                        else z[u, :rows]
                    ya = yb = ya_dec = yb_dec = src
                    for t in range(2):
                        buf0 = xbuf0 if on_x else (ybuf[0] if t == 0 else ybuf[2])
                        buf1 = xbuf1 if on_x else (ybuf[1] if t == 0 else ybuf[spare])
                        # The y-trees stop a level short: their last level follows.
                        leaves = tree_analysis(src, 0 if on_x else t * part,
                                               src.shape[1] if on_x else 3 * part, types[t],
                                               filt, first, ntaps, shift,
                                               level if on_x else level - 1, 1 if on_x else 2,
                                               buf0, buf1)
                        if on_x:
                            _scatter_rmax_units(leaves, t, z, r, r + n, level, G, K, cw, halo, pw,
                                                line)
                            continue
                        # The last y level: undecimated on the two parts whose RMax is
                        # pooled (x-tree a's for y-tree a, x-tree b's for y-tree b),
                        # decimated on the part only CMod reads (y-tree a on x-tree b's
                        # even samples, y-tree b on x-tree a's): the even outputs of
                        # an undecimated level are the decimated level's outputs.
                        last_buf = buf0 if (level - 1) % 2 == 0 else buf1
                        und = last_buf[: 4 * rows * part].reshape(2 * rows, 2 * part)
                        dec = last_buf[4 * rows * part : 5 * rows * part].reshape(rows, part)
                        col = t * part if level == 1 else 0  # where the level's input starts
                        one = 1 + 0 * level  # strides 1 and 2 at run time: literals would
                        # compile two more copies of analysis_level
                        analysis_level(leaves, np.uint64(col + t * part), und,
                                       types[t][level - 1], filt, first, ntaps, shift,
                                       rows >> (level - 1), one)
                        analysis_level(leaves, np.uint64(col + 2 * part * (1 - t)), dec,
                                       types[t][level - 1], filt, first, ntaps, shift,
                                       rows >> (level - 1), 2 * one)
                        if t == 0:
                            ya, ya_dec = und, dec
                        else:
                            yb, yb_dec = und, dec
                    if on_x:
                        r += n
                    else:
                        pool_rmax_cmod(ya, yb, ya_dec, yb_dec, rmax[o], cmod[o], packet_of,
                                       sign, rows >> level, out_rows, u, G, K, cw, halo, pw,
                                       window, pool, line)
                        if steps is not None:
                            if b + 1 < b1:
                                _carry_rows(z[u], band, top + bottom)
                        u += 1
                    if steps is not None:
                        _band_step(steps, base, STRIP_DONE if on_x else UNIT_DONE, step)
                if steps is not None:
                    _band_step(steps, base, BAND_DONE, u1 - u0)
        if norms is not None:
            pair_norms(rmax[0], cmod[0], rmax[1], cmod[1], norms[i])
    if line is not None:
        store_fence()


@kernel()
def inverse_work(coeffs, x, taken, i0, i1, u0, u1, r0, r1, b0, b1, bank, types, level,
                 packets, geo, z, ya, yb, ytmp, ybuf, xleaves, xbuf0, xbuf1, xr):
    """Images ``x[i]`` from complex coefficients ``(B, P, h, w)``, ``i`` in
    ``i0:i1``, bands ``b0:b1`` (the jobs not ``taken`` yet).

    The forward passes run backwards: units ``u0:u1`` are split into y-leaves
    ``ya, yb`` (trees a and b), synthesised along y and summed into the unit
    storage ``z``; then rows ``r0:r1`` of the units (clipped to the band's
    own rows) are gathered per x-tree, synthesised along x and summed into
    ``x``. The x-sum's factor 1/4 is applied with the split's 1/2 (a power of
    two scales every rounding exactly). ``packets = (packet_of, conj, eighth,
    bound)`` (see :func:`split_coefficients`; 0.125 and the value bound in the
    dtype of ``x``); ``geo = (G, K, cw, R, band, top, bottom)``; ``ytmp`` is
    y-tree a's second buffer. Returns how many coefficient parts its units
    read are NaN or beyond ``bound`` (see :func:`split_coefficients`).
    """
    filt, first, ntaps, shift = bank
    packet_of, conj, eighth, bound = packets
    G, K, cw, R, band, top, bottom = geo
    H, W = x.shape[1:]
    w = K * cw
    nunits = u1 - u0
    outside = 0
    for i in range(i0, i1):
        for b in range(b0, b1):
            if _taken(taken, i, i0, b, b0, b1):
                continue
            # The band's units hold image rows start .. start + rows (periodic),
            # exact in rows top .. rows - bottom.
            start, rows = _band_rows(b, band, top, bottom, H)
            lo, hi = larger(r0, top), smaller(r1, rows - bottom)
            nstrips = larger(0, (hi - lo + R - 1) // R)
            ya_b, yb_b, ytmp_b = ya[:rows], yb[:rows], ytmp[:rows]
            # y-pass units, then x-pass strips: one loop with one call of the
            # synthesis tree, whose code is then compiled once.
            for job in range(nunits + nstrips):
                on_y = job < nunits
                u = u0 + job
                r = lo + (job - nunits) * R
                n = smaller(R, hi - r) if not on_y else 0  # rows of the strip
                leaves = xleaves[: W * n].reshape(W, n)
                image = xr[: W * n].reshape(W, n)  # the x-trees' sum
                if on_y:
                    outside += split_coefficients(coeffs[i], ya_b, yb_b, packet_of, conj, eighth,
                                                  bound, u, G, K, cw, rows >> level,
                                                  start >> level)
                for t in range(2):
                    if not on_y:  # x-tree t's leaves, gathered from the units
                        for ih in range(1 << level):
                            col = (t * G + ih % G) * cw
                            for k in range(K):
                                unit = z[(ih // G) * K + k, r : r + n, col : col + cw]
                                transpose_rows(unit,
                                               leaves[ih * w + k * cw : ih * w + (k + 1) * cw],
                                               0 * r)
                    tree_synthesis((ya_b if t == 0 else yb_b) if on_y else leaves,
                                   z[u, :rows] if on_y else image, types[t], filt, first, ntaps,
                                   shift, level, ybuf if on_y else xbuf0,
                                   (ytmp_b if t == 0 else ya_b).reshape(ya_b.size) if on_y
                                   else xbuf1, t == 1)
                if not on_y:  # 0 * r: see _transposed_strip
                    transpose_rows(image, x[i, start + r : start + r + n], 0 * r)
    return outside


@kernel()
def output_pair_norms_work(ymax, ymod, n, norms, taken):
    """``norms[i]`` of the pairs (image ``i``, image ``n + i``), ``i < n``, not
    ``taken`` yet."""
    for i in range(n):
        if take(taken, i) == 0:
            pair_norms(ymax[i], ymod[i], ymax[n + i], ymod[n + i], norms[i])
