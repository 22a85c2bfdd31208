"""Access to the data files in resources/ (rules and vocabularies as data)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


class ResourceError(ValueError):
    """A resource file is missing or malformed; the message names the file."""


def resource_path(relative: str) -> Path:
    return RESOURCES / relative


def load_json(relative: str) -> Any:
    path = resource_path(relative)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc


def load_toml(relative: str) -> dict[str, Any]:
    path = resource_path(relative)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc
