"""fluxnotify: write, check and test Flux notification manifests."""

__version__ = "0.1.0"
