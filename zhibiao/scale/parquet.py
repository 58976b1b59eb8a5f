"""Parquet shards of `DocResult`s: what the engines write and ``ingest --from-parquet`` reads.

Layout of an output folder (a local path or a filesystem URL such as ``s3://bucket/run1``)::

    documents/part-0000000000-1a2b3c4d5e.parquet   one row per document (text, metadata, error)
    facts/part-0000000000-1a2b3c4d5e.parquet       one row per fact, same part name
    _manifest.json                                 written last: the parts of a finished run

Shards come in pairs with the same part name, so a reader needs one pair in memory at a time.
Part names are derived from the documents they hold, so a retried batch overwrites its own
files instead of adding a copy. Each file's Arrow schema carries ``zhibiao.table``,
``zhibiao.schema_version`` and ``zhibiao.version`` in its metadata.

Fact columns are typed (strings, float64 numbers, int64 offsets) for querying with DuckDB,
pandas or Spark; `read_shards` rebuilds each record exactly (a record that would not survive
the typed columns unchanged is kept whole in ``record_json``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from zhibiao.extract.pipeline import SCHEMA_VERSION, DocResult

MANIFEST = "_manifest.json"
DOCUMENTS = "documents"
FACTS = "facts"

#: The keys of each record type, in the order `zhibiao.extract.facts` writes them.
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "quantity": ("type", "doc", "region", "subject", "indicator", "period", "kind", "measure", "value", "unit",
                 "qualifier", "evidence", "start", "end", "region_code"),
    "project": ("type", "doc", "region", "name", "status", "period", "kind", "investment", "evidence", "start",
                "end", "region_code"),
    "policy": ("type", "doc", "region", "policy", "beneficiary", "condition", "rate", "cap", "evidence", "start",
               "end", "region_code"),
}
_FLOATS = ("value", "investment", "rate", "cap")
_INTS = ("start", "end")
_STRINGS = ("type", "doc", "region", "region_code", "subject", "indicator", "period", "kind", "measure", "unit",
            "qualifier", "name", "status", "policy", "beneficiary", "condition", "evidence")


def _meta(table: str) -> dict[bytes, bytes]:
    from zhibiao import __version__

    return {b"zhibiao.table": table.encode(), b"zhibiao.schema_version": str(SCHEMA_VERSION).encode(),
            b"zhibiao.version": str(__version__).encode()}


DOCUMENTS_SCHEMA = pa.schema([
    ("input_index", pa.int64()),
    ("name", pa.string()),
    ("path", pa.string()),
    ("sha256", pa.string()),
    ("size", pa.int64()),
    ("format", pa.string()),
    ("encoding", pa.string()),
    ("meta", pa.map_(pa.string(), pa.string())),
    ("text", pa.large_string()),
    ("error", pa.string()),
    ("n_facts", pa.int32()),
], metadata=_meta(DOCUMENTS))

FACTS_SCHEMA = pa.schema(
    [("input_index", pa.int64()), ("sha256", pa.string()), ("path", pa.string()), ("seq", pa.int32()),
     ("type", pa.string()), ("doc", pa.string()), ("region", pa.string()), ("region_code", pa.string()),
     ("subject", pa.string()), ("indicator", pa.string()), ("period", pa.string()), ("kind", pa.string()),
     ("measure", pa.string()), ("value", pa.float64()), ("unit", pa.string()), ("qualifier", pa.string()),
     ("name", pa.string()), ("status", pa.string()), ("investment", pa.float64()),
     ("policy", pa.string()), ("beneficiary", pa.string()), ("condition", pa.string()),
     ("rate", pa.float64()), ("cap", pa.float64()),
     ("evidence", pa.large_string()), ("start", pa.int64()), ("end", pa.int64()),
     ("record_json", pa.large_string())],
    metadata=_meta(FACTS))


class ShardError(Exception):
    """An output folder or shard that cannot be written or read (one line)."""


@dataclass
class ShardInfo:
    """What one pair of shards holds."""

    part: str
    documents: int
    failed: int
    facts: int


# -- filesystems ---------------------------------------------------------------------------

def filesystem(location: str) -> tuple[pafs.FileSystem, str]:
    """A pyarrow filesystem and the path inside it for a local path or a URL.

    URLs pyarrow knows (``s3://``, ``gs://``, ``hdfs://``, ``abfs://``, ``file://``) use its own
    filesystems; any other scheme goes through fsspec (``pip install`` its implementation).
    """
    loc = os.fspath(location)
    if "://" not in loc:
        return pafs.LocalFileSystem(), os.path.abspath(loc)
    try:
        fs, path = pafs.FileSystem.from_uri(loc)
        return fs, path
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, OSError) as arrow_err:
        try:
            import fsspec
            from pyarrow.fs import FSSpecHandler, PyFileSystem

            ffs, path = fsspec.core.url_to_fs(loc)
        except ImportError:
            raise ShardError(f"{loc}: unsupported filesystem URL ({arrow_err}); fsspec is not installed") from None
        except Exception as err:
            raise ShardError(f"{loc}: unsupported filesystem URL ({type(err).__name__}: {err})") from None
        return PyFileSystem(FSSpecHandler(ffs)), path


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts]) if root else "/".join(parts)


def _list_parquet(fs: pafs.FileSystem, folder: str) -> list[str]:
    info = fs.get_file_info(folder)
    if info.type != pafs.FileType.Directory:
        return []
    files = fs.get_file_info(pafs.FileSelector(folder, recursive=False))
    return sorted(f.base_name[: -len(".parquet")] for f in files
                  if f.type == pafs.FileType.File and f.base_name.endswith(".parquet"))


# -- writing -------------------------------------------------------------------------------

def part_name(indexed: Sequence[tuple[int, DocResult]]) -> str:
    """A part name for these documents: their first input index and a digest of who they are."""
    h = hashlib.sha1(usedforsecurity=False)
    for i, r in indexed:
        h.update(f"{i}\0{r.path or r.name}\n".encode("utf-8", "surrogatepass"))
    first = indexed[0][0] if indexed else 0
    return f"part-{first:010d}-{h.hexdigest()[:10]}"


def _float_fits(key: str, v: Any) -> bool:
    if v is None:
        return True
    if key == "value":  # zhibiao.extract.facts rounds values: integral numbers are ints, others floats
        if type(v) is int:
            return abs(v) < 1e18 and float(v) == v
        return type(v) is float and not v.is_integer()
    return type(v) is float


def _fits(rec: dict[str, Any]) -> bool:
    """True when the typed columns give this record back unchanged."""
    keys = TYPE_KEYS.get(rec.get("type"))  # type: ignore[arg-type]
    if keys is None or len(rec) != len(keys) or set(rec) != set(keys):
        return False
    for k, v in rec.items():
        if k in _FLOATS:
            if not _float_fits(k, v):
                return False
        elif k in _INTS:
            if type(v) is not int or not -(2**63) <= v < 2**63:
                return False
        elif v is not None and type(v) is not str:
            return False
    return True


def _tables(indexed: Sequence[tuple[int, DocResult]]) -> tuple[pa.Table, pa.Table]:
    docs: dict[str, list[Any]] = {f.name: [] for f in DOCUMENTS_SCHEMA}
    facts: dict[str, list[Any]] = {f.name: [] for f in FACTS_SCHEMA}
    typed = _STRINGS + _FLOATS + _INTS
    for i, r in indexed:
        for col, v in (("input_index", i), ("name", r.name), ("path", r.path), ("sha256", r.sha256),
                       ("size", r.size), ("format", r.format), ("encoding", r.encoding),
                       ("meta", list(r.meta.items())), ("text", r.text), ("error", r.error),
                       ("n_facts", len(r.facts))):
            docs[col].append(v)
        for seq, rec in enumerate(r.facts):
            facts["input_index"].append(i)
            facts["sha256"].append(r.sha256)
            facts["path"].append(r.path)
            facts["seq"].append(seq)
            fits = _fits(rec)
            for col in typed:
                v = rec.get(col)
                if col in _FLOATS:
                    v = float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
                elif col in _INTS:
                    v = v if type(v) is int and -(2**63) <= v < 2**63 else None
                elif v is not None and not isinstance(v, str):
                    v = str(v)
                facts[col].append(v)
            facts["record_json"].append(None if fits else json.dumps(rec, ensure_ascii=False))
    return (pa.Table.from_pydict(docs, schema=DOCUMENTS_SCHEMA),
            pa.Table.from_pydict(facts, schema=FACTS_SCHEMA))


def _write_atomic(fs: pafs.FileSystem, table: pa.Table, path: str) -> None:
    tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
    pq.write_table(table, tmp, filesystem=fs, compression="zstd")
    fs.move(tmp, path)


def write_shard(out_dir: str, indexed: Sequence[tuple[int, DocResult]], part: str | None = None) -> ShardInfo:
    """Write one pair of shards (documents + facts) for `(input_index, DocResult)` pairs.

    The facts shard is written first and the documents shard last, each atomically (a
    temporary file renamed into place), so a documents shard implies its facts shard.
    """
    fs, root = filesystem(out_dir)
    part = part or part_name(indexed)
    doc_table, fact_table = _tables(indexed)
    for sub in (DOCUMENTS, FACTS):
        fs.create_dir(_join(root, sub), recursive=True)
    _write_atomic(fs, fact_table, _join(root, FACTS, part + ".parquet"))
    _write_atomic(fs, doc_table, _join(root, DOCUMENTS, part + ".parquet"))
    return ShardInfo(part, len(indexed), sum(1 for _, r in indexed if r.error), fact_table.num_rows)


def prepare_out_dir(out_dir: str, overwrite: bool = False) -> None:
    """Make `out_dir` ready for a run: refuse one holding shards unless `overwrite` (then clear them)."""
    fs, root = filesystem(out_dir)
    info = fs.get_file_info(root)
    if info.type == pafs.FileType.File:
        raise ShardError(f"{out_dir}: is a file, not a folder")
    has = info.type == pafs.FileType.Directory and (
        fs.get_file_info(_join(root, MANIFEST)).type == pafs.FileType.File
        or _list_parquet(fs, _join(root, DOCUMENTS)) or _list_parquet(fs, _join(root, FACTS)))
    if has and not overwrite:
        raise ShardError(f"{out_dir}: already holds zhibiao shards; choose another folder, "
                         "or replace them (--overwrite)")
    if has:
        for sub in (DOCUMENTS, FACTS):
            if fs.get_file_info(_join(root, sub)).type == pafs.FileType.Directory:
                fs.delete_dir(_join(root, sub))
        if fs.get_file_info(_join(root, MANIFEST)).type == pafs.FileType.File:
            fs.delete_file(_join(root, MANIFEST))
    fs.create_dir(root, recursive=True)


def finish(out_dir: str, shards: Iterable[ShardInfo], engine: str, extra: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    """Write the manifest of a finished run and delete files that are not part of it.

    Leftovers come from attempts that died half-way (temporary files, or a pair whose batch
    was later redone in smaller pieces); removing them keeps every document in exactly one pair.
    """
    from zhibiao import __version__

    fs, root = filesystem(out_dir)
    shards = sorted(shards, key=lambda s: s.part)
    keep = {s.part for s in shards}
    for sub in (DOCUMENTS, FACTS):
        folder = _join(root, sub)
        if fs.get_file_info(folder).type != pafs.FileType.Directory:
            continue
        for f in fs.get_file_info(pafs.FileSelector(folder)):
            stem = f.base_name[: -len(".parquet")] if f.base_name.endswith(".parquet") else None
            if f.type == pafs.FileType.File and (stem is None or stem not in keep):
                fs.delete_file(f.path)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "zhibiao_version": __version__,
        "engine": engine,
        "finished": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "documents": sum(s.documents for s in shards),
        "failed": sum(s.failed for s in shards),
        "facts": sum(s.facts for s in shards),
        "parts": [s.part for s in shards],
        **(extra or {}),
    }
    with fs.open_output_stream(_join(root, MANIFEST)) as f:
        f.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


class ShardWriter:
    """Collects `DocResult`s and writes a pair of shards every `docs_per_shard` documents."""

    def __init__(self, out_dir: str, docs_per_shard: int = 256, overwrite: bool = False) -> None:
        """Prepare `out_dir` (see `prepare_out_dir`)."""
        prepare_out_dir(out_dir, overwrite)
        self.out_dir, self.size = out_dir, max(1, docs_per_shard)
        self.shards: list[ShardInfo] = []
        self._buf: list[tuple[int, DocResult]] = []
        self._n = 0
        self._bytes = 0

    def add(self, result: DocResult) -> None:
        """Buffer one result (numbered in the order added); write a pair when the buffer is full."""
        self._buf.append((self._n, result))
        self._n += 1
        self._bytes += len(result.text)
        if len(self._buf) >= self.size or self._bytes > 256 * 2**20:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered."""
        if self._buf:
            self.shards.append(write_shard(self.out_dir, self._buf))
            self._buf, self._bytes = [], 0

    def close(self, engine: str = "local", extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Flush and write the manifest; returns it."""
        self.flush()
        return finish(self.out_dir, self.shards, engine, extra)


# -- reading -------------------------------------------------------------------------------

def _check(schema: pa.Schema, expected: str, where: str) -> None:
    meta = schema.metadata or {}
    table = meta.get(b"zhibiao.table", b"").decode()
    if table != expected:
        raise ShardError(f"{where}: not a zhibiao {expected} shard")
    version = int(meta.get(b"zhibiao.schema_version", b"0") or 0)
    if version > SCHEMA_VERSION:
        raise ShardError(f"{where}: written with shard schema v{version}; this zhibiao reads up to "
                         f"v{SCHEMA_VERSION} (upgrade zhibiao)")


def _record(row: dict[str, Any]) -> dict[str, Any]:
    if row["record_json"] is not None:
        return json.loads(row["record_json"])
    rec: dict[str, Any] = {}
    for k in TYPE_KEYS[row["type"]]:
        v = row[k]
        if k == "value" and v is not None and math.isfinite(v) and v.is_integer() and abs(v) < 1e18:
            v = int(v)
        rec[k] = v
    return rec


def parts(out_dir: str) -> list[str]:
    """The part names of a shard folder: the manifest's when there is one, else every complete pair."""
    fs, root = filesystem(out_dir)
    info = fs.get_file_info(_join(root, MANIFEST))
    if info.type == pafs.FileType.File:
        with fs.open_input_stream(_join(root, MANIFEST)) as f:
            try:
                manifest = json.loads(f.read())
            except ValueError as err:
                raise ShardError(f"{out_dir}: unreadable {MANIFEST} ({err})") from None
        if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
            raise ShardError(f"{out_dir}: written with shard schema v{manifest['schema_version']}; "
                             f"this zhibiao reads up to v{SCHEMA_VERSION} (upgrade zhibiao)")
        return list(manifest["parts"])
    if fs.get_file_info(root).type != pafs.FileType.Directory:
        raise ShardError(f"{out_dir}: no such folder")
    docs = set(_list_parquet(fs, _join(root, DOCUMENTS)))
    return sorted(docs & set(_list_parquet(fs, _join(root, FACTS))))


def read_shard(out_dir: str, part: str) -> list[tuple[int, DocResult]]:
    """The `(input_index, DocResult)` pairs of one part, in input order."""
    fs, root = filesystem(out_dir)
    dpath, fpath = _join(root, DOCUMENTS, part + ".parquet"), _join(root, FACTS, part + ".parquet")
    try:
        dtable = pq.read_table(dpath, filesystem=fs)
        ftable = pq.read_table(fpath, filesystem=fs)
    except (OSError, pa.ArrowException) as err:
        raise ShardError(f"{out_dir}: cannot read part {part} ({err})") from None
    _check(dtable.schema, DOCUMENTS, dpath)
    _check(ftable.schema, FACTS, fpath)
    by_doc: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for row in ftable.to_pylist():
        by_doc.setdefault(row["input_index"], []).append((row["seq"], _record(row)))
    out = []
    for row in dtable.to_pylist():
        i = row["input_index"]
        facts = [rec for _, rec in sorted(by_doc.get(i, []), key=lambda t: t[0])]
        out.append((i, DocResult(name=row["name"], path=row["path"], sha256=row["sha256"], format=row["format"],
                                 text=row["text"] or "", meta=dict(row["meta"] or []), facts=facts,
                                 error=row["error"], encoding=row["encoding"], size=row["size"])))
    out.sort(key=lambda t: t[0])
    return out


def read_shards(out_dir: str) -> Iterator[DocResult]:
    """Every `DocResult` stored under `out_dir` (local folder or URL), one pair of shards at a time.

    Results come part by part in part-name order (input order for both engines' runs), each
    with its facts rebuilt exactly as `zhibiao.extract.facts.extract` produced them.
    """
    for part in parts(out_dir):
        for _, result in read_shard(out_dir, part):
            yield result
