"""Scanner input: keyboard-wedge burst detection (:mod:`.wedge`) and routing by code kind (:mod:`.router`)."""

from storeassist.scanning.router import ScanRouter
from storeassist.scanning.wedge import ScannerWedge

__all__ = ["ScanRouter", "ScannerWedge"]
