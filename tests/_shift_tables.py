"""Packet tables of made-up results for the shift experiment's figures, light to
import (no Matplotlib), so a subprocess can check what its parent imports."""
import numpy as np

from dtwpt.experiments.shift.compute import packet_table


def made_up_tables(levels):
    """:func:`packet_table` per level of uniform random means (seeded)."""
    rng = np.random.default_rng(0)
    stats = {j: {f"{m}_{s}": rng.uniform(0, 1, 2 * 4 ** j)
                 for m in ("rho2", "rho_max", "rho_mod") for s in ("mean", "std")}
             | {"count": np.full(2 * 4 ** j, 3)} for j in levels}
    return {j: packet_table(j, stats[j], q=1, shift=(0.0, 1.0)) for j in levels}
