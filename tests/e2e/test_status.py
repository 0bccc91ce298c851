"""What an operator sees first: `bao status`, the mount list, hvac's health checks."""

import re

from conftest import assert_vault_headers


def test_bao_status_reports_unsealed_dev_server(run_bao):
    out = run_bao(["status"])
    assert out.returncode == 0, out.stderr
    assert re.search(r"^Sealed\s+false$", out.stdout, re.M), out.stdout
    assert re.search(r"^Initialized\s+true$", out.stdout, re.M), out.stdout


def test_bao_secrets_list_shows_default_mounts(run_bao):
    out = run_bao(["secrets", "list"])
    assert out.returncode == 0, out.stderr
    assert re.search(r"^secret/\s+kv\s", out.stdout, re.M), out.stdout
    assert re.search(r"^sys/\s+system\s", out.stdout, re.M), out.stdout
    assert re.search(r"^cubbyhole/\s+cubbyhole\s", out.stdout, re.M), out.stdout


def test_hvac_sees_initialized_unsealed_healthy_server(dev_server):
    client = dev_server.hvac()
    assert client.sys.is_initialized() is True
    assert client.sys.is_sealed() is False
    health = client.sys.read_health_status(method="GET")
    assert health["initialized"] is True
    assert health["sealed"] is False
    assert health["standby"] is False
    assert client.is_authenticated() is True


def test_hvac_lists_kv2_secret_mount_with_string_version(dev_server):
    mounts = dev_server.hvac().sys.list_mounted_secrets_engines()
    # Newer hvac code reads `data`, older code the top-level copy: both must be there.
    for view in (mounts["data"], mounts):
        assert "secret/" in view
        assert view["secret/"]["type"] == "kv"
        assert view["secret/"]["options"]["version"] == "2"
        assert "sys/" in view and "cubbyhole/" in view


def test_hvac_lists_token_auth_method(dev_server):
    methods = dev_server.hvac().sys.list_auth_methods()
    for view in (methods["data"], methods):
        assert "token/" in view
        assert view["token/"]["type"] == "token"


def test_head_health_is_200_with_empty_body(http):
    r = http("HEAD", "sys/health", token=None)
    assert r.status_code == 200
    assert r.content == b""
    assert_vault_headers(r)


def test_get_health_is_raw_object(http):
    r = http("GET", "sys/health", token=None)
    assert r.status_code == 200
    assert_vault_headers(r)
    body = r.json()
    assert body["initialized"] is True and body["sealed"] is False and body["standby"] is False
    assert isinstance(body["server_time_utc"], int)
    assert "data" not in body  # not the envelope


def test_kv_preflight_reports_mount_path_and_string_version(http):
    # Every `bao kv` command asks this first; a numeric version crashes the CLI.
    r = http("GET", "sys/internal/ui/mounts/secret/foo")
    assert r.status_code == 200, r.text
    assert_vault_headers(r)
    data = r.json()["data"]
    assert data["path"] == "secret/"
    assert data["type"] == "kv"
    assert isinstance(data["options"]["version"], str)
    assert data["options"]["version"] == "2"
