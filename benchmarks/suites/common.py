"""Inputs shared by the asv suites.

Every suite is parametrised by a *workload* (what a user feeds in), a level
and a dtype. Combinations that add little are skipped by raising
``NotImplementedError`` in ``setup``, which asv reports as "n/a".
"""
import numpy as np

import dtwpt

#: workload name -> (input shape, transform mode)
WORKLOADS = {
    "single 224x224": ((224, 224), "periodization"),
    "batch 64x224x224": ((64, 224, 224), "periodization"),
    "odd 225x225 symmetric": ((225, 225), "symmetric"),
}
LEVELS = (2, 3, 4)
DTYPES = ("float32", "float64")

#: The batch workload is slow and its level trend is the single image's:
#: time it at the level the project's goals are stated for only.
BATCH_LEVELS = (3,)


def skip_unless_timed(workload, level):
    """Raise ``NotImplementedError`` for pruned (workload, level) pairs."""
    if workload.startswith("batch") and level not in BATCH_LEVELS:
        raise NotImplementedError(f"{workload!r} is timed at levels {BATCH_LEVELS} only")


def images(workload, dtype):
    """Reproducible standard-normal input of a workload.

    Returns
    -------
    x : ndarray
        Shape from :data:`WORKLOADS`, dtype ``dtype``.
    mode : str
        The transform mode that workload uses.
    """
    shape, mode = WORKLOADS[workload]
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    return x, mode


def gabor_bank(count=8, size=31, radius=np.pi / 2, kappa=np.pi / 2):
    """``count`` Gabor-like kernels at evenly spaced orientations.

    Centres lie on the circle of radius ``radius`` in the half-plane
    ``omega_x >= 0``.

    Returns
    -------
    ndarray, complex128, shape (count, size, size)
    """
    angles = -np.pi / 2 + (np.arange(count) + 0.5) * np.pi / count
    return np.stack([
        dtwpt.gabor_filter((radius * np.sin(a), radius * np.cos(a)), kappa, size)
        for a in angles
    ])


def kernel_bank(name):
    """Complex kernels for :func:`dtwpt.cmod_conv` by name (see :data:`KERNELS`)."""
    if name.startswith("packet"):
        return dtwpt.packet_kernels(2)[0]
    return gabor_bank()


#: Kernel banks for the generic CMod.
KERNELS = ("packet J=2 (32 x 30x30)", "gabor (8 x 31x31)")
