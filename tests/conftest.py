import os
import sys
from pathlib import Path

import pytest

# Qt must never need a display in tests; set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "resources" / "samples" / "us-china-trade-call.txt"


def pytest_configure(config):
    # QSettings must not read or write the tester's own Dateline settings.
    os.environ.setdefault("XDG_CONFIG_HOME", str(Path(config.rootpath) / ".pytest-config"))


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A real main window on a fresh project, with its own data directory."""
    from viewer.ui.main_window import MainWindow  # Qt only for the tests that ask for a window

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    w = MainWindow(tmp_path / "p.dateline")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
