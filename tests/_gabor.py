"""Synthetic Gabor kernels with a known frequency and bandwidth, for the kernel tests."""
import numpy as np

#: Colour weights of the synthetic monochrome kernels.
MU = np.array([0.5, 1.0, 1.5])


def gabor(theta, sigma, size, phase=0.3):
    """Real Gabor ``exp(-|t|^2 / (2 sigma^2)) cos(<theta, t> + phase)``, ``t`` centred.

    Its spectrum is a Gaussian of standard deviation ``1 / sigma`` per axis at
    ``+-theta`` (input-frequency convention), so a ``kappa x kappa`` square
    holds almost all of it when ``kappa >> 2 / sigma``.
    """
    t = np.arange(size) - (size - 1) / 2
    ty, tx = np.meshgrid(t, t, indexing="ij")
    envelope = np.exp(-(ty ** 2 + tx ** 2) / (2 * sigma ** 2))
    return envelope * np.cos(theta[0] * ty + theta[1] * tx + phase)


def gabor_bank(thetas, sigma, size, mu=MU):
    """Monochrome RGB kernels ``V_lc = mu_c G_l``, OIHW ``(L, C, k, k)``."""
    bank = np.stack([gabor(np.asarray(t, float), sigma, size) for t in thetas])
    return mu[None, :, None, None] * bank[:, None]


#: Frequencies (theta_y, theta_x) of the test kernels, half-plane theta_x > 0.
THETAS = [(0.0, np.pi / 2), (np.pi / 3, np.pi / 4), (-np.pi / 2, np.pi / 3),
          (-2.0, 0.9), (0.8, 2.2), (1.2, 0.3)]
