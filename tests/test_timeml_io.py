"""TimeML round trip of viewer/extract/timeml_io.py on a small generated document."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from viewer.extract.timeml_io import convert_dir, parse_dct, read_timeml

DOC = """<?xml version="1.0" ?>
<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">

<DOCID>TEST0001</DOCID>

<DCT><TIMEX3 tid="t0" type="DATE" value="2025-06-06" temporalFunction="false"
functionInDocument="CREATION_TIME">20250606</TIMEX3></DCT>

<TEXT>
AT&amp;T <EVENT eid="e1" class="OCCURRENCE">said</EVENT>
<TIMEX3 tid="t9" type="DATE" value="2025-06-05">Thursday</TIMEX3> that the
deal <EVENT eid="e2" class="OCCURRENCE">signed</EVENT> in May gives a 90-day window &lt;at least&gt;.
Talks resumed last week.</TEXT>

<MAKEINSTANCE eventID="e1" eiid="ei1" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<TLINK lid="l1" relType="BEFORE" eventInstanceID="ei1" relatedToTime="t0"/>
</TimeML>
"""


def _strip(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text)


def test_round_trip_keeps_text_outside_tags(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    (src / "doc.tml").write_text(DOC, encoding="utf-8")
    (src / "sub" / "other.TE3input").write_text(DOC.replace("TEST0001", "TEST0002"), encoding="utf-8")
    (src / "notes.txt").write_text("not TimeML", encoding="utf-8")
    assert convert_dir(src, out) == 2
    written = (out / "doc.tml").read_text(encoding="utf-8")
    assert (out / "sub" / "other.TE3input").exists()

    def text_of(doc: str) -> str:
        return doc[doc.index("<TEXT>") + 6 : doc.index("</TEXT>")]

    # Same TEXT byte for byte once tags are removed (entities untouched).
    assert _strip(text_of(written)) == _strip(text_of(DOC))
    assert "AT&amp;T" in written and "&lt;at least&gt;" in written
    # Everything before TEXT is kept, DCT t0 included.
    assert written[: written.index("<TEXT>")] == DOC[: DOC.index("<TEXT>")]
    timexes = re.findall(r'<TIMEX3 tid="(t\d+)" type="(\w+)" value="([^"]*)"[^>]*>([^<]*)</TIMEX3>',
                         text_of(written))
    assert [(t, v, s) for _, t, v, s in timexes] == [
        ("DATE", "2025-06-05", "Thursday"),
        ("DATE", "2025-05", "May"),
        ("DURATION", "P90D", "90-day"),
        ("DATE", "2025-W22", "last week"),
    ]
    assert len({tid for tid, *_ in timexes}) == 4 and "t0" not in {tid for tid, *_ in timexes}
    # Old EVENT tags and links to gold entities are gone; the file is still well formed.
    assert "<EVENT" not in text_of(written) and "TLINK" not in written
    import xml.etree.ElementTree as ET

    ET.fromstring(written.split("?>", 1)[1])


def test_read_timeml_maps_raw_text_to_source() -> None:
    doc = read_timeml(DOC)
    assert doc.dct == dt.date(2025, 6, 6)
    assert doc.raw.startswith("\nAT&T said\nThursday")
    for i, ch in enumerate(doc.raw):
        if ch not in "&<>":
            assert doc.source[doc.offsets[i]] == ch


def test_parse_dct() -> None:
    assert parse_dct("1998-08-07T06:18:00") == dt.date(1998, 8, 7)
    assert parse_dct("19980108") == dt.date(1998, 1, 8)
    assert parse_dct("nonsense") is None
    assert parse_dct("1998-13-45") is None


def test_ranges_are_written_as_two_timexes(tmp_path: Path) -> None:
    doc = DOC.replace("Talks resumed last week.",
                      "Tariffs rose between 1994 and 1997 and on May 10-11, for two to three weeks.")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.tml").write_text(doc, encoding="utf-8")
    assert convert_dir(tmp_path / "in", tmp_path / "out") == 1
    written = (tmp_path / "out" / "r.tml").read_text(encoding="utf-8")
    def text_of(d: str) -> str:
        return d[d.index("<TEXT>") + 6 : d.index("</TEXT>")]

    assert _strip(text_of(written)) == _strip(text_of(doc))
    pairs = re.findall(r'value="([^"]*)"[^>]*>([^<]*)</TIMEX3>', written)
    assert ("1994", "1994") in pairs and ("1997", "1997") in pairs
    assert ("2025-05-10", "May 10") in pairs and ("2025-05-11", "11") in pairs
    assert ("P2W", "two to three weeks") in pairs  # a duration range stays one expression
