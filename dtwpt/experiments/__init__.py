"""Experiments of dtwpt, run as ``python -m dtwpt.experiments [NAME] [OPTIONS]``.

The same command is installed as ``dtwpt``. The experiments (see
:doc:`/experiments`):

- :mod:`~dtwpt.experiments.shift` (the default): RMax against CMod on every
  DT-CWPT packet, the paper's main experiment;
- :mod:`~dtwpt.experiments.sensitivity`: how the protocol choices the paper
  leaves open move the maps;
- :mod:`~dtwpt.experiments.localization`: how the filters' localization
  drives stability, for wavelet families and Gabor filters;
- :mod:`~dtwpt.experiments.kernels`: a CNN's first layer, kernel by kernel;
- :mod:`~dtwpt.experiments.antialiasing`: anti-aliased pooling next to RMax
  and CMod.

:mod:`~dtwpt.experiments.cli` is the command line and its subcommands. Every
experiment shares the same options, output folders, atomic files and a
chunked, resumable runner (in-process or on dask), in private modules.
"""
from .cli import main

__all__ = ["main"]
