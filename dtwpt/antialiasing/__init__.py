"""Anti-aliased pooling next to RMax and CMod, on DT-CWPT packets and on any kernel.

Five pooling operators after a convolution subsampled by ``m``, all with
periodic boundaries and outputs of CMod's shape ``(H / 2m, W / 2m)``:
RMax and CMod (Leterme et al.), MaxBlurPool (Zhang 2019), CMod + Blur
(Leterme et al. 2022) and max pooling with adaptive polyphase sampling (APS,
Chaman & Dokmanić 2021); and the measures that compare them packet by packet
(shift instability, kept energy, envelope recovery).

- :mod:`dtwpt.antialiasing.pooling`: the pooling stages on feature maps
  (:func:`max_filter`, :func:`blur`, :func:`aps_downsample`, :func:`pool`,
  :func:`pool_all`);
- :mod:`dtwpt.antialiasing.operators`: the operators on the packets of an
  image (:func:`pooled_packets`) and after any kernel (:func:`pooled_conv`,
  :func:`max_blur_pool_conv`, :func:`cmod_blur_conv`, :func:`aps_max_pool_conv`);
- :mod:`dtwpt.antialiasing.measures`: :func:`instability`,
  :func:`kept_energy`, :func:`envelope_recovery`, :func:`upsample`.

``python -m dtwpt.experiments antialiasing`` compares the operators over
image pairs, tile by tile.
"""
from .measures import envelope_recovery, instability, kept_energy, upsample
from .operators import (
                        aps_max_pool_conv,
                        cmod_blur_conv,
                        max_blur_pool_conv,
                        pooled_conv,
                        pooled_packets,
)
from .pooling import (
                        BLUR_SIZES,
                        OPERATORS,
                        aps_downsample,
                        binomial_kernel,
                        blur,
                        max_filter,
                        pool,
                        pool_all,
)

__all__ = [
    "OPERATORS", "BLUR_SIZES", "binomial_kernel", "max_filter", "blur", "aps_downsample",
    "pool", "pool_all", "pooled_packets", "pooled_conv", "max_blur_pool_conv",
    "cmod_blur_conv", "aps_max_pool_conv", "instability", "kept_energy", "envelope_recovery",
    "upsample",
]
