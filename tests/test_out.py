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
