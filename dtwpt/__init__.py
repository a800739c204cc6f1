"""dtwpt: the 2D dual-tree complex wavelet packet transform and RMax/CMod theory.

Public API (see each module for conventions):

- transforms: :func:`dtcwpt2`, :func:`idtcwpt2`, :func:`dtcwpt`, :func:`idtcwpt`;
- filters: :func:`list_wavelets`, :func:`dual_tree_filters`;
- packet operators (:mod:`dtwpt.operators`): :func:`rmax_cmod`, :func:`rmax`,
  :func:`cmod`, :func:`packet_kernels`, :func:`pair_squared_norms`;
- operators with any kernels (:mod:`dtwpt.convolution`): :func:`rmax_conv`,
  :func:`cmod_conv`;
- filter design (:mod:`dtwpt.design`): :func:`hilbert_companion`, :func:`gabor_filter`;
- image operations (:mod:`dtwpt.color`): :func:`to_luminance`;
- :mod:`dtwpt.theory`, :mod:`dtwpt.metrics`, :mod:`dtwpt.data`,
  :mod:`dtwpt.plotting` as modules.
"""
from importlib.metadata import PackageNotFoundError, version

from . import data, metrics, theory, tree
from ._validation import MAX_LEVEL
from .color import to_luminance
from .convolution import cmod_conv, rmax_conv
from .design import gabor_filter, hilbert_companion
from .filters import dual_tree_filters, list_wavelets
from .operators import cmod, packet_kernels, pair_squared_norms, rmax, rmax_cmod
from .transform import Packets1D, Packets2D, dtcwpt, dtcwpt2, idtcwpt, idtcwpt2

try:
    __version__ = version("dtwpt")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "MAX_LEVEL",
    "Packets1D", "Packets2D", "dtcwpt", "dtcwpt2", "idtcwpt", "idtcwpt2",
    "dual_tree_filters", "list_wavelets",
    "cmod", "cmod_conv", "gabor_filter", "hilbert_companion", "packet_kernels",
    "pair_squared_norms", "rmax", "rmax_cmod", "rmax_conv", "to_luminance",
    "data", "metrics", "theory", "tree",
]
