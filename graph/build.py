"""Orchestration: documents in, outputs/ out — each document on its own, failures contained.

``build`` runs every input through load → clean → segment (and the later stages), then
writes everything into a staging folder beside ``outputs/`` and swaps it into place, so a
crash or a bad document never leaves half-written files behind. A document that fails is
reported in one line and left out; the others are built.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .classify import document_kind, document_title
from .clean import clean
from .errors import ClauseGraphError, InputError
from .load import load
from .lint import lint
from .model import Corpus, Document, record_json
from .rdf import corpus_graphs
from .render import write_pages
from .resolve import resolve_corpus
from .store import write_store
from .segment import segment

log = logging.getLogger(__name__)

INPUT_SUFFIXES = {".txt", ".text", ".htm", ".html", ".xhtml", ".sgml", ".nc", ".docx", ".pdf", ".md"}
# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_MIN_DOCUMENTS = 6
KEEP_IN_OUTPUTS = {"README.md", ".gitignore"}


@dataclass
class BuildReport:
    out: Path
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    corpus: Corpus | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to build: named files as given, folders expanded to their documents (sorted)."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                errors.append(f"{path}: no documents (.txt, .htm, .html) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder")
    return files, errors


def process_document(path: Path) -> Document:
    """One document through load, clean, segment and tag. Raises ClauseGraphError on bad input."""
    from .tagging import tag_document  # spaCy is imported by the build only

    return tag_document(read_document(path))


def read_document(path: Path) -> Document:
    """Load, clean and segment one file: a Document with its clause tree, not yet tagged."""
    loaded = load(path)
    document = document_from_text(loaded.text, loaded.doc_id, str(path), loaded.format, loaded.warnings)
    if not document.clean:
        raise InputError(f"{path}: no text after removing page layout and markup")
    return document


def document_from_text(
    text: str, doc_id: str, path: str = "", fmt: str = "text", warnings: tuple[str, ...] = ()
) -> Document:
    """The untagged Document of a text already read (a file's, or a snippet's in tests)."""
    cleaned = clean(text)
    clauses = segment(cleaned)
    kind = document_kind(cleaned.text, clauses)
    return Document(
        doc_id=doc_id,
        path=path or doc_id,
        format=fmt,
        kind=kind,
        title=document_title(cleaned.text, kind),
        source=text,
        clean=cleaned.text,
        clean_offsets=cleaned.offsets,
        clauses=tuple(clauses),
        warnings=warnings,
    )


def _process_safely(path: Path) -> tuple[Path, Document | None, str | None]:
    try:
        return path, process_document(path), None
    except ClauseGraphError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a bug must not take the other documents down with it
        log.debug("failed on %s", path, exc_info=True)  # the traceback only with --verbose
        return path, None, f"{path}: internal error while processing: {type(exc).__name__}: {exc}"


def build(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(out=out)
    files, report.errors = collect_inputs(paths)

    results = _run_all(files, progress=progress, jobs=jobs)
    seen: dict[str, Path] = {}
    for path, document, error in results:
        if error:
            report.errors.append(error)
            continue
        if document.doc_id in seen:
            report.errors.append(
                f"{path}: document id {document.doc_id!r} is already used by {seen[document.doc_id]}; "
                "rename one of the two files"
            )
            continue
        seen[document.doc_id] = path
        report.documents.append(document)

    corpus = resolve_corpus(report.documents)
    corpus = dataclasses.replace(corpus, findings=tuple(lint(corpus)))
    report.documents = list(corpus.documents)
    report.corpus = corpus
    _write_outputs(report)
    report.seconds = time.perf_counter() - started
    return report


def _run_all(files: list[Path], *, progress: bool, jobs: int | None):
    bar = _Progress(len(files)) if progress and len(files) > 1 else None
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    results = []
    if workers > 1 and len(files) >= PARALLEL_MIN_DOCUMENTS:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_process_safely, files):
                results.append(result)
                if bar:
                    bar.step(result[0].name)
    else:
        for path in files:
            results.append(_process_safely(path))
            if bar:
                bar.step(path.name)
    if bar:
        bar.done()
    return results


class _Progress:
    """A one-line progress bar on stderr: [#######.............]  3/10  file.txt"""

    WIDTH = 30

    def __init__(self, total: int):
        self.total, self.count = total, 0

    def step(self, name: str) -> None:
        self.count += 1
        filled = self.WIDTH * self.count // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {self.count:>{len(str(self.total))}}/{self.total}  {name[:40]:<40}")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


# --- outputs ---------------------------------------------------------------------------------


def _write_outputs(report: BuildReport) -> None:
    out = report.out
    _check_output_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        docs_dir = staging / "docs"
        docs_dir.mkdir()
        for document in report.documents:
            _write_document(document, docs_dir / document.doc_id)
        manifest = {
            "clausegraph": __version__,
            "documents": [
                {
                    "doc": d.doc_id,
                    "path": d.path,
                    "kind": d.kind.value,
                    "title": d.title,
                    "format": d.format,
                    "clauses": len(d.clauses),
                    "warnings": list(d.warnings),
                }
                for d in report.documents
            ],
            "errors": report.errors,
        }
        corpus = report.corpus or Corpus(documents=tuple(report.documents))
        _write_json(staging / "entities.json", [record_json(e) for e in corpus.entities])
        _write_json(staging / "lint.json", [record_json(f) for f in corpus.findings])
        # The dataset files and the store are staged like everything else.
        write_store(corpus_graphs(corpus).quads(), staging)
        _write_json(staging / "manifest.json", manifest)
        write_pages(staging)  # the pages read the files just written, not the records
        _swap_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_output_folder(out: Path) -> None:
    """Never write into (and so replace parts of) a folder that clausegraph did not make."""
    if out.exists() and not out.is_dir():
        raise ClauseGraphError(f"{out}: exists and is not a folder")
    if out.is_dir() and not (out / "manifest.json").exists():
        foreign = [p.name for p in out.iterdir() if p.name not in KEEP_IN_OUTPUTS and not p.name.startswith(".build-")]
        if foreign:
            raise ClauseGraphError(
                f"{out}: refusing to write here: the folder has other files ({', '.join(sorted(foreign)[:3])}) "
                "and no manifest.json from an earlier build"
            )


def _write_document(document: Document, folder: Path) -> None:
    folder.mkdir(parents=True)
    # The text that every offset points into (for HTML input, the extracted text).
    (folder / "source.txt").write_text(document.source, encoding="utf-8", newline="")
    _write_json(
        folder / "document.json",
        {
            "doc": document.doc_id,
            "path": document.path,
            "kind": document.kind.value,
            "title": document.title,
            "format": document.format,
            "warnings": list(document.warnings),
        },
    )
    _write_json(folder / "clauses.json", [c.to_json() for c in document.clauses])
    for name, records in (
        ("terms", document.terms),
        ("mentions", document.mentions),
        ("refs", document.references),
        ("obligations", document.deontics),
        ("conditions", document.conditions),
    ):
        _write_json(folder / f"{name}.json", [record_json(r) for r in records])


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace each top-level output with its new version (each one by an atomic rename)."""
    for new in staging.iterdir():
        target = out / new.name
        if target.exists():
            trash = out / f".build-old-{new.name}-{os.getpid()}"
            os.replace(target, trash)
            os.replace(new, target)
            _remove(trash)
        else:
            os.replace(new, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
