"""``out=``: transforms and operators written into arrays the caller reuses."""
import numpy as np
import pytest

import dtwpt


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode, shape", [("periodization", (2, 32, 48)),
                                         ("symmetric", (2, 30, 21))])
def test_transform_and_inverse_into_out_equal_fresh_results(dtype, mode, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    fresh = dtwpt.dtcwpt2(x, 2, mode=mode)
    out = np.full_like(fresh.coeffs, np.nan)
    written = dtwpt.dtcwpt2(x, 2, mode=mode, out=out)
    assert np.shares_memory(written.coeffs, out)
    np.testing.assert_array_equal(out, fresh.coeffs)
    image = np.full(shape, np.nan, dtype=dtype)
    assert dtwpt.idtcwpt2(written, out=image) is image
    np.testing.assert_array_equal(image, dtwpt.idtcwpt2(fresh))


def test_inverse_into_out_with_moved_axes():
    x = np.random.default_rng(1).standard_normal((16, 16, 3))
    p = dtwpt.dtcwpt2(x, 2, axes=(0, 1))
    out = np.empty_like(x)
    np.testing.assert_allclose(dtwpt.idtcwpt2(p, out=out), x, atol=1e-12)


def test_rmax_cmod_into_out_reused_across_batches():
    rng = np.random.default_rng(2)
    ymax, ymod = (np.empty((4, 128, 4, 4), np.float32) for _ in range(2))
    for _ in range(2):
        x = rng.standard_normal((4, 32, 32)).astype(np.float32)
        got = dtwpt.rmax_cmod(x, 3, out=(ymax, ymod))
        assert got[0] is ymax and got[1] is ymod
        expected = dtwpt.rmax_cmod(x, 3)
        np.testing.assert_array_equal(ymax, expected[0])
        np.testing.assert_array_equal(ymod, expected[1])
    first, second = dtwpt.rmax_cmod(x, 3, out=(None, ymod))  # one of them given
    assert second is ymod and not np.shares_memory(first, ymod)
    np.testing.assert_array_equal(first, expected[0])
    np.testing.assert_array_equal(ymod, expected[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rmax_and_cmod_into_out_equal_fresh_results(dtype):
    """``rmax(out=)`` and ``cmod(out=)`` return ``out``, holding what the call
    without it returns; with moved axes too."""
    x = np.random.default_rng(6).standard_normal((16, 3, 24)).astype(dtype)
    options = dict(axes=(0, 2))
    for operator in (dtwpt.rmax, dtwpt.cmod):
        expected = operator(x, 2, **options)
        out = np.full_like(expected, np.nan)
        assert operator(x, 2, out=out, **options) is out
        np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(dtwpt.rmax(x, 2, q=2, **options),
                                  dtwpt.rmax_cmod(x, 2, q=2, **options)[0])


@pytest.mark.parametrize("operator", [dtwpt.rmax, dtwpt.cmod])
@pytest.mark.parametrize("make_out, error, words", [
    (lambda y: np.empty(y.shape, np.float32), ValueError, ["out", "float64"]),
    (lambda y: np.empty(y.shape[1:], y.dtype), ValueError, ["out", "shape"]),
    (lambda y: np.empty(y.shape, y.dtype)[..., ::-1], ValueError, ["out", "C-contiguous"]),
    (lambda y: y.tolist(), TypeError, ["out", "list"]),
])
def test_bad_rmax_or_cmod_out_is_refused(operator, make_out, error, words):
    x = np.zeros((2, 16, 16))
    with pytest.raises(error) as info:
        operator(x, 2, out=make_out(operator(x, 2)))
    assert all(w in str(info.value) for w in words)
    assert "out[" not in str(info.value)


@pytest.mark.parametrize("operator", [dtwpt.rmax, dtwpt.cmod])
def test_rmax_or_cmod_out_must_not_alias_the_input(operator):
    memory = np.zeros(32 * 32 * 4 * 4)  # RMax/CMod of 32 images 16 x 16 at J = 2
    images = memory[: 32 * 16 * 16].reshape(32, 16, 16)
    with pytest.raises(ValueError, match="must not share memory with the input"):
        operator(images, 2, out=memory.reshape(32, 32, 4, 4))


@pytest.mark.parametrize("make_out, error, words", [
    (lambda c: np.empty(c.shape, np.complex128), ValueError, ["out", "complex64"]),
    (lambda c: np.empty(c.shape[:-1] + (1,), c.dtype), ValueError, ["out", "shape"]),
    (lambda c: np.empty(c.shape, c.dtype, order="F"), ValueError, ["C-contiguous"]),
    (lambda c: list(c), TypeError, ["out", "list"]),
])
def test_bad_out_is_refused(make_out, error, words):
    x = np.zeros((2, 16, 16), np.float32)
    coeffs = dtwpt.dtcwpt2(x, 2).coeffs
    with pytest.raises(error) as info:
        dtwpt.dtcwpt2(x, 2, out=make_out(coeffs))
    assert all(w in str(info.value) for w in words)


def test_out_must_not_alias_the_input_or_itself():
    x = np.zeros((2, 16, 16))
    ymax, ymod = dtwpt.rmax_cmod(x, 2)
    with pytest.raises(ValueError, match="must not share memory"):
        dtwpt.rmax_cmod(x, 2, out=(ymax, ymax))
    with pytest.raises(TypeError, match=r"tuple \(ymax, ymod\)"):
        dtwpt.rmax_cmod(x, 2, out=ymax)
    image = np.zeros((16, 16))
    p = dtwpt.dtcwpt2(image, 1)
    alias = p.coeffs.view(np.float64).reshape(-1)[:256].reshape(16, 16)
    with pytest.raises(ValueError, match="share memory"):
        dtwpt.idtcwpt2(p, out=alias)


def _fresh_reference(x, level):
    """The coefficients of ``x`` written into a plain NumPy array (no pool)."""
    shape = dtwpt.dtcwpt2(x, level).coeffs.shape
    return dtwpt.dtcwpt2(x, level, out=np.empty(shape, np.complex64)).coeffs


def test_dropped_outputs_are_recycled_and_held_ones_are_not(monkeypatch):
    """Without ``out=``, an output nothing references any more is handed out
    again (its pages already mapped); one still held, even through a view, is
    not; recycled arrays are overwritten in full."""
    from dtwpt import _outputs

    monkeypatch.setattr(_outputs, "_pool", [])
    rng = np.random.default_rng(2)
    x, y, z = (rng.standard_normal((3, 40, 56)).astype(np.float32) for _ in range(3))
    first = dtwpt.dtcwpt2(x, 2).coeffs
    address = first.ctypes.data
    del first
    again = dtwpt.dtcwpt2(y, 2).coeffs
    assert again.ctypes.data == address
    np.testing.assert_array_equal(again, _fresh_reference(y, 2))
    view = again[1]
    del again
    other = dtwpt.dtcwpt2(z, 2).coeffs
    assert not np.shares_memory(other, view)
    np.testing.assert_array_equal(view, _fresh_reference(y, 2)[1])
    np.testing.assert_array_equal(other, _fresh_reference(z, 2))
    ymax, ymod = dtwpt.rmax_cmod(x, 2)
    assert not np.shares_memory(ymax, ymod)
    image = dtwpt.idtcwpt2(dtwpt.dtcwpt2(x, 2))
    np.testing.assert_allclose(image, x, atol=1e-5)


def test_output_pool_is_bounded(monkeypatch):
    """The pool tracks at most OUTPUT_POOL_BYTES; larger outputs are plain arrays."""
    from dtwpt import _outputs

    monkeypatch.setattr(_outputs, "_pool", [])
    monkeypatch.setattr(_outputs, "OUTPUT_POOL_BYTES", 200_000)
    x = np.random.default_rng(3).standard_normal((2, 32, 32)).astype(np.float32)
    held = [dtwpt.dtcwpt2(x, 2).coeffs for _ in range(20)]  # 16 kB each
    assert _outputs.pooled_bytes() <= 200_000
    big = np.random.default_rng(4).standard_normal((2, 256, 256)).astype(np.float32)
    dtwpt.dtcwpt2(big, 2)  # 1 MB: a plain array, never tracked
    assert _outputs.pooled_bytes() <= 200_000
    assert all(np.array_equal(h, held[0]) for h in held)


def test_recycled_outputs_under_concurrent_callers():
    """Python threads calling at once never receive memory another caller holds."""
    import concurrent.futures

    rng = np.random.default_rng(5)
    images = [rng.standard_normal((2, 32, 48)).astype(np.float32) for _ in range(4)]
    references = [_fresh_reference(x, 2) for x in images]

    def worker(k):
        held = []
        for _ in range(8):
            c = dtwpt.dtcwpt2(images[k], 2).coeffs
            np.testing.assert_array_equal(c, references[k])
            held = held[-1:] + [c]  # keep the previous result alive while computing
        return held

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = [a for held in pool.map(worker, range(4)) for a in held]
    for i, a in enumerate(results):
        assert not any(np.shares_memory(a, b) for b in results[i + 1 :])
    for k, held in enumerate(results[j : j + 2] for j in range(0, 8, 2)):
        for a in held:
            np.testing.assert_array_equal(a, references[k])
