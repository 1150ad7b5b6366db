"""Pages: what ``clausegraph build`` writes for people (see :mod:`.common` for the layout).

``write_pages(outputs_folder)`` reads the data files a build wrote into that folder and adds
``index.html``, ``network.html`` (the corpus), ``docs/DOC/reader.html`` and
``docs/DOC/network.html`` for every document, and the shared ``assets/``. It never runs
extraction and never imports spaCy; opened from disk, the pages need no network.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .common import ASSETS, INDEX, NETWORK, READER
from .index import render_index
from .network import corpus_graph, document_graph, write_network
from .outputs import load_outputs
from .reader import incoming_references, render_reader

__all__ = ["write_pages"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
OWN_ASSETS = ("pages.css", "network.js", "reader.js")


def write_pages(outputs_folder: Path) -> list[Path]:
    """Write every page for the build in ``outputs_folder``; returns the paths written."""
    outputs_folder = Path(outputs_folder)
    outputs = load_outputs(outputs_folder)
    written = _copy_assets(outputs_folder / ASSETS)
    incoming = incoming_references(outputs)
    for doc in outputs.documents:
        folder = outputs_folder / "docs" / doc.doc
        reader = folder / READER
        reader.write_text(render_reader(outputs, doc, incoming), encoding="utf-8")
        network = folder / NETWORK
        write_network(network, document_graph(outputs, doc), title=doc.title or doc.doc, doc=doc.doc,
                      assets=f"../../{ASSETS}", reader=READER)
        written += [reader, network]
    corpus = outputs_folder / NETWORK
    write_network(corpus, corpus_graph(outputs), title="Corpus", doc=None, assets=ASSETS, reader=None)
    index = outputs_folder / INDEX
    index.write_text(render_index(outputs), encoding="utf-8")
    written += [corpus, index]
    log.info("wrote %d pages into %s", len(written), outputs_folder)
    return written


def _copy_assets(folder: Path) -> list[Path]:
    """vis-network (from the installed pyvis) and our CSS/JS, once per outputs folder."""
    import pyvis

    folder.mkdir(parents=True, exist_ok=True)
    vis = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    sources = [vis / "vis-network.min.js", vis / "vis-network.css"] + [STATIC / name for name in OWN_ASSETS]
    written = []
    for src in sources:
        name = "vis-network.min.css" if src.name == "vis-network.css" else src.name
        shutil.copyfile(src, folder / name)
        written.append(folder / name)
    return written
