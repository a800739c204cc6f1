"""
RMax against CMod on one image
==============================

RMax (real packet, subsampling by ``m = 2**(J-1)``, 3x3 max pooling with
stride 2) and CMod (complex packet, subsampling by ``2m``, modulus) on every
packet of one photograph, next to the theory's prediction
``gamma_q(m theta)^2`` (:doc:`/theory`).
"""
import matplotlib.pyplot as plt
import numpy as np

import dtwpt
from dtwpt import plotting
from dtwpt.data import BundledPhotos

# %%
# One pair ``(X, X')`` cut from a bundled photograph, ``X'`` shifted by one
# pixel along x.
batch = BundledPhotos(1, size=224).load(0, 1)
x, x_shifted = batch.x[0], batch.x_shifted[0]
J = 3
m = 2 ** (J - 1)

# %%
# Both operators on every packet; their outputs share one grid.
ymax, ymod = dtwpt.rmax_cmod(x, J)
ymax2, ymod2 = dtwpt.rmax_cmod(x_shifted, J)
print(ymax.shape, ymod.shape)

rho2 = dtwpt.metrics.discrepancy(ymax, ymod) ** 2
rho_max = dtwpt.metrics.shift_stability(ymax, ymax2, ymod)
rho_mod = dtwpt.metrics.shift_stability(ymod, ymod2, ymod)

# %%
# The discrepancy between RMax and CMod follows ``gamma_q(m theta)^2``: it is
# highest on the pathological tiles, where ``m theta`` is a multiple of pi.
theta = dtwpt.dtcwpt2(np.zeros((8, 8)), J).theta
gamma2 = dtwpt.theory.gamma_sq(m * theta)
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
plotting.plot_tile_map(gamma2, J, ax=axes[0], mask="lowpass",
                             title=r"$\gamma_1(m\theta)^2$ (theory)")
plotting.plot_tile_map(rho2, J, ax=axes[1], mask="lowpass",
                             title=r"$\rho^2$ (measured, one image)")

# %%
# Shift stability: CMod is stable everywhere (Thm 2.9), RMax only on the
# tiles with small ``|theta_x|`` for a shift along x.
vmax = np.nanmax(np.r_[rho_max, rho_mod])
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
plotting.plot_tile_map(rho_max, J, ax=axes[0], mask="lowpass", vmin=0, vmax=vmax,
                             title=r"$\rho_{\max}$ (RMax)")
plotting.plot_tile_map(rho_mod, J, ax=axes[1], mask="lowpass", vmin=0, vmax=vmax,
                             title=r"$\rho_{\mathrm{mod}}$ (CMod)")
band = ~dtwpt.tree.lowpass_mask(J)
print("mean rho_max:", rho_max[band].mean().round(3),
      " mean rho_mod:", rho_mod[band].mean().round(3))
