"""The real window on a real (virtual) X server, as a person would see it, saved as an artifact."""

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (.ci/setup installs it)")
def test_main_window_under_xvfb_with_the_sample(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "main-window.png"
    shot.unlink(missing_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    r = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, str(ROOT / "main.py"),
         "--project", str(tmp_path / "p.dateline"), "--sample", "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=180, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    img = QImage(str(shot))
    assert img.width() >= 800 and img.height() >= 500
    # a real window: many distinct colours (text, swatches, banner), not a blank or black frame
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 40
