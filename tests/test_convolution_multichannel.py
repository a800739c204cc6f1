"""Multichannel RMax/CMod (kernels (L, C, k, k), images (..., C, H, W)) against explicit loops."""
import numpy as np
import pytest

from dtwpt import cmod_conv, rmax_conv


def brute_correlation(x, K, m):
    """``sum_c sum_t x_c[(m n + t) mod (H, W)] K_c[t]`` by loops: x (C, H, W), K (C, k, k)."""
    C, H, W = x.shape
    k = K.shape[-1]
    y = np.zeros((H // m, W // m), dtype=np.result_type(K, float))
    for ny in range(H // m):
        for nx in range(W // m):
            for c in range(C):
                for ty in range(k):
                    for tx in range(k):
                        y[ny, nx] += x[c, (m * ny + ty) % H, (m * nx + tx) % W] * K[c, ty, tx]
    return y


def brute_rmax(x, V, m, q):
    """``max_{|p| <= q} y[2n + p]`` on the subsampled map, wrapping periodically."""
    out = []
    for K in V:
        y = brute_correlation(x, K, m)
        h, w = y.shape
        pooled = np.empty((h // 2, w // 2))
        for i in range(h // 2):
            for j in range(w // 2):
                pooled[i, j] = max(y[(2 * i + a) % h, (2 * j + b) % w]
                                   for a in range(-q, q + 1) for b in range(-q, q + 1))
        out.append(pooled)
    return np.array(out)


def brute_cmod(x, W, m):
    return np.array([np.abs(brute_correlation(x, K, 2 * m)) for K in W])


CASES = [  # (C, L, k, m, q, H)
    (1, 1, 3, 1, 0, 8),
    (3, 2, 5, 2, 1, 16),
    (2, 3, 4, 1, 2, 12),
    (3, 4, 7, 4, 1, 16),
    (4, 2, 11, 2, 1, 12),  # kernel wider than half the image
    (3, 1, 9, 3, 1, 12),
]


@pytest.mark.parametrize("C, L, k, m, q, H", CASES)
def test_multichannel_equals_brute_force(C, L, k, m, q, H):
    rng = np.random.default_rng([C, L, k, m, q])
    x = rng.standard_normal((C, H, H + 2 * m))
    V = rng.standard_normal((L, C, k, k))
    W = V + 1j * rng.standard_normal((L, C, k, k))
    np.testing.assert_allclose(rmax_conv(x, V, m, q=q), brute_rmax(x, V, m, q), atol=1e-10)
    np.testing.assert_allclose(cmod_conv(x, W, m), brute_cmod(x, W, m), atol=1e-10)


def test_batch_axes_and_float32():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 3, 16, 16)).astype(np.float32)
    V = rng.standard_normal((5, 3, 5, 5))
    y = rmax_conv(x, V, 2)
    assert y.shape == (2, 3, 5, 4, 4) and y.dtype == np.float32
    np.testing.assert_allclose(y[1, 2], rmax_conv(x[1, 2], V, 2), rtol=1e-6)
    z = cmod_conv(x.astype(np.float64), V + 0j, 2)
    assert z.shape == (2, 3, 5, 4, 4) and z.dtype == np.float64


def test_monochrome_kernels_act_on_weighted_image():
    """V_lc = mu_c K_l: the layer equals K on the image sum_c mu_c x_c (Hypothesis 5.1)."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 16, 16))
    K = rng.standard_normal((4, 5, 5))
    mu = np.array([0.299, 0.587, 0.114])
    V = mu[None, :, None, None] * K[:, None]
    gray = np.tensordot(mu, x, axes=1)
    np.testing.assert_allclose(rmax_conv(x, V, 2), rmax_conv(gray, K, 2), atol=1e-12)
    np.testing.assert_allclose(cmod_conv(x, V + 0j, 2), cmod_conv(gray, K + 0j, 2), atol=1e-12)


def test_single_channel_stack_is_unchanged():
    """(L, k, k) kernels map (..., H, W) to (..., L, h, w), as (L, 1, k, k) on (..., 1, H, W)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 16, 16))
    V = rng.standard_normal((3, 5, 5))
    np.testing.assert_allclose(rmax_conv(x, V, 2), rmax_conv(x[:, None], V[:, None], 2))
    assert rmax_conv(x, V[0], 2).shape == (2, 4, 4)


def test_bad_shapes():
    x = np.zeros((3, 16, 16))
    with pytest.raises(ValueError, match=r"C = 2 channels .* got shape \(3, 16, 16\)"):
        rmax_conv(x, np.zeros((4, 2, 3, 3)), 2)
    with pytest.raises(ValueError, match=r"\(L, C, k, k\), got shape"):
        rmax_conv(x, np.zeros((1, 4, 2, 3, 3)), 2)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        cmod_conv(x[0], np.zeros((4, 3, 3, 3)), 2)
    with pytest.raises(TypeError, match="real kernel"):
        rmax_conv(x, np.zeros((4, 3, 3, 3), complex), 2)
    with pytest.raises(ValueError, match="NaN"):
        rmax_conv(x, np.full((4, 3, 3, 3), np.nan), 2)
