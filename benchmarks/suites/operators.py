"""RMax / CMod operators: on every packet, and with arbitrary kernels."""
import dtwpt

from .common import DTYPES, KERNELS, LEVELS, WORKLOADS, images, kernel_bank, skip_unless_timed


class RmaxCmod:
    """``dtwpt.rmax_cmod(x, level, mode=...)`` with the default ``q=1``."""

    params = (list(WORKLOADS), list(LEVELS), list(DTYPES))
    param_names = ("workload", "level", "dtype")

    def setup(self, workload, level, dtype):
        skip_unless_timed(workload, level)
        self.x, self.mode = images(workload, dtype)
        dtwpt.rmax_cmod(self.x, level, mode=self.mode)

    def time_rmax_cmod(self, workload, level, dtype):
        dtwpt.rmax_cmod(self.x, level, mode=self.mode)


class CmodConv:
    """``dtwpt.cmod_conv(x, W, m=2)`` (FFT-based) with a bank of complex kernels.

    The odd workload is skipped: ``cmod_conv`` needs sizes that are multiples
    of ``2m = 4``. A batch call takes seconds and a few GB, so this class
    samples fewer times than asv's default.
    """

    params = (list(WORKLOADS), list(KERNELS), list(DTYPES))
    param_names = ("workload", "kernels", "dtype")
    repeat = (1, 5, 10.0)
    rounds = 1
    warmup_time = 0.0
    timeout = 180

    def setup(self, workload, kernels, dtype):
        self.x, mode = images(workload, dtype)
        if mode != "periodization":
            raise NotImplementedError("cmod_conv is periodic and needs sizes divisible by 4")
        self.kernels = kernel_bank(kernels)
        one = self.x.reshape((-1,) + self.x.shape[-2:])[:1]
        dtwpt.cmod_conv(one, self.kernels, 2)  # FFT plans for this size

    def time_cmod_conv(self, workload, kernels, dtype):
        dtwpt.cmod_conv(self.x, self.kernels, 2)


class ShiftMetrics:
    """``dtwpt.metrics.shift_metrics(x, x', level)``: the experiments' compute step.

    ``x'`` is ``x`` shifted by one column; each pair's RMax and CMod stay in a
    per-thread buffer.
    """

    params = (list(WORKLOADS), list(LEVELS), list(DTYPES))
    param_names = ("workload", "level", "dtype")

    def setup(self, workload, level, dtype):
        skip_unless_timed(workload, level)
        self.x, self.mode = images(workload, dtype)
        self.shifted = self.x.copy()
        self.shifted[..., :-1] = self.x[..., 1:]
        dtwpt.metrics.shift_metrics(self.x, self.shifted, level, mode=self.mode)

    def time_shift_metrics(self, workload, level, dtype):
        dtwpt.metrics.shift_metrics(self.x, self.shifted, level, mode=self.mode)
