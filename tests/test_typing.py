"""The public API is fully annotated and its annotations resolve at run time."""
import importlib
import inspect
import typing
from pathlib import Path

import pytest

import dtwpt

MODULES = [
    "dtwpt",
    "dtwpt.antialiasing",
    "dtwpt.color",
    "dtwpt.convolution",
    "dtwpt.data",
    "dtwpt.design",
    "dtwpt.filters",
    "dtwpt.kernel_analysis",
    "dtwpt.kernel_metrics",
    "dtwpt.learned_filters",
    "dtwpt.metrics",
    "dtwpt.operators",
    "dtwpt.plotting",
    "dtwpt.theory",
    "dtwpt.transform",
    "dtwpt.tree",
    "dtwpt.weights",
]


def _public_callables():
    """``(qualified name, function)`` of every public function, constructor and method."""
    found = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
            elif inspect.isclass(obj) and obj.__module__.startswith("dtwpt"):
                for attr, member in vars(obj).items():
                    if inspect.isfunction(member) and (attr == "__init__"
                                                       or not attr.startswith("_")):
                        found.setdefault(f"{obj.__module__}.{member.__qualname__}", member)
    return sorted(found.items())


def _params(items):
    return [pytest.param(name, func, id=name) for name, func in items]


PUBLIC = _public_callables()


def test_the_api_is_collected():
    names = {name for name, _ in PUBLIC}
    # A few that must be there, so that an empty or partial collection fails.
    for expected in ("dtwpt.transform.dtcwpt2", "dtwpt.plotting.save_figure",
                     "dtwpt.data._folder.ImageFolder.__init__",
                     "dtwpt.data._photos.BundledPhotos.load",
                     "dtwpt.antialiasing.pooling.pool_all", "dtwpt.theory.gamma"):
        assert expected in names
    assert len(PUBLIC) > 80


@pytest.mark.parametrize("name, func", _params(PUBLIC))
def test_fully_annotated(name, func):
    sig = inspect.signature(func)
    missing = [p.name for p in sig.parameters.values()
               if p.annotation is inspect.Parameter.empty and p.name != "self"]
    assert not missing, f"{name}: parameters without annotation: {missing}"
    assert sig.return_annotation is not inspect.Signature.empty, f"{name}: no return annotation"


@pytest.mark.parametrize("name, func", _params(PUBLIC))
def test_annotations_resolve(name, func):
    hints = typing.get_type_hints(func)
    params = [p for p in inspect.signature(func).parameters if p != "self"]
    assert set(hints) == set(params) | {"return"}, name


def test_py_typed_marker():
    assert (Path(dtwpt.__file__).parent / "py.typed").is_file()
