"""Full-text search over Chinese text with character bigrams, on SQLite FTS5 and PostgreSQL.

Chinese has no spaces, so a whitespace tokenizer finds nothing, and SQLite's trigram
tokenizer finds nothing for two-character words such as 投资 (measured in
``shared/research/anchors-ecosystem.md`` §3.1). Instead every fact keeps a shadow column
``search`` holding the overlapping bigrams of its subject, name and evidence
(``生产总值`` → ``生产 产总 总值``), and ASCII words and numbers as their own tokens. A query
becomes a *phrase* of its own bigrams; consecutive bigrams match only consecutive text, so a
phrase match is a substring match. The same tokens feed SQLite FTS5 (``unicode61``) and
PostgreSQL ``to_tsvector('simple', search)`` with a GIN index: one search meaning, two
backends, no server extension to install.

Each fact's tokens end with one naming its place (`place_token`: ``zbp440104``), so that a
search within places intersects two posting lists inside the index: a common word (投资) then
costs what its hits in those places cost, not what its hits everywhere do.

Terms the bigrams cannot express (one Chinese character, or Chinese mixed with digits or
symbols such as ``3000元`` or ``4.3%``) are matched with ``LIKE`` over the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Han characters (CJK unified ideographs, extension A, compatibility ideographs).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_HAN}]+|[0-9A-Za-z]+")
_ONLY_HAN = re.compile(rf"[{_HAN}]{{2,}}")
_ONLY_WORD = re.compile(r"[0-9A-Za-z]+")

#: Names of the SQLite objects behind the index; migrations and the Alembic filter use them.
SQLITE_TABLE = "facts_fts"
SQLITE_TRIGGERS = ("facts_fts_ad", "facts_fts_au")
PG_INDEX = "ix_facts_search"


def bigrams(*texts: str | None) -> str:
    """The index tokens of `texts`: Han runs as overlapping bigrams, ASCII words lowercased.

    A one-character Han run stays a unigram. Texts are tokenized apart, so no bigram straddles
    two fields and a phrase never matches across them.
    """
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        for run in _TOKEN.findall(text):
            if run[0].isascii():
                out.append(run.lower())
            elif len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(out)


#: What starts a place token; no Han text or ASCII word of a fact yields it.
PLACE_PREFIX = "zbp"


def place_token(code: str | None) -> str | None:
    """The search token of a place code (None for a code the tokenizers would split)."""
    return f"{PLACE_PREFIX}{code}" if code and code.isascii() and code.isalnum() else None


def place_tokens(codes: list[str]) -> list[str] | None:
    """The tokens of these places, for "in one of them" (None when a code has no token): FTS5 joins
    them with ``OR``, PostgreSQL's ``to_tsquery`` with ``|``."""
    tokens = [place_token(c) for c in codes]
    return None if not tokens or None in tokens else [t for t in tokens if t]


@dataclass(frozen=True)
class Terms:
    """A search string split into phrases the index answers and terms for ``LIKE``."""

    phrases: tuple[str, ...]  # each a space-separated token phrase
    like: tuple[str, ...]  # raw substrings


def parse(query: str) -> Terms:
    """Split a search on whitespace; every term must match (AND).

    A term of two or more Han characters, or a plain ASCII word, goes to the index; anything
    else (one character, Chinese mixed with digits or symbols) to ``LIKE``.
    """
    phrases: list[str] = []
    like: list[str] = []
    for term in query.split():
        if _ONLY_HAN.fullmatch(term) or _ONLY_WORD.fullmatch(term):
            phrases.append(bigrams(term))
        else:
            like.append(term)
    return Terms(tuple(phrases), tuple(like))


def sqlite_match(phrase: str) -> str:
    """The FTS5 MATCH expression for one phrase (tokens are Han or ASCII alnum: no quoting)."""
    return f'"{phrase}"'


def like_pattern(term: str) -> str:
    """A ``LIKE`` pattern matching `term` anywhere, with ``%``, ``_`` and ``\\`` escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5("
    'search, content="facts", content_rowid="id", tokenize="unicode61")',
    f"CREATE TRIGGER facts_fts_ad AFTER DELETE ON facts BEGIN "
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, search) VALUES ('delete', old.id, old.search); END",
    f"CREATE TRIGGER facts_fts_au AFTER UPDATE OF search ON facts BEGIN "
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, search) VALUES ('delete', old.id, old.search); "
    f"INSERT INTO {SQLITE_TABLE}(rowid, search) VALUES (new.id, new.search); END",
)
#: New facts enter the SQLite index with one statement per document, not a per-row trigger:
#: an AFTER INSERT trigger made ingest 3x slower (measured: 1.2 s against 0.05 s for 8,871
#: facts). Deletes and updates of ``search`` still go through triggers.
SQLITE_INDEX_DOCUMENT = (f"INSERT INTO {SQLITE_TABLE}(rowid, search) "
                         "SELECT id, search FROM facts WHERE doc_id = :doc_id")
SQLITE_DROP = (*(f"DROP TRIGGER IF EXISTS {t}" for t in ("facts_fts_ai", *SQLITE_TRIGGERS)),
               f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
PG_CREATE = (f"CREATE INDEX {PG_INDEX} ON facts USING gin (to_tsvector('simple', coalesce(search, '')))",)
PG_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}",)
#: The PostgreSQL expression the GIN index covers; a query must use it verbatim.
PG_VECTOR = "to_tsvector('simple', coalesce(facts.search, ''))"


def is_fts_object(name: str | None) -> bool:
    """Whether a table or index name belongs to the full-text machinery (hidden from Alembic)."""
    return bool(name) and (name == PG_INDEX or name.startswith(SQLITE_TABLE))


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's ``include_object`` hook: leave the FTS5 tables, triggers and GIN index alone."""
    return not is_fts_object(name)
