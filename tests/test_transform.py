"""Tests for dtwpt.transform: the 2D and 1D dual-tree complex wavelet packet transforms.

The NumPy oracle is dtwpt._reference (written independently of the Numba kernels);
frequency properties are measured from equivalent kernels obtained by transforming
unit impulses, never from the tile formula itself.
"""
import dataclasses

import numpy as np
import pytest
import pywt

from dtwpt import tree
from dtwpt._reference import (
    dtcwpt2_reference,
    dtcwpt_reference,
    filter_periodic,
    real_tree_1d,
    real_trees_2d,
)
from dtwpt.filters import dual_tree_filters, list_wavelets
from dtwpt.transform import Packets2D, dtcwpt, dtcwpt2, idtcwpt, idtcwpt2

WAVELETS = list_wavelets()
LEVELS = (1, 2, 3, 4)
PI = np.pi


def rand(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def assert_reconstructs(x, rec, check_dtype=True):
    assert rec.shape == x.shape
    if check_dtype:
        assert rec.dtype == x.dtype
    if x.dtype == np.float32:
        err = np.linalg.norm((rec - x).astype(np.float64)) / np.linalg.norm(x.astype(np.float64))
        assert err < 1e-5
    else:
        np.testing.assert_allclose(rec, x, rtol=0, atol=1e-12)


# ------------------------------------------------------------------ perfect reconstruction
PR_CASES = [
    ("periodization", (32, 48)),
    ("periodization", (3, 2, 32, 48)),
    ("symmetric", (37, 50)),
    ("symmetric", (33, 33)),
    ("symmetric", (5, 7)),
    ("symmetric", (3, 2, 32, 48)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode, shape", PR_CASES)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("wavelet", WAVELETS)
def test_perfect_reconstruction_2d(wavelet, level, mode, shape, dtype):
    x = rand(shape, level, dtype)
    p = dtcwpt2(x, level, wavelet=wavelet, mode=mode)
    assert p.coeffs.dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    assert p.coeffs.shape[: len(shape) - 2] == shape[:-2]
    assert p.coeffs.shape[-3] == 2 * 4**level
    assert_reconstructs(x, idtcwpt2(p))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode, shape", PR_CASES[::2] + PR_CASES[3:4])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("wavelet", ["qshift_a", "qshift_d"])
def test_perfect_reconstruction_2d_db5(wavelet, level, mode, shape, dtype):
    x = rand(shape, level, dtype)
    assert_reconstructs(x, idtcwpt2(dtcwpt2(x, level, wavelet=wavelet, packet_wavelet="db5",
                                            mode=mode)))


@pytest.mark.parametrize("mode", ["periodization", "symmetric"])
def test_perfect_reconstruction_custom_lowpass(mode):
    h = np.asarray(pywt.Wavelet("db4").dec_lo)[::-1]
    x = rand((32, 48))
    assert_reconstructs(x, idtcwpt2(dtcwpt2(x, 3, wavelet=h, mode=mode)))


PR_1D_CASES = [
    ("periodization", (64,), -1),
    ("periodization", (48, 3), 0),
    ("symmetric", (37,), -1),
    ("symmetric", (2, 45, 3), 1),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode, shape, axis", PR_1D_CASES)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("wavelet", WAVELETS)
def test_perfect_reconstruction_1d(wavelet, level, mode, shape, axis, dtype):
    x = rand(shape, level, dtype)
    p = dtcwpt(x, level, wavelet=wavelet, mode=mode, axis=axis)
    assert p.coeffs.shape[-2] == 2**level
    # dtypes are checked once, in test_dtypes_1d
    assert_reconstructs(x, idtcwpt(p), check_dtype=False)


@pytest.mark.parametrize("level", [1, 3])
def test_perfect_reconstruction_1d_db5(level):
    x = rand((2, 40))
    assert_reconstructs(x, idtcwpt(dtcwpt(x, level, packet_wavelet="db5", mode="symmetric")))


# ------------------------------------------------------------------ tight frame
@pytest.mark.parametrize("wavelet", ["qshift_a", "qshift_c"])
@pytest.mark.parametrize("level", LEVELS)
def test_tight_frame(wavelet, level):
    x = rand((2, 32, 48), level)
    c = dtcwpt2(x, level, wavelet=wavelet).coeffs
    assert np.sum(np.abs(c) ** 2) == pytest.approx(8 * np.sum(x**2), rel=1e-12)
    c1 = dtcwpt(x, level, wavelet=wavelet).coeffs
    assert np.sum(np.abs(c1) ** 2) == pytest.approx(2 * np.sum(x**2), rel=1e-12)


# ------------------------------------------------------------------ equivalent kernels
def kernels_2d(level, n=128, **kw):
    """Periodic equivalent complex kernels K_p on an n x n grid, from impulse responses.

    Coefficient m of a level-J packet responds to a unit impulse at t through
    K_p[t - 2**J m]; impulses at every t in [0, 2**J)^2 cover all residues.
    """
    s = 2**level
    imp = np.zeros((s, s, n, n))
    t = np.arange(s)
    imp[t[:, None], t[None, :], t[:, None], t[None, :]] = 1
    c = dtcwpt2(imp, level, **kw).coeffs  # (s, s, P, n/s, n/s)
    k = np.zeros((c.shape[2], n, n), complex)
    m = np.arange(n // s)
    for ty in range(s):
        for tx in range(s):
            k[:, (ty - s * m[:, None]) % n, (tx - s * m[None, :]) % n] = c[ty, tx]
    return k


def energy_spectrum(k):
    """|sum_t K[t] exp(1j <omega, t>)|^2 on the DFT grid (convention of dtwpt.tree)."""
    n = k.shape[-1]
    return np.abs(np.fft.ifft2(k) * n * n) ** 2


def test_impulse_kernels_match_1d_kernels():
    """Sanity check of kernels_2d: separable products of tree.equivalent_kernels_1d."""
    level, n = 2, 64
    k = kernels_2d(level, n)
    f = dual_tree_filters("qshift_a")
    ka, kb = (tree.equivalent_kernels_1d(f, level, t) for t in "ab")
    wrap = np.zeros((2, ka.shape[0], n))
    for i, kt in enumerate((ka, kb)):
        np.add.at(wrap[i], (slice(None), np.arange(kt.shape[1]) % n), kt)
    psi = wrap[0] + 1j * wrap[1]
    lay = tree.layout_2d(tree.orientation_1d(f, level))
    for p in range(k.shape[0]):
        h = psi[lay.ih[p]] if lay.sign[p] < 0 else psi[lay.ih[p]].conj()
        expected = np.outer(psi[lay.iv[p]], h)
        expected = expected.conj() if lay.conj[p] < 0 else expected
        np.testing.assert_allclose(k[p], expected, atol=1e-12)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_analyticity(level):
    n = 128
    e = energy_spectrum(kernels_2d(level, n))
    omega_x = 2 * PI * np.fft.fftfreq(n)
    weight = (omega_x > 0) + 0.5 * ((omega_x == 0) | np.isclose(omega_x, -PI))
    share = (e * weight).sum((1, 2)) / e.sum((1, 2))
    nb = 2**level
    column = np.arange(2 * nb * nb) % nb  # horizontal band of each packet
    edge = (column == 0) | (column == nb - 1)
    assert np.all(share[~edge] >= 0.99)
    assert np.all(share[edge] >= 0.75)


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_tiles_cover_half_plane(level):
    p = dtcwpt2(np.zeros((16, 16)), level)
    nb, side = 2**level, PI / 2**level
    row = (p.theta[:, 0] + PI) / side - 0.5
    col = p.theta[:, 1] / side - 0.5
    np.testing.assert_allclose(row, np.round(row), atol=1e-12)
    np.testing.assert_allclose(col, np.round(col), atol=1e-12)
    cells = set(zip(np.round(row).astype(int), np.round(col).astype(int)))
    assert len(cells) == p.theta.shape[0] == 2 * nb * nb
    assert cells == {(r, c) for r in range(2 * nb) for c in range(nb)}
    touching = np.all(np.isclose(np.abs(p.theta), side / 2), axis=1)
    np.testing.assert_array_equal(p.is_lowpass, touching)
    assert p.is_lowpass.sum() == 2


@pytest.mark.parametrize("level", [1, 2, 3])
def test_spectral_centroid_in_own_tile(level):
    """Circular (energy-weighted) mean of omega_y and omega_x lies in the packet's tile."""
    n = 128
    e = energy_spectrum(kernels_2d(level, n))
    omega = 2 * PI * np.fft.fftfreq(n)
    cy = np.angle((e * np.exp(1j * omega)[:, None]).sum((1, 2)))
    cx = np.angle((e * np.exp(1j * omega)[None, :]).sum((1, 2)))
    theta = dtcwpt2(np.zeros((16, 16)), level).theta
    half = PI / 2 ** (level + 1)
    assert np.all(np.abs(np.angle(np.exp(1j * (cy - theta[:, 0])))) < half)
    assert np.all(np.abs(np.angle(np.exp(1j * (cx - theta[:, 1])))) < half)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_cosine_response_peaks_in_own_tile(level):
    """Frequency convention: cos(<omega, n>) with omega in tile p gives packet p most energy."""
    n = 64
    step = 2 * PI / n
    theta = dtcwpt2(np.zeros((16, 16)), level).theta
    P = theta.shape[0]
    reach = max(1, int(round(PI / 2 ** (level + 1) / step)) // 2)  # inside the tile
    grid = np.arange(n)
    for dy, dx in [(0, 0), (reach, reach), (-reach, reach), (reach, -reach), (-reach, -reach)]:
        omega = (np.round(theta / step) + [dy, dx]) * step
        assert np.all(np.abs(omega - theta) < PI / 2 ** (level + 1))
        x = np.cos(omega[:, 0, None, None] * grid[:, None] + omega[:, 1, None, None] * grid)
        e = (np.abs(dtcwpt2(x, level).coeffs) ** 2).sum((-2, -1))  # (input p, packet q)
        assert np.array_equal(np.argmax(e, axis=1), np.arange(P)), (dy, dx)


def test_analyticity_1d():
    level, n = 3, 256
    s = 2**level
    imp = np.zeros((s, n))
    imp[np.arange(s), np.arange(s)] = 1
    c = dtcwpt(imp, level).coeffs  # (s, P, n/s)
    k = np.zeros((s, n), complex)
    m = np.arange(n // s)
    for t in range(s):
        k[:, (t - s * m) % n] = c[t]
    e = np.abs(np.fft.ifft(k) * n) ** 2
    omega = 2 * PI * np.fft.fftfreq(n)
    share = (e * ((omega > 0) + 0.5 * ((omega == 0) | np.isclose(omega, -PI)))).sum(1) / e.sum(1)
    assert np.all(share[1:-1] > 0.995)
    assert np.all(share[[0, -1]] > 0.75)
    centroid = np.angle((e * np.exp(1j * omega)).sum(1))
    assert np.all(np.abs(centroid - dtcwpt(imp, level).freqs) < PI / 2 ** (level + 1))


# ------------------------------------------------------------------ pywt oracle
def pywt_bank(low, high):
    """PyWavelets bank applying cross-correlation weights (low, high) with no shift.

    pywt's periodization convolves with dec[j] and reads input sample
    2 o + F/2 - j, i.e. cross-correlates with the weights dec[::-1] starting at
    offset 1 - F/2. Prepending F - 2 zeros to the weights (length F' = 2F - 2)
    makes that offset 1 - F'/2 + (F - 2) = 0, so pywt then computes exactly
    y[o] = sum_k x[(2 o + k) mod N] w[k] at every level.
    """
    pad = np.zeros(low.size - 2)
    dec_lo, dec_hi = np.concatenate([pad, low])[::-1], np.concatenate([pad, high])[::-1]
    return pywt.Wavelet("qa", filter_bank=(dec_lo, dec_hi, dec_lo[::-1], dec_hi[::-1]))


def test_pywt_bank_alignment():
    f = dual_tree_filters("qshift_a").qshift_a
    x = rand(64)
    a, d = pywt.dwt(x, pywt_bank(f.low, f.high), mode="periodization")
    np.testing.assert_allclose(a, filter_periodic(x, f.low, 2), atol=1e-13)
    np.testing.assert_allclose(d, filter_periodic(x, f.high, 2), atol=1e-13)
    # without the padding pywt's output is ours circularly shifted by F/4 - 1/2 = 2 samples
    plain = pywt.Wavelet("qa0", filter_bank=(f.low[::-1], f.high[::-1], f.low, f.high))
    a0, _ = pywt.dwt(x, plain, mode="periodization")
    np.testing.assert_allclose(a0, np.roll(filter_periodic(x, f.low, 2), 2), atol=1e-13)


PYWT_PATH = {"a": (0, 0), "h": (1, 0), "v": (0, 1), "d": (1, 1)}  # (y bit, x bit)


@pytest.mark.parametrize("wavelet", ["qshift_a", "qshift_d"])
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_uniform_real_tree_matches_pywt(wavelet, level):
    """A real packet tree with (ha, ga) at every node equals pywt.WaveletPacket2D."""
    f = dual_tree_filters(wavelet)
    qa = f.qshift_a
    uniform = dataclasses.replace(f, first_a=qa, first_b=qa, qshift_b=qa, packet=qa)
    x = rand((64, 48), level)
    ours = real_trees_2d(x, uniform, level)["a", "a"]
    wp = pywt.WaveletPacket2D(x, wavelet=pywt_bank(qa.low, qa.high), mode="periodization",
                              maxlevel=level)
    leaves = wp.get_level(level, "natural")
    assert len(leaves) == 4**level
    for node in leaves:
        iv = ih = 0
        for ch in node.path:
            by, bx = PYWT_PATH[ch]
            iv, ih = 2 * iv + by, 2 * ih + bx
        np.testing.assert_allclose(ours[iv, ih], node.data, atol=1e-12)
    # and 1D along each axis (real_tree_1d directly)
    wp1 = pywt.WaveletPacket(x[3], wavelet=pywt_bank(qa.low, qa.high), mode="periodization",
                             maxlevel=level)
    ours1 = real_tree_1d(x[3], uniform, level, "a")
    for i, node in enumerate(wp1.get_level(level, "natural")):
        np.testing.assert_allclose(ours1[i], node.data, atol=1e-12)


@pytest.mark.parametrize("wavelet", WAVELETS)
def test_first_level_matches_pywt_dwtn(wavelet):
    """At J = 1 the four real trees inside dtcwpt2 are pywt.dwtn with the first-stage banks."""
    f = dual_tree_filters(wavelet)
    banks = {t: pywt_bank(p.low, p.high) for t, p in (("a", f.first_a), ("b", f.first_b))}
    x = rand((2, 32, 48))
    c = dtcwpt2(x, 1, wavelet=wavelet).coeffs
    lay = tree.layout_2d(tree.orientation_1d(f, 1))
    trees = {k: np.zeros((2, 2, 2, 16, 24)) for k in ("aa", "ab", "ba", "bb")}
    for p in range(8):
        # Re ya = T_aa - T_bb, Re yb = T_aa + T_bb; Im ya = T_ba + T_ab, Im yb = T_ba - T_ab
        s, re, im = lay.sign[p], c[:, p].real, lay.conj[p] * c[:, p].imag
        idx = (slice(None), lay.iv[p], lay.ih[p])
        trees["aa"][idx] += re / 2
        trees["bb"][idx] += s * re / 2
        trees["ba"][idx] += im / 2
        trees["ab"][idx] -= s * im / 2
    for key, t in trees.items():
        ref = pywt.dwtn(x, (banks[key[0]], banks[key[1]]), mode="periodization", axes=(-2, -1))
        for code, (by, bx) in {"aa": (0, 0), "da": (1, 0), "ad": (0, 1), "dd": (1, 1)}.items():
            np.testing.assert_allclose(t[:, by, bx], ref[code], atol=1e-12)


# ------------------------------------------------------------------ Numba vs NumPy reference
REF_WAVELETS = [("qshift_a", None), ("qshift_d", None), ("qshift_a", "db5")]


@pytest.mark.parametrize("wavelet, packet", REF_WAVELETS)
@pytest.mark.parametrize("shape", [(32, 48), (2, 64, 64)])
@pytest.mark.parametrize("decimated", [True, False])
@pytest.mark.parametrize("level", LEVELS)
def test_matches_reference_2d(level, decimated, shape, wavelet, packet):
    x = rand(shape, level)
    got = dtcwpt2(x, level, wavelet=wavelet, packet_wavelet=packet, decimated=decimated).coeffs
    ref = dtcwpt2_reference(x, level, wavelet, packet, decimated=decimated)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("wavelet, packet", REF_WAVELETS)
@pytest.mark.parametrize("shape, axis", [((64,), -1), ((48, 3), 0), ((2, 32, 3), 1)])
@pytest.mark.parametrize("level", LEVELS)
def test_matches_reference_1d(level, shape, axis, wavelet, packet):
    x = rand(shape, level)
    got = dtcwpt(x, level, wavelet=wavelet, packet_wavelet=packet, axis=axis).coeffs
    ref = dtcwpt_reference(x, level, wavelet, packet, axis=axis)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("level", LEVELS)
def test_undecimated_contains_decimated(level):
    x = rand((2, 32, 48), level)
    full = dtcwpt2(x, level, decimated=False)
    assert not full.decimated
    np.testing.assert_array_equal(full.coeffs[..., ::2, ::2], dtcwpt2(x, level).coeffs)


@pytest.mark.parametrize("decimated", [True, False])
@pytest.mark.parametrize("level", [1, 2, 3])
def test_symmetric_mode_is_mirrored_then_periodic(level, decimated):
    x = rand((2, 37, 50), level)
    p = dtcwpt2(x, level, mode="symmetric", decimated=decimated)
    padded = np.pad(x, ((0, 0),) + p.pad, mode="symmetric")
    np.testing.assert_allclose(p.coeffs, dtcwpt2_reference(padded, level, decimated=decimated),
                               rtol=0, atol=1e-12)
    p1 = dtcwpt(x, level, mode="symmetric", axis=1)
    padded1 = np.pad(np.moveaxis(x, 1, -1), ((0, 0), (0, 0), p1.pad), mode="symmetric")
    np.testing.assert_allclose(p1.coeffs, dtcwpt_reference(padded1, level), rtol=0, atol=1e-12)


def test_level_5_matches_reference():
    x = rand((64, 96))
    np.testing.assert_allclose(dtcwpt2(x, 5).coeffs, dtcwpt2_reference(x, 5), rtol=0, atol=1e-12)
    np.testing.assert_allclose(idtcwpt2(dtcwpt2(x, 5)), x, rtol=0, atol=1e-12)


# ------------------------------------------------------------------ adjoint
@pytest.mark.parametrize("shape", [(32, 48), (3, 16, 32)])
@pytest.mark.parametrize("level", [1, 2, 3])
def test_inverse_is_adjoint_over_8(level, shape):
    x, y = rand(shape, 1), rand(shape, 2)
    p = dtcwpt2(y, level)
    c = p.coeffs + rand(p.coeffs.shape, 3) + 1j * rand(p.coeffs.shape, 4)
    fx = dtcwpt2(x, level).coeffs
    lhs = np.sum((np.conj(c) * fx).real)
    rhs = 8 * np.sum(x * idtcwpt2(dataclasses.replace(p, coeffs=c)))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12 * np.linalg.norm(c) * np.linalg.norm(x))


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "x, level, kw, error, match",
    [
        (np.zeros(16), 1, {}, ValueError, "dimensions"),
        (np.zeros((16, 16)), 0, {}, ValueError, "level"),
        (np.zeros((16, 16)), -1, {}, ValueError, "level"),
        (np.zeros((16, 16)), 1.5, {}, TypeError, "level"),
        (np.zeros((16, 16)), True, {}, TypeError, "level"),
        (np.zeros((32, 48)), 5, {}, ValueError, "nearest valid sizes are 32 or 64"),
        (np.zeros((8, 8)), 4, {}, ValueError, "nearest valid sizes are 16"),
        (np.zeros((16, 20)), 3, {}, ValueError, "multiple of"),
        (np.zeros((16, 16)), 1, {"wavelet": "qshift_z"}, ValueError, "unknown wavelet"),
        (np.zeros((16, 16)), 1, {"packet_wavelet": "nope"}, ValueError, "unknown packet_wavelet"),
        (np.zeros((16, 16)), 1, {"mode": "zero"}, ValueError, "unknown mode"),
        (np.zeros((16, 16), complex), 1, {}, TypeError, "real"),
        (np.full((16, 16), np.nan), 1, {}, ValueError, "NaN"),
        (np.full((16, 16), np.inf), 1, {}, ValueError, "infinite"),
        (np.zeros((16, 16), object), 1, {}, TypeError, "numeric"),
        (np.full((16, 16), "a"), 1, {}, TypeError, "numeric"),
    ],
)
def test_bad_input_2d(x, level, kw, error, match):
    with pytest.raises(error, match=match):
        dtcwpt2(x, level, **kw)


@pytest.mark.parametrize(
    "x, level, kw, error, match",
    [
        (np.zeros(()), 1, {}, ValueError, "dimensions"),
        (np.zeros(16), 0, {}, ValueError, "level"),
        (np.zeros(16), 2.0, {}, TypeError, "level"),
        (np.zeros(20), 3, {}, ValueError, "nearest valid sizes are 16 or 24"),
        (np.zeros(16), 1, {"axis": 1}, ValueError, "axis"),
        (np.zeros(16, complex), 1, {}, TypeError, "real"),
        (np.array([1.0, np.nan]), 1, {}, ValueError, "NaN"),
    ],
)
def test_bad_input_1d(x, level, kw, error, match):
    with pytest.raises(error, match=match):
        dtcwpt(x, level, **kw)


def test_bad_inverse_input():
    with pytest.raises(TypeError, match="Packets2D"):
        idtcwpt2(np.zeros((8, 4, 4), complex))
    with pytest.raises(ValueError, match="decimated"):
        idtcwpt2(dtcwpt2(np.zeros((16, 16)), 1, decimated=False))
    with pytest.raises(TypeError, match="Packets1D"):
        idtcwpt(dtcwpt2(np.zeros((16, 16)), 1))
    p = dtcwpt2(np.zeros((16, 16)), 2)
    with pytest.raises(ValueError, match="packets"):
        idtcwpt2(dataclasses.replace(p, coeffs=p.coeffs[:-1]))


@pytest.mark.parametrize(
    "dtype, cdtype", [(np.int64, np.complex128), (np.int16, np.complex128),
                      (np.uint8, np.complex128), (bool, np.complex128),
                      (np.float32, np.complex64), (np.float64, np.complex128)],
)
def test_dtypes(dtype, cdtype):
    x = (rand((16, 16)) * 10).astype(dtype)
    p = dtcwpt2(x, 2)
    assert p.coeffs.dtype == cdtype
    rec = idtcwpt2(p)
    assert rec.dtype == (np.float32 if cdtype == np.complex64 else np.float64)
    atol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(rec, x.astype(np.float64), atol=atol)


@pytest.mark.parametrize("mode", ["periodization", "symmetric"])
@pytest.mark.parametrize(
    "dtype, cdtype", [(np.int64, np.complex128), (bool, np.complex128), (np.float32, np.complex64),
                      (np.float64, np.complex128)],
)
def test_dtypes_1d(dtype, cdtype, mode):
    """As in 2D: float32 -> complex64 coefficients -> float32 signal; others float64."""
    x = (rand((3, 16)) * 10).astype(dtype)
    p = dtcwpt(x, 2, mode=mode)
    assert p.coeffs.dtype == cdtype
    assert idtcwpt(p).dtype == (np.float32 if cdtype == np.complex64 else np.float64)


def test_list_input():
    x = rand((16, 16))
    np.testing.assert_array_equal(dtcwpt2(x.tolist(), 2).coeffs, dtcwpt2(x, 2).coeffs)


# ------------------------------------------------------------------ result object
@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("shape", [(32, 48), (2, 3, 16, 16)])
def test_mosaic(level, shape):
    p = dtcwpt2(rand(shape), level)
    nb = 2**level
    h, w = shape[-2] // nb, shape[-1] // nb
    assert isinstance(p, Packets2D)
    assert p.coeffs.shape == shape[:-2] + (2 * nb * nb, h, w)
    assert p.mosaic.shape == shape[:-2] + (2 * nb, nb, h, w)
    np.testing.assert_array_equal(p.coeffs.reshape(shape[:-2] + (2 * nb, nb, h, w)), p.mosaic)
    np.testing.assert_array_equal(p.mosaic[..., 1, 0, :, :], p.coeffs[..., nb, :, :])
    assert p.shape == shape[-2:] and p.pad == ((0, 0), (0, 0)) and p.level == level
    assert p.theta.shape == (2 * nb * nb, 2)


def test_symmetric_mode_metadata():
    p = dtcwpt2(rand((37, 50)), 2, mode="symmetric")
    (top, bottom), (left, right) = p.pad
    assert (37 + top + bottom) % 4 == 0 and (50 + left + right) % 4 == 0
    assert min(top, bottom, left, right) > 0
    assert p.coeffs.shape[-2:] == ((37 + top + bottom) // 4, (50 + left + right) // 4)
