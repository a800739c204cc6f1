"""The kernel drivers: threads sharing one image agree with one thread per image,
and the one-time compile message."""
import contextlib
import importlib
import sys

import llvmlite.binding as llvm
import numpy as np
import pytest
from numba import njit

import dtwpt
import dtwpt._plan
from dtwpt import _kernels
from dtwpt._kernels import _jit, _notice
from dtwpt._kernels._scalar import larger, smaller

from conftest import run_isolated

SPLIT_BYTES = _kernels.SPLIT_BYTES


@pytest.fixture(autouse=True)
def _threads_share_small_images(monkeypatch):
    """The images here are small: threads share single images all the same
    (below ``SPLIT_BYTES``, one thread would take each)."""
    monkeypatch.setattr(_kernels, "SPLIT_BYTES", 0)


@pytest.mark.skipif(_kernels.workers() < 2, reason="needs two threads")
def test_threads_share_single_images_from_a_size_on(monkeypatch):
    """A single image is shared by the threads from ``SPLIT_BYTES`` on (half as
    many for RMax/CMod), and its results do not depend on it."""
    monkeypatch.setattr(_kernels, "SPLIT_BYTES", SPLIT_BYTES)
    for n, dtype, layout, shared in [(192, 4, _kernels.DECIMATED, False),
                                     (320, 4, _kernels.DECIMATED, True),
                                     (192, 4, _kernels.RMAX_CMOD, False),
                                     (256, 4, _kernels.RMAX_CMOD, True),
                                     (224, 8, _kernels.UNDECIMATED, True)]:
        geo = _kernels._scratch.geometry(n, n, 3, layout, dtype)
        assert _kernels._shared(1, geo) == shared and not _kernels._shared(2, geo)
    x = np.random.default_rng(6).standard_normal((320, 320)).astype(np.float32)
    shared = dtwpt.dtcwpt2(x, 3).coeffs.copy()
    monkeypatch.setattr(_kernels, "SPLIT_BYTES", 1 << 62)
    np.testing.assert_array_equal(dtwpt.dtcwpt2(x, 3).coeffs, shared)


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
    plus the halo columns of chunked packets (2 halo per part and chunk, then
    padding to whole vectors)."""
    H, W = shape
    geo = _kernels._scratch.geometry(H, W, level, _kernels.RMAX_CMOD, 4)
    halo_columns = 4 * (geo.pw - geo.cw) * geo.K * 2**level
    assert geo.pw >= geo.cw + 2 * geo.halo
    assert geo.zsize == H * (4 * W + halo_columns)
    assert geo.ycols == 3 * geo.scols // 4


def test_rmax_cmod_peak_memory_on_one_large_image(monkeypatch):
    """One 2048 x 2048 float32 image: the call's peak traced memory, input
    included, stays within 1.5 x (input + output): the image runs in bands
    (2.2 x when its units held the whole image)."""
    import tracemalloc

    x = np.random.default_rng(0).standard_normal((2048, 2048)).astype(np.float32)
    # Kernels loaded (compiled on an empty cache) outside the traced call,
    # the streaming variant too, which this call's outputs (64 MiB) take.
    with monkeypatch.context() as patch:
        patch.setattr(_kernels, "STREAM_BYTES", 0)
        dtwpt.rmax_cmod(x[:256, :512], 3)
    tracemalloc.start()
    try:
        ymax, ymod = dtwpt.rmax_cmod(x, 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (peak + x.nbytes) / (x.nbytes + ymax.nbytes + ymod.nbytes) <= 1.5


@contextlib.contextmanager
def _bands(on):
    """Bands as narrow as the rows they add, even on small images (``on``), or none."""
    names = ("BAND_MIN_BYTES", "BAND_BYTES", "BAND_MIN_RATIO")
    old = [getattr(_kernels, name) for name in names]
    for name, value in zip(names, (0, 1, 1) if on else (1 << 62, 1 << 62, 1)):
        setattr(_kernels, name, value)
    try:
        yield
    finally:
        for name, value in zip(names, old):
            setattr(_kernels, name, value)


def _run(op, x, level, bands, **options):
    """``op`` ("rmax_cmod", "forward", "undecimated" or "inverse") of ``x`` with
    bands or without, as a tuple of arrays, and the geometry of the call."""
    plan = dtwpt._plan.plan(options.get("wavelet", "qshift_a"), options.get("packet_wavelet"),
                            level)
    B, (H, W) = x.reshape((-1,) + x.shape[-2:]).shape[0], x.shape[-2:]
    bank = plan.bank(x.dtype)
    packets = dtwpt.dtcwpt2(x, level, **options) if op == "inverse" else None
    # Outputs start as NaN: a row the kernels skip cannot pass for a computed one
    # (fresh outputs may reuse the memory of the previous call's).
    with _bands(bands):
        if op == "rmax_cmod":
            out = tuple(np.full(x.shape[:-2] + (2 * 4**level, H >> level, W >> level), np.nan,
                                x.dtype) for _ in range(2))
            dtwpt.rmax_cmod(x, level, out=out, **options)
            geo = _kernels.rmax_geometry(B, H, W, level, x.itemsize, options.get("q", 1), bank,
                                         plan.types)
        elif op == "inverse":
            out = (dtwpt.idtcwpt2(packets, out=np.full(x.shape, np.nan, x.dtype)),)
            geo = _kernels.inverse_geometry(B, H, W, level, x.itemsize, bank, plan.types)
        else:
            decimated = op == "forward"
            like = dtwpt.dtcwpt2(x, level, decimated=decimated, **options).coeffs
            out = (dtwpt.dtcwpt2(x, level, decimated=decimated, out=np.full_like(like, np.nan),
                                 **options).coeffs,)
            layout = _kernels.DECIMATED if decimated else _kernels.UNDECIMATED
            geo = _kernels.forward_geometry(B, H, W, level, layout, x.itemsize, bank,
                                            plan.types)
    return out, geo


BAND_CASES = [  # shape, level, options
    ((256, 192), 3, {}),
    ((204, 64), 2, {"q": 2}),  # a shorter last band
    ((128, 1024), 2, {}),  # chunked packets
    ((256, 64), 1, {"q": 0}),
    ((512, 96), 3, {"q": 3, "wavelet": "qshift_b", "packet_wavelet": "db4"}),
    ((192, 64), 2, {"q": 9}),  # whole packets
    ((1024, 64), 4, {"packet_wavelet": "sym8"}),
]


@pytest.mark.parametrize("op", ["rmax_cmod", "forward", "undecimated", "inverse"])
@pytest.mark.parametrize("batch, own_bands", [(1, True), (1, False), (3, True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, level, options", BAND_CASES)
def test_bands_match_whole_images(monkeypatch, shape, level, options, dtype, batch, own_bands,
                                  op):
    """RMax/CMod, the forward and the inverse transforms in bands of rows (each
    with the rows above and below that its outputs need) equal the whole-image
    computation bit for bit: one image whose bands the threads take in turn
    (the transforms) or share (RMax/CMod, or one scratch row), or whole images
    per thread."""
    if op != "rmax_cmod":
        options = {k: v for k, v in options.items() if k != "q"}
    if not own_bands:
        rows = _kernels.scratch_rows
        monkeypatch.setattr(_kernels, "scratch_rows", lambda B, geo, own_bands=True:
                            rows(B, geo, own_bands=False))
    x = np.random.default_rng(level).standard_normal((batch,) + shape).astype(dtype)
    whole, geo = _run(op, x, level, False, **options)
    assert geo.nbands == 1
    banded, geo = _run(op, x, level, True, **options)
    assert geo.nbands > 1 and geo.L < shape[0]
    if shape == (204, 64):
        assert shape[0] % geo.band
    for a, b in zip(whole, banded):
        np.testing.assert_array_equal(a, b)


def _first_call_only(seen):
    """A stand-in for :func:`_kernels._threads.run` that runs only the first of
    the concurrent calls, as if the other threads never started."""
    def run(kernel, calls):
        seen.append(len(calls))
        return [kernel(*calls[0])] + [0] * (len(calls) - 1)
    return run


@pytest.mark.parametrize("op", ["rmax_cmod", "forward", "undecimated"])
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, level, options", BAND_CASES)
def test_streaming_variant_in_bands_matches_whole_images(monkeypatch, shape, level, options,
                                                         dtype, batch, op):
    """Bands in the kernels' streaming variant (here for every row): a band
    that follows the band in a thread's units takes the rows it shares with
    it from them (RMax/CMod: every band after the first, its steps taken by
    threads as they come free; the transforms: runs of bands that a thread
    takes one after the other); on one image or on whole images of a batch.
    The same as whole images, bit for bit."""
    if op != "rmax_cmod":
        options = {k: v for k, v in options.items() if k != "q"}
    x = np.random.default_rng(level).standard_normal((batch,) + shape).astype(dtype)
    whole, _ = _run(op, np.concatenate([x, x]), level, False, **options)
    monkeypatch.setattr(_kernels, "_streamed", lambda outputs, chunk: True)
    calls = []
    schedule = _kernels._schedule
    monkeypatch.setattr(_kernels, "_schedule", lambda *a, **k: calls.append(k) or
                        schedule(*a, **k))
    banded, geo = _run(op, x, level, True, **options)
    assert geo.nbands > 1 and calls[-1] == ({"steps": True} if op == "rmax_cmod" else {})
    for a, b in zip(whole, banded):
        np.testing.assert_array_equal(a[:batch], b)


def _last_call_first(seen):
    """A stand-in for :func:`_kernels._threads.run` that runs the concurrent
    calls one after the other, the last first, as if the other threads
    started only once it had ended."""
    def run(kernel, calls):
        seen.append(len(calls))
        return [kernel(*args) for args in calls[::-1]][::-1]
    return run


@pytest.mark.skipif(_kernels.workers() < 2, reason="needs two threads")
@pytest.mark.parametrize("order", [_first_call_only, _last_call_first])
@pytest.mark.parametrize("op", ["rmax_cmod", "forward", "undecimated", "inverse"])
@pytest.mark.parametrize("batch", [3, 1])
def test_a_thread_takes_every_job_the_others_leave(monkeypatch, op, batch, order):
    """Images of a batch, the bands of one image that threads take whole and
    the steps of the bands that RMax/CMod's threads share are taken as threads
    come free: when only one thread's call runs, or the others start once it
    has ended, it takes every one (and the others, none: they wait only for
    steps another thread has taken), and the outputs are complete (they
    start as NaN)."""
    if op == "rmax_cmod" and batch == 1:  # steps are shared in the streaming variant
        monkeypatch.setattr(_kernels, "_streamed", lambda outputs, chunk: True)
    x = np.random.default_rng(3).standard_normal((batch, 256, 192)).astype(np.float32)
    expected, _ = _run(op, x, 3, batch == 1)
    seen = []
    monkeypatch.setattr(_kernels, "run", order(seen))
    got, geo = _run(op, x, 3, batch == 1)
    assert max(seen) > 1 and (batch > 1 or geo.nbands > 1)
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(_kernels.workers() < 2, reason="needs two threads")
def test_a_thread_takes_every_pair_the_others_leave(monkeypatch):
    """Pair norms, from the images or from stored RMax/CMod, are taken pair by
    pair as threads come free."""
    x = np.random.default_rng(4).standard_normal((5, 64, 48))
    xs = np.roll(x, 1, axis=-1)
    expected = dtwpt.pair_squared_norms(x, xs, 2)
    ymax, ymod = dtwpt.rmax_cmod(np.concatenate([x, xs]), 2)
    stored = _kernels.output_pair_norms(ymax, ymod, 5)
    seen = []
    monkeypatch.setattr(_kernels, "run", _first_call_only(seen))
    np.testing.assert_array_equal(dtwpt.pair_squared_norms(x, xs, 2), expected)
    np.testing.assert_array_equal(_kernels.output_pair_norms(ymax, ymod, 5), stored)
    assert max(seen) > 1


@njit
def _transpose_rows(src, dst, col0):
    _kernels._filtering.transpose_rows(src, dst, col0)


@njit
def _transpose_values(src, dst, col0):
    _kernels._filtering.transpose_values(src, dst, col0)


@pytest.mark.parametrize("transpose", [_transpose_rows, _transpose_values])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transposes_match_numpy(dtype, transpose):
    """The transpose in 8 x 8 tiles through vector registers (the rows and
    columns left over one by one), and the one value by value: every shape,
    column offset and source row stride gives NumPy's transpose, and nothing
    outside it is written."""
    rng = np.random.default_rng(5)
    for n in (1, 7, 8, 9, 28, 33, 80):
        for m in (1, 5, 8, 16, 40, 83):
            for col0 in (0, 3, 16):
                wide = rng.standard_normal((n, m + 9)).astype(dtype)
                for src in (wide[:, :m].copy(), wide[:, 4 : 4 + m]):  # C and strided rows
                    dst = np.full((m, col0 + n + 5), np.nan, dtype)
                    transpose(src, dst, col0)
                    expected = np.full_like(dst, np.nan)
                    expected[:, col0 : col0 + n] = src.T
                    np.testing.assert_array_equal(dst, expected)


def test_take_hands_each_value_to_one_thread():
    """The atomic counter behind the job flags: threads taking values at the same
    time get every value once."""
    from dtwpt._kernels._atomic import take

    @njit(nogil=True)
    def grab(counters, got, n):
        k = 0
        value = take(counters, 1)
        while value < n:
            got[k] = value
            k += 1
            value = take(counters, 1)
        return k

    n = 200_000
    counters = np.zeros(3, np.int64)
    got = np.full((4, n), -1, np.int64)
    counts = _kernels._threads.spread(grab, [(counters, got[w], n) for w in range(4)])
    taken = np.concatenate([got[w, :k] for w, k in enumerate(counts)])
    np.testing.assert_array_equal(np.sort(taken), np.arange(n))
    assert counters[0] == counters[2] == 0 and counters[1] == n + 4


def test_counts_hand_over_writes_between_threads():
    """Counts that threads wait for (:func:`arrive`, :func:`arrived`, giving the
    processor away while they wait): a thread that sees a count sees what the
    threads counted in it wrote before. Four threads, each writing its values
    and counting them, then checking every other thread's values once the
    count says they are all written; more threads than processors make them
    wait for each other."""
    from dtwpt._kernels._atomic import arrive, arrived, give_way

    @njit(nogil=True)
    def relay(counts, data, w, rounds):
        threads = data.shape[0]
        bad = 0
        for r in range(rounds):
            data[w, r] = w * rounds + r + 1
            arrive(counts, r)
            while arrived(counts, r) < threads:
                give_way()
            for v in range(threads):
                bad += data[v, r] != v * rounds + r + 1
        return bad

    rounds = 2000
    counts = np.zeros(rounds, np.int64)
    data = np.zeros((4, rounds), np.int64)
    bad = _kernels._threads.spread(relay, [(counts, data, w, rounds) for w in range(4)])
    assert bad == [0] * 4
    np.testing.assert_array_equal(counts, 4)


@pytest.mark.parametrize("op", ["rmax_cmod", "forward", "undecimated", "inverse"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch, shape, level", [(3, (204, 96), 2), (1, (256, 192), 3)])
def test_xpass_strips_match_the_whole_band(monkeypatch, batch, shape, level, dtype, op):
    """The x-pass in equal strips of a few rows (the last one shorter where they
    do not divide the image) equals the x-pass of the whole image bit for bit."""
    x = np.random.default_rng(level).standard_normal((batch,) + shape).astype(dtype)
    monkeypatch.setattr(_kernels._scratch, "XPASS_SPLIT_BYTES", 1 << 62)
    whole, geo = _run(op, x, level, False)
    assert geo.R == geo.L
    monkeypatch.setattr(_kernels._scratch, "XPASS_SPLIT_BYTES", 1)  # a vector of rows
    strips, geo = _run(op, x, level, False)
    assert geo.R == 64 // x.itemsize
    assert geo.L % geo.R != 0 or shape[0] == 256
    for a, b in zip(whole, strips):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("op", ["rmax_cmod", "forward", "undecimated", "inverse"])
@pytest.mark.parametrize("level", [1, 2, 3])
def test_band_rows_are_all_needed(monkeypatch, level, op):
    """One row-step fewer above or below a band (where it adds any) changes the
    outputs: the rows that :func:`band_halo` and :func:`synthesis_halo` add are
    needed (and the comparison above can fail)."""
    x = np.random.default_rng(2).standard_normal((1, 256, 64))
    whole, _ = _run(op, x, level, False)
    name = "synthesis_halo" if op == "inverse" else "band_halo"
    halo, step = getattr(_kernels, name), 1 << level
    checked = 0
    for less in [(step, 0), (0, step)]:
        changed = []

        def fewer(*args, less=less, changed=changed):
            rows = halo(*args)
            reduced = tuple(max(n - fewer_rows, 0) for n, fewer_rows in zip(rows, less))
            changed.append(reduced != rows)  # (a side that adds no rows cannot lose one)
            return reduced

        monkeypatch.setattr(_kernels, name, fewer)
        banded, geo = _run(op, x, level, True)
        assert geo.nbands > 1
        if changed[-1]:
            checked += 1
            assert not all(np.array_equal(a, b) for a, b in zip(whole, banded))
    assert checked


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


def _transpose_twice(x, xt, back):
    transpose_rows = _kernels._filtering.transpose_rows
    transpose_rows(x, xt, 0 * x.shape[0])
    transpose_rows(xt, back, min(0, x.shape[1]))  # (Numba's min: a helper of its own)


def test_called_kernels_are_linked_after_optimisation(monkeypatch):
    """A kernel's own code is optimised with Numba's helpers (here ``min``)
    linked in, and without the code of the kernels it calls, which is linked
    after (optimised already); the results are unchanged."""
    x = np.random.default_rng(1).standard_normal((6, 40)).astype(np.float32)
    probe = njit(pipeline_class=_jit.compiler(False))(lambda a: a.shape[0])
    probe(x)
    library_class = type(probe.overloads[probe.signatures[0]].library)
    assert library_class.__name__ == "KernelLibrary"
    optimise = library_class._optimize_final_module
    optimised = []  # the functions defined when each library is optimised

    def spy(library):
        optimised.append([f.name for f in library._final_module.functions
                          if not f.is_declaration])
        optimise(library)

    monkeypatch.setattr(library_class, "_optimize_final_module", spy)
    fresh = njit(pipeline_class=_jit.compiler(False))(_transpose_twice)
    xt, back = np.empty((40, 6), np.float32), np.empty((6, 40), np.float32)
    fresh(x, xt, back)
    np.testing.assert_array_equal(xt, x.T)
    np.testing.assert_array_equal(back, x)
    own = optimised[-1]  # the fresh kernel's: the last library optimised
    assert any("_transpose_twice" in name for name in own)
    assert any("min" in name for name in own)
    assert not any(name.startswith(_jit.KERNEL_SYMBOLS) for name in own)
    library = fresh.overloads[fresh.signatures[0]].library
    linked = [f.name for f in library._final_module.functions if not f.is_declaration]
    assert any(name.startswith(_jit.KERNEL_SYMBOLS + "10_filtering14transpose_rows")
               for name in linked)
    assert _jit._is_kernel(library) and not _jit._is_kernel(
        probe.overloads[probe.signatures[0]].library)


@njit
def _both_ways(a, b):
    return larger(a, b), max(a, b), smaller(a, b), min(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_scalar_min_max_match_the_builtins(dtype):
    """``larger``/``smaller`` return what Numba's ``max``/``min`` return, bit
    for bit: NaN in either place, signed zeros, infinities, ties."""
    values = [-np.inf, -2.5, -0.0, 0.0, 1.0, 3.0, np.inf, np.nan]
    if dtype == np.int64:
        values = [-7, -1, 0, 1, 5, 2**40]
    for a in values:
        for b in values:
            got = _both_ways(dtype(a), dtype(b))
            for mine, builtin in ((got[0], got[1]), (got[2], got[3])):
                assert np.asarray(mine).tobytes() == np.asarray(builtin).tobytes(), (a, b)


def test_kernel_functions_are_optimised_once(monkeypatch):
    """A kernel's functions go through LLVM's optimisation once, in the whole
    module (Numba's per-function pass as they are added is skipped); the
    results are those of a plain ``numba.njit``."""
    from numba.core.registry import cpu_target

    codegen = cpu_target.target_context.codegen()
    calls = []
    per_function = codegen._function_pass_manager

    def counted(*args, **kwargs):
        calls.append(1)
        return per_function(*args, **kwargs)

    monkeypatch.setattr(codegen, "_function_pass_manager", counted)
    x = np.random.default_rng(2).standard_normal((4, 9))
    ref = np.empty_like(x)
    njit(_scale_rows)(x, ref)
    assert calls, "a plain njit function no longer goes through the per-function pass"
    calls.clear()
    out = np.empty_like(x)
    njit(pipeline_class=_jit.compiler(False))(_scale_rows)(x, out)
    assert not calls
    np.testing.assert_array_equal(out, ref)


_FIRST_PROCESS = """
    import numpy as np, dtwpt
    from dtwpt._kernels import _filtering
    x = np.random.default_rng(3).standard_normal((2, 96, 128)).astype(np.float32)
    np.save({path!r}, dtwpt.dtcwpt2(x, 2).coeffs)
    # Called kernels are optimised but keep no machine code of their own.
    (library,) = [r.library for r in _filtering.analysis_level.overloads.values()]
    assert library.compiled is False
"""

_SECOND_PROCESS = """
    import numpy as np, dtwpt
    from dtwpt import _kernels
    from dtwpt._kernels import _filtering
    x = np.random.default_rng(3).standard_normal((2, 96, 128)).astype(np.float32)
    _kernels.STREAM_BYTES = 0  # a work function this cache lacks: compiled here
    streamed = dtwpt.dtcwpt2(x, 2).coeffs
    assert sum(_filtering.analysis_level.stats.cache_hits.values()) >= 1
    np.testing.assert_array_equal(streamed, np.load({path!r}))
    print("same")
"""


def test_called_kernels_from_the_cache_serve_new_callers(tmp_path, monkeypatch):
    """Kernels that only other kernels call are cached without machine code
    of their own (their callers compile the copies they link); a later
    process that loads them from the cache and compiles a new caller with
    them (the streaming variant of the forward work function) computes the
    same coefficients, bit for bit, as the process that compiled them."""
    assert _jit.compiler(True) is not None, "this Numba lacks the compiler classes"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cache"))
    path = str(tmp_path / "coeffs.npy")
    run_isolated(_FIRST_PROCESS.format(path=path), timeout=300)
    assert run_isolated(_SECOND_PROCESS.format(path=path), timeout=300).strip() == "same"


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


@pytest.mark.parametrize("W, dtype", [(1024, np.float64), (1000, np.float32)])
@pytest.mark.parametrize("q", [1, 3, 9])
def test_rmax_of_wide_packets_matches_pooled_undecimated_transform(q, W, dtype):
    """Wide packets are pooled in chunks with a halo (q <= 8) or whole (q = 9):
    RMax is the max of the undecimated real part over a (2q+1)^2 window centred
    on every even sample, periodic. Chunks of 125 float32 columns are padded
    to 144 (whole vectors)."""
    x = np.random.default_rng(1).standard_normal((32, W)).astype(dtype)
    geo = _kernels._scratch.geometry(32, W, 1, _kernels.RMAX_CMOD, x.itemsize)
    assert geo.K > 1 and geo.halo > 0 and geo.pw * x.itemsize % 64 == 0
    ymax, ymod = dtwpt.rmax_cmod(x, 1, q=q)
    real = dtwpt.dtcwpt2(x, 1, decimated=False).coeffs.real
    pooled = np.full(real.shape, -np.inf)
    for dy in range(-q, q + 1):
        for dx in range(-q, q + 1):
            pooled = np.maximum(pooled, np.roll(real, (-dy, -dx), axis=(-2, -1)))
    atol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(ymax, pooled[:, ::2, ::2], rtol=0, atol=atol)
    np.testing.assert_allclose(ymod, np.abs(dtwpt.dtcwpt2(x, 1).coeffs), rtol=0, atol=atol)
