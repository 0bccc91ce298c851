"""hvac drives KV v2 the way it would against OpenBao: versions, check-and-set,
delete/undelete/destroy, metadata and max_versions. Run with E2E_SERVER=bao to
see OpenBao give the same results."""

from __future__ import annotations

import hvac.exceptions
import pytest

from conftest import random_name


@pytest.fixture
def kv(dev_server):
    mount = random_name("kv2")
    client = dev_server.hvac()
    client.sys.enable_secrets_engine("kv", path=mount, options={"version": "2"})
    dev_server.wait_kv2_ready(mount)
    yield client, mount
    client.sys.disable_secrets_engine(mount)


def test_versions_and_check_and_set(kv):
    client, mount = kv
    v2 = client.secrets.kv.v2
    assert v2.create_or_update_secret("app/db", {"password": "one"}, mount_point=mount)["data"]["version"] == 1
    assert v2.create_or_update_secret("app/db", {"password": "two"}, cas=1, mount_point=mount)["data"]["version"] == 2
    with pytest.raises(hvac.exceptions.InvalidRequest) as refused:
        v2.create_or_update_secret("app/db", {"password": "three"}, cas=1, mount_point=mount)
    assert "check-and-set parameter did not match the current version" in str(refused.value)
    with pytest.raises(hvac.exceptions.InvalidRequest):
        v2.create_or_update_secret("app/db", {"password": "x"}, cas=0, mount_point=mount)
    latest = v2.read_secret_version("app/db", mount_point=mount, raise_on_deleted_version=True)
    assert latest["data"]["data"] == {"password": "two"} and latest["data"]["metadata"]["version"] == 2
    first = v2.read_secret_version("app/db", version=1, mount_point=mount, raise_on_deleted_version=True)
    assert first["data"]["data"] == {"password": "one"}
    patched = v2.patch("app/db", {"user": "ci"}, mount_point=mount)
    assert patched["data"]["version"] == 3
    assert v2.read_secret_version("app/db", mount_point=mount, raise_on_deleted_version=True)["data"]["data"] == {"password": "two", "user": "ci"}


def test_delete_undelete_destroy(kv):
    client, mount = kv
    v2 = client.secrets.kv.v2
    for value in ("a", "b", "c"):
        v2.create_or_update_secret("svc", {"v": value}, mount_point=mount)
    v2.delete_latest_version_of_secret("svc", mount_point=mount)
    deleted = v2.read_secret_version("svc", mount_point=mount, raise_on_deleted_version=False)
    assert deleted["data"]["data"] is None and deleted["data"]["metadata"]["deletion_time"] != ""
    with pytest.raises(hvac.exceptions.InvalidPath):
        v2.read_secret_version("svc", mount_point=mount, raise_on_deleted_version=True)
    v2.undelete_secret_versions("svc", versions=[3], mount_point=mount)
    assert v2.read_secret_version("svc", mount_point=mount, raise_on_deleted_version=True)["data"]["data"] == {"v": "c"}
    v2.delete_secret_versions("svc", versions=[1], mount_point=mount)
    v2.destroy_secret_versions("svc", versions=[2], mount_point=mount)
    versions = v2.read_secret_metadata("svc", mount_point=mount)["data"]["versions"]
    assert versions["1"]["deletion_time"] != "" and versions["1"]["destroyed"] is False
    assert versions["2"]["destroyed"] is True
    assert versions["3"]["deletion_time"] == ""
    # hvac lets a soft-deleted version through with raise_on_deleted_version=False,
    # but not a destroyed one: the 404 it raises carries the metadata.
    with pytest.raises(hvac.exceptions.InvalidPath) as destroyed:
        v2.read_secret_version("svc", version=2, mount_point=mount, raise_on_deleted_version=False)
    assert '"destroyed":true' in str(destroyed.value)


def test_metadata_list_and_max_versions(kv):
    client, mount = kv
    v2 = client.secrets.kv.v2
    v2.update_metadata("ci/trimmed", max_versions=2, custom_metadata={"owner": "platform"}, mount_point=mount)
    for n in range(1, 5):
        v2.create_or_update_secret("ci/trimmed", {"n": str(n)}, mount_point=mount)
    v2.create_or_update_secret("ci/other", {"n": "1"}, mount_point=mount)
    v2.create_or_update_secret("ci/deeper/key", {"n": "1"}, mount_point=mount)
    metadata = v2.read_secret_metadata("ci/trimmed", mount_point=mount)["data"]
    assert metadata["current_version"] == 4 and metadata["oldest_version"] == 3
    assert sorted(metadata["versions"]) == ["3", "4"]
    assert metadata["max_versions"] == 2 and metadata["custom_metadata"] == {"owner": "platform"}
    with pytest.raises(hvac.exceptions.InvalidPath):
        v2.read_secret_version("ci/trimmed", version=1, mount_point=mount, raise_on_deleted_version=True)
    assert v2.list_secrets("ci", mount_point=mount)["data"]["keys"] == ["deeper/", "other", "trimmed"]
    v2.delete_metadata_and_all_versions("ci/other", mount_point=mount)
    assert v2.list_secrets("ci", mount_point=mount)["data"]["keys"] == ["deeper/", "trimmed"]
    with pytest.raises(hvac.exceptions.InvalidPath):
        v2.list_secrets("nothing-here", mount_point=mount)


def test_configuration(kv):
    client, mount = kv
    v2 = client.secrets.kv.v2
    v2.configure(max_versions=5, cas_required=True, mount_point=mount)
    config = v2.read_configuration(mount_point=mount)["data"]
    assert config["max_versions"] == 5 and config["cas_required"] is True
    with pytest.raises(hvac.exceptions.InvalidRequest) as refused:
        v2.create_or_update_secret("needs-cas", {"a": "b"}, mount_point=mount)
    assert "check-and-set parameter required" in str(refused.value)
    assert v2.create_or_update_secret("needs-cas", {"a": "b"}, cas=0, mount_point=mount)["data"]["version"] == 1
