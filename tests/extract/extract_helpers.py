"""Helpers shared by the extract tests (a unique module name: tests/ has no packages)."""

from __future__ import annotations

import re


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
