"""
The paper's figures from a small run
====================================

``python -m dtwpt.experiments`` (or ``dtwpt``) reproduces the paper's main
experiment. Here it runs on 16 bundled pairs instead of 256 (a few seconds),
into a temporary folder, from Python; the figures are the PNG files the
command writes. See :doc:`/experiments` for the protocol.
"""
import tempfile
from pathlib import Path

import matplotlib.image
import matplotlib.pyplot as plt

from dtwpt.experiments import main

out = Path(tempfile.mkdtemp()) / "run"
code = main(["--pairs", "16", "--levels", "2", "3", "--chunk", "16",
             "--out", str(out), "--quiet"])
print("exit code", code)
print(sorted(f.name for f in out.iterdir()))


def show(name, width=8):
    image = matplotlib.image.imread(out / name)
    height = width * image.shape[0] / image.shape[1]
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.imshow(image)
    ax.set_axis_off()


# %%
# Fig. 5: ``gamma_q(m theta)^2`` at the tile centres.
show("fig5_gamma_J3.png", 5)

# %%
# Fig. 8: the mean RMax/CMod discrepancy ``rho^2`` per tile, J = 2 and 3.
show("fig8_rho2.png")

# %%
# Fig. 9: the shift instabilities ``rho_max`` and ``rho_mod`` at J = 3.
show("fig9_stability_J3.png")

# %%
# The report compares the run with the paper's values and gives a verdict
# per claim.
print((out / "report.md").read_text()[:1500])
