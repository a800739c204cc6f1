"""Single images (every thread on one image) and the cold start.

The goals (see ``benchmarks/compare_peers.py``): per-pixel rate of a single
2048^2 / 4096^2 image at least 80 % of the batch rate, the inverse at least as
fast as the forward transform, a first call with an empty Numba cache within
3 s (``dtcwpt2``, ``rmax_cmod``) and a first default experiments run within 8 s.
The 256^2 and 512^2 images, without a goal, sit either side of the size from
which the threads share a single image (``dtwpt._kernels.SPLIT_BYTES``).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

import dtwpt

SIDES = (256, 512, 2048, 4096)
DTYPES = ("float32", "float64")


class LargeImage:
    """``dtcwpt2``, ``idtcwpt2`` and ``rmax_cmod`` at J = 3 on one ``n x n`` image."""

    params = (list(SIDES), list(DTYPES))
    param_names = ("side", "dtype")
    timeout = 300

    def setup(self, side, dtype):
        self.x = np.random.default_rng(0).standard_normal((side, side)).astype(dtype)
        self.packets = dtwpt.dtcwpt2(self.x, 3)
        dtwpt.idtcwpt2(self.packets)
        dtwpt.rmax_cmod(self.x[:64, :64], 3)

    def time_dtcwpt2(self, side, dtype):
        dtwpt.dtcwpt2(self.x, 3)

    def time_idtcwpt2(self, side, dtype):
        dtwpt.idtcwpt2(self.packets)

    def time_rmax_cmod(self, side, dtype):
        dtwpt.rmax_cmod(self.x, 3)

    def peakmem_dtcwpt2(self, side, dtype):
        dtwpt.dtcwpt2(self.x, 3)

    def peakmem_rmax_cmod(self, side, dtype):
        dtwpt.rmax_cmod(self.x, 3)


FIRST_CALL = ("import numpy as np, dtwpt; "
              "dtwpt.{fn}(np.zeros((4, 64, 64), np.float32), 3)")


def _fresh(args):
    """A child interpreter with an empty temporary ``NUMBA_CACHE_DIR``."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        subprocess.run([sys.executable, *[a.format(out=work) for a in args]], env=env,
                       cwd=work, check=True, capture_output=True)


class ColdStart:
    """Fresh interpreters with an empty Numba cache: every kernel compiles."""

    number = 1
    repeat = 1
    rounds = 1
    warmup_time = 0.0
    timeout = 300

    def time_first_dtcwpt2(self):
        _fresh(["-c", FIRST_CALL.format(fn="dtcwpt2")])

    def time_first_rmax_cmod(self):
        _fresh(["-c", FIRST_CALL.format(fn="rmax_cmod")])

    def time_first_experiments_run(self):
        _fresh(["-m", "dtwpt.experiments", "--out", "{out}/run", "--quiet"])
