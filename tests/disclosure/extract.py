"""The text a response hands over, whatever its form: HTML, JSON, CSV, PDF, XLSX or a zip of
PDFs. A redirect hands over nothing (its body is never shown)."""

import contextlib
import html
import io
import json
import zipfile
from typing import Any

from pypdf import PdfReader


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def text_of(response: Any) -> str:
    if 300 <= response.status_code < 400:
        return ""
    data = body_of(response)
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf") or data.startswith(b"%PDF"):
        return pdf_text(data)
    if kind.startswith("application/zip"):
        return zip_text(data)
    if "spreadsheetml" in kind or data.startswith(b"PK\x03\x04"):
        return xlsx_text(data)
    text = data.decode("utf-8", errors="replace")
    if "json" in kind:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    # Entities undone, so that "&amp;" or "&#x5185;" hide nothing from the search.
    return html.unescape(text)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    metadata: dict[str, Any] = dict(reader.metadata or {})
    parts += [str(value) for value in metadata.values()]
    return "\n".join(parts)


def zip_text(data: bytes) -> str:
    """Every PDF of a zip (a print job's bundles), in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(pdf_text(archive.read(name)) for name in archive.namelist())


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return "\n".join(
        "\t".join("" if cell is None else str(cell) for cell in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )
