"""``python -m dtwpt.experiments``: see :mod:`dtwpt.experiments.cli`."""
import sys

from .cli import main

sys.exit(main())
