"""The kernel drivers: threads sharing one image agree with one thread per image,
and the one-time compile message."""
import importlib
import sys

import llvmlite.binding as llvm
import numpy as np
import pytest
from numba import njit

import dtwpt
from dtwpt import _kernels
from dtwpt._kernels import _jit, _notice


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, level", [((128, 160), 3), ((136, 1024), 1), ((256, 128), 2)])
def test_one_image_shared_by_threads_matches_batch(shape, level, dtype):
    """A single large image is split over threads (row strips, then units; wide
    packets in chunks); in a batch each thread takes whole images. Same numbers."""
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    pair = np.stack([x, x])
    one = dtwpt.dtcwpt2(x, level)
    np.testing.assert_array_equal(one.coeffs, dtwpt.dtcwpt2(pair, level).coeffs[0])
    und = dtwpt.dtcwpt2(x, level, decimated=False).coeffs
    np.testing.assert_array_equal(und, dtwpt.dtcwpt2(pair, level, decimated=False).coeffs[1])
    for a, b in zip(dtwpt.rmax_cmod(x, level, q=2), dtwpt.rmax_cmod(pair, level, q=2)):
        np.testing.assert_array_equal(a, b[0])
    both = dtwpt.idtcwpt2(dtwpt.dtcwpt2(pair, level))
    np.testing.assert_array_equal(dtwpt.idtcwpt2(one), both[1])


def test_wide_packets_are_chunked():
    geo = _kernels._scratch.geometry(8, 4096, 1, _kernels.DECIMATED, 8)
    assert geo.K > 1 and geo.G == 1 and geo.K * geo.cw == geo.w


@pytest.mark.parametrize("shape, level", [((64, 64), 3), ((32, 1024), 1), ((512, 4096), 2)])
def test_rmax_cmod_units_store_each_x_leaf_once(shape, level):
    """RMax/CMod units hold the two phases of both x-trees once: 4 H W values,
    plus the halo columns of chunked packets (2 halo per part and chunk)."""
    H, W = shape
    geo = _kernels._scratch.geometry(H, W, level, _kernels.RMAX_CMOD, 4)
    halo_columns = 4 * 2 * geo.halo * geo.K * 2**level
    assert geo.zsize == H * (4 * W + halo_columns)
    assert geo.ycols == 3 * geo.scols // 4


def test_rmax_cmod_peak_memory_on_one_large_image():
    """One 2048 x 2048 float32 image: the call's peak traced memory, input
    included, stays within 1.5 x (input + output): the image runs in bands
    (2.2 x when its units held the whole image)."""
    import tracemalloc

    x = np.random.default_rng(0).standard_normal((2048, 2048)).astype(np.float32)
    dtwpt.rmax_cmod(x[:64, :64], 3)  # kernels loaded outside the traced call
    tracemalloc.start()
    try:
        ymax, ymod = dtwpt.rmax_cmod(x, 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (peak + x.nbytes) / (x.nbytes + ymax.nbytes + ymod.nbytes) <= 1.5


def _rmax_cmod(x, level, bands, **options):
    """RMax/CMod of ``x`` with bands wherever allowed (``bands=True``) or never,
    and the geometry of the call."""
    import dtwpt._plan

    plan = dtwpt._plan.plan(options.get("wavelet", "qshift_a"), options.get("packet_wavelet"),
                            level)
    x = np.asarray(x)
    old = _kernels.BAND_MIN_BYTES, _kernels.BAND_MIN_RATIO
    # Bands as narrow as their added rows, even for small images (or none).
    _kernels.BAND_MIN_BYTES, _kernels.BAND_MIN_RATIO = (0, 1) if bands else (1 << 62, 1)
    try:
        out = tuple(a.copy() for a in dtwpt.rmax_cmod(x, level, **options))
        geo = _kernels.rmax_geometry(x.reshape((-1,) + x.shape[-2:]).shape[0], *x.shape[-2:],
                                     level, x.itemsize, options.get("q", 1),
                                     plan.bank(x.dtype), plan.types)
    finally:
        _kernels.BAND_MIN_BYTES, _kernels.BAND_MIN_RATIO = old
    return out, geo


BAND_CASES = [  # shape, level, options
    ((256, 192), 3, {}),
    ((200, 64), 3, {"q": 2}),  # a shorter last band
    ((128, 1024), 2, {}),  # chunked packets
    ((256, 64), 1, {"q": 0}),
    ((512, 96), 3, {"q": 3, "wavelet": "qshift_b", "packet_wavelet": "db4"}),
    ((192, 64), 2, {"q": 9}),  # whole packets
    ((1024, 64), 4, {"packet_wavelet": "sym8"}),
]


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, level, options", BAND_CASES)
def test_rmax_cmod_in_bands_matches_whole_images(shape, level, options, dtype, batch):
    """RMax/CMod in bands of rows (each with the rows above and below that its
    outputs need) equals the whole-image computation bit for bit: one image
    shared by the threads, or whole images per thread."""
    x = np.random.default_rng(level).standard_normal((batch,) + shape).astype(dtype)
    whole, geo = _rmax_cmod(x, level, bands=False, **options)
    assert geo.nbands == 1
    banded, geo = _rmax_cmod(x, level, bands=True, **options)
    assert geo.nbands > 1 and geo.L < shape[0]
    if shape == (200, 64):
        assert shape[0] % geo.band
    for a, b in zip(whole, banded):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("level, q", [(1, 1), (2, 2), (3, 1)])
def test_band_rows_are_all_needed(monkeypatch, level, q):
    """One row-step fewer above or below a band changes the outputs: the rows
    that :func:`band_halo` adds are needed (and the comparison above can fail)."""
    x = np.random.default_rng(2).standard_normal((1, 256, 64))
    whole, _ = _rmax_cmod(x, level, bands=False, q=q)
    halo, step = _kernels.band_halo, 1 << level
    for less in [(step, 0), (0, step)]:
        def fewer(*args, less=less):
            return tuple(rows - fewer_rows for rows, fewer_rows in zip(halo(*args), less))

        monkeypatch.setattr(_kernels, "band_halo", fewer)
        banded, geo = _rmax_cmod(x, level, bands=True, q=q)
        assert geo.nbands > 1
        assert not all(np.array_equal(a, b) for a, b in zip(whole, banded))


@pytest.mark.parametrize("shape, dtype", [((3, 1000), np.float32), ((1, 7), np.float64),
                                          (5, np.complex64)])
def test_scratch_starts_on_a_page(shape, dtype):
    """Kernel scratch starts on a page boundary (stable buffer offsets), with
    the shape, dtype and C layout asked for, and writable."""
    from dtwpt import _plan

    buf = _kernels.page_aligned_empty(shape, dtype)
    assert buf.ctypes.data % 4096 == 0 and buf.dtype == dtype and buf.flags.c_contiguous
    assert buf.shape == (shape if isinstance(shape, tuple) else (shape,))
    buf[...] = 1
    rows = _plan.scratch(2, 12345, np.float32)
    assert rows.ctypes.data % 4096 == 0 and rows.shape == (2, 12345)


def _scale_rows(x, out):
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = 3.0 * x[i, j]


def test_kernels_ask_for_the_widest_vectors():
    """Every kernel is compiled with the LLVM attribute that lets loops use
    512-bit vectors on AVX-512 processors (where the assembly then uses them),
    inner kernels with ``noalias`` array arguments; the results are those of a
    plain ``numba.njit``."""
    assert _jit.compiler(False) is not None, "this Numba lacks the compiler classes"
    modules = (_kernels._filtering, _kernels._assembly, _kernels._passes)
    kernels = [f for m in modules for f in vars(m).values() if hasattr(f, "py_func")]
    assert len(kernels) >= 12
    for f in kernels:
        assert f._compiler.pipeline_class is _jit.compiler(f.targetoptions["no_cpython_wrapper"])
    x = np.random.default_rng(0).standard_normal((5, 37)).astype(np.float32)
    plain = njit(_scale_rows)
    ref = np.empty_like(x)
    plain(x, ref)
    (plain_ir,) = plain.inspect_llvm().values()
    assert _jit.WIDE_VECTORS not in plain_ir
    for inner in (False, True):
        fresh = njit(pipeline_class=_jit.compiler(inner))(_scale_rows)
        out = np.empty_like(x)
        fresh(x, out)
        np.testing.assert_array_equal(out, ref)
        (ir,) = fresh.inspect_llvm().values()
        assert _jit.WIDE_VECTORS in ir
        assert (ir.count("noalias") > plain_ir.count("noalias")) == inner
        if "+avx512f" in llvm.get_host_cpu_features().flatten():
            (asm,) = fresh.inspect_asm().values()
            assert "zmm" in asm


def test_compiling_notice_only_when_the_cache_is_cold(tmp_path, monkeypatch, capsys):
    (tmp_path / "fresh_kernel.py").write_text(
        "import numba\n\n@numba.njit(cache=True)\ndef double(a):\n    return 2 * a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(_notice, "_shown", False)
    monkeypatch.setattr(_notice, "_checked", set())
    module = importlib.import_module("fresh_kernel")
    try:
        _notice.compiling_notice(module.double, (1.0,))
        assert "dtwpt: compiling kernels (first use only" in capsys.readouterr().err
        module.double(1.0)  # compiles and writes the cache
        _notice.compiling_notice(module.double, (1.0,))  # once per process
        assert capsys.readouterr().err == ""
        # A new process would find the cache: the check says so.
        assert _notice._cached(module.double, (1.0,))
    finally:
        sys.modules.pop("fresh_kernel", None)


def test_compiling_notice_is_quiet_with_a_warm_kernel(monkeypatch, capsys):
    monkeypatch.setattr(_notice, "_shown", False)
    monkeypatch.setattr(_notice, "_checked", set())
    x = np.zeros((1, 16, 16))
    dtwpt.rmax_cmod(x, 1)
    capsys.readouterr()
    dtwpt.rmax_cmod(x, 1)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("q", [3, 9])
def test_rmax_of_wide_packets_matches_pooled_undecimated_transform(q):
    """Wide packets are pooled in chunks with a halo (q <= 8) or whole (q = 9):
    RMax is the max of the undecimated real part over a (2q+1)^2 window centred
    on every even sample, periodic."""
    x = np.random.default_rng(1).standard_normal((32, 1024))
    geo = _kernels._scratch.geometry(32, 1024, 1, _kernels.RMAX_CMOD, 8)
    assert geo.K > 1 and geo.halo > 0
    ymax, ymod = dtwpt.rmax_cmod(x, 1, q=q)
    real = dtwpt.dtcwpt2(x, 1, decimated=False).coeffs.real
    pooled = np.full(real.shape, -np.inf)
    for dy in range(-q, q + 1):
        for dx in range(-q, q + 1):
            pooled = np.maximum(pooled, np.roll(real, (-dy, -dx), axis=(-2, -1)))
    np.testing.assert_allclose(ymax, pooled[:, ::2, ::2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ymod, np.abs(dtwpt.dtcwpt2(x, 1).coeffs), rtol=0, atol=1e-12)
