"""Reading rendered certificates the way a person (or a verifier) would."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

# poppler-utils, installed by .ci/run; the arguments below are ours, not input.
PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdftotext(data: bytes) -> str:
    """The text as poppler extracts it, zero-width spaces removed."""
    result = subprocess.run(  # noqa: S603
        [PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8").replace("\u200b", "")


def page_image(data: bytes, dpi: int = 150) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "c.pdf"
        pdf.write_bytes(data)
        subprocess.run(  # noqa: S603
            [PDFTOPPM, "-png", "-r", str(dpi), "-singlefile", str(pdf), str(Path(folder) / "p")],
            check=True,
        )
        return Image.open(Path(folder) / "p.png").convert("L").copy()


def decode_qr(data: bytes) -> list[str]:
    """The texts of the QR codes on the first page. Only QR codes are looked
    for: a CI run once found a second "barcode" when every format was read."""
    import zxingcpp

    image = page_image(data, dpi=200)
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Base font name → whether its program is embedded in the file."""
    fonts = {}
    for page in reader(data).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = None
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            else:
                descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def attachments(data: bytes) -> dict[str, bytes]:
    return {name: contents[0] for name, contents in reader(data).attachments.items()}
