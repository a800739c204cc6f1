"""
Measuring your own CNN's first layer
====================================

A trained first layer, kernel by kernel, under the theory: which kernels are
Gabor-like, where their characteristic frequencies fall on the
``gamma_q(m theta)^2`` map, and how RMax and CMod behind them compare on
colour image pairs. The layer here is the one dtwpt ships (64 RGB 11x11
kernels learned by ICA on the bundled photographs, like AlexNet's first
layer); with your own network, save its first layer to ``.npy`` (see
:mod:`dtwpt.weights` for the one-line torchvision export) and load that file
instead. ``dtwpt kernels --weights FILE --stride m`` runs the full
experiment.
"""
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from dtwpt import metrics, theory
from dtwpt.convolution import cmod_conv, rmax_conv
from dtwpt.data import BundledPhotos
from dtwpt.kernel_analysis import analyze_kernels, complex_companion
from dtwpt.learned_filters import learned_first_layer
from dtwpt.weights import load_first_layer

# %%
# Write the layer to a file and read it back, as you would your own
# (``(L, C, k, k)``, PyTorch's OIHW layout; Keras' HWIO is detected too).
path = Path(tempfile.mkdtemp()) / "conv1.npy"
np.save(path, learned_first_layer())
V = load_first_layer(path)
m = 4  # the layer's stride (AlexNet: 4, ResNet: 2)
print(V.shape)

# %%
# The kernels in space: each RGB kernel scaled to [0, 1].
fig, axes = plt.subplots(4, 16, figsize=(8, 2.2), layout="constrained")
for kernel, ax in zip(V, axes.flat):
    rgb = kernel.transpose(1, 2, 0)
    ax.imshow((rgb - rgb.min()) / np.ptp(rgb))
    ax.set_axis_off()

# %%
# Per kernel: the share of its spectral energy in the best ``kappa x kappa``
# window (``kappa = pi / m``; Gabor-like above one half, as in the
# experiment), its characteristic frequency ``theta`` and the predicted
# ``gamma_q(m theta)^2``.
table = analyze_kernels(V, m)
gabor = table["gabor_share"] >= 0.5
theta = np.stack([table["theta_y"], table["theta_x"]], axis=-1)
print(f"{gabor.sum()} of {len(V)} kernels are Gabor-like, "
      f"mean share {table['gabor_share'][gabor].mean():.2f}")

omega = np.linspace(-np.pi, np.pi, 201)
grid = np.stack(np.meshgrid(omega, omega, indexing="ij"), axis=-1)
fig, ax = plt.subplots(figsize=(4.6, 4), layout="constrained")
image = ax.imshow(theory.gamma_sq(m * grid), origin="lower", cmap="bone_r",
                  extent=(-1, 1, -1, 1))
for sign in (1, -1):  # a real kernel responds at theta and -theta
    ax.scatter(sign * theta[gabor, 1] / np.pi, sign * theta[gabor, 0] / np.pi,
               s=14, c="tab:red")
ax.set_xlabel(r"$\omega_x/\pi$")
ax.set_ylabel(r"$\omega_y/\pi$")
ax.set_title(r"Gabor-like kernels on $\gamma_1(m\theta)^2$, $m = 4$")
fig.colorbar(image, ax=ax)

# %%
# Measured on a few colour pairs (``X'`` shifted by one pixel along x): the
# multichannel RMax with the real kernels, CMod with their complex companions.
batch = BundledPhotos(8, size=64, color=True).load(0, 8)
W = complex_companion(V, theta)
both = np.concatenate([batch.x, batch.x_shifted])
ymax, ymod = rmax_conv(both, V, m), cmod_conv(both, W, m)
n = len(batch)
rho2 = np.nanmean(metrics.discrepancy(ymax[:n], ymod[:n]) ** 2, axis=0)
rho_max = np.nanmean(metrics.shift_stability(ymax[:n], ymax[n:], ymod[:n]), axis=0)
rho_mod = np.nanmean(metrics.shift_stability(ymod[:n], ymod[n:], ymod[:n]), axis=0)

fig, axes = plt.subplots(1, 2, figsize=(8, 3.4), layout="constrained")
axes[0].scatter(table["gamma_sq"][gabor], rho2[gabor], s=12)
axes[0].set_xlabel(r"predicted $\gamma_1(m\theta)^2$")
axes[0].set_ylabel(r"measured $\rho^2$")
axes[1].scatter(rho_mod[gabor], rho_max[gabor], s=12)
top = np.nanmax(np.r_[rho_mod[gabor], rho_max[gabor]])
axes[1].plot([0, top], [0, top], color="gray", lw=0.8)
axes[1].set_xlabel(r"$\rho_{\mathrm{mod}}$ (CMod)")
axes[1].set_ylabel(r"$\rho_{\max}$ (RMax)")
fig.suptitle("Gabor-like kernels, 8 colour pairs")
r = np.corrcoef(table["gamma_sq"][gabor], rho2[gabor])[0, 1]
print(f"correlation of rho^2 with gamma^2 over the Gabor-like kernels: {r:.2f}")
