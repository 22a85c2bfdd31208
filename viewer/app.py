"""Entry point: `dateline` / `python main.py`."""

from __future__ import annotations

import argparse
import sys

from viewer.cli import COMMANDS, run


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return run(argv)
    if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
        run(["--help"])
    p = argparse.ArgumentParser(prog="dateline", description="Open the Dateline window.")
    p.add_argument("paths", nargs="*", help="article files or folders to ingest")
    p.add_argument("--project", help="project file to open (created if missing)")
    p.add_argument("--sample", action="store_true", help="also load the bundled sample article")
    p.add_argument("--screenshot", help="save a screenshot of the window to this PNG after loading, then quit")
    args = p.parse_args(argv)
    from viewer.ui.main_window import run_app

    return run_app(args.project, args.paths, args.sample, args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
