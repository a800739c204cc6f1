"""idtcwpt2: float32 arithmetic against float64, and the value checks of its coefficients."""
import dataclasses

import numpy as np
import pytest

from dtwpt import _plan, dtcwpt2, idtcwpt2


def _perturbed(shape, level, mode, seed):
    """float64 packets of a random image with random complex coefficients."""
    rng = np.random.default_rng(seed)
    p = dtcwpt2(rng.standard_normal(shape), level, mode=mode)
    c = rng.standard_normal(p.coeffs.shape) + 1j * rng.standard_normal(p.coeffs.shape)
    return dataclasses.replace(p, coeffs=c)


@pytest.mark.parametrize("mode", ["periodization", "symmetric"])
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_float32_matches_float64(level, mode):
    # A batch (threads take whole images) and one image large enough to be
    # shared by the threads and synthesised in strips of rows.
    for shape in [(3, 48, 80), (1, 1024, 384)]:
        p = _perturbed(shape, level, mode, level)
        expected = idtcwpt2(p)
        got = idtcwpt2(dataclasses.replace(p, coeffs=p.coeffs.astype(np.complex64)))
        assert got.dtype == np.float32
        err = np.abs(got - expected).max() / np.abs(expected).max()
        assert err < 1e-5, (shape, err)


@pytest.mark.parametrize("size", [32, 128])  # 128: the check is shared by the threads
@pytest.mark.parametrize("contiguous", [True, False])
@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e307])
def test_imaginary_parts_are_checked(bad, contiguous, size):
    p = _perturbed((2, size, size), 2, "periodization", 0)
    c = p.coeffs.copy() if contiguous else np.asfortranarray(p.coeffs)
    assert c.flags.c_contiguous == contiguous
    for where in [(0, 5, 2, 3), (1, -1, -1, -1)]:  # first and last share
        c[where] = complex(1.0, bad)
        with pytest.raises(ValueError, match="packets.coeffs"):
            idtcwpt2(dataclasses.replace(p, coeffs=c))
        c[where] = 1.0
    np.testing.assert_allclose(idtcwpt2(dataclasses.replace(p, coeffs=c)),
                               idtcwpt2(dataclasses.replace(p, coeffs=c.copy(order="C"))),
                               rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(6, 32, 48), (256, 256)])
def test_coefficient_values_are_checked_while_the_inverse_reads_them(dtype, shape):
    """idtcwpt2 counts NaN and too-large coefficient parts in its kernels (batch
    split by images, or one image shared by threads) and reports them with the
    exact check's message; coefficients up to the bound are accepted."""
    x = np.random.default_rng(3).standard_normal(shape).astype(dtype)
    packets = dtcwpt2(x, 2)
    np.testing.assert_allclose(idtcwpt2(packets), x, atol=1e-4)
    bound = float(np.finfo(dtype).max) / _plan.gain(packets.wavelet, None, 2, inverse=True)
    for value, words in ((np.nan, "NaN or infinite"), (np.inf, "NaN or infinite"),
                         (-np.inf, "NaN or infinite"), (np.copysign(np.nan, -1), "NaN"),
                         (2 * bound, "values up to"), (-2 * bound, "values up to")):
        bad = packets.coeffs.copy()
        bad.flat[-1] = complex(0.0, value)  # the last image's last packet: read last
        with pytest.raises(ValueError, match=words):
            idtcwpt2(dataclasses.replace(packets, coeffs=bad))
    edge = packets.coeffs / np.abs(packets.coeffs).max() * np.float64(bound) / 2
    edge.flat[0] = complex(float(np.nextafter(dtype(bound), dtype(0))), 0.0)
    out = idtcwpt2(dataclasses.replace(packets, coeffs=edge.astype(packets.coeffs.dtype)))
    assert out.shape == x.shape
