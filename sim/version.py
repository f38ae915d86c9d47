"""The package's version: written into every summary and checked on Dask workers."""

__version__ = "0.1.0"
