import os
import sys
from pathlib import Path

# Qt must never need a display in tests; set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "resources" / "samples" / "us-china-trade-call.txt"


def pytest_configure(config):
    # QSettings must not read or write the tester's own Dateline settings.
    os.environ.setdefault("XDG_CONFIG_HOME", str(Path(config.rootpath) / ".pytest-config"))
