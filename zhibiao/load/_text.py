"""Charset decoding, newline normalisation, dates and labelled metadata; the plain-text loader.

Decoding order (see docs/research anchors §2.2): BOM → declared charset (gb2312/gbk/x-gbk are
read as their superset gb18030) → UTF-16 recognised by its NUL-byte pattern → strict UTF-8 →
charset_normalizer restricted to utf_8/gb18030/big5/utf_16, cross-checked by a plausibility
score so that Big5 is never read as gb18030 → gb18030 with replacement characters (flagged).
"""

from __future__ import annotations

import codecs
import contextlib
import email.utils
import functools
import re
import unicodedata
from dataclasses import dataclass

from zhibiao.load._model import Document, LoadError

# ---------------------------------------------------------------------------------------------
# Decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_GB_NAMES = {"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "euc-cn",
             "x-euc-cn", "csgb2312", "chinese", "gb18030", "gb-18030", "iso-ir-58", "csiso58gb231280"}
_BIG5_NAMES = {"big5", "big-5", "cn-big5", "csbig5", "x-x-big5", "cp950", "ms950", "big5-hkscs",
               "big5hkscs", "x-big5"}
_UTF16_NAMES = {"utf-16", "utf16", "unicode", "ucs-2", "ucs2", "iso-10646-ucs-2", "csunicode"}
#: Every byte decodes in these, so a declaration of one proves nothing; ignored when declared.
_SINGLE_BYTE = {"iso8859-1", "cp1252", "ascii", "latin-1", "iso8859-15", "cp1251", "cp437",
                "mac-roman"}

#: Codecs tried, in order, for each normalised family.
_FAMILY = {"gb18030": ("gb18030",), "big5": ("big5", "cp950", "big5hkscs")}

#: Control characters that mark binary data (everything below 0x20 except \t \n \v \f \r, ESC
#: and the DOS end-of-file marker 0x1a).
_CTRL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27)) + b"\x7f"
_CTRL_CHARS = re.compile("[" + re.escape(_CTRL_BYTES.decode("ascii")) + "]")


def normalize_encoding(name: str) -> str | None:
    """Python codec family for a charset label; None for unknown or single-byte labels.

    gb2312/gbk/x-gbk/cp936 → 'gb18030' (their superset), Big5 labels → 'big5',
    UTF-16 labels → 'utf-16'.
    """
    label = name.strip().strip("\"'").lower().replace("_", "-")
    if not label:
        return None
    if label in _GB_NAMES:
        return "gb18030"
    if label in _BIG5_NAMES:
        return "big5"
    if label in _UTF16_NAMES:
        return "utf-16"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    if codec in ("gbk", "gb2312"):
        return "gb18030"
    if codec in _SINGLE_BYTE:
        return None
    return codec


@functools.cache
def _common_chars() -> frozenset[str]:
    """Hanzi that real Chinese text is mostly made of: GB2312 (6,763) ∪ Big5 level 1 (5,401)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    return frozenset(chars)


@functools.cache
def _plausible_table() -> dict[int, None]:
    """A str.translate table deleting every character typical of Chinese or ASCII text."""
    codes: set[int] = set(range(0x20, 0x7F))
    codes.update(ord(c) for c in "\t\n\r\f\v\u3000\xb7\xd7\xb0\u2103\u2116\xa0")
    for lo, hi in ((0x3000, 0x303F), (0xFF01, 0xFF5E), (0x2010, 0x206F), (0x2460, 0x24FF), (0x2160, 0x217F)):
        codes.update(range(lo, hi + 1))
    codes.update(ord(c) for c in _common_chars())
    return dict.fromkeys(codes)


def plausibility(text: str, sample: int = 20000) -> float:
    """Share of characters (in the first `sample`) typical of Chinese or ASCII text, 0..1."""
    s = text[:sample]
    if not s:
        return 1.0
    return 1.0 - len(s.translate(_plausible_table())) / len(s)


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, exactly as Python's universal-newline reading does."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Decoded:
    """Result of decoding: text (newlines normalised), codec, how it was chosen, quality."""

    text: str
    encoding: str
    method: str
    replaced: int = 0          # U+FFFD characters introduced by the decoder
    score: float | None = None  # plausibility, where the choice was a guess


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _family_decode(data: bytes, family: str) -> tuple[str, str] | None:
    """Strict decode with the first codec of `family` (or the codec itself) that accepts the bytes."""
    if family == "utf-16":
        be_first = _utf16_by_nuls(data) == "utf-16-be"
        cands: tuple[str, ...] = ("utf-16-be", "utf-16-le") if be_first else ("utf-16-le", "utf-16-be")
    else:
        cands = _FAMILY.get(family, (family,))
    for codec in cands:
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    return None


def _utf16_by_nuls(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes fall on one parity (ASCII-heavy UTF-16)."""
    n = len(data)
    if n < 4 or n % 2 or data.count(0) < n // 8:
        return None
    half = n // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.25 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.25 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _utf8_with_few_errors(data: bytes) -> Decoded | None:
    """UTF-8 with a handful of damaged bytes (a flipped bit, a cut sequence) among many good ones.

    Text in another multi-byte encoding read as UTF-8 fails on nearly every non-ASCII byte, so
    errors on at most 2% of the non-ASCII characters mean UTF-8 that was damaged.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if bad <= 0:
        return None
    good = len(text) - len(text.encode("ascii", "ignore")) - 2 * bad
    if bad <= 50 and bad <= 0.02 * good:
        return Decoded(normalize_newlines(text), "utf-8", "utf-8-lenient", bad)
    return None


def _detect(data: bytes) -> Decoded | None:
    """Guess among utf_8/gb18030/big5/utf_16 with charset_normalizer and a plausibility score."""
    gb = _strict(data, "gb18030")
    if gb is not None and (gb_score := plausibility(gb)) >= 0.97:
        big5 = _family_decode(data, "big5")
        if big5 is None or plausibility(big5[0]) < gb_score - 0.1:
            return Decoded(gb, "gb18030", "detected", 0, gb_score)  # clear-cut GBK/GB18030
    guess: str | None = None
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(
            data[: 2**20], cp_isolation=["utf_8", "gb18030", "big5", "utf_16"]
        ).best()
        if best is not None:
            guess = best.encoding
    except Exception:  # the detector is a heuristic; never let it break loading
        guess = None
    order = ["gb18030", "big5", "utf-16-le", "utf-16-be"]
    if guess:
        guess = {"utf_16": "utf-16-le", "utf_8": "utf-8"}.get(guess, guess.replace("_", "-"))
        if guess not in order:
            order.insert(0, guess)
        else:
            order.remove(guess)
            order.insert(0, guess)
    best_dec: Decoded | None = None
    for codec in order:
        got = _family_decode(data, codec)
        if got is None:
            continue
        score = plausibility(got[0])
        if best_dec is None or score > (best_dec.score or 0.0) + 0.02:
            best_dec = Decoded(got[0], got[1], "detected", 0, score)
    return best_dec


def _decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data` following the module's order; never raises. Newlines are normalised."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            text = _strict(body, codec)
            if text is not None:
                return Decoded(normalize_newlines(text), codec, "bom")
            text = body.decode(codec, errors="replace")
            return Decoded(normalize_newlines(text), codec, "bom-replace", text.count("\ufffd"))

    utf8: str | None = None
    if declared and (family := normalize_encoding(declared)):
        if family not in ("utf-8",) and max(data, default=0) >= 0xE0:
            # A page saved as UTF-8 often keeps its old <meta charset=gb2312>: valid UTF-8 with
            # 3-byte sequences is far stronger evidence than the label.
            utf8 = _strict(data, "utf-8")
            if utf8 is not None:
                return Decoded(normalize_newlines(utf8), "utf-8", f"utf-8 (declared {declared} ignored)")
        got = _family_decode(data, family)
        if got is not None:
            return Decoded(normalize_newlines(got[0]), got[1], "declared")

    nul16 = _utf16_by_nuls(data)
    if nul16:
        text = _strict(data, nul16)
        if text is not None:
            return Decoded(normalize_newlines(text), nul16, "utf-16-nul-pattern")

    if utf8 is None:
        utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return Decoded(normalize_newlines(utf8), "utf-8", "utf-8")
    lenient = _utf8_with_few_errors(data)
    if lenient is not None:
        return lenient

    det = _detect(data)
    if det is not None and (det.score or 0.0) >= 0.5:
        det.text = normalize_newlines(det.text)
        return det

    best: Decoded | None = None
    for codec in ("gb18030", "utf-8"):
        text = data.decode(codec, errors="replace")
        cand = Decoded(normalize_newlines(text), codec, f"{codec}-replace", text.count("\ufffd"),
                       plausibility(text))
        if best is None or (cand.score or 0.0) > (best.score or 0.0) + 0.05:
            best = cand
    assert best is not None
    return best


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str, str]:
    """Decode document bytes to text; return ``(text, encoding, method)``.

    Order: BOM (removed) → `declared` charset (gb2312/gbk/x-gbk read as gb18030; ignored when
    the bytes are valid UTF-8 with multi-byte sequences) → UTF-16 without BOM (NUL pattern) →
    strict UTF-8 (or UTF-8 with a few damaged bytes) → charset_normalizer restricted to
    utf_8/gb18030/big5/utf_16 plus a plausibility check (Big5 is never read as gb18030) →
    gb18030 with replacement characters.
    CRLF and CR become LF; nothing else in the text changes. `method` is one of 'bom',
    'bom-replace', 'declared', 'utf-8 (declared … ignored)', 'utf-16-nul-pattern', 'utf-8',
    'utf-8-lenient' (a few damaged bytes), 'detected', 'gb18030-replace' (or 'utf-8-replace'
    when that reads better).
    """
    d = _decode(data, declared)
    return d.text, d.encoding, d.method


def _decode_override(data: bytes, label: str, override: str) -> Decoded:
    """Decode strictly with the caller's encoding (its family, e.g. gbk → gb18030)."""
    family = normalize_encoding(override) or override.strip().lower()
    if family == "utf-16" and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        cands: tuple[str, ...] = ("utf-16",)
    elif family == "utf-16":
        be_first = _utf16_by_nuls(data) == "utf-16-be"
        cands = ("utf-16-be", "utf-16-le") if be_first else ("utf-16-le", "utf-16-be")
    else:
        cands = _FAMILY.get(family, (family,))
    try:
        codecs.lookup(cands[0])
    except LookupError:
        raise LoadError(label, f"unknown encoding {override!r}") from None
    first_error: UnicodeDecodeError | None = None
    for codec in cands:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as e:
            first_error = first_error or e
            continue
        if text.startswith("\ufeff"):
            text = text[1:]
        return Decoded(normalize_newlines(text), codec, "override")
    where = f" (byte 0x{data[first_error.start]:02x} at offset {first_error.start})" if first_error else ""
    raise LoadError(label, f"cannot decode as {override}{where}")


def decode_for_load(data: bytes, label: str, declared: str | None, override: str | None) -> Decoded:
    """Decode for a loader, raising `LoadError` for binary or undecodable data."""
    if override:
        return _decode_override(data, label, override)
    dec: Decoded | None = None
    is_bom = any(data.startswith(b) for b, _ in _BOMS)
    if not is_bom and not _utf16_by_nuls(data):
        head = data[: 2**16]
        if len(head) - len(head.translate(None, _CTRL_BYTES)) > 0.03 * len(head):
            # Control bytes: binary data, or CJK text in UTF-16 without BOM (U+4E01 is 01 4E).
            for codec in ("utf-16-le", "utf-16-be"):
                text = _strict(data, codec) if len(data) % 2 == 0 else None
                if text is not None and (score := plausibility(text)) >= 0.9:
                    dec = Decoded(normalize_newlines(text), codec, "utf-16-detected", 0, score)
                    break
            else:
                raise LoadError(label, "not a text document (binary data)")
    dec = dec or _decode(data, declared)
    sample = dec.text[: 2**16]
    if sample and len(_CTRL_CHARS.findall(sample)) > 0.03 * len(sample):
        raise LoadError(label, "not a text document (binary data)")
    if dec.method in ("gb18030-replace", "utf-8-replace", "bom-replace") and (
        dec.replaced > max(3, 0.01 * len(dec.text)) or (dec.score or 1.0) < 0.5
    ):
        raise LoadError(label, "cannot decode text (not UTF-8, GB18030, Big5 or UTF-16); "
                        "pass encoding= to choose one")
    return dec


# ---------------------------------------------------------------------------------------------
# Dates and labelled metadata

_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_YMD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)"
)
_YMD_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                      r"(?:([一二三四五六七八九十]{1,3})[日号])?")


def _cn_small(s: str) -> int:
    """Value of a Chinese numeral from 1 to 39 (十, 十二, 二十, 三十一)."""
    if "十" not in s:
        return int(s.translate(_CN_DIGITS))
    tens, _, ones = s.partition("十")
    return (int(tens.translate(_CN_DIGITS)) if tens else 1) * 10 + (
        int(ones.translate(_CN_DIGITS)) if ones else 0)


def _valid(y: int, m: int, d: int) -> str | None:
    import datetime

    try:
        return datetime.date(y, m, d).isoformat() if 1900 <= y <= 2100 else None
    except ValueError:
        return None


def parse_date(s: str) -> str | None:
    """A full date found in `s` as 'YYYY-MM-DD', or None.

    Understands 2024-05-28, 2024/5/28, 2024.05.28, 2024年5月28日, 20240528,
    RFC 2822 ('Thu, 26 May 2022 07:54:49 GMT'), ISO 8601 with time, and
    二〇二二年十二月五日. Full-width digits are accepted.
    """
    s = unicodedata.normalize("NFKC", s or "")[:200]
    if m := _YMD.search(s):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _YMD_COMPACT.search(s):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _CN_DATE.search(s):
        if m[3]:
            return _valid(int(m[1].translate(_CN_DIGITS)), _cn_small(m[2]), _cn_small(m[3]))
        return None
    try:
        dt = email.utils.parsedate_to_datetime(s.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _valid(dt.year, dt.month, dt.day) if dt else None


_DATE_LABELS: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    # (label regex, colon required, words one of which a match holds: a cheap test before the scan;
    # Latin words are looked for in the ASCII-lower-cased text)
    (r"发布日期|发布时间|发文日期|成文日期|印发日期|公布日期|公开日期", False, ("日期", "时间")),
    (r"发稿时间|发稿日期|发表时间|发表日期|发布于", False, ("发稿", "发表", "发布于")),
    (r"(?<![\u4e00-\u9fff])(?:日期|时间)|(?i:date|pubdate|published)", True, ("日期", "时间", "date", "publ")),
    (r"更新时间|更新日期", True, ("更新",)),
)
_PUBLISHER_WORDS = ("来源", "发布机构", "发文机关", "发布单位")
_PUBLISHER = re.compile(r"(?<!资料)(?<!数据)(?:信息来源|文章来源|稿件来源|来源|发布机构|发文机关|发布单位)"
                        r"\s*[:：]\s*"
                        r"([^\s|｜<>:：【】\[\]]{0,40})")
_LABEL_WORDS = re.compile(r"发布|日期|时间|字体|字号|浏览|点击|作者|编辑|责任|分享|阅读")
_NAME_ONLY = re.compile(r"^[\u4e00-\u9fffA-Za-z（）()·\s]{2,20}$")
_TITLE_LINE = re.compile(r"^\s*(?:title|标题|题目)\s*[:：]\s*(\S.{0,200}?)\s*$", re.IGNORECASE)


@functools.cache
def _date_label_patterns(joined: bool) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """(pattern, words) per `_DATE_LABELS` entry; for `joined` lines the separators do not cross
    a newline, so each match stays within one line."""
    ws = r"[^\S\n]*" if joined else r"\s*"
    out = []
    for label, colon, words in _DATE_LABELS:
        sep = rf"{ws}[:：]{ws}" if colon else rf"{ws}[:：]?{ws}"
        out.append((re.compile(rf"(?:{label}){sep}(.{{4,60}})"), words))
    return tuple(out)


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `words` (ASCII words in any letter case)."""
    lower: bytes | None = None
    for word in words:
        if word.isascii():
            lower = lower if lower is not None else text.encode("utf-8", "surrogatepass").lower()
            if word.encode() in lower:
                return True
        elif word in text:
            return True
    return False


def labelled_date(lines: list[str]) -> str | None:
    """A date from a labelled line ('发布日期：2024-05-28', '时间：', 'date:' …) among `lines`.

    Each label pattern scans the lines joined by newlines (which it cannot cross) at once, and
    only when the text holds one of the label's words at all.
    """
    joined = "\n".join(lines)
    one_scan = not any("\n" in line for line in lines)  # else line by line, as the lines are
    texts = [joined] if one_scan else lines
    for pat, words in _date_label_patterns(one_scan):
        if not _holds_any(joined, words):
            continue
        for text in texts:
            for m in pat.finditer(text):
                if d := parse_date(m[1]):
                    return d
    return None


def labelled_meta(lines: list[str]) -> dict[str, str]:
    """Date, publisher ('来源：…') and title ('title: …') from labelled lines near the top."""
    meta: dict[str, str] = {}
    if d := labelled_date(lines):
        meta["date"] = d
    for i, line in enumerate(lines if _holds_any("\n".join(lines), _PUBLISHER_WORDS) else ()):
        m = _PUBLISHER.search(line)
        if not m:
            continue
        value = m[1]
        if not value and i + 1 < len(lines) and _NAME_ONLY.match(lines[i + 1].strip()):
            value = lines[i + 1].strip()
        value = _LABEL_WORDS.split(value, maxsplit=1)[0]
        if len(value) >= 2:
            meta["publisher"] = value
            break
    for line in lines[:10]:
        if m := _TITLE_LINE.match(line):
            meta["title"] = m[1]
            break
    return meta


_DOC_SUFFIX = re.compile(r"(?:意见|通知|决定|办法|规定|报告|公报|规划|方案|纲要|条例|细则|通告|公告|批复|"
                         r"函|计划|要点|决议|讲话|情况|名单|目录|清单|措施|指引|指南|白皮书)[》」”]?$")
_TITLE_PREFIX = re.compile(r"^(?:附件\s*\d*[:：]?|附表\s*\d*|[-—\s]*\d{1,3}[-—\s]*)$")
_NOT_TITLE = re.compile(r"[。；;，,：:！？!?|｜>]|^\W*$|^(?:title|date)\s*[:：]", re.IGNORECASE)


def add_labelled_meta(meta: dict[str, str], lines: list[str], *, title: bool = True) -> None:
    """Put what `labelled_meta` finds in `lines` into `meta`, a found date marked as taken from a
    text label; a labelled title only when `title` (PDF and DOCX have better sources for one)."""
    found = labelled_meta(lines)
    if not title:
        found.pop("title", None)
    if "date" in found:
        meta["date_source"] = "text-label"
    meta.update(found)


def guess_title(lines: list[str]) -> str | None:
    """A document title spread over the first (up to 3) short lines, e.g. a 公文 heading:
    "国务院关于做好当前和今后一个时期" + "促进就业工作的若干意见". It must end with a document-type
    word (意见, 通知, 报告, 公报, 规划 …); otherwise None."""
    title = ""
    lines = [ln.strip() for ln in lines if ln.strip()]
    while lines and _TITLE_PREFIX.match(lines[0]):
        lines = lines[1:]  # "附件1", a page number
    for line in lines[:3]:
        if len(line) > 40 or _NOT_TITLE.search(line):
            return None
        title += line
        if _DOC_SUFFIX.search(re.sub(r"\s+", "", title)):
            return title
    return None


def head_lines(text: str, max_lines: int = 30, max_chars: int = 2000) -> list[str]:
    """The first non-empty lines of `text` (bounded by count and characters)."""
    out: list[str] = []
    for line in text[:max_chars].split("\n"):
        if line.strip():
            out.append(line.strip())
            if len(out) >= max_lines:
                break
    return out


# ---------------------------------------------------------------------------------------------
# Plain text


def load_text(data: bytes, name: str, label: str, encoding: str | None) -> Document:
    """Plain text: decode, normalise newlines; the text is otherwise kept byte-for-byte."""
    dec = decode_for_load(data, label, None, encoding)
    if not dec.text.strip():
        raise LoadError(label, "empty file (only whitespace)")
    meta = {"encoding_method": dec.method}
    if dec.replaced:
        meta["decode_errors"] = str(dec.replaced)
    head = head_lines(dec.text)
    add_labelled_meta(meta, head)
    if "title" not in meta and (title := guess_title(head)):
        meta["title"] = title
    return Document(name=name, text=dec.text, format="text", encoding=dec.encoding, meta=meta)
