"""Extraction is a pure function: the same text gives the same result in every process.

Python salts str hashes per process (PYTHONHASHSEED), so any tie broken by set or dict
order of strings shows up here as a difference between seeds.
"""

import os
import subprocess
import sys

from tests.conftest import ROOT, SAMPLE

SCRIPT = """
import hashlib, json, sys
from datetime import date
sys.path.insert(0, %r)
from viewer.core.model import Article
from viewer.extract.pipeline import extract
from viewer.ingest import read_article
a = read_article(%r)
a.published = date(2025, 6, 6)
text = a.text + chr(10) + %r
ex = extract(Article(text=text, published=date(2025, 6, 6)))
dump = [(e.title, e.when.value, e.actors, e.issues, e.start) for e in ex.events]
dump += [(q.text, q.speaker, q.start) for q in ex.quotes]
dump += sorted((x.name, x.kind, sorted(x.aliases)) for x in ex.actors)
print(hashlib.sha256(json.dumps(dump).encode()).hexdigest())
"""

EXTRA = ('On Tuesday, Commerce Minister Wang Deli met trade negotiator Li Wei in Geneva. '
         'Wang said the talks were "constructive". Li told reporters on Wednesday that '
         'tariffs on steel would stay. Deli and Wei are expected to meet again in July.')


def test_extraction_does_not_depend_on_the_hash_seed():
    code = SCRIPT % (str(ROOT), str(SAMPLE), EXTRA)
    digests = set()
    for seed in ("0", "1", "2", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        digests.add(r.stdout.strip())
    assert len(digests) == 1
