"""Orchestration: documents in, outputs/ out — each document on its own, failures contained.

``build`` runs two parallel stages with corpus-wide resolution between them:

1. every input through load → clean → segment → tag, in worker processes; each tagged Document
   is stored on disk (the build cache) and the main process keeps only its facts (titles,
   mentions, citations: ``resolve.DocumentFacts``), so it never holds the documents;
2. corpus-wide resolution on those facts (entities, references into other documents);
3. each document's outputs (records, named graph, dataset blocks, pages) made in the workers
   from its stored Document and what resolution gave it (``DocumentTask``), while the store
   fills with the graphs as they come; a document whose task is the one it had in the
   previous build keeps that build's outputs;
4. the corpus-wide files: the entities' graph, the dataset files, the index, the corpus network.

Everything is written into a build folder of its own under ``outputs/builds/``, shown by
replacing one link, so a crash or a bad document never leaves half-written files behind and a
build that produces nothing leaves the previous one as it was. A document that fails is
reported in one line and left out; the others are built.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import errno
import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .classify import document_kind, document_title
from .clean import clean, tabular_lines
from .errors import ClauseGraphError, InputError, OutputError
from .load import load
from .lint import document_findings, finding_order
from .model import Clause, ClauseKind, Corpus, Document, Entity, Finding, record_json
from .rdf import (
    Citations, CorpusContext, DocumentContext, clause_eids, document_citations, document_graph_texts, entities_nquads,
    ontology_nquads,
)
from .render import copy_assets, write_corpus_pages, write_document_pages
from .render.index import IndexDoc
from .resolve import (
    DocumentFacts, DocumentResolution, Resolution, apply_resolution, document_facts, find_short_forms, resolve,
)
from .store import (
    CURRENT_LINK, DATASET_FILES, DEFAULT_FORMATS, ENTITIES_GRAPH, JSONLD_FIRST, JSONLD_HEAD, JSONLD_SEPARATOR,
    JSONLD_TAIL, ONTOLOGY_GRAPH, STORE_DIR, BulkLoader, current_build, dataset_blocks, document_graph_iri,
    document_iri, load_store, trig_head, update_store,
)
from .segment import segment

log = logging.getLogger(__name__)

INPUT_SUFFIXES = {".txt", ".text", ".htm", ".html", ".xhtml", ".sgml", ".nc", ".docx", ".pdf", ".md"}
# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_MIN_DOCUMENTS = 6
KEEP_IN_OUTPUTS = {"README.md", ".gitignore"}


@dataclass
class DocumentEntry:
    """What the main process keeps of one document while the corpus builds: where the tagged
    Document is stored (read back when its outputs are written), its manifest row, and the facts
    corpus-wide resolution needs. Nothing the size of the document itself."""

    key: str  # the document's cache key (its content and clausegraph's code)
    stored: str  # path of the pickled Document
    size: int  # of the pickle: a cached entry whose pickle is not the one written is not used
    manifest: dict  # its row of manifest.json
    words: int
    facts: DocumentFacts  # ``capitalised`` left on disk
    citing: dict[int, tuple[str, str]]  # index of a citation (facts.citations) → (clause, reader anchor)

    @property
    def doc_id(self) -> str:
        return self.manifest["doc"]


@dataclass(frozen=True)
class Outline:
    """A document's clauses as other documents' outputs see them, label → (eid, heading, the
    first words of its text): a reference into the document needs no more. On disk only."""

    clauses: dict[str, tuple[str, str | None, str]]


class DocumentList(Sequence):
    """``report.documents``: each Document read back from where the build stored it, resolved,
    when asked for; none is held."""

    def __init__(self, entries: list[DocumentEntry], resolution: Resolution | None, store: "DocumentCache | None"):
        self.entries, self.resolution, self.store = entries, resolution, store

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        entry = self.entries[index]
        document = _read_stored(self.store.stored(entry) if self.store else entry.stored)
        if self.resolution is not None:
            document = apply_resolution(document, self.resolution.documents[entry.doc_id])
        return document


@dataclass
class BuildReport:
    out: Path
    entries: list[DocumentEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what a folder held that is not a document
    resolution: Resolution | None = None
    context: CorpusContext | None = None
    findings: tuple[Finding, ...] = ()  # known once the outputs are written
    seconds: float = 0.0
    formats: tuple[str, ...] = DEFAULT_FORMATS
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    store: "DocumentCache | None" = None  # where the documents are stored (and results kept)
    outlines: dict[str, Outline] = field(default_factory=dict)  # of the documents references point into
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the worker processes, per stage

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def documents(self) -> DocumentList:
        return DocumentList(self.entries, self.resolution, self.store)

    @property
    def entities(self) -> tuple[Entity, ...]:
        return self.resolution.entities if self.resolution else ()

    @property
    def corpus(self) -> Corpus | None:
        """The resolved corpus, every document read back (for the API and tests, not the build)."""
        if not self.entries:
            return None
        return Corpus(documents=tuple(self.documents), entities=self.entities, findings=self.findings)



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
        tabular_lines=tabular_lines(cleaned),
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


def build(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None,
          formats: tuple[str, ...] | None = None, executor: str | None = None,
          cache: bool = True) -> BuildReport:
    """Build ``paths`` into ``out``. ``jobs``: worker processes (default: every core);
    ``executor``: "local" (processes here) or "dask://HOST:PORT" (a Dask cluster's scheduler);
    ``formats``: the dataset files besides the store (``store.FORMATS``); ``cache``: reuse the
    per-document results of earlier builds into ``out`` whose input has not changed."""
    started = time.perf_counter()
    store = DocumentCache(out) if cache else DocumentCache.temporary()
    built = False
    with _Workers(jobs) as workers:
        try:
            report = read_corpus(paths, out, progress=progress, jobs=jobs, executor=executor, cache=store,
                                 workers=workers)
            report.formats = tuple(formats) if formats else DEFAULT_FORMATS
            if report.entries:  # a build of nothing must not replace (or create) any outputs
                write_outputs(report, workers=workers)
                built = True
        finally:
            store.finish(built)
    report.cpu = workers.cpu
    report.seconds = time.perf_counter() - started
    return report


def read_corpus(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None,
                executor: str | None = None, cache: "DocumentCache | None" = None,
                workers: "_Workers | None" = None) -> BuildReport:
    """Every input through the per-document stage and corpus-wide resolution; nothing written yet.
    The tagged documents are stored in ``cache`` (by default a temporary folder that lives as
    long as the report) and only their facts are kept."""
    report = BuildReport(out=out, store=cache if cache is not None else DocumentCache.temporary())
    files, report.errors, report.skipped = collect_inputs(paths)

    stage = time.perf_counter()
    with _Workers(jobs) if workers is None else contextlib.nullcontext(workers) as pool:
        results = _run_all(files, progress=progress, executor=executor, store=report.store, workers=pool)
    report.timings["documents"] = time.perf_counter() - stage
    seen: dict[str, tuple[Path, str]] = {}
    for path, entry, error in results:
        if error:
            report.errors.append(error)
            continue
        # Two documents must not share IRIs, nor a folder under docs/ on a file system that
        # ignores case ("Contract" and "contract").
        for key in (document_iri(entry.doc_id), "folder:" + entry.doc_id.casefold()):
            if key in seen:
                other, other_id = seen[key]
                report.errors.append(
                    f"{path}: document id {entry.doc_id!r} collides with {other_id!r} of {other}; "
                    "rename one of the two files"
                )
                break
        else:
            seen[document_iri(entry.doc_id)] = seen["folder:" + entry.doc_id.casefold()] = (path, entry.doc_id)
            report.entries.append(entry)

    if report.entries:
        stage = time.perf_counter()
        _resolve(report, workers)  # (the build's workers, still running; else all here)
        report.timings["resolve"] = time.perf_counter() - stage
    return report


def _resolve(report: BuildReport, workers: "_Workers | None" = None) -> None:
    """Corpus-wide resolution and the indexes every document's graph reads, from the facts; the
    documents themselves are read back only where resolution looks for short names in their
    text, and there in the workers when there are some."""
    entries = {e.doc_id: e for e in report.entries}

    def short_forms(wanted: dict[str, list]) -> dict[str, tuple]:
        items = [(doc, entries[doc].stored, forms) for doc, forms in wanted.items()]
        if workers is not None and (workers.pool is not None or workers.parallel(len(items))):
            return dict(workers.get(len(items)).map(_short_forms_in_stored, items))
        return dict(map(_short_forms_in_stored, items))
    outlines: dict[str, Outline] = {}

    def outline(doc: str) -> Outline:
        if doc not in outlines:
            outlines[doc] = _read_entry_file(entries[doc].stored)[1]
        return outlines[doc]

    resolution = resolve(
        [e.facts for e in report.entries],
        clause_labels=lambda doc: set(outline(doc).clauses),
        short_forms=short_forms,
        capitalised=lambda doc: _read_entry_file(entries[doc].stored)[0].facts.capitalised,
    )
    targets = {t for r in resolution.documents.values() for _, _, t in r.retargeted}
    report.context = CorpusContext.index(
        resolution.entities,
        [(e.doc_id, resolution.mentions[e.doc_id], e.facts.terms) for e in report.entries],
        {doc: {label: eid for label, (eid, _, _) in outline(doc).clauses.items()} for doc in sorted(targets)},
    )
    report.outlines = {doc: outline(doc) for doc in targets}
    resolution.mentions = {}  # in the context now; the documents' own are read back with them
    report.resolution = resolution


def _short_forms_in_stored(item: tuple[str, str, list]) -> tuple[str, tuple]:
    doc, stored, forms = item
    return doc, find_short_forms(_read_stored(stored), forms)


# --- the per-document stage: here, in worker processes, or on a Dask cluster -------------------


class _Workers:
    """The worker processes of one build, started when first needed and used by both of its
    parallel stages (the documents, then their outputs), so each worker imports spaCy once.
    ``cpu``: the user CPU seconds of the workers (``main`` and ``workers``), once they ended."""

    def __init__(self, jobs: int | None):
        self.count = jobs if jobs is not None else (os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None
        self.cpu: dict[str, float] = {}
        self._started = resource_usage()

    def parallel(self, tasks: int) -> bool:
        return self.count > 1 and tasks >= PARALLEL_MIN_DOCUMENTS

    def get(self, tasks: int) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=min(self.count, tasks), initializer=_worker_started)
        return self.pool

    def __enter__(self) -> "_Workers":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc_info[0] is not None)
            self.pool = None
        main, children = resource_usage()
        self.cpu = {"main": main - self._started[0], "workers": children - self._started[1]}


# While the workers write the documents' outputs, the main process fills the store from them in
# a thread: when there are no more cores than workers, a store that falls behind is loaded at the
# end, alone, with the other cores idle. Workers a little lower in priority leave the store
# thread the CPU it needs to keep up; they take every cycle it does not use.
WORKER_NICENESS = 5


def _worker_started() -> None:
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: the workers run as they are
        pass


def resource_usage() -> tuple[float, float]:
    """User CPU seconds of this process and of its ended children."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_utime, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def _run_all(files: list[Path], *, progress: bool, executor: str | None, store: "DocumentCache",
             workers: _Workers):
    """(path, DocumentEntry | None, error | None) for every file, in the order of ``files``."""
    results: dict[Path, tuple] = {}
    todo: list[tuple[Path, str]] = []
    for n, path in enumerate(files):
        key = store.key(path)
        entry = store.entry(key) if key else None
        if entry is not None:
            results[path] = (path, entry, None)
        else:
            todo.append((path, key or f"unread-{n}"))
    bar = _Progress(files, progress and len(files) > 1)
    for path, entry, _ in results.values():
        bar.step(path, entry)
    for path, entry, error in _execute(todo, workers=workers, executor=executor, store=store):
        if entry is not None:
            store.used.add(entry.key)
        results[path] = (path, entry, error)
        bar.step(path, entry)
    bar.done()
    return [results[path] for path in files]


def _execute(todo: list[tuple[Path, str]], *, workers: _Workers, executor: str | None, store: "DocumentCache"):
    """Run the per-document stage on ``todo``; yields (path, DocumentEntry | None, error)."""
    executor = executor or "local"
    if executor.startswith("dask://") or executor.startswith("tcp://"):
        for path, key, data, error in _execute_dask(todo, executor.removeprefix("dask://")):
            entry = _store_document(pickle.loads(data), store.new_folder(), key, data) if data is not None else None
            yield path, entry, error
        return
    if executor != "local":
        raise ClauseGraphError(f"--executor {executor!r}: use 'local' or 'dask://HOST:PORT'")
    if not todo:
        return
    folder = str(store.new_folder())
    if workers.parallel(len(todo)):
        pool = workers.get(len(todo))
        futures = {pool.submit(process_and_store, str(path), folder, key): path for path, key in _largest_first(todo)}
        for future in as_completed(futures):
            _, entry, error = future.result()
            yield futures[future], entry, error
    else:
        for path, key in todo:
            _, entry, error = process_and_store(str(path), folder, key)
            yield path, entry, error


def _largest_first(todo: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The largest files first: the workers then end at about the same time, not one of them
    alone on a large document that came last (the results are collected by path, in any order)."""
    def size(item: tuple[Path, str]) -> int:
        try:
            return item[0].stat().st_size
        except OSError:
            return 0

    return sorted(todo, key=lambda item: -size(item))


def process_and_store(path: str, folder: str, key: str) -> tuple[str, DocumentEntry | None, str | None]:
    """The per-document stage in a worker: the tagged Document is stored in ``folder`` under
    ``key`` (pickled where it was made), and only its entry goes back to the main process."""
    _, document, error = _process_safely(Path(path))
    if document is None:
        return path, None, error
    return path, _store_document(document, Path(folder), key), None


def process_to_bytes(path: str, content: bytes | None = None) -> tuple[str, bytes | None, str | None]:
    """The per-document stage as a task for another process or machine: the pickled tagged
    Document (pickled where it was made, once), or the one-line error.

    ``content`` is the file's bytes, for a worker that cannot see the file: it is read from a
    private copy under the same name, and the Document keeps the original path.
    """
    source = Path(path)
    if content is not None and not (source.is_file() and source.read_bytes() == content):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="clausegraph-") as folder:
            copy = Path(folder) / source.name
            copy.write_bytes(content)
            _, document, error = _process_safely(copy)
            if document is not None:
                document = dataclasses.replace(document, path=path)
            if error:
                error = error.replace(str(copy), path)
    else:
        _, document, error = _process_safely(source)
    return path, (pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL) if document is not None else None), error


def _execute_dask(todo: list[tuple[Path, str | None]], address: str):
    """The per-document stage on a Dask cluster. Each task carries its file's bytes, so the
    workers need clausegraph installed but not the input folder."""
    try:
        from dask.distributed import Client, as_completed as dask_completed
    except ImportError as exc:
        raise ClauseGraphError("--executor dask://…: Dask is not installed; pip install 'clausegraph[distributed]'") from exc
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise ClauseGraphError(f"--executor dask://{address}: cannot reach the Dask scheduler ({exc})") from exc
    try:
        # A bounded window of tasks in flight, each result released once taken: the files' bytes
        # and the pickled Documents on the cluster stay a few documents' worth, not the corpus.
        window = 2 * max(1, sum(client.nthreads().values()))
        waiting, running, owners = iter(todo), dask_completed(), {}

        def submit_next() -> None:
            for path, key in waiting:
                future = client.submit(process_to_bytes, str(path), path.read_bytes(), pure=False)
                owners[future.key] = (path, key)
                running.add(future)
                return

        for _ in range(window):
            submit_next()
        for future in running:
            path, key = owners.pop(future.key)
            _, data, error = future.result()
            future.release()
            submit_next()
            yield path, key, data, error
    finally:
        client.close()


def _store_document(document: Document, folder: Path, key: str, data: bytes | None = None) -> DocumentEntry:
    """Write the Document (``data``: already pickled) and its entry file into ``folder``; the
    entry without what stays on disk (the outline, the capitalised words)."""
    from .render.reader import reference_anchors

    stored = folder / f"{key}{DOCUMENT_SUFFIX}"
    data = data if data is not None else pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
    _write_atomically(stored, data)
    facts = document_facts(document)
    anchors = reference_anchors(document)
    eids = clause_eids(document)
    clauses: dict[str, tuple[str, str | None, str]] = {}
    for clause in document.clauses:
        clauses.setdefault(clause.label, (eids[clause.label], clause.heading, " ".join(clause.text.split()[:14])))
    entry = DocumentEntry(
        key=key, stored=str(stored), size=len(data), manifest=_manifest_row(document), words=len(document.source.split()),
        facts=facts, citing={i: (document.references[i].source, anchors[i]) for i, _, _ in facts.citations},
    )
    _write_atomically(folder / f"{key}{ENTRY_SUFFIX}", pickle.dumps((entry, Outline(clauses)), protocol=pickle.HIGHEST_PROTOCOL))
    return dataclasses.replace(entry, facts=dataclasses.replace(facts, capitalised=None))


def _intact(stored: Path, size: int) -> bool:
    """The stored pickle is whole (its size, its first and last opcodes), without reading it all."""
    try:
        with open(stored, "rb") as f:
            head = f.read(2)
            f.seek(-1, os.SEEK_END)
            return os.fstat(f.fileno()).st_size == size and head[:1] == pickle.PROTO and f.read(1) == pickle.STOP
    except OSError:
        return False


def _read_stored(stored: str) -> Document:
    with open(stored, "rb") as f:
        return pickle.load(f)


def _read_entry_file(stored: str) -> tuple[DocumentEntry, Outline]:
    with open(stored.removesuffix(DOCUMENT_SUFFIX) + ENTRY_SUFFIX, "rb") as f:
        return pickle.load(f)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # never a half-written entry


def _manifest_row(document: Document) -> dict:
    return {
        "doc": document.doc_id,
        "path": document.path,
        "kind": document.kind.value,
        "title": document.title,
        "format": document.format,
        "clauses": len(document.clauses),
        "warnings": list(document.warnings),
    }



DOCUMENT_SUFFIX, ENTRY_SUFFIX, RESULT_SUFFIX = ".pickle", ".entry", ".result"


class DocumentCache:
    """Tagged documents of earlier builds, by the hash of what they were made from (the file's
    bytes, its path, and clausegraph's code), in ``outputs/builds/.cache/`` — outside every
    build folder, so never served, and kept across builds. A rebuild re-processes only the
    documents whose hash is new; ``finish`` drops the entries this build did not use.

    Each document is stored as ``KEY.pickle`` (the Document) and ``KEY.entry`` (what the main
    process keeps of it, and its outline); ``TASK.result`` is what writing a document's outputs
    gave, by the hash of everything they were made from, so that a rebuild reuses them.

    Before the first build the outputs folder is not clausegraph's yet (and a build that
    produces nothing must not create it): new entries wait in a temporary folder until then.
    ``DocumentCache.temporary()`` is the same without reuse (``build --no-cache``): the documents
    are kept in a temporary folder that goes with the report.
    """

    def __init__(self, out: Path | None):
        self.out = out
        self.folder = out / BUILDS_DIR / ".cache" if out is not None else None
        self.pending: Path | None = None
        self._keys: dict[Path, str] = {}
        self.used: set[str] = set()

    @classmethod
    def temporary(cls) -> "DocumentCache":
        cache = cls(None)
        cache.new_folder()
        return cache

    @property
    def reuses(self) -> bool:
        return self.folder is not None

    def key(self, path: Path) -> str | None:
        if path not in self._keys:
            try:
                data = path.read_bytes()
            except OSError:
                return None
            digest = hashlib.sha256()
            for part in (code_fingerprint().encode(), os.fsencode(path), data):  # fsencode: any file name
                digest.update(len(part).to_bytes(8, "little"))
                digest.update(part)
            self._keys[path] = digest.hexdigest()
        return self._keys[path]

    def entry(self, key: str) -> DocumentEntry | None:
        """The stored document's entry, or None (missing, or an older clausegraph's records)."""
        if not self.reuses:
            return None
        stored = self.folder / f"{key}{DOCUMENT_SUFFIX}"
        try:
            entry, _ = _read_entry_file(str(stored))
            if not isinstance(entry, DocumentEntry) or entry.key != key or not _intact(stored, entry.size):
                return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # process again
        self.used.add(key)
        entry = dataclasses.replace(entry, stored=str(stored))
        return dataclasses.replace(entry, facts=dataclasses.replace(entry.facts, capitalised=None))

    def stored(self, entry: DocumentEntry) -> str:
        """Where the entry's Document is now (``finish`` moves new ones into the cache)."""
        if self.folder is not None and not os.path.exists(entry.stored):
            return str(self.folder / f"{entry.key}{DOCUMENT_SUFFIX}")
        return entry.stored

    def new_folder(self) -> Path:
        """Where this build stores the documents it processes."""
        if self.folder is not None and self.folder.parent.is_dir():
            self.folder.mkdir(exist_ok=True)
            return self.folder
        if self.pending is None:
            import tempfile
            import weakref

            self.pending = Path(tempfile.mkdtemp(prefix="clausegraph-cache-"))
            weakref.finalize(self, shutil.rmtree, str(self.pending), ignore_errors=True)
        return self.pending

    def result(self, task: str):
        """What writing a document's outputs gave before, by its task's hash (``_task_key``)."""
        if not self.reuses:
            return None
        try:
            with open(self.folder / f"{task}{RESULT_SUFFIX}", "rb") as f:
                result = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        self.used.add(task)
        return result

    def put_result(self, task: str, result) -> None:
        if not self.reuses:
            return
        self.used.add(task)
        try:
            _write_atomically(self.new_folder() / f"{task}{RESULT_SUFFIX}", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            log.warning("cannot write the build cache (%s); the next build writes this document's outputs again", exc)

    def finish(self, built: bool) -> None:
        """After the build: keep exactly the entries it used (when it wrote outputs)."""
        if self.folder is None:
            return  # temporary: removed with the report
        if self.pending is not None:
            if built and self.folder.parent.is_dir():
                self.folder.mkdir(exist_ok=True)
                for entry in self.pending.iterdir():
                    if entry.suffix in (DOCUMENT_SUFFIX, ENTRY_SUFFIX, RESULT_SUFFIX):
                        shutil.move(str(entry), self.folder / entry.name)
            shutil.rmtree(self.pending, ignore_errors=True)
            self.pending = None
        if built and self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.suffix not in (DOCUMENT_SUFFIX, ENTRY_SUFFIX, RESULT_SUFFIX) or entry.stem not in self.used:
                    entry.unlink(missing_ok=True)



_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """clausegraph's version and a hash of its code and pattern files: a cached document made
    by other code is made again."""
    if not _FINGERPRINT:
        digest = hashlib.sha256(__version__.encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".jsonl", ".json", ".txt") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(package)).encode())
                digest.update(path.read_bytes())
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


class _Progress:
    """Documents done, words per second and the time left, on stderr (tqdm).

    The time left is estimated from the bytes of the files still to do, so one long contract
    does not throw the estimate off as a count of documents would."""

    def __init__(self, files: list[Path], show: bool):
        self.total, self.count, self.words = len(files), 0, 0
        self.sizes = {}
        for path in files:
            try:
                self.sizes[path] = path.stat().st_size
            except OSError:
                self.sizes[path] = 0
        self.started = time.perf_counter()
        self.bar = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=sum(self.sizes.values()) or 1, file=sys.stderr, unit="B", unit_scale=True,
                            bar_format="{desc} |{bar:24}| {percentage:3.0f}% [{elapsed}, {remaining} left]",
                            desc=f"0/{self.total} documents", dynamic_ncols=True, leave=True)

    def step(self, path: Path, entry: DocumentEntry | None) -> None:
        self.count += 1
        if entry is not None:
            self.words += entry.words
        if self.bar is not None:
            elapsed = max(time.perf_counter() - self.started, 1e-6)
            self.bar.set_description_str(f"{self.count}/{self.total} documents, {self.words / elapsed:,.0f} words/s",
                                         refresh=False)
            self.bar.update(self.sizes.get(path, 0))

    def done(self) -> None:
        if self.bar is not None:
            self.bar.close()


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


def write_outputs(report: BuildReport, workers: "_Workers | None" = None) -> None:
    """Write the build of ``report`` into ``report.out`` and make it the current one.

    Raises OutputError (one line) when the disk refuses; the previous build is then still shown.
    """
    try:
        with _Workers(None) if workers is None else contextlib.nullcontext(workers) as pool:
            _write_and_show(report, pool)
    except OSError as exc:
        where = exc.filename or report.out
        raise OutputError(
            f"{where}: cannot write the outputs: {exc.strerror or exc}; the previous outputs are kept"
        ) from exc


def _write_and_show(report: BuildReport, workers: "_Workers") -> None:
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
            _write_build(report, staging, workers)
            os.rename(staging, builds / build_id)  # complete, not yet shown
        finally:
            _remove(staging)
        previous = _show_build(out, build_id)
        _remove_old_builds(out, keep={build_id, *previous})


def _write_build(report: BuildReport, folder: Path, workers: _Workers) -> None:
    """Every file of one build, into ``folder``.

    Each document's outputs (its files under docs/, its named graph, its blocks of the dataset
    files, its pages) are made from the stored Document and what resolution gave it
    (``DocumentTask``), in the worker processes, and written as they come; a document whose
    task is the one of the previous build keeps that build's outputs (hard links, and its
    blocks copied from the previous dataset files). The store is filled as the graphs come.
    Then the corpus-wide files: the entities' graph, the dataset files, the index and the
    corpus network."""
    (folder / "docs").mkdir()
    pieces = folder / PIECES_DIR
    pieces.mkdir()
    blocks_wanted = tuple(f for f in ("trig", "jsonld") if f in report.formats)
    previous = _previous_build(report.out)
    tasks = _tasks(report, blocks_wanted)
    keys = [_task_key(entry.key, task) for entry, task in zip(report.entries, tasks)]
    results: list[DocumentResult | None] = [None] * len(tasks)
    kept: dict[int, dict] = {}  # document index → its record in the previous build's pieces.json
    for n, (task, key) in enumerate(zip(tasks, keys)):
        record = previous.pieces.get(task.doc) if previous else None
        if record and record.get("task") == key and all(f in record for f in ("nq", *blocks_wanted)):
            result = report.store.result(key)
            if result is not None and _link_document(previous.folder / "docs" / task.doc, folder / "docs" / task.doc):
                results[n], kept[n] = result, record
    fresh = [n for n in range(len(tasks)) if results[n] is None]
    # The store: the previous one with what changed replaced, when little changed; else a new one,
    # filled as the graphs come (or, when some graphs are kept, from the whole dataset file).
    incremental = previous is not None and previous.store and _estimate(previous, tasks, fresh) <= INCREMENTAL_STORE_BYTES
    overlap = not incremental and not kept

    stage = time.perf_counter()
    loader = None
    try:
        for n, result in _write_documents(report, tasks, fresh, folder, workers):
            results[n] = result
            report.store.put_result(keys[n], dataclasses.replace(result, blocks={}))
            if overlap:
                if loader is None:  # opened once the workers are started: RocksDB's threads do not survive a fork
                    loader = BulkLoader(folder)
                loader.add(Path(result.blocks["nq"]))
        report.timings["outputs"] = time.perf_counter() - stage

        stage = time.perf_counter()
        report.findings = tuple(sorted((f for r in results for f in r.findings), key=finding_order))
        citations = Citations()
        for result in results:
            citations.add(result.citations)
        graphs = {ONTOLOGY_GRAPH: ontology_nquads(),
                  ENTITIES_GRAPH: entities_nquads(report.entities, citations, report.context)}
        hashes = {graph: _sha256(text) for graph, text in graphs.items()}
        hashes.update((document_graph_iri(r.doc), r.graph_hash) for r in results)
        if loader is None and overlap:
            loader = BulkLoader(folder)
        if loader is not None:
            for text in graphs.values():
                loader.add(text)
            loader.wait()
        records = _write_dataset(folder, report, graphs, results, kept, previous, blocks_wanted)
        for n, key in enumerate(keys):
            records[tasks[n].doc]["task"] = key
            records[tasks[n].doc]["graph"] = results[n].graph_hash
        other_formats = [f for f in report.formats if f not in blocks_wanted]
        if loader is not None:
            loader.finish(folder, other_formats)
        elif incremental:
            _update_store(folder, previous, hashes, graphs, results, other_formats)
        else:
            load_store(folder, other_formats)
        report.timings["store"] = time.perf_counter() - stage
    finally:
        if loader is not None:
            loader.close()
        _remove(pieces)

    stage = time.perf_counter()
    _write_json(folder / GRAPHS_FILE, hashes)
    _write_json(folder / PIECES_FILE, records)
    _write_json(folder / "entities.json", [record_json(e) for e in report.entities])
    _write_json(folder / "lint.json", [record_json(f) for f in report.findings])
    copy_assets(folder)
    write_corpus_pages(folder, [r.index for r in results], [r.part for r in results], report.entities, report.findings)
    _write_json(folder / "manifest.json", {"clausegraph": __version__, "documents": [e.manifest for e in report.entries],
                                           "errors": report.errors, "skipped": report.skipped})
    report.timings["pages"] = time.perf_counter() - stage


GRAPHS_FILE = "graphs.json"  # named graph → SHA-256 of its N-Quads, in every build
# doc → where its blocks are in the dataset files ([offset, length] per format), its task's hash
# and its graph's: what the next build needs to keep them.
PIECES_FILE = "pieces.json"
PIECES_DIR = ".pieces"  # each new document's blocks, until the dataset files are assembled
# A rebuild takes the previous store and replaces the graphs that changed, unless their N-Quads
# exceed this (then loading everything in bulk is faster than many small loads).
INCREMENTAL_STORE_BYTES = 256 * 2**20


@dataclass(frozen=True)
class DocumentTask:
    """Everything one document's outputs are made from, besides the Document itself: its
    manifest row, what resolution changes in it, its graph's context, the entities its pages
    name (in corpus order), the references from other documents that point into it (from an
    earlier document?, document, clause, anchor, target label), the clauses of other documents
    its references point at (document, label, heading, first words), and the dataset blocks to
    make. Two builds that give a document the same task give it the same outputs."""

    doc: str
    manifest: dict
    resolution: DocumentResolution
    context: DocumentContext
    entities: tuple[Entity, ...]
    incoming: tuple[tuple[bool, str, str, str, str], ...]
    targets: tuple[tuple[str, str, str | None, str], ...]
    blocks: tuple[str, ...]


@dataclass
class DocumentResult:
    """What writing one document's outputs gives the corpus-wide files."""

    doc: str
    findings: tuple[Finding, ...]
    citations: Citations
    graph_hash: str
    index: IndexDoc
    part: object  # its share of the corpus network (render.network.Graph)
    blocks: dict[str, str]  # format → the file holding its block (until the dataset files are assembled)


def _tasks(report: BuildReport, blocks: tuple[str, ...]) -> list[DocumentTask]:
    entries, resolution, context = report.entries, report.resolution, report.context
    incoming: dict[str, list] = defaultdict(list)
    targets: dict[str, list] = defaultdict(list)
    for n, entry in enumerate(entries):
        for index, label, target_doc in resolution.documents[entry.doc_id].retargeted:
            clause, anchor = entry.citing[index]
            incoming[target_doc].append((n, entry.doc_id, clause, anchor, label))
            targets[entry.doc_id].append((target_doc, label))
    tasks = []
    for n, entry in enumerate(entries):
        doc = entry.doc_id
        changes = resolution.documents[doc]
        final = dict(changes.keys)
        here = context.for_document(doc, [final.get(k, k) for k in entry.facts.bearer_keys], targets[doc], findings=())
        tasks.append(DocumentTask(
            doc=doc,
            manifest=entry.manifest,
            resolution=changes,
            context=here,
            entities=tuple(sorted(here.entities.values(), key=lambda e: e.key)),  # as seen from the document
            incoming=tuple((m < n, source, clause, anchor, label) for m, source, clause, anchor, label in incoming[doc]),
            targets=tuple((t, label, *report.outlines[t].clauses[label][1:]) for t, label in dict.fromkeys(targets[doc])),
            blocks=blocks,
        ))
    return tasks


def _task_key(document_key: str, task: DocumentTask) -> str:
    """A hash of the document and its task (records, tuples and dicts in a canonical form)."""

    def canonical(value):
        if dataclasses.is_dataclass(value):
            return (type(value).__name__, tuple(canonical(getattr(value, f.name)) for f in dataclasses.fields(value)))
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, dict):
            return ("dict", tuple(sorted((repr(canonical(k)), canonical(v)) for k, v in value.items())))
        if isinstance(value, (set, frozenset)):
            return ("set", tuple(sorted(repr(canonical(v)) for v in value)))
        if isinstance(value, (list, tuple)):
            return tuple(canonical(v) for v in value)
        return value

    return _sha256(document_key + repr(canonical(task)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_documents(report: BuildReport, tasks: list[DocumentTask], todo: list[int], folder: Path, workers: _Workers):
    """(index, DocumentResult) of each document in ``todo``, as they are written."""
    stored = [report.store.stored(e) for e in report.entries]
    if workers.parallel(len(todo)):
        pool = workers.get(len(todo))
        largest_first = sorted(todo, key=lambda n: -report.entries[n].words)
        futures = {pool.submit(write_document_outputs, tasks[n], stored[n], str(folder), n): n for n in largest_first}
        for future in as_completed(futures):
            yield futures[future], future.result()
    else:
        for n in todo:
            yield n, write_document_outputs(tasks[n], stored[n], str(folder), n)


def write_document_outputs(task: DocumentTask, stored: str, folder: str, number: int) -> DocumentResult:
    """One document's outputs, in a worker: read the stored Document back, apply resolution, lint
    it, write its graph (and its blocks of the dataset files) into the build's pieces folder and
    its records and pages under docs/; the Document is dropped when it returns."""
    from .render.outputs import DocOutputs, Outputs, document_outputs
    from .render.reader import Incoming, incoming_references

    build = Path(folder)
    document = apply_resolution(_read_stored(stored), task.resolution)
    findings = tuple(document_findings(document, {key: e.name for key, e in task.context.entities.items()}))
    texts = document_graph_texts(document, dataclasses.replace(task.context, findings=findings), task.blocks)
    nquads = texts["nq"]
    blocks = {}
    for name, text in texts.items():
        blocks[name] = str(build / PIECES_DIR / f"{number}.{name}")
        Path(blocks[name]).write_text(text, encoding="utf-8", newline="\n")
    citations = document_citations(document)
    docs = build / "docs" / task.doc
    _write_document(document, docs)

    # The pages get the records just written as they are in memory: the same records that
    # ``write_pages`` reads back from a build folder (a test holds the pages of both equal).
    doc = document_outputs(document, task.manifest)
    del document
    others = {}
    for target, label, heading, words in task.targets:
        others.setdefault(target, []).append(Clause(label=label, kind=ClauseKind.SECTION, parent=None, start=0, end=0,
                                                    heading=heading, text=words))
    outputs = Outputs(folder=build, entities=task.entities, findings=findings, documents=(doc, *(
        DocOutputs(doc=other, kind="", title=None, path="", source="", clauses=tuple(clauses))
        for other, clauses in others.items())))
    own = incoming_references(Outputs(folder=build, documents=(doc,)))
    incoming: dict[tuple[str, str], list] = defaultdict(list)
    for earlier in (True, False):
        for before, source, clause, anchor, label in task.incoming:
            if before is earlier:
                incoming[(task.doc, label)].append(Incoming(source, clause, anchor))
        if earlier:
            for key, found in own.items():
                incoming[key] += found
    _, part, row = write_document_pages(docs, outputs, doc, incoming)
    return DocumentResult(doc=task.doc, findings=findings, citations=citations, graph_hash=_sha256(nquads),
                          index=row, part=part, blocks=blocks)


def _link_document(source: Path, target: Path) -> bool:
    """The previous build's files of a document, hard-linked (copied where links fail) into the
    new build: never written to, so the previous build stays as it was."""
    try:
        names = [p for p in source.iterdir() if p.is_file()]
    except OSError:
        return False
    target.mkdir(parents=True)
    for path in names:
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)
    return True


@dataclass
class _Previous:
    folder: Path
    hashes: dict[str, str]  # graphs.json
    pieces: dict[str, dict]  # pieces.json
    store: bool  # its store can be taken over


def _previous_build(out: Path) -> _Previous | None:
    """The build shown now, with what a new build may take over from it."""
    if not (out / CURRENT_LINK).is_symlink():
        return None
    build = current_build(out)
    found = []
    for name in (GRAPHS_FILE, PIECES_FILE):
        try:
            data = json.loads((build / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        found.append(data if isinstance(data, dict) else {})
    hashes, pieces = found
    return _Previous(build, hashes, pieces, bool(hashes) and (build / STORE_DIR / "CURRENT").is_file())


def _estimate(previous: _Previous, tasks: list[DocumentTask], fresh: list[int]) -> int:
    """About how many bytes of N-Quads the documents to write again will make (their previous size)."""
    sizes = [r["nq"][1] for r in previous.pieces.values() if isinstance(r.get("nq"), list)]
    mean = sum(sizes) // len(sizes) if sizes else INCREMENTAL_STORE_BYTES
    return sum(previous.pieces.get(tasks[n].doc, {}).get("nq", [0, mean])[1] for n in fresh)


def _write_dataset(folder: Path, report: BuildReport, graphs: dict[str, str], results: list[DocumentResult],
                   kept: dict[int, dict], previous: _Previous | None, blocks: tuple[str, ...]) -> dict[str, dict]:
    """dataset.nq (and .trig, .jsonld as asked) from each graph's block: the corpus graphs made
    here, each document's from its pieces file or from the previous build's file. Returns, per
    document, where its blocks are ([offset, length] per format)."""
    records: dict[str, dict] = {r.doc: {} for r in results}
    corpus_blocks = {graph: dataset_blocks(graph, text, blocks) for graph, text in graphs.items()}

    def source(n: int, name: str) -> tuple[Path, int, int]:
        if n in kept:
            offset, length = kept[n][name]
            return previous.folder / DATASET_FILES[name], offset, length
        path = Path(results[n].blocks[name])
        return path, 0, path.stat().st_size

    order = range(len(results))
    with open(folder / DATASET_FILES["nq"], "wb") as out:
        for text in graphs.values():
            out.write(text.encode("utf-8"))
        for n in order:
            records[results[n].doc]["nq"] = [out.tell(), _copy_range(out, *source(n, "nq"))]
    if "trig" in blocks:
        with open(folder / DATASET_FILES["trig"], "wb") as out:
            out.write(trig_head())
            for graph in graphs:
                out.write(corpus_blocks[graph]["trig"])
            for n in order:
                records[results[n].doc]["trig"] = [out.tell(), _copy_range(out, *source(n, "trig"))]
    if "jsonld" in blocks:  # one block per named graph, sorted by graph IRI
        graph_order = sorted([(graph, None) for graph in graphs] + [(document_graph_iri(r.doc), n) for n, r in enumerate(results)])
        with open(folder / DATASET_FILES["jsonld"], "wb") as out:
            out.write(JSONLD_HEAD.encode("utf-8"))
            for position, (graph, n) in enumerate(graph_order):
                out.write((JSONLD_SEPARATOR if position else JSONLD_FIRST).encode("utf-8"))
                if n is None:
                    out.write(corpus_blocks[graph]["jsonld"])
                else:
                    records[results[n].doc]["jsonld"] = [out.tell(), _copy_range(out, *source(n, "jsonld"))]
            out.write(JSONLD_TAIL.encode("utf-8"))
    return records


def _copy_range(out, path: Path, offset: int, length: int) -> int:
    """Append ``length`` bytes of ``path`` from ``offset`` to the open file ``out``."""
    out.flush()
    with open(path, "rb") as source:
        done = 0
        try:
            while done < length:
                copied = os.copy_file_range(source.fileno(), out.fileno(), length - done, offset + done)
                if copied == 0:
                    break
                done += copied
        except (AttributeError, OSError):  # no copy_file_range here: through Python
            source.seek(offset + done)
            while done < length:
                chunk = source.read(min(1 << 20, length - done))
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
    out.seek(0, os.SEEK_END)
    if done != length:
        raise OSError(errno.EIO, f"{path}: shorter than the build recorded", str(path))
    return length


def _update_store(folder: Path, previous: _Previous, hashes: dict[str, str], graphs: dict[str, str],
                  results: list[DocumentResult], other_formats) -> None:
    """The previous store with the graphs that changed replaced, or (when too much changed) the
    whole dataset loaded in bulk."""
    changed = [g for g, h in hashes.items() if previous.hashes.get(g) != h]
    files = {document_graph_iri(r.doc): r.blocks.get("nq") for r in results}
    size = sum(len(graphs[g]) if g in graphs else os.path.getsize(files[g]) for g in changed)
    if size > INCREMENTAL_STORE_BYTES or any(g not in graphs and not files.get(g) for g in changed):
        load_store(folder, other_formats)
        return
    stale = [g for g in previous.hashes if hashes.get(g) != previous.hashes[g]]
    texts = (graphs[g] if g in graphs else Path(files[g]).read_text(encoding="utf-8") for g in changed)
    update_store(folder, previous.folder, stale, texts, other_formats)



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
    """A list of records one record a line (readable, and a line per record for grep and diff),
    by json's C encoder: ``indent`` forces its pure-Python one, which was the slowest part of
    writing a document's records. Anything else (a manifest, a small map) indented."""
    if isinstance(data, list):
        text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in data) + "\n]" if data else "[]"
    else:
        text = json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
