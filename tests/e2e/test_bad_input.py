"""What bad input gets: the right status, OpenBao's exact message in the
`{"errors": [...]}` envelope with `Content-Type: application/json` and
`Cache-Control: no-store`, and no change of state.

Expected messages are the ones OpenBao 2.7.2 gives (see
/work/shared/spec/examples/conventions and seal-init-health)."""

import pytest

from conftest import assert_error, assert_vault_headers, random_name

SEALED = ["Vault is sealed"]


def _assert_nothing_at(server, key: str) -> None:
    r = server.http("GET", f"secret/data/{key}")
    assert_error(r, 404, [])
    r = server.http("GET", f"secret/metadata/{key}")
    assert_error(r, 404, [])


# --------------------------------------------------------------------------
# Request bodies, routes, methods (shared dev server)
# --------------------------------------------------------------------------

def test_malformed_json_write_is_rejected_and_stores_nothing(dev_server):
    key = random_name("bad-json")
    r = dev_server.http("POST", f"secret/data/{key}", body='{"data": {')
    assert_error(r, 400, ["failed to decode JSON input: unexpected EOF"])
    _assert_nothing_at(dev_server, key)


def test_malformed_json_with_garbage_is_400_with_decode_prefix(dev_server):
    key = random_name("bad-json")
    r = dev_server.http("PUT", f"secret/data/{key}", body='{"data": {"a": tru}}')
    assert_error(r, 400)
    [msg] = r.json()["errors"]
    assert msg.startswith("failed to decode JSON input: "), msg
    _assert_nothing_at(dev_server, key)


def test_json_array_body_is_rejected_and_stores_nothing(dev_server):
    key = random_name("bad-array")
    r = dev_server.http("POST", f"secret/data/{key}", body=[{"data": {"a": "b"}}])
    assert_error(r, 400, ["failed to decode JSON input: json: cannot unmarshal array "
                          "into Go value of type map[string]interface {}"])
    _assert_nothing_at(dev_server, key)


def test_unknown_mount_with_root_token_is_404_no_handler(http):
    r = http("GET", "nonexistent/foo")
    assert_error(r, 404, ['no handler for route "nonexistent/foo". route entry not found.'])


@pytest.mark.parametrize("method,path", [
    ("GET", "sys/mounts"),
    ("GET", "secret/data/anything"),
    ("GET", "nonexistent/foo"),  # the token check comes before routing
    ("LIST", "secret/metadata/"),
])
def test_no_token_is_403_permission_denied(http, method, path):
    r = http(method, path, token=None)
    assert_error(r, 403, ["permission denied"])


def test_unknown_token_is_403_permission_denied(http):
    r = http("GET", "sys/mounts", token="s.AAAAAAAAAAAAAAAAAAAAAAAA")
    assert_error(r, 403, ["permission denied"])


def test_write_without_token_is_denied_and_stores_nothing(dev_server):
    key = random_name("no-token")
    r = dev_server.http("POST", f"secret/data/{key}", token=None, body={"data": {"a": "b"}})
    assert_error(r, 403, ["permission denied"])
    _assert_nothing_at(dev_server, key)


@pytest.mark.parametrize("path", ["/v2/sys/health", "/sys/health", "/v1x/secret/data/a"])
def test_path_not_under_v1_is_404_empty_errors(http, path):
    r = http("GET", path)
    assert_error(r, 404, [])


def test_unsupported_http_method_is_405_and_stores_nothing(dev_server):
    key = random_name("foo-method")
    r = dev_server.http("FOO", f"secret/data/{key}", body={"data": {"a": "b"}})
    assert_error(r, 405, [])
    _assert_nothing_at(dev_server, key)


def test_list_query_that_is_not_a_boolean_is_400(http):
    r = http("GET", "secret/metadata/ci?list=maybe")
    assert_error(r, 400, [])


def test_init_on_initialized_dev_server_is_400_and_root_still_works(http):
    r = http("PUT", "sys/init", token=None, body={"secret_shares": 1, "secret_threshold": 1})
    assert_error(r, 400, ["Vault is already initialized"])
    assert http("GET", "auth/token/lookup-self").status_code == 200


# --------------------------------------------------------------------------
# sys/health code overrides
# --------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_health_activecode_overrides_status_when_active(http, method):
    r = http(method, "sys/health?activecode=299", token=None)
    assert r.status_code == 299
    assert_vault_headers(r)
    if method == "GET":
        assert r.json()["sealed"] is False


def test_health_code_that_is_not_an_integer_is_400(http):
    r = http("GET", "sys/health?activecode=abc", token=None)
    assert_error(r, 400, [])


# --------------------------------------------------------------------------
# Uninitialized server
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def uninit_server(module_config_server_factory):
    return module_config_server_factory(persistent=False)


def _assert_uninitialized(server) -> None:
    r = server.http("GET", "sys/init", token=None)
    assert r.status_code == 200 and r.json() == {"initialized": False}, r.text
    st = server.http("GET", "sys/seal-status", token=None).json()
    assert (st["initialized"], st["sealed"], st["t"], st["n"]) == (False, True, 0, 0), st


def test_uninitialized_health_is_501_and_uninitcode_overrides(uninit_server):
    r = uninit_server.http("GET", "sys/health", token=None)
    assert r.status_code == 501
    assert_vault_headers(r)
    body = r.json()
    assert body["initialized"] is False and body["sealed"] is True
    r = uninit_server.http("GET", "sys/health?uninitcode=298&sealedcode=299&activecode=297",
                           token=None)
    assert r.status_code == 298
    assert_vault_headers(r)


def test_init_with_threshold_above_shares_is_400_and_server_stays_uninitialized(uninit_server):
    r = uninit_server.http("PUT", "sys/init", token=None,
                           body={"secret_shares": 3, "secret_threshold": 5})
    assert_error(r, 400, ["invalid seal configuration: threshold cannot be larger than shares"])
    _assert_uninitialized(uninit_server)


def test_init_with_zero_shares_is_400_and_server_stays_uninitialized(uninit_server):
    r = uninit_server.http("PUT", "sys/init", token=None,
                           body={"secret_shares": 0, "secret_threshold": 0})
    assert_error(r, 400, ["invalid seal configuration: shares must be at least one"])
    _assert_uninitialized(uninit_server)


def test_unseal_before_init_is_400_not_initialized(uninit_server):
    r = uninit_server.http("PUT", "sys/unseal", token=None, body={"key": "bm90LWEta2V5"})
    assert_error(r, 400, ["Vault is not initialized"])
    _assert_uninitialized(uninit_server)


def test_kv_read_before_init_is_503_sealed(uninit_server):
    r = uninit_server.http("GET", "secret/data/x", token="root")
    assert_error(r, 503, SEALED)


# --------------------------------------------------------------------------
# Initialized, sealed server (5 shares, threshold 3)
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sealed_server(module_config_server_factory):
    server = module_config_server_factory(persistent=False)
    server.init_answer = server.init(shares=5, threshold=3)
    return server


@pytest.fixture
def sealed(sealed_server):
    """The sealed server with unseal progress reset before and after the test."""
    sealed_server.http("PUT", "sys/unseal", token=None, body={"reset": True})
    yield sealed_server
    sealed_server.http("PUT", "sys/unseal", token=None, body={"reset": True})


def _seal_status(server) -> dict:
    r = server.http("GET", "sys/seal-status", token=None)
    assert r.status_code == 200, r.text
    assert_vault_headers(r)
    return r.json()


def _assert_sealed_progress(server, progress: int) -> None:
    st = _seal_status(server)
    assert st["sealed"] is True and st["initialized"] is True, st
    assert (st["t"], st["n"], st["progress"]) == (3, 5, progress), st
    if progress == 0:
        assert st["nonce"] == "", st


@pytest.mark.parametrize("method,path,token", [
    ("GET", "secret/data/x", "ROOT"),
    ("GET", "secret/data/x", None),
    ("GET", "sys/mounts", "ROOT"),
    ("GET", "sys/internal/ui/mounts/secret/foo", "ROOT"),
    ("GET", "auth/token/lookup-self", "ROOT"),
    ("GET", "nonexistent/foo", "ROOT"),
])
def test_sealed_server_answers_503_vault_is_sealed(sealed, method, path, token):
    tok = sealed.root_token if token == "ROOT" else token
    r = sealed.http(method, path, token=tok)
    assert_error(r, 503, SEALED)


def test_sealed_server_still_answers_seal_status(sealed):
    st = _seal_status(sealed)
    assert "data" not in st  # raw object, not the envelope
    assert st["type"] == "shamir"
    _assert_sealed_progress(sealed, 0)


def test_sealed_server_health_is_503_raw_body(sealed):
    r = sealed.http("GET", "sys/health", token=None)
    assert r.status_code == 503
    assert_vault_headers(r)
    body = r.json()
    assert "errors" not in body
    assert body["sealed"] is True and body["initialized"] is True and body["standby"] is True
    r = sealed.http("HEAD", "sys/health", token=None)
    assert r.status_code == 503 and r.content == b""


def test_sealed_server_health_sealedcode_overrides(sealed):
    r = sealed.http("GET", "sys/health?sealedcode=299&uninitcode=298&activecode=297", token=None)
    assert r.status_code == 299
    assert_vault_headers(r)
    assert r.json()["sealed"] is True


def test_sealed_server_still_answers_leader_and_init(sealed):
    r = sealed.http("GET", "sys/leader", token=None)
    assert r.status_code == 200, r.text
    assert_vault_headers(r)
    assert r.json()["ha_enabled"] is False
    r = sealed.http("GET", "sys/init", token=None)
    assert r.status_code == 200 and r.json() == {"initialized": True}


def test_init_again_is_400_and_seal_config_is_unchanged(sealed):
    r = sealed.http("PUT", "sys/init", token=None, body={"secret_shares": 1, "secret_threshold": 1})
    assert_error(r, 400, ["Vault is already initialized"])
    _assert_sealed_progress(sealed, 0)


def test_unseal_key_shorter_than_16_bytes_is_400_and_keeps_progress(sealed):
    key0 = sealed.init_answer["keys_base64"][0]
    assert sealed.http("PUT", "sys/unseal", token=None, body={"key": key0}).status_code == 200
    r = sealed.http("PUT", "sys/unseal", token=None, body={"key": "bm90LWEta2V5"})
    assert_error(r, 400, ["invalid key: key is shorter than minimum 16 bytes"])
    _assert_sealed_progress(sealed, 1)


@pytest.mark.parametrize("key", ["zz", "%%%", "not base64!"])
def test_unseal_key_neither_hex_nor_base64_is_400(sealed, key):
    r = sealed.http("PUT", "sys/unseal", token=None, body={"key": key})
    assert_error(r, 400, ["'key' must be a valid hex or base64 string"])
    _assert_sealed_progress(sealed, 0)


@pytest.mark.parametrize("body", [{}, None, {"key": ""}, {"reset": False}])
def test_unseal_without_key_is_400(sealed, body):
    r = sealed.http("PUT", "sys/unseal", token=None, body=body)
    assert_error(r, 400, ["'key' must be specified in request body as JSON, or 'reset' set to true"])
    _assert_sealed_progress(sealed, 0)


def test_unseal_with_json_array_body_is_400(sealed):
    r = sealed.http("PUT", "sys/unseal", token=None, body=[sealed.init_answer["keys_base64"][0]])
    assert_error(r, 400)
    [msg] = r.json()["errors"]
    assert msg.startswith("failed to decode JSON input: "), msg
    _assert_sealed_progress(sealed, 0)


def test_unseal_reset_discards_progress(sealed):
    keys = sealed.init_answer["keys_base64"]
    for i, key in enumerate(keys[:2], start=1):
        r = sealed.http("PUT", "sys/unseal", token=None, body={"key": key})
        assert r.status_code == 200
        assert r.json()["progress"] == i
        assert r.json()["nonce"] != ""
    r = sealed.http("PUT", "sys/unseal", token=None, body={"reset": True})
    assert r.status_code == 200
    assert_vault_headers(r)
    body = r.json()
    assert (body["sealed"], body["progress"], body["nonce"]) == (True, 0, "")
    _assert_sealed_progress(sealed, 0)


def test_same_share_twice_counts_once(sealed):
    # One key holder must not be able to unseal alone by repeating a share,
    # whatever encoding they use.
    answer = sealed.init_answer
    for key in (answer["keys_base64"][0], answer["keys_base64"][0], answer["keys"][0]):
        r = sealed.http("PUT", "sys/unseal", token=None, body={"key": key})
        assert r.status_code == 200, r.text
        assert r.json()["sealed"] is True
    _assert_sealed_progress(sealed, 1)


def test_unseal_with_another_servers_shares_fails_and_correct_unseal_still_works(
        sealed_server, config_server_factory):
    # `sealed_server` is a different server with a different root key:
    # its shares combine to a key that cannot open this server's keyring.
    server = config_server_factory(persistent=False)
    own = server.init(shares=5, threshold=3)
    foreign = sealed_server.init_answer["keys_base64"]
    secret_material = set(own["keys_base64"]) | set(own["keys"]) | set(foreign)

    def attempt(keys: list[str]) -> None:
        for i, key in enumerate(keys, start=1):
            r = server.http("PUT", "sys/unseal", token=None, body={"key": key})
            if i < len(keys):
                assert r.status_code == 200, r.text
                assert r.json()["progress"] == i
                continue
            # OpenBao 2.7.2: 400 "unable to retrieve stored keys: invalid key:
            # failed to decrypt keys from storage: cipher: message
            # authentication failed", and the collected shares are discarded.
            assert_error(r, 400)
            errors = r.json()["errors"]
            assert len(errors) == 1 and errors[0]
            leaked = any(k in errors[0] for k in secret_material)
            assert not leaked, "an unseal key share appears in the error message"
        st = _seal_status(server)
        assert (st["sealed"], st["progress"], st["nonce"]) == (True, 0, ""), st

    attempt(foreign[:3])
    attempt([own["keys_base64"][0], own["keys_base64"][1], foreign[2]])

    last = {}
    for key in own["keys_base64"][2:5]:
        r = server.http("PUT", "sys/unseal", token=None, body={"key": key})
        assert r.status_code == 200, r.text
        last = r.json()
    assert last["sealed"] is False
    server.wait_active()
    assert server.http("GET", "sys/mounts").status_code == 200
