"""Ingesting an uploaded file: the same load → extract → store pipeline as ``zhibiao ingest``.

The upload is loaded from memory (`zhibiao.load.load_bytes`); its file name only labels the
document and hints its format: it is reduced to a plain name (no folders, no control
characters) and never used as a path. The document is keyed like a file on disk (the hash
of its bytes and ``date``), so uploading a file that was already ingested changes nothing,
and it is stored under ``upload:NAME``, so uploading a changed file of the same name makes a
new version that replaces the old one's facts, as ingesting a changed file at the same path does.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from zhibiao.store import Store

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEEP = re.compile(r"[^\w.\-()（）\[\]【】《》·、，,+ ]", re.UNICODE)
MAX_NAME = 120
PATH_PREFIX = "upload:"


class UploadError(Exception):
    """An upload that cannot be ingested: HTTP status and a one-line message like the CLI's."""

    def __init__(self, status: int, message: str) -> None:
        """`status`: the HTTP status to answer with."""
        super().__init__(message)
        self.status = status


@dataclass
class Uploaded:
    """What an upload did."""

    status: str  # stored | replaced | unchanged | same_text (added as a source of the document with its text)
    doc_id: int
    name: str
    facts_added: int
    facts_removed: int

    def as_dict(self) -> dict[str, Any]:
        """The API's answer."""
        return {"ok": True, "status": self.status, "document": {"id": self.doc_id, "name": self.name},
                "facts_added": self.facts_added, "facts_removed": self.facts_removed,
                "url": f"/documents/{self.doc_id}", "api_url": f"/api/documents/{self.doc_id}"}


def safe_name(filename: str | None) -> str:
    """A plain file name for a label: the last path part, control and odd characters removed."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _KEEP.sub("_", name).strip().lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name if name.strip("._- ") else "upload"


def content_key(data: bytes, date: str | None) -> str:
    """The document's key, as `zhibiao.store.ingest.content_key` computes it for a file without sidecar."""
    h = hashlib.sha256()
    h.update(data)
    h.update(b"\0options\0" + json.dumps([date, None]).encode())
    return h.hexdigest()


def ingest_upload(store: Store, data: bytes, filename: str | None, date: str | None = None) -> Uploaded:
    """Load, extract and store one uploaded document; raises `UploadError` with the reason."""
    from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

    from zhibiao.extract.facts import extract
    from zhibiao.load import LoadError, load_bytes
    from zhibiao.store import StoreError
    from zhibiao.store.db import translate
    from zhibiao.store.write import PlaceSync, Prepared, sync_indicators, write_document

    name = safe_name(filename)
    if date is not None and not _DATE.fullmatch(date.strip()):
        raise UploadError(422, f"bad date {date!r}: use YYYY-MM-DD")
    date = date.strip() if date else None
    try:
        doc = load_bytes(data, name)
    except LoadError as err:
        raise UploadError(422, str(err)) from None
    if date:
        doc.meta["date"] = date
    try:
        records = extract(doc.text, doc.name, doc.meta, doc.tables)
    except Exception as err:  # as `zhibiao ingest` does: an extractor bug is this file's failure
        raise UploadError(422, f"{name}: extraction failed ({type(err).__name__}: {err})") from None
    prepared = Prepared(path=PATH_PREFIX + name, name=doc.name, sha256=content_key(data, date), size=len(data),
                        format=doc.format, encoding=doc.encoding, meta=dict(doc.meta), text=doc.text,
                        records=records)
    try:
        sync_indicators(store)
        written = write_document(store, prepared, place_sync=PlaceSync())
    except (DataError, IntegrityError) as err:
        raise UploadError(422, f"{name}: could not store ({str(err.orig).strip().splitlines()[0]})") from None
    except StoreError as err:
        raise UploadError(503, str(err)) from None
    except DBAPIError as err:
        translated = translate(err, store.where)
        if translated is None:
            raise
        raise UploadError(503, str(translated)) from None
    return Uploaded(written.status, written.doc_id, doc.name, written.facts_added, written.facts_removed)
