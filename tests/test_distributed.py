"""The per-document stage on a real Dask cluster (LocalCluster on 127.0.0.1) gives the same
triples as the local build; the workers get each file's bytes, not its path."""

from __future__ import annotations

import pytest
from dask import distributed  # the 'distributed' extra, part of 'test': CI runs this, never skips it

from clausegraph.build import build, process_to_bytes
from clausegraph.errors import ClauseGraphError
from test_incremental import TEXTS, graph_lines, write_corpus


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as local:
        yield local


def test_dask_build_gives_the_same_triples_as_the_local_build(tmp_path, cluster):
    corpus = tmp_path / "in"
    write_corpus(corpus, TEXTS)
    local = build([corpus], tmp_path / "local", jobs=1, cache=False)
    remote = build([corpus], tmp_path / "dask", executor=f"dask://{cluster.scheduler_address}", cache=False,
                   formats=("nq", "shards"))
    assert local.ok and remote.ok
    assert [d.doc_id for d in remote.documents] == [d.doc_id for d in local.documents]
    assert graph_lines(tmp_path / "dask") == graph_lines(tmp_path / "local")
    # one N-Quads shard per named graph, for an external store's bulk loader
    shards = sorted(p.name for p in (tmp_path / "dask" / "shards").iterdir())
    assert shards == ["entities.nq.gz", "lease.nq.gz", "loan.nq.gz", "ontology.nq.gz", "services.nq.gz"]


def test_a_bad_document_fails_alone_on_the_cluster(tmp_path, cluster):
    corpus = tmp_path / "in"
    write_corpus(corpus, TEXTS)
    (corpus / "blank.txt").write_text("  \n\n", encoding="utf-8")
    report = build([corpus], tmp_path / "out", executor=f"dask://{cluster.scheduler_address}", cache=False)
    assert len(report.documents) == 3
    assert len(report.errors) == 1 and str(corpus / "blank.txt") in report.errors[0]


def test_worker_reads_the_bytes_it_is_given(tmp_path):
    """A worker that cannot see the file processes the bytes sent with the task, under the original path."""
    missing = tmp_path / "elsewhere" / "loan.txt"
    path, data, error = process_to_bytes(str(missing), TEXTS["loan"].encode())
    assert error is None and path == str(missing)
    import pickle

    document = pickle.loads(data)
    assert document.doc_id == "loan" and document.path == str(missing) and document.clauses


def test_unreachable_scheduler_is_one_clear_error(tmp_path):
    corpus = tmp_path / "in"
    write_corpus(corpus, {"loan": TEXTS["loan"]})
    with pytest.raises(ClauseGraphError, match="cannot reach the Dask scheduler"):
        build([corpus], tmp_path / "out", executor="dask://127.0.0.1:9", cache=False)


def test_the_cluster_holds_a_bounded_window_of_documents(tmp_path, cluster):
    """Tasks go out a few at a time and each result is released once taken: the cluster holds a
    window of documents (2 per worker thread), not the corpus."""
    from clausegraph.build import _execute_dask

    corpus = tmp_path / "in"
    corpus.mkdir()
    for n in range(12):
        (corpus / f"doc{n}.txt").write_text(TEXTS["loan"].replace("Borrower", f"Borrower{n}"), encoding="utf-8")
    todo = [(path, None) for path in sorted(corpus.iterdir())]
    window = 2 * 2  # two workers of one thread each
    with distributed.Client(cluster.scheduler_address) as observer:
        held = []
        results = _execute_dask(todo, cluster.scheduler_address)
        for path, key, data, error in results:
            assert error is None and data is not None
            held.append(observer.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)))
    assert len(held) == 12
    assert max(held) <= window, held
