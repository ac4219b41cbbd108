"""What a file that no rncpkit format reads seems to be (an HTML page saved as .xml, an
error body, a PDF, an Office document), said before any parser sees it."""

from __future__ import annotations

import json
import re
import zipfile
from typing import TYPE_CHECKING

from rncpkit.errors import InputError

if TYPE_CHECKING:
    from rncpkit.io.inputs import InputFile

__all__ = [
    "refuse_impostor",
    "what_it_seems",
]


_HTML = re.compile(
    rb"(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.*?-->\s*){0,5}(?:<!doctype\s+html\b(?![^>]*\[)|<html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
"""An HTML document, from its start (a DOCTYPE with an internal subset is left to the XML
parser's refusal: that is an attack, not a download gone wrong)."""
_TITLE = re.compile(rb"<title[^>]*>(.{0,200}?)</title", re.IGNORECASE | re.DOTALL)
_HTTP_STATUS = re.compile(r"\b([45]\d\d)\b")
_S3_ERROR = re.compile(rb"<Error>\s*<Code>([^<]{1,100})</Code>(?:\s*<Message>([^<]{0,200})<)?")
_JSON_ERROR_KEYS = frozenset({"error", "errors", "message", "status", "statusCode", "detail"})
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OFFICE = (
    ("word/", "a Word document (.docx)"),
    ("xl/", "an Excel workbook (.xlsx)"),
    ("ppt/", "a PowerPoint presentation (.pptx)"),
)


def _text_of(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())


def what_it_seems(head: bytes) -> str | None:
    """What a file that no rncpkit format reads seems to be, from its first bytes: an HTML
    page (an error page, a login page: a failed download), a JSON or XML error body, a
    PDF, an Office document. None when it may be a real input."""
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"%PDF-"):
        return "a PDF document"
    if start.startswith(_OLE2):
        return "a Word or Excel document (.doc/.xls, Microsoft Office 97-2003)"
    if start.startswith(b"{\\rtf"):
        return "an RTF document"
    if _HTML.match(start[:2048]):
        title = _TITLE.search(head[:16384])
        shown = _text_of(title.group(1)) if title else ""
        status = _HTTP_STATUS.search(shown)
        if status:
            return f"an HTTP error page ({shown!r}): the download failed"
        named = f" titled {shown!r}" if shown else ""
        return f"an HTML page{named} (a web page saved in place of the file?)"
    error = _S3_ERROR.search(start[:2048])
    if error:
        detail = ": " + _text_of(error.group(2)) if error.group(2) else ""
        return f"an error response from a web server ({_text_of(error.group(1))}{detail})"
    if start.startswith(b"{"):  # a head cut in the middle of a big object does not load
        try:
            body = json.loads(head.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            return None
        # an error body is a small object with an error key, and no fiche ``number``
        if (
            isinstance(body, dict)
            and len(body) <= 8
            and "number" not in body
            and _JSON_ERROR_KEYS & set(body)
        ):
            shown = json.dumps(body, ensure_ascii=False)[:160]
            return f"a JSON error response ({shown}): the download or API call failed"
    return None


def _zip_seems(archive: zipfile.ZipFile) -> str | None:
    """What a zip that is an Office or OpenDocument file is."""
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        for prefix, kind in _OFFICE:
            if any(name.startswith(prefix) for name in names):
                return kind
        return "a Microsoft Office document"
    if "mimetype" in names:
        return "an OpenDocument file (LibreOffice)"
    return None


def refuse_impostor(opened: InputFile) -> None:
    """Raise an :class:`InputError` naming what ``opened`` seems to be, if it is not a
    possible input."""
    what = _zip_seems(opened.archive) if opened.archive is not None else what_it_seems(opened.head)
    if what is not None:
        raise InputError(
            f"this is not a certification file: it seems to be {what}", file=opened.name, line=1
        )
