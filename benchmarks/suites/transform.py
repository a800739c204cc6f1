"""Forward and inverse 2D dual-tree complex wavelet packet transform."""
import dtwpt

from .common import DTYPES, LEVELS, WORKLOADS, images, skip_unless_timed


class Dtcwpt2:
    """``dtwpt.dtcwpt2(x, level, mode=...)``."""

    params = (list(WORKLOADS), list(LEVELS), list(DTYPES))
    param_names = ("workload", "level", "dtype")

    def setup(self, workload, level, dtype):
        skip_unless_timed(workload, level)
        self.x, self.mode = images(workload, dtype)
        dtwpt.dtcwpt2(self.x, level, mode=self.mode)  # compile / load the Numba cache

    def time_dtcwpt2(self, workload, level, dtype):
        dtwpt.dtcwpt2(self.x, level, mode=self.mode)


class Idtcwpt2:
    """``dtwpt.idtcwpt2(packets)`` of a forward transform made in ``setup``."""

    params = (list(WORKLOADS), list(LEVELS), list(DTYPES))
    param_names = ("workload", "level", "dtype")

    def setup(self, workload, level, dtype):
        skip_unless_timed(workload, level)
        x, mode = images(workload, dtype)
        self.packets = dtwpt.dtcwpt2(x, level, mode=mode)
        dtwpt.idtcwpt2(self.packets)

    def time_idtcwpt2(self, workload, level, dtype):
        dtwpt.idtcwpt2(self.packets)
