"""Every public function of the library documents its parameters and returns, with an example.

The numpydoc checks PR01 (a parameter not documented), PR02 (a documented
parameter that does not exist), RT01 (no Returns section) and EX01 (no
Examples section), on every function and class method in the ``__all__`` of
the library's public modules and of the experiments' public modules; PR01,
PR02 and EX01 on the docstrings of their public classes, whose Parameters
section documents the constructor. The examples themselves run in
test_docs.py.
"""
import importlib
import inspect

import pytest
from test_docs import MODULES as MODULES_WITH_PRIVATE

validate = pytest.importorskip("numpydoc.validate").validate

#: Every public module: no component of its name starts with an underscore.
MODULES = [name for name in MODULES_WITH_PRIVATE
           if not any(part.startswith("_") for part in name.split("."))]
CHECKS = ("PR01", "PR02", "RT01", "EX01")
CLASS_CHECKS = ("PR01", "PR02", "EX01")


def _public_functions():
    found = set()
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.isfunction(obj):
                found.add(f"{obj.__module__}.{obj.__qualname__}")
            elif inspect.isclass(obj) and obj.__module__.startswith("dtwpt"):
                found.update(f"{obj.__module__}.{m.__qualname__}" for n, m in vars(obj).items()
                             if inspect.isfunction(m) and not n.startswith("_"))
    return sorted(found)


@pytest.mark.parametrize("name", _public_functions())
def test_parameters_returns_and_examples(name):
    errors = [f"{code}: {text}" for code, text in validate(name)["errors"] if code in CHECKS]
    assert not errors, errors


def _public_classes():
    found = set()
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.isclass(obj) and obj.__module__.startswith("dtwpt"):
                found.add(f"{obj.__module__}.{obj.__qualname__}")
    return sorted(found)


@pytest.mark.parametrize("name", _public_classes())
def test_class_parameters_and_examples(name):
    errors = [f"{code}: {text}" for code, text in validate(name)["errors"]
              if code in CLASS_CHECKS]
    assert not errors, errors
