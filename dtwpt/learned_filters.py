"""A trained-like first layer learned here, in seconds, from the bundled photographs.

Independent component analysis of natural image patches gives localised,
oriented, band-pass filters much like the first layer of a CNN trained on
ImageNet, and colour-opponent ones for colour patches (Olshausen & Field 1996;
Bell & Sejnowski 1997; Hoyer & Hyvärinen 2000 for colour). This module learns
64 RGB 11 x 11 filters that way, with no download and no deep-learning
framework, as the default first layer of ``python -m dtwpt.experiments kernels``
(AlexNet's first layer is 64 RGB 11 x 11 kernels at stride 4).

Recipe (:func:`learn_first_layer`, every step seeded):

1. ``n_patches`` RGB patches of ``size x size`` pixels, values in [0, 1], cut
   at uniformly drawn positions (``numpy.random.default_rng(seed)``) from the
   colour photographs of scikit-image, an equal number from each:
   :data:`PHOTOS`;
2. each patch loses its mean (over pixels and channels), then the mean patch
   is removed;
3. PCA whitening onto the ``n_filters`` leading principal components (this
   discards the noisy high frequencies);
4. symmetric FastICA (Hyvärinen 1999) with the ``log cosh`` contrast
   (``g = tanh``), in float32, started from a random orthogonal matrix, until
   no row of the unmixing matrix turns by more than ``1 - |cos| = tol``;
5. the filters are the rows of the unmixing matrix mapped back to pixel space
   (``w`` such that the component is ``<w, patch>``, i.e. cross-correlation
   kernels), each scaled to unit l2 norm with its largest-magnitude
   coefficient positive, sorted by the radial frequency of their spectral
   peak.

The result is shipped as ``learned_first_layer.npy`` (float32, OIHW
``(64, 3, 11, 11)``); :func:`learned_first_layer` reads it and
:func:`learn_first_layer` regenerates it (a test checks that they agree).

References
----------
.. [1] B. A. Olshausen, D. J. Field, "Emergence of simple-cell receptive field
   properties by learning a sparse code for natural images", Nature 381, 1996.
.. [2] A. J. Bell, T. J. Sejnowski, "The 'independent components' of natural
   scenes are edge filters", Vision Research 37(23), 1997.
.. [3] A. Hyvärinen, "Fast and robust fixed-point algorithms for independent
   component analysis", IEEE Trans. Neural Networks 10(3), 1999.
.. [4] P. O. Hoyer, A. Hyvärinen, "Independent component analysis applied to
   feature extraction from colour and stereo images", Network 11(3), 2000.
.. [5] A. Hyvärinen, E. Oja, "Independent component analysis: algorithms and
   applications", Neural Networks 13(4-5), 2000.
"""
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._validation import check_int, check_real

__all__ = ["PHOTOS", "learn_first_layer", "learned_first_layer"]

#: Colour photographs of ``skimage.data`` that the filters are learned from.
PHOTOS = ("astronaut", "chelsea", "coffee", "rocket")

_SHIPPED = Path(__file__).with_name("learned_first_layer.npy")


def _patches(n_patches, size, rng):
    """``(n_patches, 3, size, size)`` float64 RGB patches in [0, 1]."""
    import skimage.data

    per_photo = -(-n_patches // len(PHOTOS))
    out = []
    for name in PHOTOS:
        photo = np.moveaxis(getattr(skimage.data, name)(), -1, 0).astype(np.float64) / 255
        top = rng.integers(0, photo.shape[1] - size + 1, per_photo)
        left = rng.integers(0, photo.shape[2] - size + 1, per_photo)
        rows = top[:, None] + np.arange(size)
        cols = left[:, None] + np.arange(size)
        out.append(photo[:, rows[:, :, None], cols[:, None, :]].transpose(1, 0, 2, 3))
    return np.concatenate(out)[:n_patches]


def _symmetric_decorrelation(w):
    """``(W W^T)^(-1/2) W``: the nearest matrix with orthonormal rows."""
    s, u = np.linalg.eigh((w @ w.T).astype(np.float64))
    return ((u / np.sqrt(s)) @ u.T @ w).astype(w.dtype)


def _fastica(z, rng, max_iter, tol):
    """Unmixing matrix of whitened data ``z`` (n, d), symmetric FastICA, ``g = tanh``."""
    n, d = z.shape
    w = _symmetric_decorrelation(rng.standard_normal((d, d))).astype(z.dtype)
    for _ in range(max_iter):
        g = np.tanh(z @ w.T)
        new = _symmetric_decorrelation(g.T @ z / n - (1 - g * g).mean(axis=0)[:, None] * w)
        moved = np.max(np.abs(np.abs(np.einsum("ij,ij->i", new, w)) - 1))
        w = new
        if moved < tol:
            return w
    return w


def learn_first_layer(n_filters: int = 64, size: int = 11, *, n_patches: int = 20_000,
                      seed: int = 0, max_iter: int = 200, tol: float = 1e-4) -> np.ndarray:
    """Learn ``n_filters`` RGB ``size x size`` filters by ICA of photograph patches.

    See the module documentation for the recipe.

    Parameters
    ----------
    n_filters : int, optional
        Number of filters (and of principal components kept), at most
        ``3 size**2 - 1``.
    size : int, optional
        Side of the filters.
    n_patches : int, keyword-only, optional
        Number of patches, at least ``10 n_filters``.
    seed : int, keyword-only, optional
        Seed of the patch positions and of the starting matrix.
    max_iter : int, keyword-only, optional
        FastICA iterations at most.
    tol : float, keyword-only, optional
        Convergence threshold on ``1 - |<w_new, w_old>|`` per filter.

    Returns
    -------
    ndarray, float32, shape (n_filters, 3, size, size)
        OIHW kernels of unit l2 norm.

    Raises
    ------
    TypeError
        If ``size``, ``n_filters``, ``n_patches``, ``seed`` or ``max_iter`` is
        not an integer (a bool or a float included), or ``tol`` is not a real
        number.
    ValueError
        If ``size`` is outside [2, 64]; ``n_filters`` is outside
        ``[1, 3 size**2 - 1]``; ``n_patches`` is smaller than ``10 n_filters``;
        ``seed`` is negative; ``max_iter`` is smaller than 1; or ``tol`` is
        negative or not finite.

    References
    ----------
    .. [1] B. A. Olshausen, D. J. Field, "Emergence of simple-cell receptive field
       properties by learning a sparse code for natural images", Nature 381, 1996.
    .. [2] A. J. Bell, T. J. Sejnowski, "The 'independent components' of natural
       scenes are edge filters", Vision Research 37(23), 1997.
    .. [3] A. Hyvärinen, "Fast and robust fixed-point algorithms for independent
       component analysis", IEEE Trans. Neural Networks 10(3), 1999.
    .. [5] A. Hyvärinen, E. Oja, "Independent component analysis: algorithms and
       applications", Neural Networks 13(4-5), 2000.

    Examples
    --------
    >>> V = learn_first_layer(8, 5, n_patches=2000)
    >>> V.shape, V.dtype
    ((8, 3, 5, 5), dtype('float32'))
    """
    from .kernel_analysis import gabor_likeness

    size = check_int(size, "size", 2, 64)
    n_filters = check_int(n_filters, "n_filters", 1, 3 * size * size - 1,
                          why=f" (3 size**2 - 1 for size={size})")
    n_patches = check_int(n_patches, "n_patches", 10 * n_filters, why=" (10 n_filters)")
    seed = check_int(seed, "seed", 0)
    max_iter = check_int(max_iter, "max_iter", 1)
    tol = check_real(tol, "tol", 0.0)
    rng = np.random.default_rng(seed)
    x = _patches(n_patches, size, rng).reshape(n_patches, -1)
    x -= x.mean(axis=1, keepdims=True)
    x -= x.mean(axis=0)
    variance, axes = np.linalg.eigh(x.T @ x / n_patches)
    keep = np.argsort(variance)[::-1][:n_filters]
    whiten = axes[:, keep].T / np.sqrt(variance[keep])[:, None]
    unmix = _fastica((x @ whiten.T).astype(np.float32), rng, max_iter, tol)
    filters = (unmix.astype(np.float64) @ whiten).reshape(n_filters, 3, size, size)
    filters /= np.linalg.norm(filters.reshape(n_filters, -1), axis=1)[:, None, None, None]
    flat = filters.reshape(n_filters, -1)
    filters *= np.sign(flat[np.arange(n_filters), np.abs(flat).argmax(axis=1)])[:, None, None,
                                                                                None]
    _, theta = gabor_likeness(filters, np.pi / 4)
    order = np.lexsort((theta[:, 0], theta[:, 1], np.round(np.hypot(*theta.T), 6)))
    return np.ascontiguousarray(filters[order], dtype=np.float32)


@lru_cache(maxsize=1)
def _shipped():
    weights = np.load(_SHIPPED, allow_pickle=False)
    weights.setflags(write=False)
    return weights


def learned_first_layer() -> np.ndarray:
    """The shipped result of ``learn_first_layer()`` (defaults), read-only.

    Returns
    -------
    ndarray, float32, shape (64, 3, 11, 11)
        OIHW kernels of unit l2 norm (see :func:`learn_first_layer`).

    Examples
    --------
    >>> learned_first_layer().shape
    (64, 3, 11, 11)
    """
    return _shipped()
