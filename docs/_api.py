"""Write the API reference pages of the dtwpt documentation from the package.

Every public module of ``dtwpt`` (a name without a leading underscore, found
by walking the installed package) gets ``api/<module>.rst``: its docstring and
an autosummary of its ``__all__`` (or, without ``__all__``, of the public
functions and classes it defines). A name re-exported by a package is
documented once, at its shallowest public path (``dtwpt.rmax_cmod`` rather
than ``dtwpt.operators.rmax_cmod``), and linked from the other modules.
"""
import importlib
import inspect
import pkgutil
import shutil
from pathlib import Path

import dtwpt

#: Subpackages and modules whose pages are not wanted (none today).
SKIP = frozenset()


def public_modules(package=dtwpt):
    """Names of the importable public modules of ``package``, shallowest first."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or info.name in SKIP:
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional dependency is missing
            continue
        names.append(info.name)
    return sorted(names, key=lambda n: (n.count("."), n))


def public_names(module):
    """The public names of ``module``: its ``__all__`` or what it defines."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [n for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", None) == module.__name__]


def canonical_names(modules=None):
    """``{(module, name): documented qualified name}`` for every public name.

    A function or class is documented at the first (shallowest) public module
    that exports it; a constant only where its own package re-exports it
    (equal values of unrelated constants can be one object).
    """
    modules = public_modules() if modules is None else modules
    first, result = {}, {}
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in public_names(module):
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            here = f"{module_name}.{name}"
            there = first.setdefault(id(obj), here)
            identity = inspect.isfunction(obj) or inspect.isclass(obj)
            owner = there.rpartition(".")[0]
            if identity or (there.endswith(f".{name}")
                            and module_name.startswith(owner + ".")):
                result[(module_name, name)] = there
            else:
                result[(module_name, name)] = here
    return result


def _role(obj):
    if inspect.isclass(obj):
        return "class"
    return "func" if callable(obj) else "data"


def _autosummary(names):
    lines = [".. autosummary::", "   :toctree: generated", ""]
    lines += [f"   {n}" for n in names]
    return lines + [""]


def module_page(name, canonical):
    """reST source of the page of module ``name``."""
    module = importlib.import_module(name)
    own, linked, submodules = [], [], []
    for n in public_names(module):
        obj = getattr(module, n)
        if inspect.ismodule(obj):
            submodules.append(obj.__name__)
        elif canonical[(name, n)] == f"{name}.{n}":
            own.append(n)
        else:
            linked.append(f"- :{_role(obj)}:`{canonical[(name, n)]}`")
    title = f"``{name}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {name}",
             "   :no-members:", "", f".. currentmodule:: {name}", ""]
    if own:
        lines += ["Reference", "---------", ""] + _autosummary(own)
    if linked:
        lines += ["Also exported here, documented where they are first exported:", ""]
        lines += linked + [""]
    if submodules:
        lines += ["Modules: " + ", ".join(f":mod:`{s}`" for s in submodules), ""]
    return "\n".join(lines)


INDEX_HEADER = """\
API reference
=============

Every public name of dtwpt, generated from its docstring. The functions and
classes most people need are importable from ``dtwpt`` directly; the modules
hold the rest. Axes, frequencies, packet order and boundary modes follow
:doc:`../conventions`.

.. toctree::
   :maxdepth: 1

"""


def write_api_pages(folder):
    """Write ``index.rst`` and one page per public module into ``folder``.

    Returns the module names. Pages are rewritten only when their content
    changes, so that Sphinx's incremental builds stay incremental.
    """
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    # autosummary never deletes a stub: drop them all so a removed name
    # cannot leave an orphan page behind
    shutil.rmtree(folder / "generated", ignore_errors=True)
    modules = public_modules()
    canonical = canonical_names(modules)
    pages = {"index.rst": INDEX_HEADER + "".join(f"   {m}\n" for m in modules)}
    pages.update({f"{m}.rst": module_page(m, canonical) for m in modules})
    for stale in folder.glob("*.rst"):
        if stale.name not in pages:
            stale.unlink()
    for fname, text in pages.items():
        path = folder / fname
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return modules
