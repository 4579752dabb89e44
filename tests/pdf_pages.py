"""The pages of a PDF, read straight from its bytes: the size of each page, whether the page
objects are written out plainly (Chromium) or packed in compressed object streams
(WeasyPrint). Enough to check a report prints on A4 without a PDF library."""

import re
import zlib

#: A4 in PostScript points (210 x 297 mm)
A4_POINTS = (595.28, 841.89)

_PAGE = re.compile(rb"/Type\s*/Page\b")
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _sections(pdf: bytes) -> list[bytes]:
    """The file itself and every stream that inflates (object streams hold page objects)."""
    found = [pdf]
    for stream in _STREAM.finditer(pdf):
        try:
            found.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue  # not deflated (or not a stream of objects): nothing to read
    return found


def page_count(pdf: bytes) -> int:
    """The number of page objects."""
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    return sum(len(_PAGE.findall(section)) for section in _sections(pdf))


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height, in points, of every MediaBox (one per page, or inherited from the
    page tree)."""
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    return [
        (float(x1) - float(x0), float(y1) - float(y0))
        for section in _sections(pdf)
        for x0, y0, x1, y1 in _MEDIA_BOX.findall(section)
    ]


def is_a4(size: tuple[float, float]) -> bool:
    """Portrait or landscape A4, to within a point."""
    width, height = sorted(size)
    return abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
