"""The camera decoding path reads real signed codes from imperfect frames, and nothing from noise.

Frames are drawn here, no camera needed: a loyalty QR made by the :mod:`qrcode` package (not by the
decoder's own library), placed in a camera-sized frame and then rotated, blurred, faded or
shrunk as a hand-held phone or a worn card would be. Product barcodes are painted from the EAN-13
tables. Every decoded text is then sent through :class:`ScanRouter`, the route a wedge scan
takes, to show the camera gets no checks of its own and skips none.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import qrcode
from PIL import Image, ImageFilter
from PySide6.QtGui import QImage

from storeassist.domain.scan_codes import PaymentCardRefused, ScanUnsafeCharacters
from storeassist.scanning import ScanRouter
from storeassist.scanning.camera import (
    CameraNotInstalled,
    CameraUnavailable,
    CodeFormat,
    FrameDecoder,
    FrameThrottle,
    ScanDebouncer,
)

if TYPE_CHECKING:
    from .conftest import CodeMaker

HD = (1280, 720)
FULL_HD = (1920, 1080)
UHD = (3840, 2160)
PAPER = 235  # a white card under shop lighting is not 255
BLACK = 20


# -- drawing frames ----------------------------------------------------------------------------


def qr_code(payload: str | bytes, *, module_px: int, dark: int = BLACK, light: int = PAPER) -> Image.Image:
    """A QR code as a card or phone shows it: medium error correction, the standard 4-module margin."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_px, border=4)
    code.add_data(payload)
    code.make()
    image: Image.Image = code.make_image().convert("L")
    return image.point(lambda v: dark if v < 128 else light)


#: EAN-13 left-hand "L" patterns by digit, and which of L/G each first digit sets for digits 2–7.
_EAN_L = [
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
]
_EAN_PARITY = [
    "LLLLLL",
    "LLGLGG",
    "LLGGLG",
    "LLGGGL",
    "LGLLGG",
    "LGGLLG",
    "LGGGLL",
    "LGLGLG",
    "LGLGGL",
    "LGGLGL",
]


def ean13_code(digits: str, *, module_px: int = 3, height: int = 120) -> Image.Image:
    """An EAN-13 symbol (a UPC-A is one whose first digit is 0), with its quiet zones."""
    assert len(digits) == 13 and digits.isdigit()

    def right(d: int) -> str:
        return "".join("1" if bit == "0" else "0" for bit in _EAN_L[d])

    bits = "101"
    for parity, d in zip(_EAN_PARITY[int(digits[0])], digits[1:7], strict=True):
        bits += _EAN_L[int(d)] if parity == "L" else right(int(d))[::-1]
    bits += "01010" + "".join(right(int(d)) for d in digits[7:]) + "101"
    bits = "0" * 11 + bits + "0" * 7
    image = Image.new("L", (len(bits) * module_px, height), PAPER)
    for i, bit in enumerate(bits):
        if bit == "1":
            image.paste(BLACK, (i * module_px, 0, (i + 1) * module_px, height))
    return image


def in_frame(
    code: Image.Image,
    size: tuple[int, int] = HD,
    *,
    background: int = 120,
    angle: float = 0,
    blur_sigma: float = 0,
) -> Image.Image:
    """``code`` in the middle of a camera frame (a grey counter around it), turned and defocused."""
    if angle:
        code = code.rotate(angle, expand=True, fillcolor=background, resample=Image.Resampling.BICUBIC)
    frame = Image.new("L", size, background)
    frame.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    if blur_sigma:
        frame = frame.filter(ImageFilter.GaussianBlur(blur_sigma))
    return frame


def to_qimage(image: Image.Image, fmt: QImage.Format = QImage.Format.Format_RGB32) -> QImage:
    """The frame as a camera hands it over: colour, 32 bits a pixel unless told otherwise."""
    rgb = image.convert("RGB")
    frame = QImage(rgb.tobytes(), rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
    return frame.convertToFormat(fmt)  # also a deep copy: the bytes above can go


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def decoder() -> FrameDecoder:
    pytest.importorskip("zxingcpp", reason="zxing-cpp comes with the dev group and the camera extra")
    return FrameDecoder()


@pytest.fixture
def loyalty_code(codes: CodeMaker) -> str:
    return codes.loyalty(4711)


@dataclass
class Routed:
    """What the router said about one scan."""

    signals: dict[str, list[str]]

    def only(self) -> tuple[str, str]:
        assert len(self.signals) == 1 and sum(map(len, self.signals.values())) == 1, self.signals
        name, texts = next(iter(self.signals.items()))
        return name, texts[0]


def route(text: str) -> Routed:
    """Send ``text`` down the wedge's route and record the one signal that comes out."""
    router = ScanRouter()
    seen: dict[str, list[str]] = {}
    for name in ("loyalty_scanned", "order_scanned", "product_scanned", "badge_scanned", "rejected"):
        getattr(router, name).connect(lambda text, name=name: seen.setdefault(name, []).append(text))
    router.route(text)
    return Routed(seen)


# -- signed QR codes through imperfect frames --------------------------------------------------

#: id → how to draw the frame from the token. Parameters are what zxing-cpp 3.1 still reads with
#: margin; the limits it does not reach are in test_hopeless_frames_give_nothing_rather_than_a_misread.
QR_FRAMES: dict[str, Callable[[str], QImage]] = {
    "straight": lambda t: to_qimage(in_frame(qr_code(t, module_px=4))),
    "rotated 15 deg": lambda t: to_qimage(in_frame(qr_code(t, module_px=4), angle=15)),
    "rotated 45 deg": lambda t: to_qimage(in_frame(qr_code(t, module_px=4), angle=45)),
    "rotated 90 deg": lambda t: to_qimage(in_frame(qr_code(t, module_px=4), angle=90)),
    "upside down (180 deg)": lambda t: to_qimage(in_frame(qr_code(t, module_px=4), angle=180)),
    # Defocus of about 0.4 module: σ 1.5 px at 4 px modules, σ 2.5 px at 6 px modules.
    "blurred sigma 1.5 px, 4 px modules": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=4), blur_sigma=1.5)
    ),
    "blurred sigma 2.5 px, 6 px modules": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=6), blur_sigma=2.5)
    ),
    # A dim phone screen under glare: 30 grey levels between dark and light modules (12% of
    # the range). zxing's local binariser gives up below about 24 levels.
    "low contrast: grey 110 on grey 140": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=4, dark=110, light=140), background=140)
    ),
    "small: 2 px modules in a 720p frame": lambda t: to_qimage(in_frame(qr_code(t, module_px=2))),
    # A 1080p frame is scaled to 1280 px wide first, so 3 px modules become 2 px.
    "small: 3 px modules in a 1080p frame": lambda t: to_qimage(in_frame(qr_code(t, module_px=3), FULL_HD)),
    "4K frame, 6 px modules (scaled down first)": lambda t: to_qimage(in_frame(qr_code(t, module_px=6), UHD)),
    "close up: 12 px modules filling the frame": lambda t: to_qimage(in_frame(qr_code(t, module_px=12))),
    "tilted, soft and dim at once": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=4, dark=90, light=160), background=160, angle=15, blur_sigma=1.0)
    ),
    "odd-sized frame in ARGB32": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=4), (1279, 719)), QImage.Format.Format_ARGB32
    ),
    "greyscale frame": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=4)), QImage.Format.Format_Grayscale8
    ),
}


@pytest.mark.parametrize("draw", QR_FRAMES.values(), ids=QR_FRAMES.keys())
def test_a_loyalty_code_is_read_from_an_imperfect_frame(
    decoder: FrameDecoder, loyalty_code: str, draw: Callable[[str], QImage]
) -> None:
    assert decoder.decode(draw(loyalty_code)) == loyalty_code


def test_a_decoded_loyalty_code_takes_the_wedge_route(decoder: FrameDecoder, loyalty_code: str) -> None:
    text = decoder.decode(to_qimage(in_frame(qr_code(loyalty_code, module_px=4), angle=15)))
    assert text is not None
    assert route(text).only() == ("loyalty_scanned", loyalty_code)


def test_a_decoded_order_code_opens_the_order(decoder: FrameDecoder, codes: CodeMaker) -> None:
    order_code = codes.order(90210)
    text = decoder.decode(to_qimage(in_frame(qr_code(order_code, module_px=3))))
    assert text is not None
    assert route(text).only() == ("order_scanned", order_code)


def test_a_card_number_in_a_qr_code_is_refused_like_a_swiped_card(decoder: FrameDecoder) -> None:
    text = decoder.decode(to_qimage(in_frame(qr_code("4111111111111111", module_px=4))))
    assert text is not None
    assert route(text).only() == ("rejected", PaymentCardRefused.message)


def test_a_qr_code_of_garbage_bytes_is_refused_with_a_message(decoder: FrameDecoder) -> None:
    garbage = random.Random(4).randbytes(64) + b"\x00\x1b[2J"
    text = decoder.decode(to_qimage(in_frame(qr_code(garbage, module_px=4))))
    # Decoded as it is, control characters and all, so the router refuses it as a wedge scan
    # of the same bytes would be refused; zxing's "readable" mode would have spelt them "<NUL>".
    assert text is not None
    assert route(text).only() == ("rejected", ScanUnsafeCharacters.message)


# -- product barcodes --------------------------------------------------------------------------

PRODUCT_FRAMES: dict[str, tuple[str, Callable[[], QImage], str]] = {
    "EAN-13": ("4006381333931", lambda: to_qimage(in_frame(ean13_code("4006381333931"))), "4006381333931"),
    "EAN-13 held upright (90 deg)": (
        "4006381333931",
        lambda: to_qimage(in_frame(ean13_code("4006381333931"), angle=90)),
        "4006381333931",
    ),
    # A UPC-A is an EAN-13 starting with 0; the router normalises either reading to 13 digits.
    "UPC-A": ("036000291452", lambda: to_qimage(in_frame(ean13_code("0036000291452"))), "0036000291452"),
}


@pytest.mark.parametrize(
    ("_printed", "draw", "routed_as"), PRODUCT_FRAMES.values(), ids=PRODUCT_FRAMES.keys()
)
def test_a_product_barcode_is_read_and_routed_as_a_product(
    decoder: FrameDecoder, _printed: str, draw: Callable[[], QImage], routed_as: str
) -> None:
    text = decoder.decode(draw())
    assert text is not None
    assert route(text).only() == ("product_scanned", routed_as)


def test_only_the_formats_asked_for_are_looked_for() -> None:
    pytest.importorskip("zxingcpp")
    qr_only = FrameDecoder(formats=[CodeFormat.QR])
    assert qr_only.decode(to_qimage(in_frame(ean13_code("4006381333931")))) is None
    assert qr_only.decode(to_qimage(in_frame(qr_code("SAB.B1003", module_px=4)))) == "SAB.B1003"


# -- frames with nothing to read ---------------------------------------------------------------


def _garbage(length: int) -> bytes:
    return random.Random(length).randbytes(length)  # seeded: the same "garbage" on every run


def _noise(size: tuple[int, int]) -> QImage:
    return to_qimage(Image.frombytes("L", size, _garbage(size[0] * size[1])))


NOTHING_FRAMES: dict[str, Callable[[], QImage]] = {
    "an empty counter": lambda: to_qimage(Image.new("L", HD, 120)),
    "sensor noise": lambda: _noise(HD),
    "noise in a 4K frame": lambda: _noise(UHD),
    "a null image": QImage,
    "garbage bytes as an image file": lambda: QImage.fromData(_garbage(4096)),
    "garbage bytes as raw pixels": lambda: QImage(
        _garbage(640 * 480 * 4), 640, 480, QImage.Format.Format_RGB32
    ).copy(),
    "a frame too small to hold a code": lambda: to_qimage(Image.new("L", (16, 16), 0)),
    "a one-pixel-high strip": lambda: to_qimage(Image.new("L", (1280, 1), 0)),
}


@pytest.mark.parametrize("draw", NOTHING_FRAMES.values(), ids=NOTHING_FRAMES.keys())
def test_a_frame_without_a_code_gives_none(decoder: FrameDecoder, draw: Callable[[], QImage]) -> None:
    assert decoder.decode(draw()) is None


HOPELESS_FRAMES: dict[str, Callable[[str], QImage]] = {
    # Beyond what the decoder reads (see QR_FRAMES): a blur of 0.75 module, 20 grey levels of
    # contrast, and 2 px modules in a 4K frame (0.7 px once scaled to 1280 wide).
    "blurred sigma 3 px, 4 px modules": lambda t: to_qimage(in_frame(qr_code(t, module_px=4), blur_sigma=3)),
    "grey 120 on grey 140": lambda t: to_qimage(
        in_frame(qr_code(t, module_px=4, dark=120, light=140), background=140)
    ),
    "2 px modules in a 4K frame": lambda t: to_qimage(in_frame(qr_code(t, module_px=2), UHD)),
}


@pytest.mark.parametrize("draw", HOPELESS_FRAMES.values(), ids=HOPELESS_FRAMES.keys())
def test_hopeless_frames_give_nothing_rather_than_a_misread(
    decoder: FrameDecoder, loyalty_code: str, draw: Callable[[str], QImage]
) -> None:
    # A newer zxing may read these; what must never happen is a wrong text.
    assert decoder.decode(draw(loyalty_code)) in (None, loyalty_code)


# -- without zxing-cpp -------------------------------------------------------------------------


def test_without_zxing_the_decoder_says_camera_scanning_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "zxingcpp", None)  # import now fails, as without the extra
    with pytest.raises(CameraNotInstalled) as raised:
        FrameDecoder()
    assert isinstance(raised.value, CameraUnavailable)
    assert raised.value.user_message.startswith("Camera scanning is not installed on this tablet")
    assert "handheld scanner" in raised.value.user_message


# -- debouncing and throttling -----------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_code_held_in_view_is_reported_once(clock: FakeClock) -> None:
    debouncer = ScanDebouncer(repeat_after_s=2.0, clock=clock)
    reported = []
    for _frame in range(600):  # a minute of frames at 10 a second
        reported.append(debouncer.admit("SA1.same"))
        clock.advance(0.1)
    assert reported.count(True) == 1 and reported[0]


def test_a_few_missed_frames_do_not_make_the_same_code_news(clock: FakeClock) -> None:
    debouncer = ScanDebouncer(repeat_after_s=2.0, clock=clock)
    assert debouncer.admit("SA1.same")
    clock.advance(1.5)  # a shaky hand: nothing decoded for 15 frames
    assert not debouncer.admit("SA1.same")


def test_the_same_code_shown_again_after_a_pause_is_reported_again(clock: FakeClock) -> None:
    debouncer = ScanDebouncer(repeat_after_s=2.0, clock=clock)
    assert debouncer.admit("SA1.same")
    clock.advance(2.5)
    assert debouncer.admit("SA1.same")


def test_a_different_code_is_reported_at_once(clock: FakeClock) -> None:
    debouncer = ScanDebouncer(repeat_after_s=2.0, clock=clock)
    assert debouncer.admit("SA1.first")
    clock.advance(0.1)
    assert debouncer.admit("4006381333931")
    clock.advance(0.1)
    assert debouncer.admit("SA1.first")  # back to the first card: the associate means it


def test_after_a_reset_the_code_in_view_is_news(clock: FakeClock) -> None:
    debouncer = ScanDebouncer(clock=clock)
    assert debouncer.admit("SA1.same")
    debouncer.reset()
    assert debouncer.admit("SA1.same")


def test_the_throttle_takes_one_frame_at_a_time_and_no_more_than_ten_a_second(clock: FakeClock) -> None:
    throttle = FrameThrottle(min_interval_s=0.1, clock=clock)
    assert throttle.try_start()
    assert not throttle.try_start()  # still decoding
    clock.advance(0.5)
    assert not throttle.try_start()  # however long that takes
    throttle.finish()
    assert throttle.try_start()
    throttle.finish()
    clock.advance(0.04)
    assert not throttle.try_start()  # decoded quickly, but 100 ms have not passed
    clock.advance(0.07)
    assert throttle.try_start()


@pytest.mark.parametrize(
    "build",
    [
        lambda: ScanDebouncer(repeat_after_s=0),
        lambda: FrameThrottle(min_interval_s=-1),
        lambda: FrameDecoder(formats=[]),
        lambda: FrameDecoder(max_side=8),
    ],
    ids=["debouncer without a quiet period", "negative throttle", "no formats", "max side too small"],
)
def test_nonsense_settings_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()
