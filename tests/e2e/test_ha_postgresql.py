"""Several server processes on one PostgreSQL with `ha_enabled`: one active,
the others standbys that forward to it; a `kill -9`ed or paused active is
replaced, and PostgreSQL itself refuses the writes of an active that lost the
lock (fencing).

Uses the test cluster ./scripts/test starts. Runs against Coffer and against
OpenBao (`E2E_SERVER=bao`, its own HA PostgreSQL backend, tables created as its
docs say); the fencing check reads Coffer's table layout and is Coffer-only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import IS_COFFER, Server, bao_bin, coffer_bin, free_port, new_session, random_name, random_value

PG_URL = os.environ.get("COFFER_TEST_PG_URL")
PG_BIN = os.environ.get("COFFER_TEST_PG_BIN", "")

pytestmark = pytest.mark.skipif(
    not PG_URL and os.environ.get("CI") != "true",
    reason="no test PostgreSQL: run through ./scripts/test, which starts one (in CI this fails instead)")


def psql(sql: str) -> str:
    assert PG_URL, "COFFER_TEST_PG_URL is not set: ./scripts/test starts the cluster"
    out = subprocess.run([str(Path(PG_BIN) / "psql"), PG_URL, "-qAtX", "-c", sql],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


class Cluster:
    """`count` server processes on one table and one lock table."""

    def __init__(self, workdir: Path, count: int):
        self.table = random_name("ha").replace("-", "_")
        self.ha_table = self.table + "_locks"
        if not IS_COFFER:
            # OpenBao creates neither table: its documented layout.
            psql(f'CREATE TABLE "{self.table}" (parent_path TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C", '
                 f'key TEXT COLLATE "C", value BYTEA, CONSTRAINT "{self.table}_pkey" PRIMARY KEY (path, key)); '
                 f'CREATE INDEX ON "{self.table}" (parent_path); '
                 f'CREATE TABLE "{self.ha_table}" (ha_key TEXT COLLATE "C" NOT NULL, ha_identity TEXT COLLATE "C" NOT NULL, '
                 f'ha_value TEXT COLLATE "C", valid_until TIMESTAMP WITH TIME ZONE NOT NULL, '
                 f'CONSTRAINT "{self.ha_table}_pkey" PRIMARY KEY (ha_key))')
        self.nodes = [self._node(workdir / f"node{i}") for i in range(count)]
        self.keys: list[str] = []
        self.root = ""

    def _node(self, workdir: Path) -> Server:
        workdir.mkdir()
        port, cluster_port = free_port(), free_port()
        config = (f'storage "postgresql" {{\n  table = "{self.table}"\n  ha_enabled = "true"\n'
                  f'  ha_table = "{self.ha_table}"\n}}\n'
                  f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n  cluster_address = "127.0.0.1:{cluster_port}"\n'
                  f'  tls_disable = true\n}}\n'
                  f'api_addr = "http://127.0.0.1:{port}"\ncluster_addr = "https://127.0.0.1:{cluster_port}"\n'
                  "disable_mlock = true\n")
        cfg = workdir / "server.hcl"
        cfg.write_text(config)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
        env["HOME"] = str(workdir)
        env["COFFER_PG_CONNECTION_URL" if IS_COFFER else "BAO_PG_CONNECTION_URL"] = PG_URL or ""
        binary = coffer_bin() if IS_COFFER else bao_bin()
        server = Server("coffer" if IS_COFFER else "bao", [str(binary), "server", f"-config={cfg}"], port, workdir, env=env)
        return server.start()

    def init_and_unseal(self) -> None:
        answer = self.nodes[0].init(shares=1, threshold=1)
        self.keys, self.root = answer["keys_base64"], answer["root_token"]
        for node in self.nodes:
            node.root_token = self.root
            self.unseal(node)

    def unseal(self, node: Server) -> None:
        """Unseals without waiting for 200: a standby answers 429."""
        for key in self.keys:
            answer = node.http("PUT", "sys/unseal", token=None, body={"key": key})
            assert answer.status_code == 200, answer.text
        assert answer.json()["sealed"] is False

    def health(self, node: Server) -> int | None:
        try:
            return node.http("GET", "sys/health", token=None, timeout=2).status_code
        except requests.RequestException:
            return None

    def wait_active(self, among: list[Server] | None = None, timeout: float = 40) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in among or self.nodes:
                if self.health(node) == 200:
                    return node
            time.sleep(0.05)
        raise AssertionError("no active node within %ss\n%s" % (timeout, "\n".join(n.output_tail(1500) for n in self.nodes)))

    def wait_standbys_follow(self, active: Server, timeout: float = 30) -> None:
        """Every other live node reports `active` as the leader."""
        deadline = time.monotonic() + timeout
        others = [n for n in self.nodes if n is not active and n.proc and n.proc.poll() is None]
        while time.monotonic() < deadline:
            leaders = []
            for node in others:
                try:
                    leaders.append(node.http("GET", "sys/leader", token=None, timeout=2).json().get("leader_address"))
                except (requests.RequestException, ValueError):
                    leaders.append(None)
            if all(address == active.url for address in leaders):
                return
            time.sleep(0.1)
        raise AssertionError(f"standbys do not follow {active.url}")

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()


@pytest.fixture
def cluster3(tmp_path):
    cluster = Cluster(tmp_path, 3)
    yield cluster
    cluster.stop()


def test_three_nodes_one_active_and_the_guide_flow_through_each(cluster3, tmp_path):
    from test_ci_oidc_issuer import CONTEXT, ORG, OTHER_PROJECT, PROJECT, Issuer

    cluster3.init_and_unseal()
    active = cluster3.wait_active()
    cluster3.wait_standbys_follow(active)
    codes = sorted(cluster3.health(node) for node in cluster3.nodes)
    assert codes == [200, 429, 429], codes
    leader = active.http("GET", "sys/leader", token=None).json()
    assert leader["ha_enabled"] is True and leader["is_self"] is True
    assert leader["leader_address"] == active.url
    status = cluster3.nodes[0].bao("status")
    assert "HA Enabled" in status.stdout and "true" in status.stdout.split("HA Enabled", 1)[1].splitlines()[0]

    issuer = Issuer(tmp_path)
    try:
        # The guide's operator steps, through a standby (forwarded to the active node).
        standby = next(node for node in cluster3.nodes if node is not active)
        steps = [
            ("secrets", "enable", "-path=secret", "kv-v2"),
            ("auth", "enable", "jwt"),
            ("write", "auth/jwt/config", f"oidc_discovery_url={issuer.issuer}", f"oidc_discovery_ca_pem=@{issuer.ca}",
             f"bound_issuer={issuer.issuer}"),
            ("policy", "write", "ci-read", "-"),
            ("write", "auth/jwt/role/deploy", "-"),
        ]
        inputs = {
            "ci-read": 'path "secret/data/ci/*" { capabilities = ["read"] }',
            "auth/jwt/role/deploy": json.dumps({
                "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG],
                "bound_claims": {"oidc.circleci.com/project-id": PROJECT}, "token_policies": ["ci-read"], "token_ttl": "15m"}),
        }
        for step in steps:
            out = standby.bao(*step, input=inputs.get(step[-2]) if step[-1] == "-" else None)
            assert out.returncode == 0, (step, out.stderr)
            if step[0] == "secrets":
                # OpenBao's KV v2 upgrades its mount for a moment after enabling.
                standby.wait_kv2_ready("secret")
        password = random_value(24)
        out = standby.bao("kv", "put", "secret/ci/db", f"password={password}")
        assert out.returncode == 0, out.stderr.replace(str(password), "<secret>")

        good = issuer.token("--project-id", PROJECT, "--context-id", CONTEXT, "--vcs-ref", "refs/heads/main").strip()
        other = issuer.token("--project-id", OTHER_PROJECT, "--context-id", CONTEXT, "--vcs-ref", "refs/heads/main").strip()
        for node in cluster3.nodes:
            login = node.bao("write", "-field=token", "auth/jwt/login", "role=deploy", f"jwt={good}", token=None)
            assert login.returncode == 0, login.stderr
            token = login.stdout.strip()
            read = node.bao("kv", "get", "-field=password", "secret/ci/db", token=token)
            assert read.returncode == 0, read.stderr
            assert read.stdout.strip() == str(password), "the secret read through a node differs"
            refused = node.bao("write", "auth/jwt/login", "role=deploy", f"jwt={other}", token=None)
            assert refused.returncode != 0 and "project-id" in refused.stderr
            denied = node.bao("kv", "put", "secret/ci/db", "password=x", token=token)
            assert denied.returncode != 0 and "permission denied" in denied.stderr

            client = node.hvac(token=None)
            client.auth.jwt.jwt_login(role="deploy", jwt=good)
            secret = client.secrets.kv.v2.read_secret_version(path="ci/db", mount_point="secret", raise_on_deleted_version=True)
            assert secret["data"]["data"]["password"] == str(password)
    finally:
        issuer.proc.kill()
        issuer.proc.wait()


def test_standby_redirects_when_asked_not_to_forward(cluster3):
    cluster3.init_and_unseal()
    active = cluster3.wait_active()
    cluster3.wait_standbys_follow(active)
    standby = next(node for node in cluster3.nodes if node is not active)
    session = new_session()
    answer = session.get(standby.url + "/v1/sys/mounts?x=1", allow_redirects=False,
                         headers={"X-Vault-Token": cluster3.root, "X-Vault-No-Request-Forwarding": "true"})
    assert answer.status_code == 307
    assert answer.headers["Location"] == active.url + "/v1/sys/mounts?x=1"
    # Followed, as hvac and the CLI do, it reaches the active node.
    assert session.get(standby.url + "/v1/sys/mounts", headers={"X-Vault-Token": cluster3.root,
                                                                "X-Vault-No-Request-Forwarding": "true"}).status_code == 200


class Load:
    """Writers and readers spread over the nodes; records what each acknowledged."""

    def __init__(self, cluster: Cluster, writers: int, readers: int):
        self.cluster = cluster
        self.stop = threading.Event()
        self.acknowledged: list[str] = []
        self.errors: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.write, args=(i,)) for i in range(writers)]
        self.threads += [threading.Thread(target=self.read, args=(i,)) for i in range(readers)]

    def node(self, i: int) -> Server:
        """Among the live nodes, as a load balancer's health check would pick."""
        live = [node for node in self.cluster.nodes if node.proc and node.proc.poll() is None]
        return live[i % len(live)]

    def write(self, i: int) -> None:
        session, n = new_session(), 0
        while not self.stop.is_set():
            # A failure counts at the time its request was sent: a thread that picked
            # a node just before it was killed may not run again for seconds on a loaded machine.
            sent = time.monotonic()
            node, name = self.node(i), f"w{i}-{n}"
            try:
                r = session.put(node.url + "/v1/secret/data/load/" + name, timeout=20,
                                headers={"X-Vault-Token": self.cluster.root}, json={"data": {"n": n}})
                if r.status_code == 200:
                    with self.lock:
                        self.acknowledged.append(name)
                    n += 1
                else:
                    self.failed(f"write {r.status_code}", sent)
            except requests.RequestException as e:
                self.failed(f"write {type(e).__name__} {node.url} {str(e)[-80:]}", sent)
                time.sleep(0.05)

    def read(self, i: int) -> None:
        session = new_session()
        while not self.stop.is_set():
            sent = time.monotonic()
            try:
                r = session.get(self.node(i).url + "/v1/sys/mounts", timeout=20, headers={"X-Vault-Token": self.cluster.root})
                if r.status_code != 200:
                    self.failed(f"read {r.status_code}", sent)
            except requests.RequestException as e:
                self.failed(f"read {type(e).__name__}", sent)
                time.sleep(0.05)

    def failed(self, what: str, sent: float) -> None:
        with self.lock:
            self.errors.append((sent, what))

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_kill_9_of_the_active_under_load_loses_no_acknowledged_write(cluster3):
    cluster3.init_and_unseal()
    active = cluster3.wait_active()
    cluster3.wait_standbys_follow(active)
    assert active.bao("secrets", "enable", "-path=secret", "kv-v2").returncode == 0
    active.wait_kv2_ready("secret")
    survivors = [node for node in cluster3.nodes if node is not active]
    with Load(cluster3, writers=32, readers=32) as load:
        time.sleep(3)
        killed_at = time.monotonic()
        active.kill()
        new_active = cluster3.wait_active(among=survivors, timeout=40)
        takeover = time.monotonic() - killed_at
        if IS_COFFER:
            cluster3.wait_standbys_follow(new_active)
            settled = time.monotonic()
        else:
            # OpenBao's standbys learn the new leader on their own schedule
            # (a 2.5 s refresh, then their cluster connection): a wider window.
            time.sleep(10)
            settled = time.monotonic()
        time.sleep(4)
    print(f"takeover after kill -9: {takeover:.2f} s; {len(load.acknowledged)} writes acknowledged")
    assert takeover < 30, takeover
    late = [what for at, what in load.errors if at > settled + 1]
    print(f"requests failed after the takeover settled: {len(late)}")
    if not IS_COFFER:
        # OpenBao 2.7.2 answers 500s for a while after its takeover (seen: 324
        # in 4 s); the reference sets the takeover time only.
        late = []
    assert not late, f"{len(late)} requests failed after the takeover settled: {late[:5]}"
    assert len(load.acknowledged) > 100
    # Every acknowledged write, from every surviving node.
    session = new_session()
    for node in survivors:
        for name in load.acknowledged:
            r = session.get(node.url + "/v1/secret/data/load/" + name, headers={"X-Vault-Token": cluster3.root}, timeout=20)
            assert r.status_code == 200, f"acknowledged write {name} not readable through {node.url}: {r.status_code}"


def test_step_down_and_clean_stop_hand_over_within_a_second_or_two(cluster3):
    cluster3.init_and_unseal()
    active = cluster3.wait_active()
    cluster3.wait_standbys_follow(active)
    others = [node for node in cluster3.nodes if node is not active]
    started = time.monotonic()
    out = others[0].bao("operator", "step-down")
    assert out.returncode == 0, out.stderr
    successor = cluster3.wait_active(among=others, timeout=20)
    step_down_takeover = time.monotonic() - started
    cluster3.wait_standbys_follow(successor)
    started = time.monotonic()
    assert successor.stop() == 0
    remaining = [node for node in cluster3.nodes if node is not successor]
    cluster3.wait_active(among=remaining, timeout=20)
    stop_takeover = time.monotonic() - started
    print(f"takeover after step-down: {step_down_takeover:.2f} s; after a clean stop: {stop_takeover:.2f} s")
    assert step_down_takeover < 10 and stop_takeover < 10


@pytest.mark.skipif(not IS_COFFER, reason="reads Coffer's storage paths in the table")
def test_a_paused_active_cannot_write_after_a_takeover(cluster3):
    cluster3.init_and_unseal()
    old = cluster3.wait_active()
    cluster3.wait_standbys_follow(old)
    assert old.bao("secrets", "enable", "-path=secret", "kv-v2").returncode == 0
    old.wait_kv2_ready("secret")
    others = [node for node in cluster3.nodes if node is not old]

    os.kill(old.proc.pid, signal.SIGSTOP)
    try:
        new = cluster3.wait_active(among=others, timeout=40)
        assert new.http("PUT", "secret/data/after-takeover", body={"data": {"v": "new"}}).status_code == 200
        # A write sent to the paused node waits in its socket; it runs when the node resumes.
        result: dict = {}

        def stale_write() -> None:
            try:
                result["status"] = old.http("PUT", "secret/data/stale-write", body={"data": {"v": "old"}}, timeout=30).status_code
            except requests.RequestException as e:
                result["status"] = type(e).__name__

        writer = threading.Thread(target=stale_write)
        writer.start()
        time.sleep(1)
    finally:
        os.kill(old.proc.pid, signal.SIGCONT)
    writer.join(timeout=40)
    assert result.get("status") != 200, "the old active acknowledged a write after losing the lock"
    # From the table: no row of the stale write, and the lock is the new node's.
    rows = psql(f"SELECT count(*) FROM \"{cluster3.table}\" WHERE key = 'stale-write' OR path LIKE '%/stale-write/%'")
    assert rows.strip() == "0", "a write of the old active reached PostgreSQL after the takeover"
    assert psql(f"SELECT count(*) FROM \"{cluster3.table}\" WHERE key = 'after-takeover'").strip() != "0"
    # The old node stepped down and follows the new leader.
    cluster3.wait_standbys_follow(new)
    assert cluster3.health(old) == 429


def restart_postgresql(down_for: float) -> None:
    """Stops the shared test cluster (fast: open connections are cut), keeps it
    down for `down_for` seconds, and starts it again on the same port."""
    pg_dir = os.environ.get("COFFER_TEST_PG_DIR", "")
    assert pg_dir and PG_BIN, "COFFER_TEST_PG_DIR / COFFER_TEST_PG_BIN are not set: ./scripts/test starts the cluster"
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    pg_ctl = [*as_owner, str(Path(PG_BIN) / "pg_ctl"), "-D", f"{pg_dir}/data"]
    stopped = subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True, text=True, timeout=60)
    try:
        assert stopped.returncode == 0, stopped.stderr
        time.sleep(down_for)
    finally:
        started = subprocess.run([*pg_ctl, "-l", f"{pg_dir}/server.log", "-w", "-t", "60", "start"],
                                 capture_output=True, text=True, timeout=90)
        assert started.returncode == 0, started.stderr


def test_postgresql_restart_under_load_recovers_without_a_coffer_restart(tmp_path):
    """PostgreSQL goes away for a while under load (Vault's open issue #17643):
    requests fail while it is gone, never with wrong data; service comes back by
    itself within seconds of its return; no acknowledged write is lost; the
    server processes are the same ones, unsealed."""
    cluster = Cluster(tmp_path, 2)
    try:
        cluster.init_and_unseal()
        active = cluster.wait_active()
        cluster.wait_standbys_follow(active)
        assert active.bao("secrets", "enable", "-path=secret", "kv-v2").returncode == 0
        active.wait_kv2_ready("secret")
        known = random_value()
        assert active.http("PUT", "secret/data/known", body={"data": {"v": known}}).status_code == 200
        pids = [node.proc.pid for node in cluster.nodes]
        wrong: list[str] = []
        stop_checking = threading.Event()

        def check_known() -> None:
            """A 200 must carry the value written, whatever else happens."""
            session = new_session()
            while not stop_checking.is_set():
                for node in cluster.nodes:
                    try:
                        r = session.get(node.url + "/v1/secret/data/known", headers={"X-Vault-Token": cluster.root}, timeout=20)
                        if r.status_code == 200 and r.json()["data"]["data"]["v"] != known:
                            wrong.append(node.url)
                    except (requests.RequestException, ValueError, KeyError):
                        pass

        checker = threading.Thread(target=check_known)
        checker.start()
        with Load(cluster, writers=16, readers=16) as load:
            time.sleep(2)
            before = len(load.acknowledged)
            restart_postgresql(down_for=3)
            back = time.monotonic()
            # Full service again: a write and a read through every node.
            recovered = None
            while recovered is None and time.monotonic() < back + 60:
                try:
                    ok = all(node.http("PUT", "secret/data/probe", body={"data": {"t": time.time()}}, timeout=5).status_code == 200
                             and node.http("GET", "secret/data/known", timeout=5).status_code == 200 for node in cluster.nodes)
                except requests.RequestException:
                    ok = False
                if ok:
                    recovered = time.monotonic() - back
                else:
                    time.sleep(0.1)
            time.sleep(2)
        stop_checking.set()
        checker.join(timeout=60)
        print(f"service back {recovered if recovered is None else round(recovered, 2)} s after PostgreSQL returned; "
              f"{len(load.errors)} requests failed meanwhile; {len(load.acknowledged)} writes acknowledged")
        if not IS_COFFER and recovered is None:
            pytest.skip("OpenBao did not recover within 60 s of PostgreSQL's return (the reference fails here)")
        assert recovered is not None, "no full service within 60 s of PostgreSQL's return\n" + active.output_tail(2000)
        assert load.errors, "no request failed while PostgreSQL was down: the restart did not happen"
        assert not wrong, f"a 200 carried a wrong value through {wrong[:3]}"
        assert len(load.acknowledged) > before, "no write was acknowledged after the restart"
        assert [node.proc.pid for node in cluster.nodes] == pids and all(node.proc.poll() is None for node in cluster.nodes)
        for node in cluster.nodes:
            assert node.http("GET", "sys/seal-status", token=None).json()["sealed"] is False
        session = new_session()
        for name in load.acknowledged:
            r = session.get(cluster.nodes[0].url + "/v1/secret/data/load/" + name,
                            headers={"X-Vault-Token": cluster.root}, timeout=20)
            assert r.status_code == 200, f"acknowledged write {name} lost: {r.status_code}"
    finally:
        cluster.stop()
