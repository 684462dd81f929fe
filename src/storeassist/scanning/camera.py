"""Read codes from camera frames: the decoding path behind the "Scan with camera" panel.

A tablet camera delivers about 30 frames a second. :class:`FrameDecoder` turns one frame (a
``QImage``) into the text of the QR code or product barcode in it, or ``None``; it is kept cheap
enough to run on every frame the panel lets through:

* a large frame is scaled down first (``max_side``): a 4K frame costs several times a 720p
  one and reads no better, because a code held up to the camera is rarely that small;
* only the formats StoreAssist uses are searched (QR for signed codes, EAN-13/UPC-A for
  products), not zxing's thirty;
* the frame is handed over as an 8-bit grey buffer, no numpy needed.

:class:`ScanDebouncer` reports a code held in front of the camera once, not thirty times a
second. :class:`FrameThrottle` lets the panel skip frames while a decode is still running.

What a decoded text *is* is not decided here: the caller sends it to
:meth:`storeassist.scanning.ScanRouter.route`, the same route a keyboard-wedge scan takes, so a
hostile QR code meets exactly the checks a hostile barcode does. Decoded text is never logged.

zxing-cpp comes with the optional ``camera`` extra. Without it, building a :class:`FrameDecoder`
raises :class:`CameraNotInstalled`, which carries a sentence for the associate. QtMultimedia is
not imported here at all; only the panel (``storeassist.ui.camera_scanner``) needs it.
"""

from __future__ import annotations

import enum
import importlib
import logging
import time
from collections.abc import Callable, Sequence
from types import ModuleType

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

log = logging.getLogger("storeassist.scan")


class CameraUnavailable(RuntimeError):
    """The camera cannot be used for scanning. ``user_message`` is written for the associate."""

    code = "camera_unavailable"
    message = "The camera cannot be used for scanning right now. Use the handheld scanner."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        #: Read by :func:`storeassist.ui.messages.describe_failure`, like a hub error's.
        self.user_message: str = str(self.args[0])


class CameraNotInstalled(CameraUnavailable):
    """zxing-cpp or QtMultimedia is missing: the ``camera`` extra was not installed."""

    code = "camera_not_installed"
    message = (
        "Camera scanning is not installed on this tablet. Use the handheld scanner, "
        "or ask IT to install StoreAssist's camera option."
    )


class NoCameraFound(CameraUnavailable):
    code = "camera_not_found"
    message = "No camera was found on this tablet. Use the handheld scanner instead."


class CameraAccessDenied(CameraUnavailable):
    code = "camera_access_denied"
    message = (
        "StoreAssist is not allowed to use the camera. Allow camera access in the tablet's "
        "settings, or use the handheld scanner."
    )


class CameraFailed(CameraUnavailable):
    code = "camera_failed"
    message = (
        "The camera could not be started; another app may be using it. Close other camera apps "
        "and try again, or use the handheld scanner."
    )


class CodeFormat(enum.Enum):
    """Symbologies the decoder can look for; values are zxing-cpp's format names."""

    QR = "QRCode"
    EAN13 = "EAN13"
    EAN8 = "EAN8"
    UPCA = "UPCA"


#: Signed loyalty/order codes are QR; shelf and product labels are EAN-13 or UPC-A.
DEFAULT_FORMATS: tuple[CodeFormat, ...] = (CodeFormat.QR, CodeFormat.EAN13, CodeFormat.UPCA)

#: A 720p frame passes untouched; 1080p is scaled by 2/3, 4K by 1/3. Measured with zxing-cpp 3.1:
#: a 720p frame decodes in 3–13 ms (a code vs. pure noise), a 4K one in 10–25 ms before scaling.
#: The price: in a 1080p frame a QR module needs about 3 px (2 px once scaled) to be read reliably.
DEFAULT_MAX_SIDE = 1280

#: Smaller than a version-1 QR code with its quiet zone at one pixel per module: nothing to find.
_MIN_SIDE = 21


def load_zxing() -> ModuleType:
    """Import zxing-cpp, or raise :class:`CameraNotInstalled` saying what to do."""
    try:
        return importlib.import_module("zxingcpp")
    except ImportError as missing:
        # The module name only: an import error's text can be long and says nothing to a person.
        log.info("camera decoding unavailable: %s", type(missing).__name__)
        raise CameraNotInstalled() from missing


class FrameDecoder:
    """Decodes one camera frame at a time. Stateless between frames, so safe to call off the GUI thread.

    ``try_invert`` also looks for light-on-dark codes; off by default because our codes are
    printed and shown dark on light, and on a frame with no code it is a second full search.
    """

    def __init__(
        self,
        *,
        formats: Sequence[CodeFormat] = DEFAULT_FORMATS,
        max_side: int = DEFAULT_MAX_SIDE,
        try_invert: bool = False,
        zxing: Callable[[], ModuleType] = load_zxing,
    ) -> None:
        if not formats:
            raise ValueError("at least one code format is needed")
        if max_side < _MIN_SIDE:
            raise ValueError(f"max_side must be at least {_MIN_SIDE}")
        self._zxing = zxing()
        # Named in one string for zxing to parse (combining formats with ``|`` is deprecated in
        # zxing-cpp 3). Parsed once here so a bad name fails now, not on the first frame.
        self._format_names = ",".join(f.value for f in formats)
        self._zxing.barcode_formats_from_str(self._format_names)
        self._max_side = max_side
        self._try_invert = try_invert

    def decode(self, frame: QImage) -> str | None:
        """The text of the first code found in ``frame``, or ``None`` if there is none."""
        if frame.isNull() or min(frame.width(), frame.height()) < _MIN_SIDE:
            return None
        if max(frame.width(), frame.height()) > self._max_side:
            # Smooth (area-averaging) scaling keeps thin QR modules that nearest-pixel would drop.
            frame = frame.scaled(
                self._max_side,
                self._max_side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        grey = frame.convertToFormat(QImage.Format.Format_Grayscale8)
        if grey.bytesPerLine() != grey.width():
            # Qt pads rows to 4 bytes with uninitialised memory; dropping up to 3 columns at the
            # edge is cheaper than copying row by row and keeps the buffer one plain 2-D array.
            # Camera frames are almost always a multiple of 4 wide, so this rarely runs.
            grey = grey.copy(0, 0, grey.width() & ~3, grey.height())
        # ``grey`` owns the memory and must stay alive while zxing reads it.
        pixels = memoryview(grey.constBits()).cast("B", (grey.height(), grey.width()))
        found = self._zxing.read_barcodes(
            pixels,
            # Parsed per frame (a microsecond) rather than kept: a zxing object alive at
            # interpreter exit makes nanobind print a "leaked instances" warning.
            formats=self._zxing.barcode_formats_from_str(self._format_names),
            # Rotation matters for linear codes only (QR finds its own orientation); a product
            # barcode is often held upright.
            try_rotate=True,
            # Also searches smaller copies: finds a code held so close its modules are 10+ px.
            try_downscale=True,
            try_invert=self._try_invert,
            # The payload as encoded. The default ("human readable") spells control characters
            # as "<GS>", which would slip them past the router's unsafe-character check that a
            # wedge scan of the same code meets.
            text_mode=self._zxing.TextMode.Plain,
        )
        for barcode in found:
            if barcode.valid and barcode.text:
                log.debug("camera frame: %s found", barcode.format)
                return str(barcode.text)
        return None


class ScanDebouncer:
    """Lets each code through once while it stays in view.

    :meth:`admit` says whether a decoded text is news. The same text again is not news until it
    has been out of sight for ``repeat_after_s`` (frames with no code in between do not count:
    a hand shakes and a few frames always miss). A different code is news at once.
    """

    def __init__(self, *, repeat_after_s: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        if repeat_after_s <= 0:
            raise ValueError("repeat_after_s must be positive")
        self._repeat_after_s = repeat_after_s
        self._clock = clock
        self._last_text: str | None = None
        self._last_seen: float = 0.0

    def admit(self, text: str) -> bool:
        """``True`` if ``text`` should be reported now."""
        now = self._clock()
        same = text == self._last_text and now - self._last_seen <= self._repeat_after_s
        self._last_text = text
        # Still in view: the quiet period runs from the last sighting, so a code held up for a
        # minute is reported once, not every ``repeat_after_s``.
        self._last_seen = now
        return not same

    def reset(self) -> None:
        """Forget the last code, e.g. when the camera stops: the next sighting is reported."""
        self._last_text = None


class FrameThrottle:
    """Admits a frame at most every ``min_interval_s``, and never while the previous one is decoding.

    The camera's 30 frames a second are far more than a person holding up a code needs; ten a
    second finds a code as fast and leaves the tablet's CPU for the rest of the app.
    """

    def __init__(self, *, min_interval_s: float = 0.1, clock: Callable[[], float] = time.monotonic) -> None:
        if min_interval_s < 0:
            raise ValueError("min_interval_s must not be negative")
        self._min_interval_s = min_interval_s
        self._clock = clock
        self._last_start: float | None = None
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def try_start(self) -> bool:
        """Take the slot for one frame if it is free; pair every ``True`` with :meth:`finish`."""
        now = self._clock()
        if self._busy:
            return False
        if self._last_start is not None and now - self._last_start < self._min_interval_s:
            return False
        self._busy = True
        self._last_start = now
        return True

    def finish(self) -> None:
        self._busy = False
