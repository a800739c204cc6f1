"""Run every module's docstring examples."""
import doctest
import importlib
import pkgutil

import pytest

import dtwpt


def _all_modules():
    """Every module of the package, private ones included (their functions are
    re-exported), except ``__main__`` files, which run when imported."""
    names = ["dtwpt"]
    for info in pkgutil.walk_packages(dtwpt.__path__, "dtwpt."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


MODULES = _all_modules()


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
