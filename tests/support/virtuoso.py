"""Throw-away OpenLink Virtuoso server for tests.

Usage::

    from support.virtuoso import running_virtuoso, virtuoso_available

    reason = virtuoso_available()
    if reason:
        pytest.skip(reason)
    with running_virtuoso(tmp_path) as vt:
        vt.sparql_url        # http://127.0.0.1:PORT/sparql  (query + update)
        vt.graph_store_url   # http://127.0.0.1:PORT/sparql-graph-crud  (GSP, no auth)
        vt.graph_url("http://example.org/g1")  # GSP URL for one named graph
        vt.bulk_load(folder, "*.nq.gz")  # Virtuoso's bulk loader (folder in dirs_allowed)

Debian's ``virtuoso-t`` (package virtuoso-opensource-7-bin) is started in the
foreground with its own virtuoso.ini written into ``tmp_dir``; all database
files live there, both ports are free ports on 127.0.0.1 only, and no system
service is involved.  Once the HTTP endpoint answers, ``isql-vt`` grants
SPARQL_UPDATE to the anonymous "SPARQL" user so that ``/sparql`` and the
Graph Store endpoint ``/sparql-graph-crud`` accept writes without a password
(safe enough: the server listens on loopback only and the database is thrown
away).  The password-protected endpoint ``/sparql-graph-crud-auth`` (HTTP
*digest* auth, dba/dba) also works; see ``dba_auth``.  See VIRTUOSO.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

HOST = "127.0.0.1"
DBA_USER = "dba"
DBA_PASSWORD = "dba"  # a freshly created Virtuoso database always starts with dba/dba

_BINARY_CANDIDATES = ("virtuoso-t", "/usr/bin/virtuoso-t", "/usr/local/bin/virtuoso-t")
_ISQL_CANDIDATES = ("isql-vt", "/usr/bin/isql-vt", "isql", "/usr/local/bin/isql")


def _find(candidates, env_var: str) -> Optional[str]:
    override = os.environ.get(env_var)
    if override:
        return override if os.access(override, os.X_OK) else None
    for cand in candidates:
        path = shutil.which(cand)
        if path:
            return path
    return None


def find_virtuoso_binary() -> Optional[str]:
    """Path of virtuoso-t (override with $CLAUSEGRAPH_VIRTUOSO_BIN)."""
    return _find(_BINARY_CANDIDATES, "CLAUSEGRAPH_VIRTUOSO_BIN")


def find_isql_binary() -> Optional[str]:
    """Path of Virtuoso's isql client (override with $CLAUSEGRAPH_VIRTUOSO_ISQL).

    Debian ships it as isql-vt; plain ``isql`` may be unixODBC's, which is not
    the same program, so it is only taken when it says it is Virtuoso's.
    """
    path = _find(_ISQL_CANDIDATES[:2], "CLAUSEGRAPH_VIRTUOSO_ISQL")
    if path:
        return path
    for cand in _ISQL_CANDIDATES[2:]:
        p = shutil.which(cand)
        if p:
            try:
                out = subprocess.run([p, "-?"], capture_output=True, text=True, timeout=5)
                if "Virtuoso" in (out.stdout + out.stderr):
                    return p
            except (OSError, subprocess.SubprocessError):
                pass
    return None


def virtuoso_available() -> Optional[str]:
    """None when a Virtuoso server can be started here, else a reason (for pytest.skip)."""
    binary = find_virtuoso_binary()
    if not binary:
        return ("virtuoso-t not found (apt-get install virtuoso-opensource, "
                "or set CLAUSEGRAPH_VIRTUOSO_BIN)")
    if not find_isql_binary():
        return "isql-vt (Virtuoso's isql client) not found; it ships with virtuoso-opensource-7-bin"
    return None


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


_INI_TEMPLATE = """\
; written by tests/support/virtuoso.py -- throw-away test database
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = {host}:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
O_DIRECT             = 0
CaseMode             = 2
AllowOSCalls         = 0
DirsAllowed          = ., {d}{extra_dirs}
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
MaxQueryMem          = 500M
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = {host}:{http_port}
ServerRoot           = {d}/vsp
MaxClientConnections = 10
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
EnabledDavVSP        = 0
HTTPProxyEnabled     = 0
Charset              = UTF-8
EnabledGzipContent   = 0

[URIQA]
DynamicLocal = 0
DefaultHost  = {host}:{http_port}

[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
DeferInferenceRulesInit    = 0
"""

# Lets the anonymous web user ("SPARQL", used by /sparql and /sparql-graph-crud)
# write.  The second line sets the default graph permissions of every user to
# read+write(+sponge); on this Virtuoso (7.2.5) the GRANT alone already works,
# the perms call keeps it working if graph-level security is ever switched on.
_GRANT_SQL = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
"""


# Re-defines /sparql with CORS for any origin (incl. "null", i.e. pages opened
# from file://, e.g. the YASGUI page in a browser test).  The original
# definition is the same minus the two cors options.
_CORS_SQL = """\
DB.DBA.VHOST_REMOVE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql');
DB.DBA.VHOST_DEFINE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql', ppath=>'/!sparql/',
  is_dav=>1, vsp_user=>'dba', opts=>vector('noinherit', 1, 'cors', '*', 'cors_restricted', 0));
"""


class VirtuosoError(RuntimeError):
    pass


@dataclass
class VirtuosoServer:
    binary: str
    isql_binary: Optional[str]
    data_dir: Path
    ini_path: Path
    log_path: Path
    host: str
    http_port: int
    sql_port: int
    process: subprocess.Popen
    startup_seconds: float = 0.0
    anonymous_update: bool = True
    # Credentials for the password-protected endpoints (/sparql-auth,
    # /sparql-graph-crud-auth).  Virtuoso wants HTTP *digest* auth there.
    dba_auth: tuple = (DBA_USER, DBA_PASSWORD)
    dba_auth_kind: str = "digest"
    _stopped: bool = field(default=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """SPARQL 1.1 query endpoint; also takes updates when anonymous_update."""
        return f"{self.base_url}/sparql"

    @property
    def graph_store_url(self) -> str:
        """SPARQL 1.1 Graph Store Protocol endpoint (?graph-uri=... or ?default).

        Without auth when ``anonymous_update`` (the default); otherwise the
        digest-protected one, see ``auth``/``auth_kind``.
        """
        if self.anonymous_update:
            return f"{self.base_url}/sparql-graph-crud"
        return self.graph_store_auth_url

    @property
    def graph_store_auth_url(self) -> str:
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def auth(self) -> Optional[tuple]:
        """Credentials needed for graph_store_url (None = none needed)."""
        return None if self.anonymous_update else self.dba_auth

    @property
    def auth_kind(self) -> Optional[str]:
        return None if self.anonymous_update else self.dba_auth_kind

    def graph_url(self, graph_iri: str) -> str:
        """GSP URL addressing one named graph (indirect identification)."""
        return f"{self.graph_store_url}?{urllib.parse.urlencode({'graph-uri': graph_iri})}"

    def isql(self, sql: str, timeout: float = 60) -> str:
        """Run SQL statements (``;``-terminated) as dba through isql-vt; returns output.

        Raises VirtuosoError when isql reports an error.
        """
        if not self.isql_binary:
            raise VirtuosoError("isql-vt not available")
        script = self.data_dir / f"isql-{time.monotonic_ns()}.sql"
        script.write_text(sql if sql.rstrip().endswith(";") else sql + ";\n", encoding="utf-8")
        try:
            proc = subprocess.run(
                [self.isql_binary, f"{self.host}:{self.sql_port}", DBA_USER, DBA_PASSWORD,
                 "VERBOSE=OFF", "BANNER=OFF", "ERRORS=STDOUT", str(script)],
                capture_output=True, text=True, timeout=timeout,
                cwd=self.data_dir, stdin=subprocess.DEVNULL,
            )
        finally:
            script.unlink(missing_ok=True)
        out = proc.stdout + proc.stderr
        if proc.returncode != 0 or "*** Error" in out:
            raise VirtuosoError(f"isql failed (rc={proc.returncode}): {out.strip()}")
        return out

    def bulk_load(self, folder, mask: str = "*.nq.gz",
                  default_graph: str = "urn:clausegraph:bulk-load-default") -> list[tuple[str, str]]:
        """Load every file in ``folder`` matching ``mask`` with Virtuoso's bulk loader
        (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``); returns (file, error or "") per file.

        The folder must be allowed (``running_virtuoso(..., dirs_allowed=[folder])``).  N-Quads
        files (``.nq``, also gzipped ``.nq.gz``) keep their own graphs; ``default_graph`` only
        takes triples that have none.  ``ld_dir`` lists a file once per database: loading a
        folder again loads only its new files.
        """
        folder = str(Path(folder).resolve())
        self.isql(f"ld_dir({_sql_string(folder)}, {_sql_string(mask)}, {_sql_string(default_graph)});\n"
                  "rdf_loader_run();\ncheckpoint;\n", timeout=600)
        # One row per line, "file|error"; NULL errors print as "NULL", so coalesce them to ''.
        out = self.isql("SELECT ll_file || '|' || coalesce(ll_error, '') FROM DB.DBA.LOAD_LIST "
                        f"WHERE ll_file LIKE {_sql_string(folder + '/%')} ORDER BY ll_file;")
        rows = []
        for line in out.splitlines():
            line = line.strip()
            if line.startswith(folder + "/"):
                name, _, error = line.partition("|")
                rows.append((name, error.strip()))
        return rows

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (Virtuoso then does a 'quick shutdown'), SIGKILL if it hangs."""
        if self._stopped:
            return
        self._stopped = True
        _terminate(self.process, timeout)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _terminate(proc: subprocess.Popen, timeout: float = 20) -> None:
    if proc.poll() is not None:
        return
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def _die_with_parent() -> None:  # runs in the child between fork and exec (Linux)
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: no orphan if the test run is killed
    except Exception:
        pass


def _endpoint_ready(url: str) -> bool:
    q = urllib.parse.urlencode({"query": "ASK {}"})
    req = urllib.request.Request(f"{url}?{q}",
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _start_once(binary: str, isql: Optional[str], data_dir: Path,
                timeout: float, dirs_allowed: tuple = ()) -> VirtuosoServer:
    sql_port, http_port = _free_ports(2)
    (data_dir / "vsp").mkdir(parents=True, exist_ok=True)
    ini = data_dir / "virtuoso.ini"
    ini.write_text(_INI_TEMPLATE.format(d=str(data_dir), host=HOST,
                                        sql_port=sql_port, http_port=http_port,
                                        extra_dirs="".join(f", {d}" for d in dirs_allowed)),
                   encoding="utf-8")
    console = data_dir / "virtuoso-console.log"
    t0 = time.monotonic()
    with open(console, "ab") as out:
        proc = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=data_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # ^C in the terminal must not skip our clean stop
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    server = VirtuosoServer(binary=binary, isql_binary=isql, data_dir=data_dir,
                            ini_path=ini, log_path=console, host=HOST,
                            http_port=http_port, sql_port=sql_port, process=proc)
    try:
        deadline = t0 + timeout
        while True:
            if proc.poll() is not None:
                raise VirtuosoError(
                    f"virtuoso-t exited with code {proc.returncode} during start-up:\n"
                    + server.log_tail())
            if _endpoint_ready(server.sparql_url):
                break
            if time.monotonic() > deadline:
                raise VirtuosoError(f"virtuoso-t did not answer on {server.sparql_url} "
                                    f"within {timeout}s:\n" + server.log_tail())
            time.sleep(0.1)
        server.startup_seconds = time.monotonic() - t0
        return server
    except BaseException:
        _terminate(proc, timeout=5)
        raise


@contextlib.contextmanager
def running_virtuoso(tmp_dir, *, anonymous_update: bool = True, cors: bool = False,
                     timeout: float = 90, dirs_allowed=()) -> Iterator[VirtuosoServer]:
    """Start a throw-away Virtuoso in ``tmp_dir`` and stop it on exit.

    anonymous_update=True (default) grants SPARQL_UPDATE to the anonymous web
    user so /sparql and /sparql-graph-crud take writes without a password.
    With False, writes need ``server.auth`` (dba/dba, HTTP digest) on
    ``server.graph_store_url`` (then /sparql-graph-crud-auth).
    cors=True makes /sparql answer CORS requests from any origin (a browser
    page opened from file:// has origin "null"); Virtuoso sends no CORS
    headers by default.
    dirs_allowed: more folders the server may read files from (``DirsAllowed``), e.g. for
    ``bulk_load``; the database folder is always allowed.
    """
    reason = virtuoso_available()
    if reason:
        raise VirtuosoError(reason)
    binary = find_virtuoso_binary()
    isql = find_isql_binary()
    base = Path(tmp_dir).resolve()
    base.mkdir(parents=True, exist_ok=True)
    dirs_allowed = tuple(str(Path(d).resolve()) for d in dirs_allowed)

    server = None
    last_error: Optional[BaseException] = None
    for attempt in range(3):  # a port taken between probing and binding: try new ports
        data_dir = base / (f"virtuoso-db-{attempt}" if attempt else "virtuoso-db")
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True)
        try:
            server = _start_once(binary, isql, data_dir, timeout, dirs_allowed)
            break
        except VirtuosoError as exc:
            last_error = exc
            text = str(exc).lower()
            if "listen" in text or "address already in use" in text or "bind" in text:
                continue
            raise
    if server is None:
        raise VirtuosoError(f"could not start virtuoso-t: {last_error}")

    try:
        server.anonymous_update = anonymous_update
        if anonymous_update:
            server.isql(_GRANT_SQL)
        if cors:
            server.isql(_CORS_SQL)
        yield server
    finally:
        server.stop()
