"""
A tour of the 2D DT-CWPT
========================

The dual-tree complex wavelet packet transform of a photograph: the packets
as a Fourier mosaic, their tile centres, perfect reconstruction and the tight
frame, and the packets' kernels. Axes and packet order are those of
:doc:`/conventions`.
"""
import matplotlib.pyplot as plt
import numpy as np
from skimage import data

import dtwpt
from dtwpt import plotting

# %%
# A grayscale photograph, as float32 in [0, 1].
x = dtwpt.to_luminance(data.astronaut().astype(np.float32) / 255)
x = x[64:320, 128:384]  # 256 x 256
J = 2
p = dtwpt.dtcwpt2(x, J)
print(p.coeffs.shape, p.coeffs.dtype)  # 2 * 4**J packets of (H / 2**J, W / 2**J)

# %%
# Perfect reconstruction, and the tight frame: the packets carry eight times
# the image's energy.
print("reconstruction error:", np.abs(dtwpt.idtcwpt2(p) - x).max())
print("energy ratio:", (abs(p.coeffs) ** 2).sum() / (8 * (x ** 2).sum()))

# %%
# The mosaic: packet ``r * 2**J + c`` is the tile in row ``r`` (omega_y from
# -pi up) and column ``c`` (omega_x from 0 to pi). Each panel shows the
# modulus of one packet; rows are drawn with omega_y increasing upwards.
mosaic = np.abs(p.mosaic)  # (2**(J+1), 2**J, h, w)
rows, cols = mosaic.shape[:2]
fig, axes = plt.subplots(rows, cols, figsize=(4, 7), layout="constrained")
for r in range(rows):
    for c in range(cols):
        ax = axes[rows - 1 - r, c]
        ax.imshow(mosaic[r, c], cmap="gray")
        ax.set_xticks([])
        ax.set_yticks([])
        ty, tx = p.theta[r * cols + c] / np.pi
        ax.set_title(f"({ty:+.2f}, {tx:.2f})", fontsize=7)
fig.suptitle(r"$|$packets$|$ at their tile centres $\theta/\pi$", fontsize=9)

# %%
# The packets' complex kernels (real parts), laid out like the tiles: each is
# close to a Gabor filter tuned to its tile.
kernels, _ = dtwpt.packet_kernels(J)
fig, ax = plt.subplots(figsize=(4, 6), layout="constrained")
plotting.plot_kernel_gallery(kernels, J, ax=ax, title="packet kernels, real part")

# %%
# What a one-pixel shift does: the modulus (CMod at the packets' own stride)
# moves little, the real part changes a lot.
x_shifted = np.roll(x, -1, axis=-1)
q = dtwpt.dtcwpt2(x_shifted, J)
band = ~p.is_lowpass
modulus_change = np.linalg.norm(abs(q.coeffs) - abs(p.coeffs), axis=(-2, -1))
real_change = np.linalg.norm(q.coeffs.real - p.coeffs.real, axis=(-2, -1))
norm = np.linalg.norm(abs(p.coeffs), axis=(-2, -1))
print("mean relative change, modulus:", (modulus_change / norm)[band].mean().round(3))
print("mean relative change, real part:", (real_change / norm)[band].mean().round(3))
