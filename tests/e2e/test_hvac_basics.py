"""What a Python CI script does with hvac: mount a KV v2 engine, write and read
a secret, unmount; enable and disable an auth method."""

import hvac.exceptions
import pytest

from conftest import IS_COFFER, random_name, random_value


def test_hvac_kv2_mount_write_read_unmount(dev_server):
    client = dev_server.hvac()
    mount = random_name("hvac-kv")
    client.sys.enable_secrets_engine("kv", path=mount, options={"version": "2"})
    try:
        dev_server.wait_kv2_ready(mount)  # OpenBao: a new KV v2 mount is briefly "upgrading"
        mounts = client.sys.list_mounted_secrets_engines()["data"]
        assert mounts[f"{mount}/"]["type"] == "kv"
        assert mounts[f"{mount}/"]["options"]["version"] == "2"

        value = random_value(32)
        written = client.secrets.kv.v2.create_or_update_secret(
            path="ci/app/db", secret={"password": value, "user": "ci"}, mount_point=mount)
        assert written["data"]["version"] == 1

        read = client.secrets.kv.v2.read_secret_version(
            path="ci/app/db", mount_point=mount, raise_on_deleted_version=True)
        ok = read["data"]["data"] == {"password": value, "user": "ci"}
        assert ok, "read_secret_version did not return what was written"
        assert read["data"]["metadata"]["version"] == 1

        client.secrets.kv.v2.create_or_update_secret(
            path="ci/app/db", secret={"password": "second"}, mount_point=mount)
        first = client.secrets.kv.v2.read_secret_version(
            path="ci/app/db", version=1, mount_point=mount, raise_on_deleted_version=True)
        ok = first["data"]["data"]["password"] == value
        assert ok, "version 1 changed after writing version 2"
    finally:
        client.sys.disable_secrets_engine(path=mount)

    assert f"{mount}/" not in client.sys.list_mounted_secrets_engines()["data"]
    # The data went with the mount: the path is no longer routed.
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.secrets.kv.v2.read_secret_version(
            path="ci/app/db", mount_point=mount, raise_on_deleted_version=True)


def test_hvac_enable_and_disable_approle_auth(dev_server):
    client = dev_server.hvac()
    path = random_name("approle")
    try:
        client.sys.enable_auth_method("approle", path=path)
    except hvac.exceptions.VaultError as e:
        if IS_COFFER:
            pytest.skip(f"coffer: approle auth method not available yet ({e})")
        raise
    try:
        methods = client.sys.list_auth_methods()["data"]
        assert methods[f"{path}/"]["type"] == "approle"
    finally:
        client.sys.disable_auth_method(path=path)
    assert f"{path}/" not in client.sys.list_auth_methods()["data"]
