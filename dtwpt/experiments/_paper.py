"""The paper's numbers, in one place, each with the figure or table it comes from.

Paper: H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift
Invariance of Max Pooling Feature Maps in Convolutional Neural Networks",
arXiv:2209.11740 (preprint of 2023-10-24). Its experiment (Section 5) uses the
50,000 ImageNet validation images in grayscale, 224 x 224 centre crops,
qshift_a filters, q = 1, J = 2 and 3, and pairs shifted by one pixel along x.

``paper_maps.json`` (shipped beside this module) holds the per-tile values of
its Figs 8, 9a and 9b (J = 2 and 3) and of Fig 5 at the tile centres, decoded
losslessly from the figures' embedded rasters: every map pixel is exactly one
of the 256 colours of the reversed ``bone`` colour map, whose bin gives the
value through the norm read from the figure's own colour bar (Fig 5 on a
square-root scale, Fig 8 linear, Fig 9 squared). The file states its method
and its error (colour quantisation: +-0.002 for Fig 8, +-0.004 to 0.010 for
Fig 9).
"""
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["TABLE1", "GABOR_COUNTS", "RANGES", "MAPS", "paper_maps", "paper_map", "colour_norm"]

#: Table 1: energy concentration of the packet kernels, (mean, std) per level.
TABLE1 = {2: (0.98, None), 3: (0.95, 0.02)}

#: Table I of the paper's first version (arXiv:2209.11740v1): Gabor-like first-layer
#: channels of trained CNNs, network -> (stride m, Gabor-like channels, channels, mean
#: energy share), at kappa = pi / m.
GABOR_COUNTS = {"AlexNet": (4, 26, 64, 0.67), "ResNet-34": (2, 22, 64, 0.76)}

#: Ranges read off the paper's figures (Section 5), with their source.
RANGES = {
    "rho2_ordinary": ("about 0.25–0.35", "Fig. 8"),
    "rho2_pathological": ("about 0.45–0.53", "Fig. 8"),
    "rho_mod": ("0.09–0.36", "Fig. 9b"),
    "rho_max_stable": ("0.1–0.2", "Fig. 9a"),
    "rho_max_other": ("up to about 0.9", "Fig. 9a"),
    "corr_rho2_rho_max": ("about 0.8–0.9", "Section 5, Figs 8 and 9a"),
}

#: Map name in ``paper_maps.json`` -> (column of ``packets_J<J>.csv``, figure).
MAPS = {"fig8": ("rho2_mean", "Fig. 8"), "fig9_rmax": ("rho_max_mean", "Fig. 9a"),
        "fig9_cmod": ("rho_mod_mean", "Fig. 9b")}


@lru_cache(maxsize=1)
def paper_maps():
    """The content of ``paper_maps.json`` (a dict; see its ``what`` and ``method``)."""
    return json.loads((Path(__file__).with_name("paper_maps.json")).read_text("utf-8"))


def paper_map(name, level):
    """Per-packet values of one of the paper's maps, in dtwpt's packet order.

    The file stores the whole frequency plane (row ``i``: ``theta_y`` from
    ``-pi``; column ``j``: ``theta_x`` from ``-pi``), ``N = 2**(J+1)`` tiles a
    side; packet ``p = r * 2**J + c`` (``theta_x >= 0``) is tile ``(r, 2**J + c)``.

    Parameters
    ----------
    name : {"fig8", "fig9_rmax", "fig9_cmod"}
    level : {2, 3}

    Returns
    -------
    values, half_width : ndarray, shape (2 * 4**J,)

    Examples
    --------
    >>> values, err = paper_map("fig8", 2)
    >>> values.shape, float(np.nanmax(err)) < 0.01
    ((32,), True)
    """
    entry = paper_maps()["figures"][name][f"J{level}"]
    side = 2 ** level
    values = np.asarray(entry["values"], dtype=float)[:, side:]
    half = np.asarray(entry["half_width"], dtype=float)[:, side:]
    return values.reshape(-1), half.reshape(-1)


def colour_norm(name):
    """``(gamma, vmin, vmax)`` of the paper's colour scale for a map (``k = v**gamma``)."""
    figure = paper_maps()["figures"][name]
    text = figure["colour_norm_read_from_colour_bar"]
    gamma = 2.0 if "v^2" in text else (0.5 if "v^0.5" in text else 1.0)
    return gamma, figure["vmin"], figure["vmax"]
