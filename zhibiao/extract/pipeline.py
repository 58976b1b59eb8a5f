"""The per-document step every engine runs: raw file → loaded text → facts, as one `DocResult`.

`process` is pure and never raises for a bad document: a file that cannot be read, decoded or
extracted comes back with `DocResult.error` set (one line, ``"path: reason"``, the same text
``zhibiao extract`` prints). It depends only on its arguments and the bundled data, so the
local process pool (`zhibiao.scale.local`), Ray (`zhibiao.scale.ray_engine`) or any other
engine can call it and get the same facts.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from typing import Any

#: Version of the `DocResult` layout (and of the Parquet shards that store it).
SCHEMA_VERSION = 1


@dataclass
class DocResult:
    """One document after loading and extraction (or the reason it failed).

    Only plain values (str, int, dict, list): it pickles cheaply and maps to Arrow columns.
    `facts` are the records of `zhibiao.extract.facts.extract` (schema of ``shared/spec/facts.md``
    plus ``start``/``end``/``region_code``), in extraction order.
    """

    name: str
    path: str | None
    sha256: str | None  # of the raw bytes; None when they could not be read
    format: str | None
    text: str
    meta: dict[str, str]
    facts: list[dict[str, Any]]
    error: str | None = None
    encoding: str | None = None
    size: int | None = None  # bytes

    @property
    def ok(self) -> bool:
        """True when the document was loaded and extracted."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """The result as a plain dict (JSON- and Arrow-friendly)."""
        return asdict(self)


def failed(name: str, path: str | None, error: str, sha256: str | None = None, size: int | None = None
           ) -> DocResult:
    """A `DocResult` for a document that could not be processed; `error` is one line."""
    from zhibiao.load._model import one_line

    return DocResult(name=name, path=path, sha256=sha256, format=None, text="", meta={}, facts=[],
                     error=one_line(error, 1300), size=size)


def _file_digest(path: str) -> tuple[str | None, int | None]:
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except (OSError, ValueError):
        return None, None
    return h.hexdigest(), size


def process(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview,
    name: str | None = None,
    *,
    encoding: str | None = None,
    date: str | None = None,
    path: str | None = None,
) -> DocResult:
    """Load and extract one document; never raises for a bad document.

    `source` is a file path (sidecar ``.meta.json`` metadata beside it is read, errors are
    labelled with the path, exactly as `zhibiao.load.load_path`) or the raw bytes of a file
    (`name`, e.g. ``"report.html"``, labels it and hints the format). `encoding` forces the
    charset of text/HTML; `date` (YYYY-MM-DD) overrides the document's date, as
    ``zhibiao extract --date`` does. `path` records where bytes came from (a URL, say).
    """
    from zhibiao.extract.facts import extract
    from zhibiao.load import LoadError, load_bytes, load_path

    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = name or path or "<bytes>"
        sha, size = hashlib.sha256(data).hexdigest(), len(data)
        try:
            doc = load_bytes(data, label, encoding=encoding)
        except LoadError as err:
            return failed(label, path, str(err), sha, size)
        doc.path = path
    else:
        file = os.fspath(source)
        label = name or os.path.basename(file) or file
        try:
            doc = load_path(file, encoding=encoding)
        except LoadError as err:
            return failed(label, file, str(err))
        # Hashed after loading: load_path has already refused what is missing, too big or unreadable.
        sha, size = _file_digest(file)
        if name:
            doc.name = name
    if date:
        doc.meta["date"] = date
    try:
        facts = extract(doc.text, doc.name, doc.meta, doc.tables)
    except Exception as err:  # an extractor bug must not stop a batch; report it for this document
        where = doc.path or doc.name
        return failed(doc.name, doc.path, f"{where}: extraction failed ({type(err).__name__}: {err})", sha, size)
    return DocResult(name=doc.name, path=doc.path, sha256=sha, format=doc.format, text=doc.text,
                     meta={str(k): str(v) for k, v in doc.meta.items()}, facts=facts, error=None,
                     encoding=doc.encoding, size=size)


#: Modules the loaders import on first use; `warm_up` imports them ahead of time.
_LAZY_IMPORTS = ("zhibiao.extract.facts", "zhibiao.load._text", "zhibiao.load._html", "zhibiao.load._pdf",
                 "zhibiao.load._docx", "trafilatura", "trafilatura.metadata", "htmldate", "lxml.html",
                 "pdfplumber", "pypdfium2", "docx", "charset_normalizer")


def warm_up() -> None:
    """Import the loaders and load the gazetteer and indicator taxonomy now.

    A parent process calls this before forking workers, which then share all of it instead of
    each paying for it on its first document of each format.
    """
    import importlib

    from zhibiao.extract.indicators import taxonomy
    from zhibiao.extract.places import gazetteer

    for name in _LAZY_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional format library missing: its documents will say so
            continue
    gazetteer()
    taxonomy()
