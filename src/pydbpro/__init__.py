"""PyDBPro: a web-based, read-only database explorer."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pydbpro")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
