"""Score a build against every gold file: precision and recall per category, per document.

    python benchmarks/accuracy.py                 # all gold, a table per category
    python benchmarks/accuracy.py --json out.json # the same figures as JSON (tests read them)
    python benchmarks/accuracy.py --doc lease_posttension_hohman_2008 --details

Gold files live in ``tests/gold/`` (the seed documents) and ``tests/gold/dev/`` (the development
corpus); they were made by reading the documents (see ``tests/gold/CONVENTIONS.md``). Every
document that has a gold file is built together, in one corpus, with the product's own ``build``,
so cross-document resolution is what a user gets.

Categories and how records are matched (multisets, one-to-one):
- clauses (full gold trees): by label; "parents" and "starts" count found labels whose parent and
  first words agree with the gold;
- top (sample gold): the top-level labels; "sample" the recall of the sampled sub-clauses with
  their parents and first words;
- terms: by the term as written (case and spacing folded); "homes" the share defined in the
  gold's clause; "definitions" the share whose definition opens with the gold's first words
  (after a defining verb such as "means" and an article);
- refs: by (source, words, target, external) — "resolved" is the share of gold references with
  an internal target that come out with that target; "statute inside" counts references the gold
  calls external (a statute, another agreement) that were resolved to a clause of this document;
- obligations: by (clause, modality, bearer); precision is counted only in the clauses the gold
  covers, since gold lists every statement of each clause it includes, not of every clause;
- entities: precision of the organisations and people found, against the names (and aliases)
  the gold lists; parties: recall of the gold's parties (party = true) among those found.
Plus, over all built documents: the share of references left unresolved (no target and no
outside authority), and the documents that have numbering (by their gold) but got none.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIRS = [ROOT / "tests" / "gold", ROOT / "tests" / "gold" / "dev"]
SOURCE_DIRS = [ROOT / "corpus", ROOT / "tests" / "corpus" / "dev", ROOT / "tests" / "corpus" / "extra"]
GOLD_KINDS = ("clauses", "clauses-sample", "terms", "refs", "parties", "obligations")
# Compared for a clause's start: enough words to tell two clauses apart, few enough that a
# reader's and the tool's text extraction (quotes, dashes, non-breaking spaces) agree.
FIRST_WORDS = 6


# --- normalisation ---------------------------------------------------------------------------


def words(text: str, n: int | None = None) -> list[str]:
    """Words as a reader compares them: Unicode folded, punctuation and case ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    tokens = [t for t in re.split(r"[^\w]+", text) if t]
    return tokens[:n] if n else tokens


def norm(text: str | None) -> str:
    return " ".join(words(text or ""))


def party_key(name: str | None) -> str:
    """'the Company', 'Company', 'COMPANY' and 'Underwriters'/'Underwriter' compare equal."""
    key = norm(name)
    key = re.sub(r"^(the|each|any|such|a|an) ", "", key)
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key


# --- one score -------------------------------------------------------------------------------


@dataclass
class Score:
    hits: int = 0  # ours that the gold has
    mine: int = 0
    gold: int = 0
    found: int = -1  # gold records we have (where several of ours can match one); default: hits

    def __post_init__(self) -> None:
        if self.found < 0:
            self.found = self.hits

    def add(self, other: "Score") -> None:
        self.hits += other.hits
        self.mine += other.mine
        self.gold += other.gold
        self.found += other.found

    @property
    def precision(self) -> float | None:
        return self.hits / self.mine if self.mine else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    def json(self) -> dict:
        return {"hits": self.hits, "mine": self.mine, "gold": self.gold, "found": self.found,
                "precision": self.precision, "recall": self.recall}


def multiset_score(mine: list, gold: list) -> Score:
    m, g = Counter(mine), Counter(gold)
    return Score(sum((m & g).values()), sum(m.values()), sum(g.values()))


@dataclass
class DocScores:
    doc: str
    scores: dict[str, Score] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)
    details: dict[str, list] = field(default_factory=dict)


# --- per category ----------------------------------------------------------------------------


def clause_first_words(document, clause) -> list[str]:
    return words(document.source[clause.start : clause.end], FIRST_WORDS)


def score_clauses(document, expected: list[dict], out: DocScores) -> None:
    mine = {c.label: c for c in document.clauses}
    gold_labels = [g["label"] for g in expected]
    labels = multiset_score(list(mine), gold_labels)
    found = [g for g in expected if g["label"] in mine]
    parents = Score(sum(1 for g in found if mine[g["label"]].parent == g["parent"]), len(found), len(expected))
    starts = Score(
        sum(1 for g in found if clause_first_words(document, mine[g["label"]])
            == words(g["first_words"], FIRST_WORDS)),
        len(found), len(expected),
    )
    out.scores["clauses"] = labels
    out.scores["clause parents"] = parents
    out.scores["clause starts"] = starts
    out.details["clauses missing"] = [g for g in gold_labels if g not in mine]
    out.details["clauses extra"] = [l for l in mine if l not in set(gold_labels)]
    out.details["clauses wrong parent"] = [
        (g["label"], mine[g["label"]].parent, g["parent"]) for g in found if mine[g["label"]].parent != g["parent"]
    ]
    out.details["clauses wrong start"] = [
        (g["label"], " ".join(clause_first_words(document, mine[g["label"]])), g["first_words"])
        for g in found if clause_first_words(document, mine[g["label"]]) != words(g["first_words"], FIRST_WORDS)
    ]


def score_sample(document, expected: dict, out: DocScores) -> None:
    mine = {c.label: c for c in document.clauses}
    top_mine = [c.label for c in document.clauses if c.parent is None]
    out.scores["top labels"] = multiset_score(top_mine, expected["top"])
    sample = expected["sample"]

    def agrees(g: dict) -> bool:
        # Label, parent and first words: a label alone can name the wrong item of a list that
        # starts again ("2(i) [5]" and "2(i) [2]" may both read "(i) issued and outstanding …").
        clause = mine.get(g["label"])
        if clause is None or clause.parent != g["parent"]:
            return False
        gold_words = words(g["first_words"], FIRST_WORDS)
        return clause_first_words(document, clause)[: len(gold_words)] == gold_words

    out.scores["sampled parts"] = Score(sum(1 for g in sample if agrees(g)), len(sample), len(sample))
    out.details["top missing"] = [l for l in expected["top"] if l not in top_mine]
    out.details["top extra"] = [l for l in top_mine if l not in expected["top"]]
    out.details["sample missing"] = [
        (g["label"], g["parent"], mine[g["label"]].parent if g["label"] in mine else None,
         " ".join(clause_first_words(document, mine[g["label"]])) if g["label"] in mine else None)
        for g in sample if not agrees(g)
    ]


# Terms whose gold notes call them debatable count neither for nor against
# (hig-underwriting-agreement-2004.refs.notes.md, "Terms": a Dutch statute's name in quotes).
LENIENT_TERMS = {"wet toezicht effectenverkeer 1995"}


def score_terms(document, expected: list[dict], out: DocScores) -> None:
    mine = [norm(t.term) for t in document.terms if norm(t.term) not in LENIENT_TERMS]
    gold_terms = [norm(r["term"]) for r in expected]
    out.scores["terms"] = multiset_score(mine, gold_terms)
    homes = multiset_score([(norm(t.term), t.defined_in) for t in document.terms if norm(t.term) not in LENIENT_TERMS],
                           [(norm(r["term"]), r["defined_in"]) for r in expected])
    out.scores["term homes"] = Score(homes.hits, out.scores["terms"].hits, out.scores["terms"].gold)
    # Definition text: of the terms found, those whose definition opens with the gold's words.
    agreeing = 0
    remaining: dict[str, list[dict]] = {}
    for r in expected:
        remaining.setdefault(norm(r["term"]), []).append(r)
    for t in document.terms:
        key = norm(t.term)
        candidates = remaining.get(key)
        if not candidates:
            continue
        gold_row = min(candidates, key=lambda r: abs((r.get("start") or t.start) - t.start))
        candidates.remove(gold_row)
        if definition_agrees(t.definition, gold_row.get("definition_first_words", "")):
            agreeing += 1
        else:
            out.details.setdefault("definitions differing", []).append(
                (t.term, " ".join(words(t.definition or "")[:10]), gold_row.get("definition_first_words", "")[:60]))
    out.scores["definitions"] = Score(agreeing, out.scores["terms"].hits, out.scores["terms"].gold)
    out.details["terms missing"] = sorted((Counter(gold_terms) - Counter(mine)).elements())
    out.details["terms extra"] = sorted((Counter(mine) - Counter(gold_terms)).elements())


# A definition's words as the gold records them may open with the verb that defines ("means",
# "shall have the meaning …") and an article; the tool's definition is the words after them.
_DEFINING_VERB = re.compile(r"^(?:shall\s+)?(?:means?|have\s+the\s+meanings?|has\s+the\s+meanings?|includes?|is|are|"
                            r"refers?\s+to|shall\s+refer\s+to)\b\s*")


def definition_agrees(mine: str | None, gold_words: str) -> bool:
    """The tool's definition opens with the gold's first words (or, if shorter, is how they
    open), compared as words after a defining verb and a leading article."""
    def core(text: str) -> list[str]:
        text = _DEFINING_VERB.sub("", " ".join(words(text or "")))
        return re.sub(r"^(?:the|a|an|its)\s+", "", text).split()

    have, want = core(mine), core(gold_words)
    if not have or not want:
        return not have and not want
    n = min(len(have), len(want), FIRST_WORDS)
    return have[:n] == want[:n] and (len(have) >= FIRST_WORDS or len(have) >= len(want) or len(have) >= 2)


def score_refs(document, expected: list[dict], out: DocScores) -> None:
    def key(source, text, target, external):
        return (source, norm(text), target, norm(external) if external else None)

    mine = [key(r.source, r.text, r.target, r.external) for r in document.references]
    gold_keys = [key(gold_source(document, r), r["text"], r["target"], r.get("external")) for r in expected]
    out.scores["refs"] = multiset_score(mine, gold_keys)
    # Resolution, judged on the words alone (the clause a reference sits in is the tree's job):
    # of the gold's internal references, how many come out with the gold's target.
    by_words: dict[str, Counter] = {}
    for r in document.references:
        by_words.setdefault(norm(r.text), Counter())[r.target] += 1
    internal = [r for r in expected if r["target"] is not None]
    resolved = 0
    for r in internal:
        targets = by_words.get(norm(r["text"]))
        if targets and targets[r["target"]] > 0:
            targets[r["target"]] -= 1
            resolved += 1
    out.scores["refs resolved"] = Score(resolved, len(internal), len(internal))
    # Words the gold calls external somewhere may also be the document's own elsewhere (a
    # sublease's "Schedule 1" beside "the Third Amendment (except for Schedule 1)"): only the
    # inside resolutions beyond the gold's internal ones with those words count.
    outside = {norm(r["text"]) for r in expected if r["target"] is None and r.get("external")}
    inside = Counter(norm(r.text) for r in document.references if norm(r.text) in outside and r.target is not None
                     and (r.target_doc in (None, document.doc_id)))
    gold_inside = Counter(norm(r["text"]) for r in internal if norm(r["text"]) in outside)
    out.notes["statute refs resolved inside"] = sum((inside - gold_inside).values())
    out.details["refs missing"] = sorted((Counter(gold_keys) - Counter(mine)).elements(), key=str)
    out.details["refs extra"] = sorted((Counter(mine) - Counter(gold_keys)).elements(), key=str)


def gold_source(document, record: dict) -> str:
    """The seed gold was written when an inline enumeration's last item ran to the end of its
    clause; it now ends with its sentence (CONVENTIONS.md, "Changes"). A gold record with an
    offset past its inline item's span is read through the clause that holds the offset."""
    clause = document.clause(record["source"])
    if "start" in record and clause is not None and clause.kind.value == "item" and not (
        clause.start <= record["start"] < clause.end
    ):
        actual = document.clause_at(record["start"])
        return actual.label if actual else record["source"]
    return record["source"]


def score_obligations(document, expected: list[dict], out: DocScores) -> None:
    covered = {r["clause"] for r in expected}
    mine = [(d.clause, d.modality.value, party_key(d.bearer)) for d in document.deontics if d.clause in covered]
    gold_keys = [(r["clause"], r["modality"], party_key(r["bearer"])) for r in expected]
    out.scores["obligations"] = multiset_score(mine, gold_keys)
    out.details["obligations missing"] = sorted((Counter(gold_keys) - Counter(mine)).elements())
    out.details["obligations extra"] = sorted((Counter(mine) - Counter(gold_keys)).elements())


def score_parties(document, corpus, expected: list[dict], out: DocScores) -> None:
    def keys(name, aliases) -> set[str]:
        return {party_key(name), *(party_key(a) for a in aliases or [])}

    gold_keys = [keys(r["name"], r.get("aliases")) for r in expected]
    ours = [e for e in corpus.entities if document.doc_id in e.docs]
    matched = [e for e in ours if any(keys(e.name, e.aliases) & g for g in gold_keys)]
    found = [r for r, g in zip(expected, gold_keys) if any(keys(e.name, e.aliases) & g for e in ours)]
    out.scores["entities"] = Score(len(matched), len(ours), len(expected), len(found))
    # recall counts gold records found; precision counts our entities that the gold names
    out.notes["entities found of gold"] = f"{len(found)}/{len(expected)}"
    our_parties = [e for e in ours if document.doc_id in e.parties_in]
    gold_parties = [g for r, g in zip(expected, gold_keys) if r.get("party")]
    party_hits = sum(1 for g in gold_parties if any(keys(e.name, e.aliases) & g for e in our_parties))
    right = sum(1 for e in our_parties if any(keys(e.name, e.aliases) & g for g in gold_parties))
    out.scores["parties"] = Score(right, len(our_parties), len(gold_parties), party_hits)
    out.notes["parties right of ours"] = f"{right}/{len(our_parties)}"
    out.details["entities not in gold"] = sorted(e.name for e in ours if e not in matched)
    out.details["entities missing"] = sorted(r["name"] for r in expected if r not in found)


# --- running it ------------------------------------------------------------------------------


def gold_files() -> dict[str, dict[str, Path]]:
    """doc id -> {kind: gold file}."""
    found: dict[str, dict[str, Path]] = {}
    for folder in GOLD_DIRS:
        for path in sorted(folder.glob("*.json")):
            stem, _, kind = path.name[: -len(".json")].rpartition(".")
            if kind in GOLD_KINDS and stem:
                found.setdefault(stem, {})[kind] = path
    return found


def source_of(doc: str) -> Path | None:
    for folder in SOURCE_DIRS:
        for path in sorted(folder.glob(f"{glob_escape(doc)}.*")):
            if path.name != "README.md":
                return path
    return None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def evaluate(only: list[str] | None = None) -> tuple[list[DocScores], dict]:
    from clausegraph.build import build

    gold = gold_files()
    docs = [d for d in gold if not only or d in only]
    sources = {d: source_of(d) for d in docs}
    missing = [d for d, p in sources.items() if p is None]
    if missing:
        raise SystemExit(f"accuracy: no source file for gold documents: {', '.join(missing)}")
    out = Path(tempfile.mkdtemp(prefix="clausegraph-accuracy-"))
    try:
        report = build(sorted(sources.values()), out / "outputs")
        # the report reads its documents back from the build's folder: read them (once) before it goes
        corpus = report.corpus
        built = {d.doc_id: d for d in corpus.documents} if corpus else {}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    results = []
    for doc in sorted(docs):
        scores = DocScores(doc)
        document = built.get(doc)
        if document is None:
            scores.notes["error"] = next((e for e in report.errors if doc in e), "not built")
            results.append(scores)
            continue
        files = gold[doc]
        load = lambda kind: json.loads(files[kind].read_text(encoding="utf-8"))  # noqa: E731
        if "clauses" in files:
            score_clauses(document, load("clauses"), scores)
        if "clauses-sample" in files:
            score_sample(document, load("clauses-sample"), scores)
        if "terms" in files:
            score_terms(document, load("terms"), scores)
        if "refs" in files:
            score_refs(document, load("refs"), scores)
        if "obligations" in files:
            score_obligations(document, load("obligations"), scores)
        if "parties" in files:
            score_parties(document, corpus, load("parties"), scores)
        top = [c.label for c in document.clauses if c.parent is None]
        gold_top = (load("clauses-sample")["top"] if "clauses-sample" in files
                    else [g["label"] for g in load("clauses") if g["parent"] is None] if "clauses" in files else [])
        scores.notes["numbered (gold)"] = any(not re.fullmatch(r"p\d+|preamble|signatures", l) for l in gold_top)
        scores.notes["numbered (built)"] = any(c.kind.value in ("article", "section") for c in document.clauses) or any(
            not re.fullmatch(r"p\d+|preamble|signatures", l) for l in top)
        refs = document.references
        scores.notes["refs"] = len(refs)
        scores.notes["refs unresolved"] = sum(1 for r in refs if r.target is None and not r.external)
        results.append(scores)
    summary = summarise(results, report)
    return results, summary


SEED_FOLDER = ROOT / "corpus"


def totals_of(results: list[DocScores]) -> dict[str, Score]:
    totals: dict[str, Score] = {}
    for r in results:
        for name, s in r.scores.items():
            totals.setdefault(name, Score()).add(s)
    return totals


def summarise(results: list[DocScores], report) -> dict:
    totals = totals_of(results)
    seeds = [r for r in results if (SEED_FOLDER / f"{r.doc}.txt").exists()]
    development = [r for r in results if r not in seeds]
    refs = sum(r.notes.get("refs", 0) for r in results)
    unresolved = sum(r.notes.get("refs unresolved", 0) for r in results)
    unnumbered = [r.doc for r in results if r.notes.get("numbered (gold)") and not r.notes.get("numbered (built)")]
    return {
        "overall": {k: v.json() for k, v in totals.items()},
        # the development corpus (never the rules' first documents) and the seed contracts apart
        "development": {k: v.json() for k, v in totals_of(development).items()},
        "seed": {k: v.json() for k, v in totals_of(seeds).items()},
        "refs": refs,
        "refs unresolved": unresolved,
        "refs unresolved share": unresolved / refs if refs else None,
        "statute refs resolved inside": sum(r.notes.get("statute refs resolved inside", 0) for r in results),
        "numbered documents without numbering": unnumbered,
        "build errors": list(report.errors),
    }


def fmt(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.3f}"


def _found(score: dict) -> str:
    return f" ({score['found']})" if score["found"] != score["hits"] else ""


def print_table(results: list[DocScores], summary: dict, details: bool) -> None:
    categories = sorted({name for r in results for name in r.scores}, key=CATEGORY_ORDER.index)
    for name in categories:
        rows = [(r.doc, r.scores[name]) for r in results if name in r.scores]
        print(f"\n{name}")
        print(f"  {'document':44} {'P':>5} {'R':>5}   hits/mine/gold (gold found, where it differs)")
        for doc, s in rows:
            print(f"  {doc[:44]:44} {fmt(s.precision)} {fmt(s.recall)}   {s.hits}/{s.mine}/{s.gold}{_found(s.json())}")
        total = summary["overall"][name]
        print(f"  {'ALL':44} {fmt(total['precision'])} {fmt(total['recall'])}   "
              f"{total['hits']}/{total['mine']}/{total['gold']}{_found(total)}")
    print(f"\nreferences left unresolved (no target, no outside authority): {summary['refs unresolved']} of "
          f"{summary['refs']} ({fmt(summary['refs unresolved share'])})")
    print(f"statute or other-agreement references resolved inside: {summary['statute refs resolved inside']}")
    print(f"numbered documents that got no numbering: {len(summary['numbered documents without numbering'])} "
          f"{summary['numbered documents without numbering']}")
    for error in summary["build errors"]:
        print(f"build error: {error}")
    if details:
        for r in results:
            for name, items in r.details.items():
                if items:
                    print(f"\n{r.doc} — {name} ({len(items)}):")
                    for item in items[:80]:
                        print(f"  {item}")


def print_markdown(summary: dict) -> None:
    print("| category | development corpus: P | R | matched / gold | seed contracts: P | R |")
    print("|---|---|---|---|---|---|")
    for name in CATEGORY_ORDER:
        dev, seed = summary["development"].get(name), summary["seed"].get(name)
        if dev is None and seed is None:
            continue
        d = dev or {"precision": None, "recall": None, "found": 0, "gold": 0}
        s = seed or {"precision": None, "recall": None}
        print(f"| {name} | {fmt(d['precision']).strip()} | {fmt(d['recall']).strip()} | {d['found']} / {d['gold']} "
              f"| {fmt(s['precision']).strip()} | {fmt(s['recall']).strip()} |")
    print(f"\nReferences left unresolved (no target, no outside authority): {summary['refs unresolved']} of "
          f"{summary['refs']} ({fmt(summary['refs unresolved share']).strip()}); statute or other-agreement "
          f"references resolved inside: {summary['statute refs resolved inside']}; numbered documents that got "
          f"no numbering: {len(summary['numbered documents without numbering'])}.")


CATEGORY_ORDER = ["clauses", "clause parents", "clause starts", "top labels", "sampled parts", "terms",
                  "term homes", "definitions", "refs", "refs resolved", "obligations", "entities", "parties"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--doc", action="append", help="only this document (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--details", action="store_true", help="list what is missing or extra")
    parser.add_argument("--markdown", action="store_true",
                        help="print the README's table (development corpus beside the seed documents)")
    args = parser.parse_args(argv)
    results, summary = evaluate(args.doc)
    if args.markdown:
        print_markdown(summary)
    else:
        print_table(results, summary, args.details)
    if args.json:
        data = {"documents": {r.doc: {"scores": {k: v.json() for k, v in r.scores.items()}, "notes": r.notes}
                              for r in results}, **summary}
        Path(args.json).write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
