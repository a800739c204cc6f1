"""dtwpt: the 2D dual-tree complex wavelet packet transform and RMax/CMod theory."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dtwpt")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
