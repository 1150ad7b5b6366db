"""A build never loses the previous one (issue 9, items 1 and 2).

A build that produces nothing leaves the old outputs as they were; a build appears all at once
(its own folder under ``outputs/builds/``, then one atomic rename of the ``current`` link), so
a build killed at any point leaves either the whole old build or the whole new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, POA

POA_FILE = CORPUS / f"{POA}.txt"
CNA_FILE = CORPUS / "cna-group-benefits-sale-2003.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clausegraph.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def snapshot(out: Path) -> dict[str, str]:
    """Every file reachable under ``out`` (links followed) → a hash of its bytes."""
    files = {}
    for dirpath, _, names in os.walk(out, followlinks=True):
        for name in names:
            path = Path(dirpath) / name
            if path.is_file():
                files[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def manifest_docs(out: Path) -> list[str]:
    return [d["doc"] for d in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]]


# --- item 1: a failed build never wipes a good one ---------------------------------------------


@pytest.fixture()
def good_build(tmp_path) -> Path:
    out = tmp_path / "out"
    result = run("build", str(POA_FILE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("bad_input", ["missing", "empty", "no documents"])
def test_a_build_that_builds_nothing_keeps_the_previous_outputs(good_build, tmp_path, bad_input):
    """A typo in the path, a corpus of one empty file, a folder without documents: exit 2, the old
    outputs untouched, byte for byte."""
    before = snapshot(good_build)
    path = tmp_path / "nonexistent-typo"
    if bad_input == "empty":
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
    elif bad_input == "no documents":
        path.mkdir()
        (path / "notes.csv").write_text("a,b\n")
    result = run("build", str(path), "--out", str(good_build))
    assert result.returncode == 2
    assert str(path) in result.stderr
    assert "previous outputs kept" in result.stdout + result.stderr
    assert snapshot(good_build) == before
    assert manifest_docs(good_build) == [POA]


def test_build_without_a_corpus_creates_no_outputs_folder(tmp_path):
    """`clausegraph build` in a folder with no corpus/ names the missing folder and creates nothing."""
    result = run("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "corpus: no such file or folder" in result.stderr
    assert not (tmp_path / "outputs").exists()


# --- item 2: the whole build appears at once -----------------------------------------------------

OLD_TEXT = """SERVICES AGREEMENT

1. Services. The Provider shall provide the Services to the Client.

2. Fees. The Client shall pay the fees set out in Section 1 within 30 days.
"""
NEW_TEXT = """LOAN AGREEMENT

1. Loan. The Lender shall lend the Borrower the Amount.

2. Repayment. The Borrower shall repay the Amount under Section 1.

3. Notices. Each party may give notice in writing.
"""
KILLED = 137  # the exit status of the killed child
# The calls by which a build changes the file system (RocksDB's own writes happen in Rust,
# inside the staging folder, where a kill cannot be seen from outside anyway).
MUTATING_OS_CALLS = ("rename", "replace", "symlink", "unlink", "remove", "mkdir", "rmdir")


def _report(tmp_path: Path, name: str, text: str, out: Path):
    from clausegraph.build import read_corpus

    source = tmp_path / "inputs" / name
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    report = read_corpus([source], out, jobs=1)
    assert report.ok and report.documents, report.errors
    return report


# Run in a fresh process, which forks one writer per kill point (before any RocksDB store is
# opened in it: RocksDB's threads do not survive a fork). Writer K writes the pickled build into
# OUT-K and calls os._exit at its K-th file-system change (K = 0: never, and it reports how many
# it made). Prints a JSON list of [K, exit status, changes made].
WRITER = """
import builtins, io, json, os, pickle, sys
from pathlib import Path
from clausegraph.build import write_outputs

report_file, pattern, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(report_file, "rb") as f:
    report = pickle.load(f)

def writer(kill_at):
    calls = 0

    def hook():
        nonlocal calls
        calls += 1
        if calls == kill_at:
            os._exit(%d)

    def wrap(function):
        def wrapped(*args, **kwargs):
            hook()
            return function(*args, **kwargs)
        return wrapped

    for name in %r:
        setattr(os, name, wrap(getattr(os, name)))
    real_open = builtins.open

    def writing_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            hook()
        return real_open(file, mode, *args, **kwargs)

    builtins.open = io.open = writing_open
    report.out = Path(pattern.format(kill_at))
    write_outputs(report)
    return calls

results = []
for kill_at in range(first, last + 1):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            calls = writer(kill_at)
        except BaseException as exc:
            os.write(write, repr(exc).encode())
            os._exit(1)
        os.write(write, str(calls).encode())
        os._exit(0)
    os.close(write)
    said = os.read(read, 10000).decode()
    os.close(read)
    _, status = os.waitpid(pid, 0)
    results.append([kill_at, os.waitstatus_to_exitcode(status), said])
print(json.dumps(results))
""" % (KILLED, MUTATING_OS_CALLS)


def write_in_children(report_file: Path, pattern: str, first: int, last: int) -> list:
    result = subprocess.run([sys.executable, "-c", WRITER, str(report_file), pattern, str(first), str(last)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def visible(out: Path) -> dict:
    """What a reader of ``out`` sees, by the paths the README documents (outputs/docs/…, links
    followed) and through ``current_build``: every file's hash, and the store's quad count."""
    from clausegraph.errors import StoreError
    from clausegraph.store import current_build, open_store

    def files_under(root: Path, names) -> dict[str, str]:
        found = {}
        for name in names:
            top = root / name
            if name == "store" or name.startswith(".") or name in ("README.md", "builds", "current"):
                continue
            if not top.exists():
                found[name] = "missing (dangling link)"
            elif top.is_file():
                found[name] = hashlib.sha256(top.read_bytes()).hexdigest()
            else:
                found.update({f"{name}/{k}": v for k, v in snapshot(top).items()})
        return found

    by_path = files_under(out, sorted(p.name for p in out.iterdir()))
    build = current_build(out)
    through_current = files_under(build, sorted(p.name for p in build.iterdir()))
    try:
        store = open_store(out)
        quads = len(store)
        del store
    except StoreError as exc:
        quads = str(exc)
    return {"files": by_path, "same through current_build": through_current == by_path, "quads": quads}


def test_a_build_killed_at_any_write_leaves_the_whole_old_or_the_whole_new_build(tmp_path):
    """Kill the writer before each of its N file-system changes (mkdir, open for writing, rename,
    symlink, unlink, …): each time the outputs are the whole old build or the whole new one, never
    a mix, and the next build runs and leaves no staging folder or temporary link behind."""
    from clausegraph.build import write_outputs

    pristine = tmp_path / "pristine"
    old_report = _report(tmp_path, "services.txt", OLD_TEXT, pristine)
    write_outputs(old_report)
    write_outputs(old_report)  # two builds kept: the next one also removes the oldest
    assert len(list((pristine / "builds").glob("2*"))) == 2
    old = visible(pristine)

    def fresh_copy(k: int) -> Path:
        out = tmp_path / f"out-{k}"
        shutil.copytree(pristine, out, symlinks=True)
        return out

    new_report = _report(tmp_path, "loan.txt", NEW_TEXT, tmp_path / "unused")
    report_file = tmp_path / "report.pickle"
    report_file.write_bytes(pickle.dumps(new_report))
    pattern = str(tmp_path / "out-{}")
    reference = fresh_copy(0)
    [(_, status, said)] = write_in_children(report_file, pattern, 0, 0)
    assert status == 0, said
    calls = int(said)
    assert calls > 20, calls  # every staging write and every step of the swap
    new = visible(reference)
    assert old["same through current_build"] and new["same through current_build"]
    assert old != new

    for kill_at in range(1, calls + 1):
        fresh_copy(kill_at)
    mixed = []
    for kill_at, status, said in write_in_children(report_file, pattern, 1, calls):
        assert status == KILLED, (kill_at, status, said)
        out = tmp_path / f"out-{kill_at}"
        if visible(out) not in (old, new):
            mixed.append(kill_at)
        new_report.out = out
        write_outputs(new_report)  # the next build runs, and cleans up
        assert visible(out) == new, kill_at
        assert not [p.name for p in out.glob(".*")], kill_at
        assert not list((out / "builds").glob(".staging-*")), kill_at
        assert len(list((out / "builds").glob("2*"))) == 2, kill_at  # the new build and the one before
        shutil.rmtree(out)
    print(f"kill-during-swap: {len(mixed)} mixed outputs of {calls} kill points")
    assert mixed == [], f"mixed outputs after a kill at calls {mixed} of {calls}"
