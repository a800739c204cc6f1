"""Helpers shared by the tests: seeded random arrays and isolated runs."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest


def rand(shape, seed=0, dtype=np.float64):
    """Standard normal array of ``shape`` and ``dtype``, seeded."""
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def run_isolated(code, timeout=60):
    """Run ``code`` in a fresh interpreter; return its stdout (must exit 0 in time).

    For cases that once crashed the process or hung: a segfault shows as a
    non-zero exit, a hang as ``subprocess.TimeoutExpired``.
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    return done.stdout


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
