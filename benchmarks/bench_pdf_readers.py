"""Which PDF library reads the corpus PDFs best? The measurement behind graph/formats/pdf.py.

For each library that is installed (pypdf is a dependency; pdfminer.six, pdfplumber and
pypdfium2 are not — ``pip install`` them to compare), this prints, per corpus PDF:

- ``ms``: the best of 3 runs of extracting the whole text layer;
- ``labels``: lines that start with a section number kept apart from its caption
  (``1. Grant``, ``Section 1.1. License Grant``) — what the segmenter needs;
- ``glued``: section numbers run into their caption (``Section 1.1.License``);
- ``run-on``: sentences run into the next line's first word (``between.Morgan``), i.e. line
  ends lost;
- ``odd``: replacement or non-characters (U+FFFD, U+FFFE) in the text.

Run: python benchmarks/bench_pdf_readers.py
"""

from __future__ import annotations

import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted((ROOT / "tests" / "corpus" / "dev").glob("*.pdf"))


def with_pypdf(path: Path) -> str:
    import pypdf

    return "\f".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def with_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def with_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\f".join(page.extract_text() or "" for page in pdf.pages)


def with_pypdfium2(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return "\f".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


READERS = {"pypdf": with_pypdf, "pdfminer.six": with_pdfminer, "pdfplumber": with_pdfplumber, "pypdfium2": with_pypdfium2}


def measure(text: str) -> dict[str, int]:
    return {
        "labels": len(re.findall(r"(?m)^(?:Section )?\d+(?:\.\d+)*\.? [A-Z]", text)),
        "glued": len(re.findall(r"(?m)(?:^|\s)(?:Section )?\d+(?:\.\d+)*\.[A-Z][a-z]", text)),
        "run-on": len(re.findall(r"[a-z][.,;:][A-Z][a-z]", text)),
        "odd": text.count("\ufffd") + text.count("\ufffe"),
    }


def main() -> None:
    logging_quiet()
    print(f"{'library':14s} {'document':34s} {'ms':>6s} {'labels':>7s} {'glued':>6s} {'run-on':>7s} {'odd':>4s}")
    for name, read in READERS.items():
        for path in PDFS:
            try:
                read(path)  # imports and caches warm
            except ImportError:
                print(f"{name:14s} (not installed)")
                break
            seconds = []
            for _ in range(3):
                started = time.perf_counter()
                text = read(path)
                seconds.append(time.perf_counter() - started)
            m = measure(text)
            print(f"{name:14s} {path.stem:34s} {min(seconds) * 1000:6.0f} {m['labels']:7d} {m['glued']:6d} {m['run-on']:7d} {m['odd']:4d}")


def logging_quiet() -> None:
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


if __name__ == "__main__":
    main()
