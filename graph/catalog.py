"""Read what ``build`` wrote, without re-running any extraction (and without importing spaCy)."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from .errors import QueryError, StoreError


class Outputs:
    """A built outputs folder: its manifest and per-document files."""

    def __init__(self, folder: Path):
        from .store import current_build

        self.folder = current_build(folder)
        manifest = self.folder / "manifest.json"
        if not manifest.exists():
            raise StoreError(
                f"{self.folder}: nothing built yet (no manifest.json); run `clausegraph build` first"
            )
        try:
            self.manifest = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{manifest}: unreadable ({exc}); rebuild with `clausegraph build`") from exc

    @cached_property
    def doc_ids(self) -> list[str]:
        return [d["doc"] for d in self.manifest.get("documents", [])]

    def document(self, doc: str) -> dict:
        for d in self.manifest.get("documents", []):
            if d["doc"] == doc:
                return d
        known = ", ".join(self.doc_ids) or "none"
        raise QueryError(f"unknown document {doc!r} (built: {known})")

    def clauses(self, doc: str) -> list[dict]:
        self.document(doc)
        return self._read(doc, "clauses.json")

    def source(self, doc: str) -> str:
        self.document(doc)
        with open(self.folder / "docs" / doc / "source.txt", encoding="utf-8", newline="") as f:
            return f.read()

    def _read(self, doc: str, name: str):
        path = self.folder / "docs" / doc / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: unreadable ({exc}); rebuild with `clausegraph build`") from exc
