"""Tests of dtwpt.antialiasing: every operator against explicit loops, APS's exactness."""
import doctest
import importlib
from math import comb

import numpy as np
import pytest

import dtwpt
from dtwpt import antialiasing as aa

RNG = np.random.default_rng(1234)


# ----------------------------------------------------------------- brute force
def brute_max_filter(y, q):
    h, w = y.shape
    out = np.empty_like(y)
    for k in range(h):
        for l in range(w):
            out[k, l] = max(y[(k + a) % h, (l + b) % w]
                            for a in range(-q, q + 1) for b in range(-q, q + 1))
    return out


def brute_blur(y, size):
    b = [comb(size - 1, k) / 2 ** (size - 1) for k in range(size)]
    h, w = y.shape
    r = size // 2
    out = np.zeros(y.shape)
    for k in range(h):
        for l in range(w):
            out[k, l] = sum(b[s + r] * b[t + r] * y[(k + s) % h, (l + t) % w]
                            for s in range(-r, r + 1) for t in range(-r, r + 1))
    return out


def brute_aps(y):
    best, choice = -1.0, None
    for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)):
        norm = float(np.sum(y[i::2, j::2].astype(np.float64) ** 2))
        if norm > best:
            best, choice = norm, (i, j)
    return y[choice[0]::2, choice[1]::2], choice


def brute_operators(z, q, size):
    """The five operators on one 2D stride-m map, by explicit loops."""
    re, env = z.real.astype(np.float64), np.abs(z).astype(np.float64)
    m = brute_max_filter(re, q)
    return {"rmax": m[::2, ::2], "cmod": env[::2, ::2],
            "max_blur": brute_blur(m, size)[::2, ::2],
            "cmod_blur": brute_blur(env, size)[::2, ::2], "aps": brute_aps(m)[0]}


def brute_correlation(x, kernel, m):
    """``y[k] = sum_t x[(m k + t) mod (H, W)] K[t]``: the convention of rmax_conv."""
    H, W = x.shape
    out = np.zeros((H // m, W // m), dtype=np.result_type(kernel, float))
    for k in range(H // m):
        for l in range(W // m):
            for a in range(kernel.shape[0]):
                for b in range(kernel.shape[1]):
                    out[k, l] += x[(m * k + a) % H, (m * l + b) % W] * kernel[a, b]
    return out


# ----------------------------------------------------------------- pooling stages
@pytest.mark.parametrize("q", [0, 1, 2])
def test_max_filter_matches_loops(q):
    y = RNG.standard_normal((2, 6, 10)).astype(np.float32)
    out = aa.max_filter(y, q=q)
    assert out.dtype == np.float32
    for k in range(2):
        np.testing.assert_array_equal(out[k], brute_max_filter(y[k], q))


@pytest.mark.parametrize("size", [3, 5])
def test_blur_matches_loops_and_keeps_constants(size):
    y = RNG.standard_normal((6, 8))
    np.testing.assert_allclose(aa.blur(y, size=size), brute_blur(y, size), rtol=1e-13,
                               atol=1e-13)
    np.testing.assert_allclose(aa.binomial_kernel(size).sum(), 1.0, rtol=0, atol=0)
    for value in (1.0, 0.1, -3.7):
        const = np.full((3, 8, 6), value, dtype=np.float32)
        out = aa.blur(const, size=size)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, value, rtol=2e-7)
    np.testing.assert_array_equal(aa.blur(np.ones((4, 4)), size=size), 1.0)


def test_aps_matches_loops_and_breaks_ties_first():
    y = RNG.standard_normal((3, 8, 6)).astype(np.float32)
    out, phase = aa.aps_downsample(y)
    assert out.dtype == np.float32 and phase.shape == (3, 2)
    for k in range(3):
        ref, choice = brute_aps(y[k])
        np.testing.assert_array_equal(out[k], ref)
        assert tuple(phase[k]) == choice
    _, phase = aa.aps_downsample(np.ones((4, 4)))  # four equal norms
    assert phase.tolist() == [0, 0]


def test_aps_channel_axis_shares_one_phase():
    y = RNG.standard_normal((5, 8, 8))
    out, phase = aa.aps_downsample(y, channel_axis=0)
    assert (phase == phase[0]).all()
    i, j = phase[0]
    norms = [np.sum(y[:, a::2, b::2] ** 2) for a in (0, 1) for b in (0, 1)]
    assert 2 * i + j == int(np.argmax(norms))
    np.testing.assert_array_equal(out, y[:, i::2, j::2])


@pytest.mark.parametrize("shift", [(0, 1), (1, 0), (3, 5), (-2, 7), (4, 4)])
def test_aps_exactly_invariant_to_circular_shifts(shift):
    """Y'[k] = Y[k + s]  =>  APS(Y')[n] = APS(Y)[n + floor((phase' + s) / 2)], bit for bit."""
    y = RNG.standard_normal((4, 12, 10)).astype(np.float32)
    y_shifted = np.roll(y, (-shift[0], -shift[1]), axis=(-2, -1))
    out, _ = aa.aps_downsample(y)
    out_shifted, phase_shifted = aa.aps_downsample(y_shifted)
    for k in range(len(y)):
        d = (phase_shifted[k] + np.array(shift)) // 2
        np.testing.assert_array_equal(out_shifted[k], np.roll(out[k], tuple(-d), axis=(0, 1)))


def test_pool_all_matches_loops():
    z = (RNG.standard_normal((3, 8, 12)) + 1j * RNG.standard_normal((3, 8, 12))).astype(
        np.complex64)
    for q, size in ((1, 3), (2, 5), (0, 3)):
        out, phase = aa.pool_all(z, q=q, blur_size=size, return_phase=True)
        for name in aa.OPERATORS:
            assert out[name].dtype == np.float32 and out[name].shape == (3, 4, 6)
            for k in range(3):
                np.testing.assert_allclose(out[name][k], brute_operators(z[k], q, size)[name],
                                           rtol=1e-6, atol=1e-6)
            np.testing.assert_array_equal(aa.pool(z, name, q=q, blur_size=size), out[name])
        assert phase.shape == (3, 2)


# ----------------------------------------------------------------- packets and kernels
def test_pooled_packets_match_loops_and_rmax_cmod():
    x = RNG.standard_normal((32, 32)).astype(np.float32)
    out = aa.pooled_packets(x, 2)
    ymax, ymod = dtwpt.rmax_cmod(x, 2)
    np.testing.assert_array_equal(out["rmax"], ymax)
    np.testing.assert_allclose(out["cmod"], ymod, rtol=1e-5, atol=1e-6)
    z = dtwpt.dtcwpt2(x, 2, decimated=False).coeffs
    for p in (0, 9, 31):
        ref = brute_operators(z[p], 1, 3)
        for name in aa.OPERATORS:
            assert out[name].dtype == np.float32
            np.testing.assert_allclose(out[name][p], ref[name], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("m", [1, 2])
def test_pooled_conv_matches_loops(m):
    x = RNG.standard_normal((2, 8, 8))
    V = RNG.standard_normal((3, 3))
    W = dtwpt.hilbert_companion(V)
    out = aa.pooled_conv(x, V, m, W=W, q=1, blur_size=5)
    for k in range(2):
        zr = brute_correlation(x[k], V, m)
        zc = brute_correlation(x[k], W, m)
        ref_max = brute_operators(zr.astype(complex), 1, 5)
        ref_mod = brute_operators(zc, 1, 5)
        for name in ("rmax", "max_blur", "aps"):
            np.testing.assert_allclose(out[name][k], ref_max[name], atol=1e-10)
        for name in ("cmod", "cmod_blur"):
            np.testing.assert_allclose(out[name][k], ref_mod[name], atol=1e-10)
    np.testing.assert_allclose(out["rmax"], dtwpt.rmax_conv(x, V, m), atol=1e-12)
    np.testing.assert_allclose(out["cmod"], dtwpt.cmod_conv(x, W, m), atol=1e-12)
    np.testing.assert_array_equal(aa.max_blur_pool_conv(x, V, m, blur_size=5), out["max_blur"])
    np.testing.assert_array_equal(aa.cmod_blur_conv(x, W, m, blur_size=5), out["cmod_blur"])
    np.testing.assert_array_equal(aa.aps_max_pool_conv(x, V, m), out["aps"])


def test_pooled_conv_kernel_stacks_and_float32():
    x = RNG.standard_normal((16, 16)).astype(np.float32)
    V = RNG.standard_normal((4, 5, 5))
    out = aa.pooled_conv(x, V, 2, W=dtwpt.hilbert_companion(V))
    for name in aa.OPERATORS:
        assert out[name].shape == (4, 4, 4) and out[name].dtype == np.float32


def test_pooled_conv_multichannel_matches_loops():
    """Kernels (L, C, k, k) on images (C, H, W): channels summed before pooling/modulus."""
    x = RNG.standard_normal((2, 8, 8))
    V = RNG.standard_normal((3, 2, 3, 3))
    W = V + 1j * RNG.standard_normal((3, 2, 3, 3))
    out = aa.pooled_conv(x, V, 2, W=W)
    for l in range(3):
        zr = sum(brute_correlation(x[c], V[l, c], 2) for c in range(2))
        zc = sum(brute_correlation(x[c], W[l, c], 2) for c in range(2))
        ref_max = brute_operators(zr.astype(complex), 1, 3)
        ref_mod = brute_operators(zc, 1, 3)
        for name in aa.OPERATORS:
            ref = ref_mod if name.startswith("cmod") else ref_max
            np.testing.assert_allclose(out[name][l], ref[name], atol=1e-10)


@pytest.mark.parametrize("m", [1, 2, 4])
def test_aps_operator_invariant_to_circular_shifts_by_m(m):
    """A circular shift of x by a multiple of m translates the stride-m map: APS is exact."""
    x = RNG.standard_normal((3, 32, 32))
    V = RNG.standard_normal((4, 4))
    y = aa.aps_max_pool_conv(x, V, m)
    for s in (m, 2 * m, -m):  # output translations of at most one sample
        y_rolled = aa.aps_max_pool_conv(np.roll(x, -s, axis=-1), V, m)
        assert np.all(aa.instability(y, y_rolled, aligned=True) < 1e-12)
    rmax = dtwpt.rmax_conv(x, V, m)
    assert np.all(aa.instability(rmax, dtwpt.rmax_conv(np.roll(x, -m, axis=-1), V, m),
                                 aligned=True) > 1e-3)


def test_aps_packets_invariant_to_circular_shifts_by_m():
    x = RNG.standard_normal((64, 64)).astype(np.float32)
    for level in (1, 2, 3):
        m = 2 ** (level - 1)
        out = aa.pooled_packets(x, level, operators=("aps", "rmax"))
        out_rolled = aa.pooled_packets(np.roll(x, -m, axis=-1), level, operators=("aps", "rmax"))
        band = ~dtwpt.tree.lowpass_mask(level)
        assert np.nanmax(aa.instability(out["aps"], out_rolled["aps"], aligned=True)) < 1e-5
        assert np.nanmedian(aa.instability(out["rmax"], out_rolled["rmax"],
                                           aligned=True)[band]) > 1e-2


# ----------------------------------------------------------------- measures
def test_instability_matches_definition():
    y = RNG.standard_normal((2, 4, 6))
    ys = RNG.standard_normal((2, 4, 6))
    for k in range(2):
        assert np.isclose(aa.instability(y, ys)[k],
                          np.linalg.norm(ys[k] - y[k]) / np.linalg.norm(y[k]))
        best = min(np.linalg.norm(np.roll(ys[k], (a, b), axis=(0, 1)) - y[k])
                   for a in (-1, 0, 1) for b in (-1, 0, 1))
        assert np.isclose(aa.instability(y, ys, aligned=True)[k], best / np.linalg.norm(y[k]))
    assert np.isnan(aa.instability(np.zeros((2, 2)), np.ones((2, 2))))


def test_upsample_and_recovery_match_loops():
    y = RNG.standard_normal((3, 4))
    u = aa.upsample(y)
    for k in range(6):
        for l in range(8):
            rows = [k // 2] if k % 2 == 0 else [k // 2, (k // 2 + 1) % 3]
            cols = [l // 2] if l % 2 == 0 else [l // 2, (l // 2 + 1) % 4]
            assert np.isclose(u[k, l], np.mean([y[a, b] for a in rows for b in cols]))
    np.testing.assert_allclose(aa.upsample(y, offset=(1, 0)), np.roll(u, 1, axis=0))
    z = RNG.standard_normal((6, 8)) + 1j * RNG.standard_normal((6, 8))
    r = np.corrcoef(u.ravel(), np.abs(z).ravel())[0, 1]
    assert np.isclose(aa.envelope_recovery(y, z), r * r)
    assert np.isclose(aa.kept_energy(y, z), np.mean(y ** 2) / np.mean(np.abs(z) ** 2))


def test_measures_ignore_the_operator_gain():
    """Instability and envelope recovery are blind to a positive gain; recovery to an offset."""
    y = RNG.uniform(0, 1, (2, 4, 4))
    ys = RNG.uniform(0, 1, (2, 4, 4))
    z = RNG.standard_normal((2, 8, 8)) + 1j * RNG.standard_normal((2, 8, 8))
    np.testing.assert_allclose(aa.instability(3 * y, 3 * ys), aa.instability(y, ys))
    np.testing.assert_allclose(aa.envelope_recovery(2 * y + 5, z), aa.envelope_recovery(y, z))
    np.testing.assert_allclose(aa.kept_energy(2 * y, z), 4 * aa.kept_energy(y, z))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="blur_size"):
        aa.blur(np.ones((4, 4)), size=4)
    with pytest.raises(TypeError, match="q must be"):
        aa.max_filter(np.ones((4, 4)), q=1.5)
    with pytest.raises(ValueError, match="q must be"):
        aa.max_filter(np.ones((4, 4)), q=-1)
    with pytest.raises(ValueError, match="operator"):
        aa.pool(np.ones((4, 4)), "maxpool")
    with pytest.raises(ValueError, match="channel_axis"):
        aa.aps_downsample(np.ones((3, 4, 4)), channel_axis=1)  # a spatial axis
    with pytest.raises(ValueError, match="even"):
        aa.aps_downsample(np.ones((5, 4)))
    with pytest.raises(TypeError, match="need the kernel W"):
        aa.pooled_conv(np.ones((8, 8)), np.ones((3, 3)), 1, operators=("cmod",))
    with pytest.raises(TypeError, match="real"):
        aa.max_filter(np.ones((4, 4), complex))


@pytest.mark.parametrize("name", ["pooling", "operators", "measures"])
def test_examples(name):
    module = importlib.import_module(f"dtwpt.antialiasing.{name}")
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def test_upsample_offset_outside_its_phases_is_refused():
    with pytest.raises(ValueError, match="offset must hold 0s and 1s"):
        aa.upsample(np.zeros((4, 4)), offset=(2, 0))
