"""Run every module's docstring examples."""
import doctest
import importlib

import pytest

MODULES = [
    "dtwpt.filters", "dtwpt.tree", "dtwpt.transform", "dtwpt.operators",
    "dtwpt.convolution", "dtwpt.design", "dtwpt.color",
    "dtwpt.metrics", "dtwpt.theory", "dtwpt.data._pairs", "dtwpt.data._photos",
    "dtwpt.data._folder", "dtwpt.plotting",
    "dtwpt.kernel_metrics", "dtwpt.weights", "dtwpt.kernel_analysis", "dtwpt.learned_filters",
    "dtwpt.antialiasing.pooling", "dtwpt.antialiasing.operators", "dtwpt.antialiasing.measures",
    "dtwpt.experiments.cli",
    "dtwpt.experiments.antialiasing", "dtwpt.experiments.antialiasing.compute",
    "dtwpt.experiments.antialiasing.figures", "dtwpt.experiments.antialiasing.report",
    "dtwpt.experiments.kernels", "dtwpt.experiments.kernels.compute",
    "dtwpt.experiments.kernels.figures", "dtwpt.experiments.kernels.report",
    "dtwpt.experiments.kernels.verdicts",
    "dtwpt.experiments.localization", "dtwpt.experiments.localization.compute",
    "dtwpt.experiments.localization.figures", "dtwpt.experiments.localization.report",
    "dtwpt.experiments.localization.tables", "dtwpt.experiments.localization.verdicts",
    "dtwpt.experiments.shift", "dtwpt.experiments.shift.compute",
    "dtwpt.experiments.shift.figures", "dtwpt.experiments.shift.report",
    "dtwpt.experiments.shift.verdicts", "dtwpt.experiments.sensitivity",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
