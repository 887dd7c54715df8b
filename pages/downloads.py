"""The one way a page hands a file to the browser."""

from django.http import HttpResponse


def file_download(
    data: bytes, filename: str, content_type: str = "application/pdf"
) -> HttpResponse:
    """An attachment. Callers name files by opaque record numbers and codes, never by a
    person's name: file names end up in download folders, histories and proxy logs."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
