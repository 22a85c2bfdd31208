"""Start Dateline: `python main.py [PATHS...] [--project FILE]` or a subcommand (see README)."""

import sys

from viewer.app import main

if __name__ == "__main__":
    sys.exit(main())
