"""Shared ground for the readers: the error type, safe bounded reading, text decoding.

Every reader goes through :func:`read_bytes`, which refuses what is not a regular
file, what is larger than :data:`MAX_FILE_BYTES` (from ``stat``, before reading, and
again while reading in case the file grows) and what cannot be opened, each with a
reason a user can act on.
"""

from __future__ import annotations

import codecs
import errno
import logging
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from viewer.core.resources import load_json

# The libraries log every file they find hard to read; a refused file gets its own
# clear IngestError instead, so their chatter is silenced.
for _name in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "pypdf", "docx"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# A saved news page with inline images can reach a few MB; a PDF of a long report
# tens of MB. 50 MB keeps every real article in and bounds time and memory.
MAX_FILE_BYTES = 50 * 1024 * 1024


class IngestError(Exception):
    """A file that cannot be imported. ``str(e)`` names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        # One line, whatever a library put in its message.
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024  # type: ignore[assignment]
    raise AssertionError  # pragma: no cover


def check_file(path: Path, limit: int = MAX_FILE_BYTES) -> os.stat_result:
    """Stat ``path`` and refuse anything that is not a readable-size regular file."""
    try:
        st = os.stat(path)  # follows symlinks: a broken link raises FileNotFoundError
    except FileNotFoundError:
        if os.path.islink(path):
            raise IngestError(path, "broken link: the file it points to does not exist") from None
        raise IngestError(path, "file not found (moved or deleted?)") from None
    except PermissionError:
        raise IngestError(path, "permission denied: the file cannot be read") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError(path, "symbolic link loop") from None
        raise IngestError(path, f"cannot open file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise IngestError(path, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        # Opening a FIFO or a device would block or never end.
        raise IngestError(path, "not a regular file (device, pipe or socket)")
    if st.st_size > limit:
        raise IngestError(
            path,
            f"file too large ({human_size(st.st_size)}; the limit is {human_size(limit)})",
        )
    if st.st_size == 0:
        raise IngestError(path, "empty file")
    return st


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The whole content of ``path``, refused with a clear reason when unsuitable."""
    check_file(path, limit)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise IngestError(path, "file not found (moved or deleted?)") from None
    except PermissionError:
        raise IngestError(path, "permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise IngestError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise IngestError(path, f"file too large (over the limit of {human_size(limit)})")
    if not data:
        raise IngestError(path, "empty file")
    return data


@lru_cache(maxsize=1)
def _signatures() -> list[tuple[bytes, int, str]]:
    raw = load_json("ingest/signatures.json")["signatures"]
    return [(bytes.fromhex(hexa), int(off), name) for hexa, off, name in raw]


def sniff(data: bytes) -> str | None:
    """Name of the non-text file kind ``data`` starts with, or None."""
    for prefix, off, name in _signatures():
        if data[off : off + len(prefix)] == prefix:
            return name
    return None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL pattern says so (mostly-ASCII UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / max(1, len(odd))
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _best_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return best.encoding if best is not None else None


_CJK = frozenset(
    codecs.lookup(n).name
    for n in (
        "gb18030",
        "gbk",
        "gb2312",
        "big5",
        "big5hkscs",
        "cp950",
        "shift_jis",
        "cp932",
        "euc_jp",
        "euc_kr",
        "cp949",
        "iso2022_jp",
        "hz",
    )
)


_LATIN_SINGLE_BYTE = frozenset(
    codecs.lookup(n).name
    for n in (
        "cp1250",
        "cp1252",
        "cp1257",
        "latin_1",
        "iso8859_2",
        "iso8859_15",
        "iso8859_13",
        "mac_roman",
        "mac_latin2",
        "cp850",
        "cp437",
    )
)


def _non_ascii_share(data: bytes) -> float:
    sample = data[:200_000]
    return sum(1 for b in sample if b > 127) / max(1, len(sample))


def _mixed_decode(data: bytes) -> str | None:
    """Decode line by line when the file mixes UTF-8 lines with lines in another
    encoding (an article pasted from one editor into another); None otherwise.

    UTF-8 lines are recognised by their strict validity; the other lines take the
    encoding detected on them alone, cp1252 when they are too short to tell (the
    usual partner of UTF-8 in such files).
    """
    lines = data.split(b"\n")
    utf8_chars = 0
    decoded: list[str | None] = []
    bad: list[bytes] = []
    for line in lines:
        try:
            s = line.decode("utf-8")
            # Each multi-byte character makes the bytes longer than the string.
            utf8_chars += len(line) - len(s)
            decoded.append(s)
        except UnicodeDecodeError:
            decoded.append(None)
            bad.append(line)
    if not utf8_chars or not bad:
        return None
    joined = b"\n".join(bad)
    guess = _best_guess(joined) if len(joined) >= 20 else None
    legacy_cjk = guess is not None and codecs.lookup(guess).name in _CJK
    # A stray valid UTF-8 sequence occurs by chance in legacy CJK text; real UTF-8
    # content beside it shows several characters.
    if legacy_cjk and utf8_chars < 6:
        return None
    # Single-byte encodings cannot be told apart on a line or two; cp1252 (a superset
    # of Latin-1 for printable text) is then by far the likeliest.
    if guess is None or (
        not legacy_cjk
        and (len(joined) < 200 or codecs.lookup(guess).name in {"mac-roman", "latin-1", "iso8859-1"})
    ):
        guess = "cp1252"
    it = iter(bad)
    return "\n".join(s if s is not None else next(it).decode(guess, errors="replace") for s in decoded)


def decode_text(data: bytes, path: str | Path) -> str:
    """Decode article bytes into text; refuse binary or undecodable content."""
    kind = sniff(data)
    if kind is not None:
        raise IngestError(path, f"not a text file: it is {kind}")
    text: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(enc, errors="replace")
            break
    if text is None and (enc16 := _utf16_without_bom(data)):
        text = data.decode(enc16, errors="replace")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if text is None:
        if data.count(0) > max(2, len(data) // 100):
            raise IngestError(path, "not a text file: it contains NUL bytes (binary data)")
        text = _mixed_decode(data)
    if text is None:
        guess = _best_guess(data)
        if guess is None:
            raise IngestError(path, "not a text file: binary data or an unknown text encoding")
        if codecs.lookup(guess).name in _LATIN_SINGLE_BYTE and _non_ascii_share(data) < 0.03:
            # Mostly-English text with a few accented letters: the detector cannot
            # tell the Latin code pages apart on so little; cp1252, the newsroom
            # default, is then the likeliest. (Central European text has many more
            # accented letters and keeps its detected code page.)
            guess = "cp1252"
        text = data.decode(guess, errors="replace")
    return clean_decoded(text, path)


# Control characters (Unicode category Cc) other than the whitespace ones plain
# text legitimately holds (\t \n \v \f \r), and the replacement character that a
# wrong decoding leaves behind.
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def clean_decoded(text: str, path: str | Path) -> str:
    """Refuse text that is mostly binary noise; drop stray control characters."""
    if not text.strip():
        raise IngestError(path, "no text: the file is empty or holds only whitespace")
    sample = text[:200_000]
    bad = len(_BAD_CHARS.findall(sample))
    if bad > max(8, len(sample) // 100):
        if "\x00" in sample:
            raise IngestError(path, "not a text file: it contains NUL bytes (binary data)")
        raise IngestError(path, "not a text file: binary data or an unknown text encoding")
    # A few stray control characters (an old editor's EOF mark, a NUL pasted from a
    # terminal) are dropped; the text around them is kept.
    return CONTROL_CHARS.sub("", text)
