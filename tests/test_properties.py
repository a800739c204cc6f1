"""Property-based tests: perfect reconstruction and the tight frame hold for any input.

Random shapes, dtypes, levels, modes, wavelet pairs and memory layouts
(Fortran order, strided, reversed, read-only, big-endian, unaligned). The budget is fixed
and small (a few dozen examples per property) so the file runs in seconds;
the properties are identities, so any counter-example is a bug.
"""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

import dtwpt

# Hypothesis keeps a cache folder; keep it out of the source tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "dtwpt-hypothesis")
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
WAVELETS = dtwpt.list_wavelets()
PACKET_WAVELETS = [None, "haar", "db3", "sym4", "coif1"]
LAYOUTS = ["C", "F", "strided", "reversed", "readonly", "bigendian", "unaligned"]
INPUT_DTYPES = [np.float64, np.float32, np.int16, np.uint8, np.float16]


def _layout(x, layout):
    """The same values as ``x`` in another memory layout."""
    if layout == "F":
        return np.asfortranarray(x)
    if layout == "strided":
        big = np.zeros(tuple(2 * n for n in x.shape), dtype=x.dtype)
        view = big[tuple(slice(None, None, 2) for _ in x.shape)]
        view[...] = x
        return view
    if layout == "reversed":
        return np.ascontiguousarray(x[..., ::-1, ::-1])[..., ::-1, ::-1]
    if layout == "readonly":
        y = x.copy()
        y.setflags(write=False)
        return y
    if layout == "bigendian":
        return x.astype(x.dtype.newbyteorder(">"))
    if layout == "unaligned":  # one byte past an aligned buffer
        y = np.empty(x.nbytes + 1, dtype=np.uint8)[1:].view(x.dtype).reshape(x.shape)
        y[...] = x
        return y
    return np.ascontiguousarray(x)


@st.composite
def images(draw, ndim_lead=st.integers(0, 2)):  # noqa: B008 (hypothesis' composite idiom)
    level = draw(st.integers(1, 4))
    mode = draw(st.sampled_from(["periodization", "symmetric"]))
    if mode == "periodization":
        H, W = (2 ** level * draw(st.integers(1, 3)) for _ in range(2))
    else:
        H, W = (draw(st.integers(1, 40)) for _ in range(2))
    lead = tuple(draw(st.integers(1, 2)) for _ in range(draw(ndim_lead)))
    dtype = draw(st.sampled_from(INPUT_DTYPES))
    seed = draw(st.integers(0, 2 ** 16))
    x = np.random.default_rng(seed).standard_normal(lead + (H, W)) * 20
    x = x.astype(dtype) if dtype not in (np.int16, np.uint8) else np.abs(x).astype(dtype)
    return _layout(x, draw(st.sampled_from(LAYOUTS))), level, mode


def _check_close(rec, x):
    x = np.asarray(x)
    single = x.dtype.kind == "f" and x.dtype.itemsize == 4
    assert rec.dtype == (np.float32 if single else np.float64)
    assert rec.shape == x.shape
    ref = x.astype(np.float64)
    scale = max(1.0, float(np.abs(ref).max()))
    np.testing.assert_allclose(rec, ref, rtol=0, atol=(2e-5 if single else 1e-11) * scale)


@SETTINGS
@given(images(), st.sampled_from(WAVELETS), st.sampled_from(PACKET_WAVELETS))
def test_perfect_reconstruction_2d(case, wavelet, packet_wavelet):
    x, level, mode = case
    p = dtwpt.dtcwpt2(x, level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode)
    _check_close(dtwpt.idtcwpt2(p), x)


@SETTINGS
@given(images(), st.sampled_from(WAVELETS), st.sampled_from(PACKET_WAVELETS))
def test_tight_frame_and_layout_invariance(case, wavelet, packet_wavelet):
    x, level, _ = case
    h, w = (n - n % 2 ** level for n in x.shape[-2:])
    if h == 0 or w == 0:
        return
    x = x[..., :h, :w]  # periodization sizes
    kw = dict(wavelet=wavelet, packet_wavelet=packet_wavelet)
    c = dtwpt.dtcwpt2(x, level, **kw).coeffs
    native = np.ascontiguousarray(x, dtype=x.dtype.newbyteorder("="))
    np.testing.assert_array_equal(c, dtwpt.dtcwpt2(native, level, **kw).coeffs)
    energy = (np.abs(c.astype(np.complex128)) ** 2).sum()
    reference = 8 * (x.astype(np.float64) ** 2).sum()
    rtol = 1e-4 if c.dtype == np.complex64 else 1e-10
    assert energy == pytest.approx(reference, rel=rtol, abs=1e-9)


@SETTINGS
@given(images(), st.sampled_from(WAVELETS), st.sampled_from(PACKET_WAVELETS),
       st.integers(0, 2 ** 16))
def test_perfect_reconstruction_1d(case, wavelet, packet_wavelet, seed):
    x, level, mode = case
    axis = int(np.random.default_rng(seed).integers(-x.ndim, x.ndim))
    if mode == "periodization" and x.shape[axis] % 2 ** level:
        mode = "symmetric"
    p = dtwpt.dtcwpt(x, level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode,
                     axis=axis)
    _check_close(dtwpt.idtcwpt(p), x)
    if mode == "periodization":
        energy = (np.abs(p.coeffs.astype(np.complex128)) ** 2).sum()
        rtol = 1e-4 if p.coeffs.dtype == np.complex64 else 1e-10
        assert energy == pytest.approx(2 * (x.astype(np.float64) ** 2).sum(), rel=rtol, abs=1e-9)


@SETTINGS
@given(images(ndim_lead=st.just(1)), st.permutations([0, 1, 2]))
def test_axes_match_moving_the_axes_first(case, order):
    x, level, mode = case
    y = np.moveaxis(x, (0, 1, 2), order)  # x's axis i is y's axis order[i]
    axes = (order[1], order[2])
    p = dtwpt.dtcwpt2(y, level, mode=mode, axes=axes)
    np.testing.assert_array_equal(p.coeffs, dtwpt.dtcwpt2(x, level, mode=mode).coeffs)
    _check_close(dtwpt.idtcwpt2(p), y)


@SETTINGS
@given(images(), st.integers(0, 2))
def test_cmod_is_the_modulus_of_the_transform(case, q):
    x, level, mode = case
    ymax, ymod = dtwpt.rmax_cmod(x, level, mode=mode, q=q)
    c = dtwpt.dtcwpt2(x, level, mode=mode).coeffs
    tol = 1e-4 if c.dtype == np.complex64 else 1e-10
    np.testing.assert_allclose(ymod, np.abs(c), rtol=tol, atol=tol * max(1.0, np.abs(c).max()))
    assert ymax.shape == ymod.shape and ymax.dtype == ymod.dtype
