"""Regression tests for inputs that once crashed, hung or gave silently wrong results.

Cases that crashed the interpreter or hung run in a fresh interpreter with a
timeout (tests/conftest.py: run_isolated).
"""
import dataclasses
import time

import numba
import numpy as np
import pytest
import pywt

import dtwpt
from dtwpt import _plan, metrics, theory
from dtwpt.filters import FilterPair, dual_tree_filters

from conftest import rand, run_isolated


# ------------------------------------------------------------ crashes and hangs
def test_pair_metrics_with_a_wrong_n_raises_instead_of_crashing():
    out = run_isolated("""
        import numpy as np, dtwpt
        from dtwpt.metrics import pair_metrics
        a, b = dtwpt.rmax_cmod(np.random.default_rng(0).standard_normal((4, 16, 16)), 2)
        for n in (3, 100000, -1, 0):
            try:
                pair_metrics(a, b, n)
            except ValueError as e:
                print("ValueError", n)
    """)
    assert out.split("\n")[:4] == ["ValueError 3", "ValueError 100000", "ValueError -1",
                                   "ValueError 0"]


def test_levels_that_hung_raise_at_once_in_every_entry_point():
    out = run_isolated("""
        import time, numpy as np, dtwpt
        from dtwpt import kernel_metrics, metrics
        x = np.zeros((16, 16))
        calls = {
            "dtcwpt2": lambda J: dtwpt.dtcwpt2(x, J),
            "dtcwpt2 symmetric": lambda J: dtwpt.dtcwpt2(x, J, mode="symmetric"),
            "dtcwpt": lambda J: dtwpt.dtcwpt(x, J),
            "rmax_cmod": lambda J: dtwpt.rmax_cmod(x, J),
            "rmax": lambda J: dtwpt.rmax(x, J),
            "cmod": lambda J: dtwpt.cmod(x, J),
            "pair_squared_norms": lambda J: dtwpt.pair_squared_norms(x, x, J),
            "shift_metrics": lambda J: metrics.shift_metrics(x, x, J),
            "packet_kernels": lambda J: dtwpt.packet_kernels(J),
            "energy_concentration": lambda J: kernel_metrics.energy_concentration(J),
            "analyticity": lambda J: kernel_metrics.analyticity(J),
        }
        for name, call in calls.items():
            for level in (11, 13, 20, 2 ** 70):
                start = time.perf_counter()
                try:
                    call(level)
                except ValueError as e:
                    assert "level" in str(e) or "multiple of" in str(e), str(e)
                    assert time.perf_counter() - start < 1.0, (name, level)
                    print("ok")
    """, timeout=120)
    assert out.split() == ["ok"] * 44


def test_huge_pooling_widths_raise_with_a_computed_bound():
    out = run_isolated("""
        import numpy as np, dtwpt
        from dtwpt import metrics
        x = np.random.default_rng(0).standard_normal((32, 32))
        for q in (2 ** 61, 2 ** 63):
            for call in (lambda: dtwpt.rmax_cmod(x, 2, q=q), lambda: dtwpt.rmax(x, 2, q=q),
                         lambda: metrics.shift_metrics(x, x, 2, q=q),
                         lambda: dtwpt.rmax_conv(x, np.ones((3, 3)), 2, q=q)):
                try:
                    call()
                except ValueError as e:
                    print(str(e).split(" (")[0])
    """)
    assert set(out.split("\n")[:-1]) == {"q must be an integer in [0, 16]"}


def test_oversized_plan_is_refused_before_it_is_built():
    start = time.perf_counter()
    with pytest.raises(ValueError, match="nearest valid sizes are 32"):
        dtwpt.dtcwpt2(np.zeros((16, 16)), 5)
    with pytest.raises(ValueError, match=r"level must be an integer in \[1, 8\], got 11"):
        dtwpt.dtcwpt2(np.zeros((16, 16)), 11)
    assert time.perf_counter() - start < 1.0


# ------------------------------------------------------------ integer types
@pytest.mark.parametrize("level", [np.uint8(2), np.int16(2), np.uint64(2)])
def test_numpy_integer_levels_are_converted_safely(level):
    x = rand((2, 32, 32))
    p = dtwpt.dtcwpt2(x, level)
    assert type(p.level) is int
    np.testing.assert_allclose(dtwpt.idtcwpt2(p), x, atol=1e-12)
    np.testing.assert_array_equal(p.coeffs, dtwpt.dtcwpt2(x, 2).coeffs)
    q = dtwpt.dtcwpt(x, level, axis=np.uint8(1))
    np.testing.assert_allclose(dtwpt.idtcwpt(q), x, atol=1e-12)


def test_bools_are_not_integers_nor_none_a_bool():
    with pytest.raises(TypeError, match="decimated must be True or False, got None"):
        dtwpt.dtcwpt2(np.zeros((8, 8)), 1, decimated=None)
    with pytest.raises(TypeError, match="axis must be an integer"):
        dtwpt.dtcwpt(np.zeros((8, 8)), 1, axis=True)
    with pytest.raises(TypeError, match="q must be an integer"):
        dtwpt.rmax_cmod(np.zeros((8, 8)), 1, q=np.True_)


@pytest.mark.parametrize("bad", [np.zeros((16, 16), complex), np.full((16, 16), "1.0")])
def test_x_shifted_is_never_cast_silently(bad):
    with pytest.raises(TypeError, match="x_shifted"):
        dtwpt.pair_squared_norms(np.zeros((16, 16)), bad, 1)
    with pytest.raises(TypeError, match="x_shifted"):
        metrics.shift_metrics(np.zeros((16, 16)), bad, 1)


# ------------------------------------------------------------ overflow bounds
def _signed_full(shape, value, dtype, seed=0):
    signs = np.where(np.random.default_rng(seed).random(shape) < 0.5, -1.0, 1.0)
    return (signs * value).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_at_the_bound_give_finite_outputs_and_above_it_raise(dtype):
    """The bound from the filters' l1 norms is safe: the worst sign pattern at it stays finite."""
    level, shape = 2, (16, 16)
    g = _plan.gain("qshift_a", None, level)
    top = float(np.finfo(dtype).max) / g * (1 - 1e-6)  # rounding to dtype stays below
    x = _signed_full(shape, top, dtype)
    assert np.all(np.isfinite(dtwpt.dtcwpt2(x, level).coeffs.view(dtype)))
    with pytest.raises(ValueError, match="cannot overflow"):
        dtwpt.dtcwpt2(x * dtype(4), level)
    pooled_top = float(np.sqrt(np.finfo(dtype).max / 2)) / g * (1 - 1e-6)
    ymax, ymod = dtwpt.rmax_cmod(_signed_full(shape, pooled_top, dtype), level)
    assert np.all(np.isfinite(ymax)) and np.all(np.isfinite(ymod))
    with pytest.raises(ValueError, match="cannot overflow"):
        dtwpt.rmax_cmod(_signed_full(shape, 4 * pooled_top, dtype), level)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_inverse_of_coefficients_at_the_bound_is_finite(dtype):
    level = 2
    real = np.finfo(dtype).dtype
    g = _plan.gain("qshift_a", None, level, inverse=True)
    top = float(np.finfo(real).max) / g * (1 - 1e-6)
    p = dtwpt.dtcwpt2(np.zeros((16, 16), real), level)
    coeffs = (_signed_full(p.coeffs.shape, top, real, 1)
              + 1j * _signed_full(p.coeffs.shape, top, real, 2)).astype(dtype)
    out = dtwpt.idtcwpt2(dataclasses.replace(p, coeffs=coeffs))
    assert np.all(np.isfinite(out))
    with pytest.raises(ValueError, match="packets.coeffs has values up to"):
        dtwpt.idtcwpt2(dataclasses.replace(p, coeffs=coeffs * 4))


def test_near_max_inputs_that_gave_inf_now_raise():
    with pytest.raises(ValueError, match="x has values up to"):
        dtwpt.dtcwpt2(np.full((16, 16), np.finfo(np.float32).max / 2, np.float32), 2)
    with pytest.raises(ValueError, match="x has values up to"):
        dtwpt.rmax_conv(np.full((16, 16), 1e307), np.ones((3, 3)), 2)
    with pytest.raises(ValueError, match="x_shifted has values up to"):
        dtwpt.pair_squared_norms(np.zeros((16, 16)), np.full((16, 16), 1e200), 1)


# ------------------------------------------------------------ colour images
def test_colour_image_is_never_transformed_along_the_wrong_axes():
    rgb = np.random.default_rng(0).random((64, 64, 3))
    for mode in ("symmetric", "periodization"):
        with pytest.raises(ValueError, match=r"axes=\(0, 1\).*dtwpt.to_luminance"):
            dtwpt.dtcwpt2(rgb, 2, mode=mode)
    with pytest.raises(ValueError, match="looks like a colour image"):
        dtwpt.rmax_cmod(rgb, 2)
    with pytest.raises(ValueError, match="looks like a colour image"):
        dtwpt.cmod(rgb.astype(np.float32), 2)
    # explicit axes=(-2, -1) in periodization: the size error suggests axes, not symmetric
    with pytest.raises(ValueError, match="colour image: axes=") as info:
        dtwpt.dtcwpt2(rgb, 2, axes=(-2, -1))
    assert "mode='symmetric'" not in str(info.value)
    # explicit axes in symmetric mode: the user's choice, transformed as asked
    p = dtwpt.dtcwpt2(rgb, 1, axes=(-2, -1), mode="symmetric")
    np.testing.assert_allclose(dtwpt.idtcwpt2(p), rgb, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_axes_transform_each_channel(dtype):
    rgb = rand((32, 48, 3), 1, dtype)
    p = dtwpt.dtcwpt2(rgb, 2, axes=(0, 1))
    assert p.coeffs.shape == (3, 32, 8, 12) and p.axes == (-3, -2)
    for c in range(3):
        np.testing.assert_array_equal(p.coeffs[c], dtwpt.dtcwpt2(rgb[..., c], 2).coeffs)
    rec = dtwpt.idtcwpt2(p)
    assert rec.shape == rgb.shape and rec.dtype == dtype
    np.testing.assert_allclose(rec, rgb, atol=1e-5 if dtype == np.float32 else 1e-12)
    ymax, ymod = dtwpt.rmax_cmod(rgb, 2, axes=(0, 1))
    ref = dtwpt.rmax_cmod(np.moveaxis(rgb, -1, 0), 2)
    np.testing.assert_array_equal(ymax, ref[0])
    np.testing.assert_array_equal(ymod, ref[1])
    np.testing.assert_array_equal(dtwpt.cmod(rgb, 2, axes=(1, 0)),
                                  np.abs(dtwpt.dtcwpt2(np.moveaxis(rgb, -1, 0).swapaxes(-1, -2),
                                                       2).coeffs))
    norms = dtwpt.pair_squared_norms(rgb, rgb[::-1], 2, axes=(0, 1))
    np.testing.assert_array_equal(
        norms, dtwpt.pair_squared_norms(np.moveaxis(rgb, -1, 0), np.moveaxis(rgb[::-1], -1, 0), 2))


def test_to_luminance_then_transform():
    rgb = np.random.default_rng(0).random((32, 32, 3))
    y = dtwpt.to_luminance(rgb)
    np.testing.assert_allclose(dtwpt.idtcwpt2(dtwpt.dtcwpt2(y, 2)), y, atol=1e-12)


# ------------------------------------------------------------ Packets objects
def test_idtcwpt2_rejects_packets_a_transform_could_not_return():
    p = dtwpt.dtcwpt2(rand((16, 16)), 2)
    for changes in ({"shape": (-4, 16)}, {"shape": (16, 17)}, {"level": 1},
                    {"pad": ((0, 0), (0, 4))}, {"mode": "symmetric", "pad": ((8, 8), (0, 0))},
                    {"coeffs": p.coeffs[..., :3]}):
        with pytest.raises(ValueError, match="packets"):
            dtwpt.idtcwpt2(dataclasses.replace(p, **changes))


def test_idtcwpt2_accepts_modified_coefficients_and_batches():
    p = dtwpt.dtcwpt2(rand((16, 16)), 2)
    zeroed = np.where(p.is_lowpass[:, None, None], 0, p.coeffs)
    rest = np.where(p.is_lowpass[:, None, None], p.coeffs, 0)
    rec = dtwpt.idtcwpt2(dataclasses.replace(p, coeffs=zeroed))
    assert rec.shape == (16, 16)
    np.testing.assert_allclose(rec + dtwpt.idtcwpt2(dataclasses.replace(p, coeffs=rest)),
                               dtwpt.idtcwpt2(p), atol=1e-12)
    stacked = dataclasses.replace(p, coeffs=np.stack([p.coeffs, 2 * p.coeffs]))
    rec = dtwpt.idtcwpt2(stacked)
    np.testing.assert_allclose(rec[1], 2 * rec[0], atol=1e-12)


def test_short_reprs():
    p = dtwpt.dtcwpt2(rand((64, 64)), 2)
    text = repr(p)
    assert text.startswith("Packets2D(coeffs=<complex128 array of shape (32, 16, 16)>, level=2")
    assert len(text) < 250 and "[" not in text
    q = dtwpt.dtcwpt(rand(64), 2, packet_wavelet=pywt.Wavelet("db2"))
    assert "packet_wavelet=<Wavelet>" in repr(q)
    assert repr(q).startswith("Packets1D(coeffs=<complex128 array of shape (4, 16)>, level=2")


# ------------------------------------------------------------ filters
def test_doubled_custom_high_pass_is_rejected():
    f = dual_tree_filters("qshift_a", "db3")
    with pytest.raises(ValueError, match="orthonormal filter bank"):
        dtwpt.dtcwpt2(np.zeros((16, 16)), 3, packet_wavelet=FilterPair(f.packet.low,
                                                                     2 * f.packet.high))
    x = rand((32, 32))
    good = FilterPair(f.packet.low, -f.packet.high)  # a sign flip keeps an orthonormal bank
    np.testing.assert_allclose(dtwpt.idtcwpt2(dtwpt.dtcwpt2(x, 3, packet_wavelet=good)), x,
                               atol=1e-12)


def test_packet_wavelet_accepts_pywt_wavelets():
    x = rand((2, 32, 32))
    by_name = dtwpt.dtcwpt2(x, 3, packet_wavelet="sym4")
    by_object = dtwpt.dtcwpt2(x, 3, packet_wavelet=pywt.Wavelet("sym4"))
    np.testing.assert_array_equal(by_name.coeffs, by_object.coeffs)
    np.testing.assert_allclose(dtwpt.idtcwpt2(by_object), x, atol=1e-12)
    custom = pywt.Wavelet("mine", filter_bank=pywt.Wavelet("db2").filter_bank)
    with pytest.raises(ValueError, match="not orthogonal"):
        dtwpt.dtcwpt2(x, 3, packet_wavelet=custom)
    custom.orthogonal = True
    np.testing.assert_array_equal(dtwpt.dtcwpt2(x, 3, packet_wavelet=custom).coeffs,
                                  dtwpt.dtcwpt2(x, 3, packet_wavelet="db2").coeffs)


@pytest.mark.parametrize("level, acts", [(1, False), (2, False), (3, True), (4, True)])
def test_packet_wavelet_only_acts_from_level_3(level, acts):
    """As list_wavelets() documents."""
    x = rand((32, 32), level)
    same = np.array_equal(dtwpt.dtcwpt2(x, level, packet_wavelet="db5").coeffs,
                          dtwpt.dtcwpt2(x, level).coeffs)
    assert same is not acts
    assert "from level 3 on" in dtwpt.list_wavelets.__doc__


# ------------------------------------------------------------ Gabor filters
def _dft_support(kernel):
    spectrum = np.abs(np.fft.fft2(kernel))
    nonzero = spectrum > 1e-9 * spectrum.max()
    return nonzero.any(axis=1).sum(), nonzero.any(axis=0).sum()


def test_readme_gabor_example_names_the_smallest_size():
    with pytest.raises(ValueError, match="smallest size that works for this kappa is 16"):
        dtwpt.gabor_filter((0.5, 1.0), 0.8, 11)
    rows, cols = _dft_support(dtwpt.gabor_filter((0.5, 1.0), 0.8, 16))
    assert rows >= 2 and cols >= 2


@pytest.mark.parametrize("kappa", [0.05, 0.3, np.pi / 32, np.pi / 4, 1.0, np.pi, 2 * np.pi])
def test_gabor_filter_at_its_smallest_size_is_no_plane_wave(kappa):
    """At the smallest accepted size, every centre (even on the grid) keeps >= 2x2 bins."""
    with pytest.raises(ValueError) as info:
        dtwpt.gabor_filter((0.0, 0.0), kappa, 2)
    smallest = int(str(info.value).rsplit(" ", 1)[1])
    assert smallest == int(np.floor(4 * np.pi / kappa * (1 + 1e-9))) + 1
    rng = np.random.default_rng(0)
    grid = 2 * np.pi / smallest
    thetas = [(0.0, 0.0), (grid, -3 * grid)] + list(rng.uniform(-np.pi, np.pi, (5, 2)))
    for theta in thetas:
        rows, cols = _dft_support(dtwpt.gabor_filter(theta, kappa, smallest))
        assert rows >= 2 and cols >= 2, (theta, rows, cols)
    if smallest > 3:
        with pytest.raises(ValueError, match="too small"):
            dtwpt.gabor_filter((0.0, 0.0), kappa, smallest - 1)
        # one size below, a centre on the grid would keep a single bin per axis
        assert _dft_support(_plane_wave_candidate(kappa, smallest - 1)) == (1, 1)


def _plane_wave_candidate(kappa, size):
    """The Hann window sampled as gabor_filter would, without the size check."""
    w = 2 * np.pi * np.fft.fftfreq(size)
    d = (w + np.pi) % (2 * np.pi) - np.pi
    win = np.where(np.abs(d) < kappa / 2, np.cos(np.pi * d / kappa) ** 2, 0.0)
    return np.fft.fft2(np.outer(win, win))


# ------------------------------------------------------------ scratch memory
def test_scratch_held_stays_under_the_bound(monkeypatch):
    bound = 2 * 2 ** 20
    monkeypatch.setattr(_plan, "scratch_limit", lambda: bound)
    _plan._local.scratch = None
    rng = np.random.default_rng(0)
    for width in (128, 160, 192, 224, 256, 288, 320, 352, 384):
        x = rng.standard_normal((1, 256, width))
        xs = rng.standard_normal((1, 256, width))
        values = metrics.shift_metrics(x, xs, 2)
        assert _plan.scratch_bytes() <= bound
        ref = metrics.pair_metrics(*dtwpt.rmax_cmod(np.concatenate([x, xs]), 2), 1)
        np.testing.assert_allclose(values, ref, rtol=1e-12)
    # small calls are cached and reused
    small = rng.standard_normal((16, 16))
    dtwpt.dtcwpt2(small, 1)
    held = _plan.scratch_bytes()
    assert 0 < held <= bound
    dtwpt.dtcwpt2(small, 1)
    assert _plan.scratch_bytes() == held


def test_default_scratch_bound_after_a_large_call():
    x = np.zeros((2048, 2048), dtype=np.float32)
    dtwpt.dtcwpt2(x, 3)
    assert _plan.scratch_bytes() <= _plan.scratch_limit()
    assert _plan.scratch_limit() == 64 * 2 ** 20 * numba.get_num_threads()
    assert "scratch_limit" in _plan.__doc__


# ------------------------------------------------------------ theory integers
def test_theory_rejects_integers_beyond_float_exactness():
    assert theory.beta(2 ** 51, 1, 1.0) == float(2 ** 51)
    with pytest.raises(ValueError, match=r"q must be an integer in \[0, 2251799813685248\]"):
        theory.gamma_sq((0.1, 0.2), q=2 ** 63)
