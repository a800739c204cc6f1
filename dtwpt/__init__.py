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
- CNN first layers: :func:`load_first_layer` (:mod:`dtwpt.weights`),
  :func:`analyze_kernels` (:mod:`dtwpt.kernel_analysis`),
  :func:`learned_first_layer` (:mod:`dtwpt.learned_filters`);
- anti-aliased pooling: :mod:`dtwpt.antialiasing`;
- :mod:`dtwpt.theory`, :mod:`dtwpt.metrics` (of RMax/CMod outputs),
  :mod:`dtwpt.kernel_metrics` (of the packet kernels), :mod:`dtwpt.data`, :mod:`dtwpt.tree`
  and :mod:`dtwpt.plotting` (imported on first use: it loads matplotlib) as modules.

Conventions (axes, frequencies, packet order, boundary modes) are stated once,
in the documentation's Conventions page and in :mod:`dtwpt.transform`.
"""
import importlib
from importlib.metadata import PackageNotFoundError, version

from . import (
    antialiasing,
    data,
    kernel_analysis,
    kernel_metrics,
    learned_filters,
    metrics,
    theory,
    tree,
    weights,
)
from ._validation import MAX_LEVEL
from .color import to_luminance
from .convolution import cmod_conv, rmax_conv
from .design import gabor_filter, hilbert_companion
from .filters import dual_tree_filters, list_wavelets
from .kernel_analysis import analyze_kernels
from .learned_filters import learned_first_layer
from .operators import cmod, packet_kernels, pair_squared_norms, rmax, rmax_cmod
from .transform import Packets1D, Packets2D, dtcwpt, dtcwpt2, idtcwpt, idtcwpt2
from .weights import load_first_layer

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
    "analyze_kernels", "learned_first_layer", "load_first_layer",
    "antialiasing", "data", "kernel_analysis", "kernel_metrics", "learned_filters", "metrics",
    "plotting",
    "theory", "tree", "weights",
]


def __getattr__(name):
    """``dtwpt.plotting`` on first use (PEP 562), so that ``import dtwpt`` stays light."""
    if name == "plotting":
        return importlib.import_module(".plotting", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
