"""Dynamic PostgreSQL credentials (issue 18): the database secrets engine on the
test cluster that ./scripts/test starts (scripts/pg-test-cluster), with a real
`psql` logging in as each generated user. A CircleCI job's token (from
`coffer ci-oidc`) gets a user that is gone when its lease ends or the token is
revoked. Runs against Coffer and against OpenBao (E2E_SERVER=bao), which has
the same engine built in."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from ci_job import job_login as ci_job_login
from ci_job import jwt_mount
from conftest import IS_COFFER, coffer_only, random_name, random_value
from tcp_outage import Outage
from test_ci_oidc_issuer import Issuer

PG_URL = os.environ.get("COFFER_TEST_PG_URL")
PG_DIR = os.environ.get("COFFER_TEST_PG_DIR", "")
PG_PORT = os.environ.get("COFFER_TEST_PG_PORT", "")
PG_BIN = os.environ.get("COFFER_TEST_PG_BIN", "")

pytestmark = pytest.mark.skipif(
    not PG_URL and os.environ.get("CI") != "true",
    reason="no test PostgreSQL: run through ./scripts/test, which starts one (in CI this fails instead)")

PROJECT = "5a6b7c8d-0000-4000-8000-0000000000db"


# --------------------------------------------------------------------------
# PostgreSQL helpers
# --------------------------------------------------------------------------

def admin(sql: str) -> str:
    """Runs SQL as the cluster's superuser (the URL carries its password)."""
    out = subprocess.run([str(Path(PG_BIN) / "psql"), PG_URL, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def as_user(username: str, password: str, sql: str) -> subprocess.CompletedProcess:
    """`psql` logged in as a generated user, over TLS with the cluster's CA."""
    env = dict(os.environ, PGPASSWORD=password, PGCONNECT_TIMEOUT="5")
    return subprocess.run(
        [str(Path(PG_BIN) / "psql"), "-h", "localhost", "-p", PG_PORT, "-U", username, "-d", "coffer_test", "-qAtX",
         "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=30,
        env=env | {"PGSSLMODE": "verify-full", "PGSSLROOTCERT": f"{PG_DIR}/ca.pem"})


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def role_exists(username: str) -> bool:
    return admin(f"SELECT count(*) FROM pg_roles WHERE rolname = {literal(username)}").strip() == "1"


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting until {what}"
        time.sleep(0.25)


def connection_url(extra: str = "") -> str:
    return (f"postgresql://{{{{username}}}}:{{{{password}}}}@localhost:{PG_PORT}/coffer_test"
            f"?sslmode=verify-full&sslrootcert={PG_DIR}/ca.pem&connect_timeout=3{extra}")


# --------------------------------------------------------------------------
# Fixtures: one mount, one root user, one schema per module
# --------------------------------------------------------------------------

class Database:
    def __init__(self, server, mount: str, root: str, root_password: str, schema: str, other_table: str):
        self.server, self.mount, self.root, self.root_password = server, mount, root, root_password
        self.schema, self.other_table = schema, other_table

    def creation_statements(self) -> list[str]:
        quoted = '"' + self.schema.replace('"', '""') + '"'
        return [
            "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
            f'GRANT USAGE ON SCHEMA {quoted} TO "{{{{name}}}}"; '
            f'GRANT SELECT ON ALL TABLES IN SCHEMA {quoted} TO "{{{{name}}}}";',
        ]

    def granted_query(self) -> str:
        return 'SELECT count(*) FROM "' + self.schema.replace('"', '""') + '".builds'

    def write_role(self, name: str, **fields) -> None:
        body = {"db_name": "pg", "creation_statements": self.creation_statements(), "default_ttl": "1h", "max_ttl": "2h"}
        body.update(fields)
        r = self.server.http("POST", f"{self.mount}/roles/{name}", body=body)
        assert r.status_code == 204, r.text

    def creds(self, role: str, token=None) -> dict:
        kwargs = {} if token is None else {"token": token}
        r = self.server.http("GET", f"{self.mount}/creds/{role}", **kwargs)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def db(dev_server) -> Database:
    suffix = random_name("e2e").split("-")[1]
    root, root_password = f"coffer_root_{suffix}", random_value(24)
    # A schema whose name needs quoting: the default revocation must quote it to
    # revoke the user's grants in it, or DROP ROLE fails and the user stays.
    schema, other = f'ci "builds" {suffix}', f"other_{suffix}"
    quoted = '"' + schema.replace('"', '""') + '"'
    admin(f"CREATE ROLE {root} WITH LOGIN SUPERUSER PASSWORD {literal(root_password)}; "
          f"CREATE SCHEMA {quoted}; CREATE TABLE {quoted}.builds (id int); INSERT INTO {quoted}.builds VALUES (1), (2); "
          f"CREATE TABLE {other} (secret text)")
    mount = random_name("database")
    assert dev_server.bao("secrets", "enable", f"-path={mount}", "database").returncode == 0
    r = dev_server.http("POST", f"{mount}/config/pg", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": connection_url(),
        "username": root, "password": root_password, "allowed_roles": ["ci-*", "hvac-*", "bad-sql"]})
    assert r.status_code == 204, r.text
    yield Database(dev_server, mount, root, root_password, schema, other)
    dev_server.http("DELETE", f"sys/mounts/{mount}")


# --------------------------------------------------------------------------
# Acceptance 1 and 2: a CircleCI job's user lives as long as its lease and token
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = Issuer(tmp_path_factory.mktemp("db-issuer"))
    yield server
    server.proc.kill()
    server.proc.wait()


def job_policy(db: Database, role: str) -> str:
    policy = random_name("ci-db")
    text = f'path "{db.mount}/creds/{role}" {{ capabilities = ["read"] }}'
    assert db.server.bao("policy", "write", policy, "-", input=text).returncode == 0
    return policy


def job_login(server, issuer, mount: str, vcs_ref: str = "refs/heads/main") -> str:
    return ci_job_login(server, issuer, mount, PROJECT, vcs_ref)


def test_a_ci_job_gets_a_database_user_that_is_dropped_when_its_lease_expires(db, issuer):
    db.write_role("ci-migrate", default_ttl="5s", max_ttl="1m")
    token = job_login(db.server, issuer, jwt_mount(db.server, issuer, job_policy(db, "ci-migrate")))
    out = db.server.bao("read", "-format=json", f"{db.mount}/creds/ci-migrate", token=token)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["lease_duration"] == 5 and answer["renewable"] is True
    assert answer["lease_id"].startswith(f"{db.mount}/creds/ci-migrate/")
    user, password = answer["data"]["username"], answer["data"]["password"]
    assert len(user) <= 63 and user.startswith("v-jwt-")
    assert len(password) >= 20

    granted = as_user(user, password, db.granted_query())
    assert granted.returncode == 0 and granted.stdout.strip() == "2", granted.stderr
    refused = as_user(user, password, f"SELECT * FROM {db.other_table}")
    assert refused.returncode != 0 and "permission denied" in refused.stderr

    wait_until(lambda: not role_exists(user), 30, "the expired lease's user is dropped")
    gone = as_user(user, password, "SELECT 1")
    assert gone.returncode != 0 and "authentication failed" in gone.stderr


def test_revoking_the_jobs_token_drops_its_users_at_once(db, issuer):
    db.write_role("ci-deploy")
    token = job_login(db.server, issuer, jwt_mount(db.server, issuer, job_policy(db, "ci-deploy")))
    users = [db.creds("ci-deploy", token=token)["data"]["username"] for _ in range(2)]
    assert all(role_exists(u) for u in users)
    out = db.server.bao("token", "revoke", token)
    assert out.returncode == 0, out.stderr
    wait_until(lambda: not any(role_exists(u) for u in users), 5, "the revoked token's users are dropped")


# --------------------------------------------------------------------------
# Config and roles
# --------------------------------------------------------------------------

def test_config_read_never_shows_the_password(db):
    r = db.server.http("GET", f"{db.mount}/config/pg")
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["plugin_name"] == "postgresql-database-plugin"
    assert data["allowed_roles"] == ["ci-*", "hvac-*", "bad-sql"]
    assert data["connection_details"] == {"connection_url": connection_url(), "username": db.root}
    assert db.root_password not in r.text
    listed = db.server.http("LIST", f"{db.mount}/config")
    assert listed.json()["data"]["keys"] == ["pg"]


def test_a_literal_password_in_the_url_is_warned_about_and_masked(db):
    password = random_value(16)
    url = f"postgresql://{db.root}:{password}@localhost:{PG_PORT}/coffer_test?sslmode=disable"
    r = db.server.http("POST", f"{db.mount}/config/literal", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": url, "verify_connection": False})
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == [
        "Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.",
        # OpenBao's framework adds this to any answer with a body: the plugin's fields are not in its schema.
        "Endpoint ignored these unrecognized parameters: [connection_url]"]
    read = db.server.http("GET", f"{db.mount}/config/literal")
    assert password not in read.text
    assert read.json()["data"]["connection_details"]["connection_url"] == url.replace(password, "xxxxx")
    db.server.http("DELETE", f"{db.mount}/config/literal")


def test_a_config_that_cannot_connect_is_refused_with_the_databases_reason_and_not_stored(db):
    wrong = random_value(16)
    r = db.server.http("POST", f"{db.mount}/config/wrong", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": connection_url(),
        "username": db.root, "password": wrong, "allowed_roles": ["*"]})
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    assert error.startswith("error creating database object: error verifying connection")
    assert "password authentication failed" in error and wrong not in error
    assert db.server.http("GET", f"{db.mount}/config/wrong").status_code == 404
    # verify_connection=false stores it without connecting.
    r = db.server.http("POST", f"{db.mount}/config/wrong", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": connection_url(),
        "username": db.root, "password": wrong, "verify_connection": False})
    assert r.status_code == 204, r.text
    db.server.http("DELETE", f"{db.mount}/config/wrong")


def test_role_reads_back_as_written(db):
    db.write_role("ci-read", default_ttl="1h", max_ttl="24h")
    r = db.server.http("GET", f"{db.mount}/roles/ci-read")
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {
        "db_name": "pg", "creation_statements": db.creation_statements(), "credential_type": "password",
        "default_ttl": 3600, "max_ttl": 86400, "renew_statements": [], "revocation_statements": [],
        "rollback_statements": []}
    assert "ci-read" in db.server.http("LIST", f"{db.mount}/roles").json()["data"]["keys"]


def test_unknown_and_not_allowed_roles_are_refused(db):
    r = db.server.http("GET", f"{db.mount}/creds/nope")
    assert r.status_code == 400 and r.json()["errors"] == ["unknown role: nope"]
    db.write_role("outsider")
    r = db.server.http("GET", f"{db.mount}/creds/outsider")
    assert r.status_code == 500 and r.json()["errors"] == ['1 error occurred:\n\t* "outsider" is not an allowed role\n\n'], r.text


def test_invalid_creation_sql_gives_the_databases_error_and_creates_no_user(db):
    db.write_role("bad-sql", creation_statements=[
        "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}';", "SELEKT 1;"])
    before = admin("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%'")
    leases_before = db.server.http("LIST", f"sys/leases/lookup/{db.mount}/creds/")
    r = db.server.http("GET", f"{db.mount}/creds/bad-sql")
    assert r.status_code == 500, r.text
    # The database's own error, as OpenBao words it (a 500: the role was written without a check).
    assert r.json()["errors"] == [
        '1 error occurred:\n\t* failed to execute query: ERROR: syntax error at or near "SELEKT" (SQLSTATE 42601)\n\n'], r.text
    assert admin("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%'") == before
    after = db.server.http("LIST", f"sys/leases/lookup/{db.mount}/creds/")
    assert after.json().get("data") == leases_before.json().get("data")


@coffer_only  # OpenBao pastes the display name into the SQL as it is: the claim closes the quotes.
def test_a_display_name_cannot_inject_sql_into_the_creation_statements(db, issuer):
    db.write_role("ci-inject")
    mount = jwt_mount(db.server, issuer, job_policy(db, "ci-inject"), user_claim="oidc.circleci.com/vcs-ref",
                      mount="j" + random_name("x").split("-")[1][:2])
    token = job_login(db.server, issuer, mount, vcs_ref='";--x')
    data = db.creds("ci-inject", token=token)["data"]
    assert '"' not in data["username"] and ";" not in data["username"]
    assert data["username"].startswith("v-j") and role_exists(data["username"])
    ok = as_user(data["username"], data["password"], db.granted_query())
    assert ok.returncode == 0 and ok.stdout.strip() == "2", ok.stderr


# --------------------------------------------------------------------------
# Leases: lookup, renew, revoke, revoke-prefix, LIST
# --------------------------------------------------------------------------

def test_leases_renew_within_max_ttl_and_move_the_users_expiry(db):
    db.write_role("ci-renew", default_ttl="1m", max_ttl="3m")
    answer = db.creds("ci-renew")
    lease, user = answer["lease_id"], answer["data"]["username"]
    looked = db.server.http("PUT", "sys/leases/lookup", body={"lease_id": lease}).json()["data"]
    assert looked["id"] == lease and looked["renewable"] is True and 55 <= looked["ttl"] <= 60
    listed = db.server.http("LIST", f"sys/leases/lookup/{db.mount}/creds/ci-renew/").json()["data"]["keys"]
    assert lease.rsplit("/", 1)[1] in listed

    before = admin(f"SELECT extract(epoch FROM rolvaliduntil)::bigint FROM pg_roles WHERE rolname = {literal(user)}")
    out = db.server.bao("lease", "renew", "-format=json", "-increment=2m", lease)
    assert out.returncode == 0, out.stderr
    assert 115 <= json.loads(out.stdout)["lease_duration"] <= 120
    after = admin(f"SELECT extract(epoch FROM rolvaliduntil)::bigint FROM pg_roles WHERE rolname = {literal(user)}")
    assert int(after) - int(before) >= 55, (before, after)
    # Past max_ttl (3m from issue) the increment is cut.
    capped = db.server.http("PUT", "sys/leases/renew", body={"lease_id": lease, "increment": "1h"})
    assert capped.status_code == 200 and 170 <= capped.json()["lease_duration"] <= 180, capped.text

    out = db.server.bao("lease", "revoke", lease)
    assert out.returncode == 0, out.stderr
    wait_until(lambda: not role_exists(user), 5, "the revoked lease's user is dropped")
    assert db.server.http("PUT", "sys/leases/lookup", body={"lease_id": lease}).status_code == 400


def test_revoke_prefix_drops_every_user_of_a_role_even_after_the_role_is_deleted(db):
    db.write_role("ci-prefix")
    users = [db.creds("ci-prefix")["data"]["username"] for _ in range(3)]
    assert db.server.http("DELETE", f"{db.mount}/roles/ci-prefix").status_code == 204
    r = db.server.http("PUT", f"sys/leases/revoke-prefix/{db.mount}/creds/ci-prefix")
    assert r.status_code == 204, r.text
    assert not any(role_exists(u) for u in users)


# --------------------------------------------------------------------------
# Acceptance 5: hvac and the bao CLI unchanged
# --------------------------------------------------------------------------

def test_hvac_configures_and_generates_credentials(db):
    client = db.server.hvac()
    client.secrets.database.configure(
        name="hvac-pg", plugin_name="postgresql-database-plugin", allowed_roles=["hvac-ro"],
        connection_url=connection_url(), username=db.root, password=db.root_password, mount_point=db.mount)
    client.secrets.database.create_role(
        name="hvac-ro", db_name="hvac-pg", creation_statements=db.creation_statements(), default_ttl="10m",
        max_ttl="1h", mount_point=db.mount)
    answer = client.secrets.database.generate_credentials(name="hvac-ro", mount_point=db.mount)
    assert answer["lease_duration"] == 600 and answer["renewable"] is True
    user, password = answer["data"]["username"], answer["data"]["password"]
    ok = as_user(user, password, db.granted_query())
    assert ok.returncode == 0 and ok.stdout.strip() == "2", ok.stderr
    client.sys.revoke_lease(answer["lease_id"])
    assert not role_exists(user)


def test_bao_read_prints_the_username_and_password(db):
    db.write_role("ci-cli")
    out = db.server.bao("read", f"{db.mount}/creds/ci-cli")
    assert out.returncode == 0, out.stderr
    rows = dict(line.split(None, 1) for line in out.stdout.splitlines()[2:] if line.strip())
    assert rows["lease_id"].startswith(f"{db.mount}/creds/ci-cli/") and rows["lease_renewable"] == "true"
    assert rows["lease_duration"] == "1h"
    ok = as_user(rows["username"], rows["password"], "SELECT 1")
    assert ok.returncode == 0, ok.stderr


# --------------------------------------------------------------------------
# Acceptance 3: rotate-root, also across a crash
# --------------------------------------------------------------------------

def new_root(suffix: str) -> tuple[str, str]:
    user, password = f"coffer_rot_{suffix}_{random_name('r').split('-')[1]}", random_value(24)
    admin(f"CREATE ROLE {user} WITH LOGIN SUPERUSER PASSWORD {literal(password)}")
    return user, password


def configure(server, mount: str, name: str, user: str, password: str, url: str | None = None) -> None:
    r = server.http("POST", f"{mount}/config/{name}", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": url or connection_url(),
        "username": user, "password": password, "allowed_roles": ["*"]})
    assert r.status_code == 204, r.text


def simple_role(server, mount: str, role: str, db_name: str, ttl: str = "1h") -> None:
    r = server.http("POST", f"{mount}/roles/{role}", body={
        "db_name": db_name, "default_ttl": ttl, "max_ttl": "2h",
        "creation_statements": ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"]})
    assert r.status_code == 204, r.text


def test_rotate_root_makes_the_old_password_useless_and_keeps_issuing(db):
    user, password = new_root("a")
    configure(db.server, db.mount, "rot", user, password)
    simple_role(db.server, db.mount, "ci-rot", "rot")
    r = db.server.http("POST", f"{db.mount}/rotate-root/rot")
    assert r.status_code == 204, r.text
    old = as_user(user, password, "SELECT 1")
    assert old.returncode != 0 and "password authentication failed" in old.stderr
    assert password not in db.server.http("GET", f"{db.mount}/config/rot").text
    data = db.creds("ci-rot")["data"]
    assert as_user(data["username"], data["password"], "SELECT 1").returncode == 0


def unsealed_config_server(factory, env: dict[str, str] | None = None):
    server = factory()
    if env:
        server.kill()
        server.env = dict(server.env or os.environ, **env)
        server.start()
    keys = server.init(shares=1, threshold=1)["keys_base64"]
    server.unseal(keys)
    return server, keys


@coffer_only  # the crash is injected through Coffer's test hook (COFFER_TEST_CRASH_POINT)
@pytest.mark.parametrize("point,rotated", [("rotate-root-recorded", False), ("rotate-root-set", True)],
                         ids=["crash before the password is set", "crash after it is set, before the config is stored"])
def test_a_crash_during_rotate_root_never_locks_coffer_out(config_server_factory, point, rotated):
    server, keys = unsealed_config_server(config_server_factory, {"COFFER_TEST_CRASH_POINT": point})
    user, password = new_root("c")
    assert server.bao("secrets", "enable", "database").returncode == 0
    configure(server, "database", "pg", user, password)
    simple_role(server, "database", "ci", "pg")
    try:
        server.http("POST", "database/rotate-root/pg", timeout=10)
    except Exception:
        pass  # the process died mid-request, as it should
    assert server.proc.wait(timeout=10) == 137
    server.env.pop("COFFER_TEST_CRASH_POINT")
    server.start()
    server.unseal(keys)
    data = server.http("GET", "database/creds/ci")
    assert data.status_code == 200, data.text
    creds = data.json()["data"]
    assert as_user(creds["username"], creds["password"], "SELECT 1").returncode == 0
    old = as_user(user, password, "SELECT 1")
    assert (old.returncode != 0) == rotated, old.stderr
    # The record is gone: a second rotation works and the config holds no stale password.
    assert server.http("POST", "database/rotate-root/pg").status_code == 204
    assert server.http("GET", "database/creds/ci").status_code == 200


# --------------------------------------------------------------------------
# Acceptance 4: PostgreSQL down at revocation time
# --------------------------------------------------------------------------

@coffer_only  # OpenBao's backoff starts at 10 s and gives up after ~10 minutes; Coffer's base is set by env here
def test_revocation_is_retried_until_postgresql_is_back_even_across_a_restart(config_server_factory):
    outage = Outage(int(PG_PORT))
    server, keys = unsealed_config_server(config_server_factory, {"COFFER_LEASE_REVOKE_RETRY_BASE": "0.5"})
    user, password = new_root("o")
    assert server.bao("secrets", "enable", "database").returncode == 0
    # `localhost` for the certificate's name; the port is the forwarder's.
    configure(server, "database", "pg", user, password, url=connection_url().replace(f":{PG_PORT}/", f":{outage.port}/"))
    simple_role(server, "database", "ci", "pg", ttl="2s")
    answer = server.http("GET", "database/creds/ci").json()
    victim = answer["data"]["username"]
    outage.down()
    time.sleep(6)  # expired, and the first attempts failed
    assert role_exists(victim), "revoked although PostgreSQL was unreachable?"
    assert server.http("PUT", "sys/leases/lookup", body={"lease_id": answer["lease_id"]}).status_code == 400
    server.restart()
    server.unseal(keys)
    outage.up()
    wait_until(lambda: not role_exists(victim), 40, "the lease is revoked once PostgreSQL is back")
    assert server.http("LIST", f"sys/leases/lookup/database/creds/ci/").status_code == 404


@coffer_only  # as above: OpenBao needs ~10 minutes to give up
def test_a_lease_that_cannot_be_revoked_ends_up_listed_as_irrevocable(config_server_factory):
    outage = Outage(int(PG_PORT))
    server, _ = unsealed_config_server(config_server_factory, {"COFFER_LEASE_REVOKE_RETRY_BASE": "0.05"})
    user, password = new_root("i")
    assert server.bao("secrets", "enable", "database").returncode == 0
    configure(server, "database", "pg", user, password, url=connection_url().replace(f":{PG_PORT}/", f":{outage.port}/"))
    simple_role(server, "database", "ci", "pg", ttl="1s")
    answer = server.http("GET", "database/creds/ci").json()
    outage.down()

    def listed():
        r = server.http("GET", "sys/leases", params={"type": "irrevocable"})
        return r.status_code == 200 and r.json()["data"]["lease_count"] == 1

    wait_until(listed, 60, "the lease is listed as irrevocable")
    [lease] = server.http("LIST", "sys/leases", params={"type": "irrevocable"}).json()["data"]["leases"]
    assert lease["lease_id"] == answer["lease_id"] and lease["error"].startswith("out of retries: ")
    assert len(lease["error"]) <= 240 and password not in lease["error"]
    accessor = server.http("GET", "sys/mounts").json()["data"]["database/"]["accessor"]
    assert lease["mount_id"] == accessor
    counted = server.http("GET", "sys/leases/count", params={"type": "irrevocable"}).json()["data"]
    assert counted == {"lease_count": 1, "counts": {accessor: 1}}
    # revoke-force drops the record although the user could not be dropped.
    assert server.http("PUT", "sys/leases/revoke-force/database/creds/ci").status_code == 204
    assert server.http("GET", "sys/leases", params={"type": "irrevocable"}).json()["data"]["lease_count"] == 0
    outage.up()
    admin(f'DROP ROLE IF EXISTS "{answer["data"]["username"]}"')


# --------------------------------------------------------------------------
# Static roles, password_authentication, username_template
# --------------------------------------------------------------------------

def static_creds(server, mount: str, role: str) -> dict:
    r = server.http("GET", f"{mount}/static-creds/{role}")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_a_static_role_rotates_its_users_password_on_schedule_and_on_demand(db):
    user, first = f"ci_static_{random_name('s').split('-')[1]}", random_value(20)
    admin(f"CREATE ROLE {user} WITH LOGIN PASSWORD {literal(first)}")
    r = db.server.http("POST", f"{db.mount}/static-roles/ci-static", body={"db_name": "pg", "username": user, "rotation_period": "2s"})
    assert r.status_code == 400 and r.json()["errors"] == ["rotation_period must be 5 seconds or more"], r.text
    r = db.server.http("POST", f"{db.mount}/static-roles/ci-static", body={"db_name": "pg", "username": user, "rotation_period": "5s"})
    assert r.status_code == 204, r.text
    assert as_user(user, first, "SELECT 1").returncode != 0, "the password Coffer replaced still works"
    creds = static_creds(db.server, db.mount, "ci-static")
    assert creds["username"] == user and creds["rotation_period"] == 5 and 0 <= creds["ttl"] <= 5
    assert creds["last_vault_rotation"]
    assert as_user(user, creds["password"], "SELECT 1").returncode == 0

    read = db.server.http("GET", f"{db.mount}/static-roles/ci-static")
    assert creds["password"] not in read.text and read.json()["data"]["username"] == user
    r = db.server.http("POST", f"{db.mount}/roles/ci-static", body={"db_name": "pg", "creation_statements": ["SELECT 1"]})
    assert r.status_code == 400 and r.json()["errors"] == ["Role and Static Role names must be unique"], r.text

    wait_until(lambda: static_creds(db.server, db.mount, "ci-static")["password"] != creds["password"], 20,
               "the scheduled rotation")
    scheduled = static_creds(db.server, db.mount, "ci-static")
    assert as_user(user, scheduled["password"], "SELECT 1").returncode == 0
    assert as_user(user, creds["password"], "SELECT 1").returncode != 0

    assert db.server.http("POST", f"{db.mount}/rotate-role/ci-static").status_code == 204
    manual = static_creds(db.server, db.mount, "ci-static")
    assert manual["password"] != scheduled["password"]
    assert as_user(user, manual["password"], "SELECT 1").returncode == 0
    assert db.server.http("DELETE", f"{db.mount}/static-roles/ci-static").status_code == 204


def test_static_rotations_survive_a_restart(config_server_factory):
    server, keys = unsealed_config_server(config_server_factory)
    root, root_password = new_root("s")
    user = f"ci_restart_{random_name('s').split('-')[1]}"
    admin(f"CREATE ROLE {user} WITH LOGIN PASSWORD {literal(random_value(20))}")
    assert server.bao("secrets", "enable", "database").returncode == 0
    configure(server, "database", "pg", root, root_password)
    r = server.http("POST", "database/static-roles/ci", body={"db_name": "pg", "username": user, "rotation_period": "5s"})
    assert r.status_code == 204, r.text
    before = static_creds(server, "database", "ci")
    server.kill()
    time.sleep(6)  # the rotation falls due while the server is down
    server.start()
    server.unseal(keys)
    wait_until(lambda: static_creds(server, "database", "ci")["password"] != before["password"], 30,
               "the overdue rotation after the restart")
    after = static_creds(server, "database", "ci")
    assert as_user(user, after["password"], "SELECT 1").returncode == 0
    assert as_user(user, before["password"], "SELECT 1").returncode != 0


@pytest.mark.parametrize("mode,stored", [("scram-sha-256", "SCRAM-SHA-256$"), ("password", "md5")])
def test_scram_sha_256_sends_only_the_verifier(db, mode, stored):
    # The root user's sessions hash plaintext passwords with md5: what PostgreSQL
    # stores shows whether it got the password itself or Coffer's SCRAM verifier.
    root, root_password = new_root("p")
    admin(f"ALTER ROLE {root} SET password_encryption = 'md5'")
    name = f"scram-{mode}"
    r = db.server.http("POST", f"{db.mount}/config/{name}", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": connection_url(), "username": root,
        "password": root_password, "allowed_roles": ["*"], "password_authentication": mode})
    assert r.status_code == 204, r.text
    simple_role(db.server, db.mount, f"ci-{mode}", name)
    data = db.creds(f"ci-{mode}")["data"]
    kept = admin(f"SELECT rolpassword FROM pg_authid WHERE rolname = {literal(data['username'])}")
    assert kept.startswith(stored), kept[:14]
    if mode == "scram-sha-256":
        assert as_user(data["username"], data["password"], "SELECT 1").returncode == 0


def test_username_template_shapes_the_generated_names(db):
    r = db.server.http("POST", f"{db.mount}/config/tpl", body={
        "plugin_name": "postgresql-database-plugin", "connection_url": connection_url(), "username": db.root,
        "password": db.root_password, "allowed_roles": ["*"], "username_template": "ci_{{.RoleName}}_{{random 8}}"})
    assert r.status_code == 204, r.text
    simple_role(db.server, db.mount, "ci-tpl", "tpl")
    data = db.creds("ci-tpl")["data"]
    import re
    assert re.fullmatch(r"ci_ci-tpl_[A-Za-z0-9]{8}", data["username"]), data["username"]
    assert as_user(data["username"], data["password"], "SELECT 1").returncode == 0
