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
    "dtwpt.experiments.kernels.compute",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
