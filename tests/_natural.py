"""Natural-like test images: white noise with a 1/|omega| amplitude spectrum.

Shared by tests/test_operators.py and tests/test_metrics.py. Written in plain
NumPy, independently of dtwpt.
"""
import numpy as np


def one_over_f_images(n_images, shape, seed):
    """``n_images`` real images of ``shape`` whose spectrum falls off as ``1/|omega|``.

    White Gaussian noise is multiplied in Fourier by ``1/|omega|`` (the DC term
    is set to 0, so every image has zero mean) and each image is scaled to unit
    standard deviation. Seeded: the same arguments give the same images.
    """
    rng = np.random.default_rng(seed)
    H, W = shape
    wy = 2 * np.pi * np.fft.fftfreq(H)[:, None]
    wx = 2 * np.pi * np.fft.fftfreq(W)[None, :]
    radius = np.hypot(wy, wx)
    gain = np.zeros_like(radius)
    gain[radius > 0] = 1.0 / radius[radius > 0]
    noise = rng.standard_normal((n_images, H, W))
    images = np.fft.ifft2(np.fft.fft2(noise) * gain).real
    images /= images.std(axis=(-2, -1), keepdims=True)
    return images
