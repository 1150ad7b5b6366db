"""Orchestration: documents in, outputs/ out — each document on its own, failures contained.

``build`` runs every input through load → clean → segment (and the later stages), then
writes everything into a build folder of its own under ``outputs/builds/`` and shows it by
replacing one link, so a crash or a bad document never leaves half-written files behind and a
build that produces nothing leaves the previous one as it was. A document that fails is
reported in one line and left out; the others are built.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .classify import document_kind, document_title
from .clean import clean
from .errors import ClauseGraphError, InputError, OutputError
from .load import load
from .lint import lint
from .model import Corpus, Document, record_json
from .rdf import corpus_graphs
from .render import write_pages
from .resolve import resolve_corpus
from .store import CURRENT_LINK, document_iri, write_store
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
    skipped: list[str] = field(default_factory=list)  # what a folder held that is not a document
    corpus: Corpus | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


# A folder's own notes (README.md beside the contracts, a licence file): skipped, and named.
FOLDER_NOTES = {"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"}


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """Files to build, errors and skipped entries (one line each, naming the path).

    Named files are taken as given; folders are expanded to the documents directly in them
    (sorted). Whatever a folder holds that is not read is named: a link that is broken, loops
    or points outside the folder (an error: it was meant as a document, or is an attempt to
    read what the corpus does not hold), and a sub-folder, a hidden file or a file of another
    type (skipped).
    """
    files: list[Path] = []
    errors: list[str] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_symlink() and not path.exists():
            errors.append(_link_problem(path) or f"{path}: no such file or folder")
        elif path.is_dir():
            try:
                entries = sorted(path.iterdir())
            except OSError as exc:
                errors.append(f"{path}: cannot read the folder: {exc.strerror or exc}")
                continue
            found = []
            for entry in entries:
                error = _link_problem(entry, inside=path) if entry.is_symlink() else None
                if error:
                    errors.append(error)
                elif entry.is_dir():
                    kind = "a folder named like a document" if entry.suffix.lower() in INPUT_SUFFIXES else "a folder"
                    skipped.append(f"{entry}: skipped: {kind} (only the files directly in {path} are read)")
                elif entry.name.startswith("."):
                    skipped.append(f"{entry}: skipped: a hidden file")
                elif entry.stem.upper() in FOLDER_NOTES:
                    skipped.append(f"{entry}: skipped: the folder's {entry.stem} is about the documents, not one "
                                   "of them (name the file to build it)")
                elif entry.suffix.lower() not in INPUT_SUFFIXES:
                    skipped.append(f"{entry}: skipped: not a type clausegraph reads "
                                   f"({entry.suffix or 'no suffix'}; it reads {', '.join(sorted(INPUT_SUFFIXES))})")
                elif not entry.is_file():
                    errors.append(f"{entry}: not a regular file")
                else:
                    found.append(entry)
            if not found:
                errors.append(f"{path}: no documents ({', '.join(sorted(INPUT_SUFFIXES))}) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder")
    return files, errors, skipped


def _link_problem(link: Path, inside: Path | None = None) -> str | None:
    """Why a symbolic link is not read: broken, looping, or (``inside`` a folder) leading out of it."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return f"{link}: a broken link (to {os.readlink(link)}); not read"
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            return f"{link}: a link that loops; not read"
        return f"{link}: cannot follow the link: {exc.strerror or exc}"
    if inside is not None and not target.is_relative_to(inside.resolve()):
        return f"{link}: a link to {target}, outside {inside}; refused (copy the document into the folder)"
    return None


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
    except OSError as exc:  # unreadable (permissions, a file that vanished, an I/O error)
        return path, None, f"{exc.filename or path}: cannot read: {exc.strerror or exc}"
    except Exception as exc:  # a bug must not take the other documents down with it
        log.debug("failed on %s", path, exc_info=True)  # the traceback only with --verbose
        return path, None, f"{path}: internal error while processing: {type(exc).__name__}: {exc}"


def build(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None) -> BuildReport:
    started = time.perf_counter()
    report = read_corpus(paths, out, progress=progress, jobs=jobs)
    if report.documents:  # a build of nothing must not replace (or create) any outputs
        write_outputs(report)
    report.seconds = time.perf_counter() - started
    return report


def read_corpus(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None) -> BuildReport:
    """Every input through the pipeline and the corpus-wide stages; nothing written yet."""
    report = BuildReport(out=out)
    files, report.errors, report.skipped = collect_inputs(paths)

    results = _run_all(files, progress=progress, jobs=jobs)
    seen: dict[str, tuple[Path, str]] = {}
    for path, document, error in results:
        if error:
            report.errors.append(error)
            continue
        # Two documents must not share IRIs, nor a folder under docs/ on a file system that
        # ignores case ("Contract" and "contract").
        for key in (document_iri(document.doc_id), "folder:" + document.doc_id.casefold()):
            if key in seen:
                other, other_id = seen[key]
                report.errors.append(
                    f"{path}: document id {document.doc_id!r} collides with {other_id!r} of {other}; "
                    "rename one of the two files"
                )
                break
        else:
            seen[document_iri(document.doc_id)] = seen["folder:" + document.doc_id.casefold()] = (path, document.doc_id)
            report.documents.append(document)

    if report.documents:
        corpus = resolve_corpus(report.documents)
        corpus = dataclasses.replace(corpus, findings=tuple(lint(corpus)))
        report.documents = list(corpus.documents)
        report.corpus = corpus
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
#
# Layout (README, "Design notes: reliability"):
#
#     outputs/builds/<id>/        one complete build each (manifest.json, docs/, store/, pages …)
#     outputs/current -> builds/<id>        the one pointer: switched by a single atomic rename
#     outputs/<name> -> current/<name>      stable links (index.html, docs, manifest.json, …),
#                                           so outputs/index.html opens from disk as before
#
# A build is written into ``builds/.staging-<id>/``, renamed to ``builds/<id>`` when complete,
# and shown by replacing the ``current`` link. Killed at any point, the outputs are the whole
# old build or the whole new one; the next build removes what a killed one left behind.

BUILDS_DIR = "builds"
STAGING_PREFIX = ".staging-"
TEMP_LINK_PREFIX = ".link-"
LOCK_FILE = ".lock"
# Builds kept besides the current one: the one it replaced, which a reader (or `serve`) that
# resolved ``current`` a moment ago may still be reading.
KEEP_PREVIOUS_BUILDS = 1


def write_outputs(report: BuildReport) -> None:
    """Write the build of ``report`` into ``report.out`` and make it the current one.

    Raises OutputError (one line) when the disk refuses; the previous build is then still shown.
    """
    try:
        _write_and_show(report)
    except OSError as exc:
        where = exc.filename or report.out
        raise OutputError(
            f"{where}: cannot write the outputs: {exc.strerror or exc}; the previous outputs are kept"
        ) from exc


def _write_and_show(report: BuildReport) -> None:
    out = report.out
    _check_output_folder(out)
    builds = out / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    with _build_lock(out):
        _remove_leftovers(out)
        build_id = _new_build_id(builds)
        staging = builds / (STAGING_PREFIX + build_id)
        staging.mkdir()
        try:
            _write_build(report, staging)
            os.rename(staging, builds / build_id)  # complete, not yet shown
        finally:
            _remove(staging)
        previous = _show_build(out, build_id)
        _remove_old_builds(out, keep={build_id, *previous})


def _write_build(report: BuildReport, folder: Path) -> None:
    """Every file of one build, into ``folder``."""
    docs_dir = folder / "docs"
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
        "skipped": report.skipped,
    }
    corpus = report.corpus or Corpus(documents=tuple(report.documents))
    _write_json(folder / "entities.json", [record_json(e) for e in corpus.entities])
    _write_json(folder / "lint.json", [record_json(f) for f in corpus.findings])
    write_store(corpus_graphs(corpus).quads(), folder)
    _write_json(folder / "manifest.json", manifest)
    write_pages(folder)  # the pages read the files just written, not the records


def _new_build_id(builds: Path) -> str:
    """Sortable by time, unique within the folder."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    n = 0
    while True:
        build_id = f"{stamp}-{os.getpid()}" + (f"-{n}" if n else "")
        if not (builds / build_id).exists() and not (builds / (STAGING_PREFIX + build_id)).exists():
            return build_id
        n += 1


def _show_build(out: Path, build_id: str) -> list[str]:
    """Make ``builds/<build_id>`` the current build; returns the id of the one it replaced."""
    names = sorted(p.name for p in (out / BUILDS_DIR / build_id).iterdir())
    _adopt_flat_outputs(out)
    previous = _current_id(out)
    # The stable links first: one for a name the old build lacks dangles until the switch.
    for name in names:
        _link(out / name, f"{CURRENT_LINK}/{name}")
    _link(out / CURRENT_LINK, f"{BUILDS_DIR}/{build_id}")  # the switch
    for path in out.iterdir():  # links to what the new build no longer has
        if path.is_symlink() and path.name not in names and path.name != CURRENT_LINK \
                and os.readlink(path).startswith(CURRENT_LINK + "/"):
            path.unlink()
    return [previous] if previous else []


def _current_id(out: Path) -> str | None:
    link = out / CURRENT_LINK
    return Path(os.readlink(link)).name if link.is_symlink() else None


def _link(path: Path, target: str) -> None:
    """``path`` becomes a relative symlink to ``target``, replaced in one rename."""
    if path.is_symlink():
        if os.readlink(path) == target:
            return
    elif path.exists() or path.name in KEEP_IN_OUTPUTS:
        raise ClauseGraphError(f"{path}: refusing to replace a file that clausegraph did not make")
    temporary = path.with_name(f"{TEMP_LINK_PREFIX}{path.name}-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)


def _adopt_flat_outputs(out: Path) -> None:
    """Outputs written before builds/ existed (files straight in outputs/) become a build of
    their own, shown through the links like any other, so the switch that follows is the usual one.

    A run killed half-way through is finished by the next: ``current`` already points at the
    adopted folder, and what is left at the top is moved into it.
    """
    current = _current_id(out)
    adopting = (out / "manifest.json").is_file() and not (out / "manifest.json").is_symlink()
    if not adopting and not (current and current.startswith("adopted-")):
        return
    flat = [p for p in out.iterdir() if not p.is_symlink() and p.name not in KEEP_IN_OUTPUTS
            and p.name != BUILDS_DIR and not p.name.startswith(".")]
    if not flat:
        return
    if not (current and current.startswith("adopted-")):
        current = "adopted-" + _new_build_id(out / BUILDS_DIR)
        (out / BUILDS_DIR / current).mkdir()
        _link(out / CURRENT_LINK, f"{BUILDS_DIR}/{current}")
    # manifest.json last: while it is still at the top, a killed run is recognised as one.
    for path in sorted(flat, key=lambda p: p.name == "manifest.json"):
        os.rename(path, out / BUILDS_DIR / current / path.name)
        _link(path, f"{CURRENT_LINK}/{path.name}")


def _remove_leftovers(out: Path) -> None:
    """What a killed build left: its staging folder and temporary links (never shown)."""
    for path in (out / BUILDS_DIR).glob(STAGING_PREFIX + "*"):
        _remove(path)
    for path in list(out.glob(TEMP_LINK_PREFIX + "*")) + list(out.glob(".build-*")):  # .build-*: before builds/
        _remove(path)


def _remove_old_builds(out: Path, keep: set[str]) -> None:
    for path in (out / BUILDS_DIR).iterdir():
        if path.name not in keep and not path.name.startswith("."):
            _remove(path)


class _build_lock:
    """One build at a time writes into an outputs folder (a second one stops with a message)."""

    def __init__(self, out: Path):
        self.path = out / BUILDS_DIR / LOCK_FILE
        self.fd: int | None = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # no fcntl (Windows): no lock
            pass
        except OSError as exc:
            os.close(self.fd)
            raise ClauseGraphError(f"{self.path.parent.parent}: another build is writing here; try again when it ends") from exc
        return self

    def __exit__(self, *exc_info) -> None:
        os.close(self.fd)


def _check_output_folder(out: Path) -> None:
    """Never write into (and so replace parts of) a folder that clausegraph did not make."""
    if out.exists() and not out.is_dir():
        raise ClauseGraphError(f"{out}: exists and is not a folder")
    ours = (out / "manifest.json").exists() or (out / CURRENT_LINK).is_symlink() or (out / BUILDS_DIR).is_dir()
    if out.is_dir() and not ours:
        foreign = [p.name for p in out.iterdir() if p.name not in KEEP_IN_OUTPUTS and not p.name.startswith(".")]
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


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
