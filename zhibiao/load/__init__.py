"""The load stage: files → clean text + metadata, with clear errors.

`load_path` / `load_bytes` return a `Document` whose `text` is the string every later offset
refers to; tables inside it are listed with cell offsets. Any file that cannot be loaded raises
`LoadError` (one line, naming the file) — never another exception type.

Formats are recognised by magic bytes first and the file extension second: PDF (``%PDF``),
DOCX (a ZIP holding ``word/document.xml``), HTML (``<!DOCTYPE``/``<html``/leading tags), and
plain text (anything that decodes). See the format modules for the details of each.
"""

from __future__ import annotations

import glob
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from zhibiao.load._model import Document, LoadError, Table, one_line
from zhibiao.load._text import decode_text, parse_date

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Document",
    "LoadError",
    "Table",
    "decode_text",
    "detect_format",
    "iter_inputs",
    "load_bytes",
    "load_path",
]

#: File extensions picked up when a folder or glob is expanded.
SUPPORTED_EXTENSIONS = (".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx")
_HTML_EXT = {".html", ".htm", ".shtml", ".xhtml"}
_TEXT_EXT = {".txt", ".text", ".md"}
_SIDECAR_KEYS = ("title", "date", "place", "publisher", "url")
_MAX_SIDECAR = 2**20

_HTML_START = re.compile(
    r"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|tbody|thead|"
    r"tr|td|span|section|article|font|center|style|script|link|h[1-6]|ul|ol|br|form|a|b|strong)[\s>/]",
    re.IGNORECASE | re.DOTALL)
_HTML_STRONG = re.compile(r"<(?:!doctype\s+html|html[\s>]|body[\s>]|head[\s>])", re.IGNORECASE)

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office file (.doc/.xls/.wps) is not supported; "
                                          "convert it to .docx"),
    (b"\x89PNG\r\n\x1a\n", "not a text document (binary data: PNG image); OCR is not supported"),
    (b"\xff\xd8\xff", "not a text document (binary data: JPEG image); OCR is not supported"),
    (b"GIF8", "not a text document (binary data: GIF image)"),
    (b"II*\x00", "not a text document (binary data: TIFF image); OCR is not supported"),
    (b"MM\x00*", "not a text document (binary data: TIFF image); OCR is not supported"),
    (b"\x1f\x8b", "not a text document (binary data: gzip archive); unpack it first"),
    (b"Rar!", "not a text document (binary data: RAR archive); unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "not a text document (binary data: 7z archive); unpack it first"),
    (b"\x7fELF", "not a text document (binary data: executable)"),
    (b"MZ", "not a text document (binary data: executable)"),
    (b"{\\rtf", "RTF is not supported; convert it to .docx"),
)


def _mb(n: float) -> str:
    return f"{n / 2**20:.1f}".rstrip("0").rstrip(".")


def detect_format(data: bytes, name: str = "") -> str:
    """'pdf' | 'docx' | 'html' | 'text' from magic bytes first, the extension of `name` second.

    Raises `LoadError` (labelled with `name`) for formats that are recognised but not supported
    (ZIPs that are not Word documents, legacy .doc, images, archives).
    """
    ext = os.path.splitext(name)[1].lower()
    head = data[:2048]
    pos = head.find(b"%PDF-", 0, 1024)
    if pos == 0 or (pos > 0 and (not head[:pos].strip() or ext == ".pdf" or b"\x00" in head[:pos])):
        return "pdf"  # the header may follow a little junk (the spec allows 1 KB of it)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
            if ext == ".docx":
                raise LoadError(name, f"not a Word document (corrupt ZIP: {e})") from None
            raise LoadError(name, f"not a supported document (corrupt ZIP archive: {e})") from None
        if "word/document.xml" in names:
            return "docx"
        if ext == ".docx":
            raise LoadError(name, "not a Word document (ZIP without word/document.xml)")
        if "xl/workbook.xml" in names:
            raise LoadError(name, "Excel workbooks are not supported")
        if "ppt/presentation.xml" in names:
            raise LoadError(name, "PowerPoint files are not supported")
        if any(n.lower().endswith(".ofd") or n.lower() == "ofd.xml" for n in names):
            raise LoadError(name, "OFD documents are not supported")
        raise LoadError(name, "not a supported document (ZIP archive)")
    for magic, reason in _BINARY_MAGIC:
        if head.startswith(magic):
            if magic == b"MZ" and ext in _TEXT_EXT | _HTML_EXT and b"\x00" not in head[:512]:
                continue  # a text file that happens to start with "MZ"
            raise LoadError(name, reason)
    if ext == ".pdf":
        raise LoadError(name, "not a readable PDF (no %PDF header)")
    if ext == ".docx":
        raise LoadError(name, "not a Word document (not a ZIP package)")
    # HTML sniffing on an ASCII view of the start (NULs removed: UTF-16 pages are caught too).
    sniff = head.replace(b"\x00", b"").decode("latin-1")
    if sniff.startswith(("\xef\xbb\xbf", "\xff\xfe", "\xfe\xff")):
        sniff = sniff[3:] if sniff.startswith("\xef\xbb\xbf") else sniff[2:]
    if _HTML_START.match(sniff) or _HTML_STRONG.search(sniff[:1024]):
        return "html"
    if ext in _HTML_EXT:
        return "html"
    return "text"


def load_bytes(data: bytes, name: str, encoding: str | None = None) -> Document:
    """Load a document from memory. `name` (e.g. 'report.html') labels it and hints the format.

    `encoding` forces the charset of text/HTML input. Raises `LoadError` (never anything
    else) when the bytes cannot be loaded.
    """
    return _load(bytes(data), name, name, encoding, None)


def _load(data: bytes, name: str, label: str, encoding: str | None, path: str | None) -> Document:
    fmt = "document"
    try:
        if not data:
            raise LoadError(label, "empty file")
        fmt = detect_format(data, name)
        if fmt == "pdf":
            from zhibiao.load._pdf import load_pdf

            doc = load_pdf(data, name, label)
        elif fmt == "docx":
            from zhibiao.load._docx import load_docx

            doc = load_docx(data, name, label)
        elif fmt == "html":
            from zhibiao.load._html import load_html

            doc = load_html(data, name, label, encoding)
        else:
            from zhibiao.load._text import load_text

            doc = load_text(data, name, label, encoding)
    except LoadError as e:
        if e.path != one_line(label, 1000):
            raise LoadError(label, e.reason) from None
        raise
    except MemoryError:
        raise LoadError(label, f"out of memory while reading {fmt}") from None
    except RecursionError:
        raise LoadError(label, f"{fmt} is nested too deeply to read") from None
    except Exception as e:  # the contract: only LoadError leaves this function
        raise LoadError(label, f"could not read {fmt} ({type(e).__name__}: {e})") from None
    doc.path = path
    return doc


def _sidecar(path: Path) -> dict[str, str]:
    """Metadata from ``name.ext.meta.json`` or ``name.meta.json`` beside `path`, if present."""
    for cand in (path.with_name(path.name + ".meta.json"), path.with_name(path.stem + ".meta.json")):
        try:
            if not cand.is_file() or cand.stat().st_size > _MAX_SIDECAR:
                continue
            raw = json.loads(cand.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return {"sidecar_error": f"unreadable {cand.name}"}
        if not isinstance(raw, dict):
            return {"sidecar_error": f"{cand.name} is not a JSON object"}
        out: dict[str, str] = {"sidecar": cand.name}
        for key, value in raw.items():
            if value is None or isinstance(value, (dict, list)):
                continue
            value = str(value).strip()
            if key == "date":
                out["date"] = parse_date(value) or value
                out["date_source"] = "sidecar"
            elif value:
                out[str(key)] = value
        return out
    return {}


def load_path(
    path: str | os.PathLike[str], encoding: str | None = None, max_bytes: int = 100 * 2**20
) -> Document:
    """Load one file. Raises `LoadError` (one line naming the file) when it cannot be loaded.

    Files over `max_bytes` are refused before being read. Sidecar metadata
    (``report.txt.meta.json`` or ``report.meta.json`` beside the file: title/date/place/
    publisher/url …) is merged into `Document.meta` and takes precedence.
    """
    label = os.fspath(path)
    p = Path(label)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise LoadError(label, "no such file or directory") from None
    except PermissionError:
        raise LoadError(label, "permission denied") from None
    except (OSError, ValueError) as e:
        raise LoadError(label, f"cannot open ({getattr(e, 'strerror', None) or e})") from None
    if p.is_dir():
        raise LoadError(label, "is a directory")
    if not p.is_file():
        raise LoadError(label, "not a regular file")
    if st.st_size > max_bytes:
        raise LoadError(label, f"file is {_mb(st.st_size)} MB, over the {_mb(max_bytes)} MB limit")
    try:
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError:
        raise LoadError(label, "permission denied") from None
    except OSError as e:
        raise LoadError(label, f"cannot read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise LoadError(label, f"file is over the {_mb(max_bytes)} MB limit")
    doc = _load(data, p.name, label, encoding, str(p))
    extra = _sidecar(p)
    if extra:
        doc.meta.update(extra)
    return doc


def _supported(p: Path) -> bool:
    return p.suffix.lower() in SUPPORTED_EXTENSIONS and not p.name.startswith(".")


#: Files a folder holds beside its documents: read-mes, sidecar metadata, manifests, licences.
_NOT_DOCUMENTS = re.compile(r"(?:readme|license|licence|changelog|manifest)(?:\.[^.]+)?|.+\.meta\.json",
                            re.IGNORECASE)


def not_a_document(p: Path) -> str | None:
    """Why a file found in a folder is not a document (a README.md, a sidecar), else None."""
    if _NOT_DOCUMENTS.fullmatch(p.name):
        return "not a document (a folder's read-me, manifest or metadata file)"
    return None


def _walk(folder: Path, on_skip: Callable[[Path, str], None] | None = None) -> Iterator[Path]:
    """Supported files under `folder`, recursively, sorted, skipping hidden files and folders and
    files that are no documents (`not_a_document`, reported to `on_skip`)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(child, on_skip)
            elif entry.is_file() and _supported(child):
                why = not_a_document(child)
                if why is None:
                    yield child
                elif on_skip is not None:
                    on_skip(child, why)
        except OSError:
            continue


def iter_inputs(inputs: Iterable[str], on_skip: Callable[[Path, str], None] | None = None
                ) -> Iterator[Path | LoadError]:
    """Expand files, folders (recursively) and glob patterns into document paths.

    Folders contribute only supported extensions (.txt .text .md .html .htm .shtml .xhtml
    .pdf .docx), hidden files and folders skipped, and files that are no documents (README.md,
    readme.*, *.meta.json, MANIFEST.*: passed to `on_skip` with why); a named file is yielded whatever its
    extension. A missing path, a pattern with no match or a folder without documents yields
    a `LoadError` instead of raising. Each path is yielded once.
    """
    seen: set[str] = set()

    def emit(p: Path) -> Iterator[Path]:
        key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            yield p

    for raw in inputs:
        item = os.fspath(raw)
        p = Path(item)
        try:
            exists = p.exists()
        except (OSError, ValueError):
            exists = False
        if exists and p.is_dir():
            found = list(_walk(p, on_skip))
            if not found:
                yield LoadError(item, "no documents found in folder (supported: "
                                + " ".join(SUPPORTED_EXTENSIONS) + ")")
            for f in found:
                yield from emit(f)
        elif exists:
            yield from emit(p)
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            files: list[Path] = []
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    files.extend(_walk(mp, on_skip))
                elif mp.is_file() and _supported(mp):
                    if (why := not_a_document(mp)) is None:
                        files.append(mp)
                    elif on_skip is not None:
                        on_skip(mp, why)
            if not files:
                yield LoadError(item, "no documents match this pattern")
            for f in files:
                yield from emit(f)
        else:
            yield LoadError(item, "no such file or directory")
