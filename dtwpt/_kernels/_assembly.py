"""Complex packets, RMax/CMod pooling and pair norms from the four real trees.

For a 2D packet with y-packet ``v``, x-packet ``u`` and sign ``s``, write
``ab`` for the y-tree-a / x-tree-b leaves and so on. Its real part is
``aa + s bb`` and its imaginary part ``conj * (ba - s ab)`` (``conj = -1``
for the packets that are conjugated to respond to ``omega_x >= 0``).
"""
import numpy as np

from ._filtering import output_row
from ._jit import kernel
from ._memory import stream_row
from ._scalar import larger, smaller


@kernel(inline="always")
def assemble_coefficients(ya, yb, out, iv, ih, sign, conj, unit, G, K, cw, nph, h, rows, line):
    """Complex packets ``out (P, h', w')`` from the y-leaves of ``unit``: output
    rows ``ny0 + oy .. ny1 + oy`` from rows ``ny0 .. ny1`` of the y-packets
    (``rows = (ny0, ny1, oy)``: a band of the image, or all of it).

    ``ya`` and ``yb`` hold the y-tree a and b leaves of the unit's columns
    (see :mod:`._scratch`); ``h`` is the rows of a y-packet (stored polyphase
    when ``nph == 2``, put back in natural order here). Writing
    complex values, rather than interleaving into a real view, lets the store
    vectorise in float32. With a ``line`` (complex, a row of the unit's
    packets) rather than None, each row is computed there, then streamed
    (:func:`._memory.stream_row`).
    """
    g, k = unit // K, unit % K
    part = nph * cw
    poly = nph == 2
    ny0, ny1, oy = rows
    # Unsigned indices (names starting with u): no negative-index wrapping to
    # check and no view to build per short row, so the loops vectorise.
    upart = np.uint64(part)
    uo = np.uint64(k * part)  # first column of the chunk in a packet's output row
    for p in range(iv.size):
        if ih[p] // G != g:
            continue
        s = sign[p]
        cs = conj[p]
        ua = np.uint64((ih[p] % G) * part)  # x-tree a's columns; x-tree b's follow
        ub = ua + np.uint64(G * part)
        for ny in range(ny0, ny1):
            ur = np.uint64(iv[p] * h + (output_row(ny, h, 1) if poly else ny))
            orow = out[p, ny + oy]
            dst, d0 = (orow, uo) if line is None else (line, np.uint64(0))
            if poly:
                for nx in range(part):
                    j = np.uint64(output_row(nx, part, 1))
                    re = ya[ur, ua + j] + s * yb[ur, ub + j]
                    im = cs * (yb[ur, ua + j] - s * ya[ur, ub + j])
                    dst[d0 + np.uint64(nx)] = complex(re, im)
            else:
                for nx in range(upart):
                    re = ya[ur, ua + nx] + s * yb[ur, ub + nx]
                    im = cs * (yb[ur, ua + nx] - s * ya[ur, ub + nx])
                    dst[d0 + nx] = complex(re, im)
            if line is not None:
                stream_row(orow, uo, line, part)


@kernel(inner=True, fastmath={"contract"})
def pool_rmax_cmod(ya, yb, ya_dec, yb_dec, rmax, cmod, packet_of, sign, h, rows, unit, G, K, cw,
                   halo, pw, window, pool, line):
    """RMax and CMod of the packets of ``unit`` (RMax/CMod layout, see :mod:`._scratch`):
    output rows ``ny0 + oy .. ny1 + oy`` from rows ``ny0 .. ny1`` of the
    y-packets, which have ``h`` rows each (``rows = (ny0, ny1, oy)``: a band
    of the image, or all of it).

    ``packet_of[v, u, k]`` is the packet with y-packet ``v``, x-packet ``u``
    and sign ``+`` (``k = 0``) or ``-`` (``k = 1``). The real part of packet
    ``(v, u, s)`` on the undecimated grid is ``ya + s * yb`` over the rows of
    y-packet ``v`` and the columns of x-packet ``u``; both are polyphase, and
    undecimated sample ``2n + d`` is sample ``n + d // 2`` of phase ``d % 2``.
    So the max over the window centred on ``2n`` is a max over ``2q + 1``
    whole rows (along y, for the whole unit and both signs at once), then over
    shifted rows (along x): whole packets (``K == 1``) wrap the ``q`` samples
    next to their edges periodically, chunks read them from their halo (a
    chunk's part takes ``pw`` columns, from ``halo`` columns before it).

    ``ya`` holds the parts ``[a odd | a even]`` of the unit's x-leaves
    filtered by y-tree a (undecimated), ``ya_dec`` the part ``b even`` filtered
    by y-tree a at the decimated rate (CMod only reads its even rows),
    ``yb`` the parts ``[b even | b odd]`` filtered by y-tree b and
    ``yb_dec`` the part ``a even`` (``x-tree`` letters; see :mod:`._scratch`).

    The window's half-width ``q`` is ``window``, or 1 if ``window`` is None:
    Numba then compiles the default window only (the branches on ``q`` fold
    away), and another window compiles a variant of its own.

    With a ``line`` (two rows of ``cw`` values) rather than None, each output
    row is computed there, then streamed (:func:`._memory.stream_row`).
    """
    q = 1 if window is None else window
    g, chunk = unit // K, unit % K
    width = G * pw
    seg = width + 2 * q
    vmax = pool[: 4 * seg].reshape(2, 2, seg)  # [sign, x phase, q + column + q]
    # Outputs whose window leaves the packet (n + d // 2 outside [0, cw)) wrap.
    left, right = (0, 0) if halo else (smaller((q + 1) // 2, cw), smaller(q // 2, cw))
    nv = ya.shape[0] // (2 * h)
    # The hot loops index with unsigned integers (names starting with u): no
    # negative-index wrapping to check and no view to build per short row, and
    # they vectorise.
    uwidth, ucw, uq = np.uint64(width), np.uint64(cw), np.uint64(q)
    uo = np.uint64(chunk * cw)  # first output column of the unit's packets
    ny0, ny1, oy = rows
    for v in range(nv):
        r0 = v * 2 * h
        for ny in range(ny0, ny1):
            # The window's 2q + 1 rows (undecimated offsets d = -q .. q, row
            # n + d // 2 of phase d % 2): the first three set the maxima in one
            # sweep (all of the default q = 1), then two at a time update them
            # (q = 0: the one row three times).
            for k in range(larger(q, 1)):
                d0 = -q if k == 0 else 2 * k - q
                d1, d2 = smaller(d0 + 1, q), smaller(d0 + 2, q)
                ur0 = np.uint64(r0 + (d0 % 2) * h + (ny + d0 // 2) % h)
                ur1 = np.uint64(r0 + (d1 % 2) * h + (ny + d1 // 2) % h)
                ur2 = np.uint64(r0 + (d2 % 2) * h + (ny + d2 // 2) % h)
                for ph in range(2):  # x phase: even, odd
                    ua, ub = np.uint64((1 - ph) * width), np.uint64(ph * width)
                    plus, minus = vmax[0, ph], vmax[1, ph]
                    if k == 0:
                        for c in range(uwidth):
                            a0, b0 = ya[ur0, ua + c], yb[ur0, ub + c]
                            a1, b1 = ya[ur1, ua + c], yb[ur1, ub + c]
                            a2, b2 = ya[ur2, ua + c], yb[ur2, ub + c]
                            plus[uq + c] = larger(larger(a0 + b0, a1 + b1), a2 + b2)
                            minus[uq + c] = larger(larger(a0 - b0, a1 - b1), a2 - b2)
                    elif window is not None:  # rows d1 and d2 (k > 0: q > 1)
                        for c in range(uwidth):
                            a1, b1 = ya[ur1, ua + c], yb[ur1, ub + c]
                            a2, b2 = ya[ur2, ua + c], yb[ur2, ub + c]
                            plus[uq + c] = larger(larger(plus[uq + c], a1 + b1), a2 + b2)
                            minus[uq + c] = larger(larger(minus[uq + c], a1 - b1), a2 - b2)
            urow, udec = np.uint64(r0 + ny), np.uint64(v * h + ny)  # even rows
            for j in range(G):
                base = q + j * pw + halo  # the packet's (chunk's) samples in vmax
                ubase, uprev = np.uint64(base), np.uint64(base - 1)
                # Its even samples of x-trees a and b: a even in ya (columns
                # ca), b even in yb, ya_dec and a even in yb_dec (columns cb).
                cb = np.uint64(j * pw + halo)
                ca = cb + uwidth
                # CMod of both signs, from one read of the four leaves: the
                # moduli of the decimated complex packets.
                p_plus, p_minus = packet_of[v, g * G + j, 0], packet_of[v, g * G + j, 1]
                s = sign[p_plus]  # the other packet's sign is -s
                mod_plus, mod_minus = cmod[p_plus, ny + oy], cmod[p_minus, ny + oy]
                if line is None:
                    dst_plus, dst_minus, d0 = mod_plus, mod_minus, uo
                else:
                    dst_plus, dst_minus, d0 = line[:cw], line[cw : 2 * cw], np.uint64(0)
                for nx in range(ucw):
                    aa, bb = ya[urow, ca + nx], yb[urow, cb + nx]
                    ba, ab = yb_dec[udec, cb + nx], ya_dec[udec, cb + nx]
                    re, im = aa + s * bb, ba - s * ab
                    dst_plus[d0 + nx] = np.sqrt(re * re + im * im)
                    re, im = aa - s * bb, ba + s * ab
                    dst_minus[d0 + nx] = np.sqrt(re * re + im * im)
                if line is not None:
                    stream_row(mod_plus, uo, dst_plus, cw)
                    stream_row(mod_minus, uo, dst_minus, cw)
                for k in range(2):
                    p = packet_of[v, g * G + j, k]
                    even, odd = vmax[k, 0], vmax[k, 1]
                    # RMax: the max along x over the window of each output.
                    orow = rmax[p, ny + oy]
                    dst, d0 = (orow, uo) if line is None else (line, np.uint64(0))
                    if window is None:  # q = 1: odd samples n - 1 and n, even sample n
                        for n in range(np.uint64(left), ucw):
                            left_odd, centre = odd[uprev + n], even[ubase + n]
                            dst[d0 + n] = larger(larger(left_odd, centre), odd[ubase + n])
                    else:
                        for n in range(left, cw - right):
                            m = even[base + n]
                            for d in range(-q, q + 1):
                                m = larger(m, vmax[k, d % 2, base + n + d // 2])
                            dst[d0 + np.uint64(n)] = m
                    # The wrapped outputs: n < left and n >= tail.
                    tail = larger(cw - right, left)
                    for i in range(left + cw - tail):
                        n = i if i < left else tail + i - left
                        m = even[base + n]
                        for d in range(-q, q + 1):
                            m = larger(m, vmax[k, d % 2, base + (n + d // 2) % cw])
                        dst[d0 + np.uint64(n)] = m
                    if line is not None:
                        stream_row(orow, uo, line, cw)


@kernel(inner=True)
def split_coefficients(coeffs, ya, yb, packet_of, conj, half, bound, unit, G, K, cw, h, oy):
    """Adjoint of :func:`assemble_coefficients` (decimated), scaled by ``2 * half``:
    the y-leaves of ``unit`` from the complex packets ``coeffs (P, h', w)``,
    ``h`` rows per y-packet from coefficient row ``oy`` on (periodic: a band
    of the image and the rows around it, or all of it).
    ``half`` and ``bound`` are in the coefficients' real dtype (a literal would
    turn float32 arithmetic into float64). Returns how many real and imaginary
    parts it read are NaN or beyond ``bound`` in magnitude (an integer count:
    the check stays vectorised).

    The packets ``p`` (sign +) and ``m`` (sign -) of a (y-packet, x-packet)
    pair share their four leaves: ``aa = (Re p + Re m) / 2``,
    ``bb = (Re p - Re m) / 2``, ``ba = (Im p + Im m) / 2`` and
    ``ab = (Im m - Im p) / 2``, with ``Im`` unconjugated (``half = 1 / 2``);
    see ``packet_of`` in :func:`pool_rmax_cmod`. Reading complex values
    (unsigned indices, as in :func:`assemble_coefficients`) lets the loads
    vectorise.
    """
    g, k = unit // K, unit % K
    uo, ucw = np.uint64(k * cw), np.uint64(cw)
    outside = 0
    for v in range(packet_of.shape[0]):
        for j in range(G):
            p, m = packet_of[v, g * G + j, 0], packet_of[v, g * G + j, 1]
            cp, cm = half * conj[p], half * conj[m]
            ua = np.uint64(j * cw)  # columns of x-tree a's leaves; x-tree b's follow
            ub = ua + np.uint64(G * cw)
            for ny in range(h):
                ur = np.uint64(v * h + ny)
                row = (ny + oy) % coeffs.shape[1]
                prow, mrow = coeffs[p, row], coeffs[m, row]
                for nx in range(ucw):
                    zp, zm = prow[uo + nx], mrow[uo + nx]
                    outside += ((not abs(zp.real) <= bound) + (not abs(zp.imag) <= bound)
                                + (not abs(zm.real) <= bound) + (not abs(zm.imag) <= bound))
                    rp, rm = half * zp.real, half * zm.real
                    ip, im = cp * zp.imag, cm * zm.imag
                    ya[ur, ua + nx] = rp + rm  # aa
                    yb[ur, ub + nx] = rp - rm  # bb
                    yb[ur, ua + nx] = ip + im  # ba
                    ya[ur, ub + nx] = im - ip  # ab
    return outside


@kernel(inner=True)
def pair_norms(ymax, ymod, ymax_s, ymod_s, out):
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
