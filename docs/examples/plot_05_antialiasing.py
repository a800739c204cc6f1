"""
Anti-aliased pooling compared, packet by packet
===============================================

RMax and CMod next to MaxBlurPool (max filter, binomial blur, subsampling;
Zhang 2019), CMod + Blur and max pooling with adaptive polyphase sampling
(APS; Chaman & Dokmanić 2021) on every DT-CWPT packet: how unstable each is
under a one-pixel shift, and how much of the packet's energy it keeps.
``dtwpt antialiasing`` runs the full comparison with intervals over
photographs.
"""
import matplotlib.pyplot as plt
import numpy as np

from dtwpt import dtcwpt2, plotting, tree
from dtwpt.antialiasing import OPERATORS, instability, kept_energy, pooled_packets
from dtwpt.data import BundledPhotos

# %%
# Eight pairs cut from the bundled photographs, ``X'`` shifted by one pixel
# along x, and the five operators on every packet at level J = 2.
J = 2
batch = BundledPhotos(8, size=128).load(0, 8)
out = pooled_packets(batch.x, J)
out_shifted = pooled_packets(batch.x_shifted, J)
print({name: out[name].shape for name in OPERATORS})

# %%
# Shift instability ``||Y' - Y|| / ||Y||`` per packet, averaged over the
# pairs, all operators on one colour scale.
band = ~tree.lowpass_mask(J)
unstable = {name: np.nanmean(instability(out[name], out_shifted[name]), axis=0)
            for name in OPERATORS}
vmax = max(np.nanmax(v[band]) for v in unstable.values())
fig, axes = plt.subplots(1, len(OPERATORS), figsize=(12, 2.8), layout="constrained")
for ax, name in zip(axes, OPERATORS):
    plotting.plot_tile_map(unstable[name], J, ax=ax, mask="lowpass", vmin=0, vmax=vmax,
                           title=name, colorbar=ax is axes[-1])

# %%
# What each operator keeps: the mean square of its output relative to that of
# the packet's complex coefficients, against its instability, one point per
# band-pass packet.
z = dtcwpt2(batch.x, J, decimated=False).coeffs  # the packets at stride m = 2**(J-1)
fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
for name in OPERATORS:
    kept = np.nanmean(kept_energy(out[name], z), axis=0)
    ax.scatter(kept[band], unstable[name][band], s=12, label=name)
ax.set_xlabel("kept energy")
ax.set_ylabel("shift instability")
ax.legend(fontsize=8)
for name in OPERATORS:
    print(f"{name:>9}: mean instability {unstable[name][band].mean():.3f}")
