"""Experiments of dtwpt, run as ``python -m dtwpt.experiments [NAME] [OPTIONS]``.

- :mod:`~dtwpt.experiments.shift` (the default): RMax against CMod on every
  DT-CWPT packet, the paper's main experiment;
- :mod:`~dtwpt.experiments.cli`: the command line and its subcommands;
- :mod:`~dtwpt.experiments._common` and :mod:`~dtwpt.experiments._runner`:
  options, output folders, atomic files and the chunked, resumable runner
  (in-process or on dask) that every experiment shares.
"""
from .cli import main

__all__ = ["main"]
