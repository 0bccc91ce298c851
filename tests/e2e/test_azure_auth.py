"""Azure auth (issue 21): a VM's managed identity logs in with the access
token the instance metadata service gives it.

THE STAND-IN: Azure cannot run on these machines, so the mount's
`authority_host` and `resource_manager_endpoint` point at
`azure_api_responder.AzureResponder`, a small HTTPS server with its own CA
(trusted through the mount's `ca_cert`) serving a tenant's OpenID discovery
and keys, the client-credentials grant and the resource manager's VM read in
Azure's documented shapes, with keys made at test time. Everything else is
real: the Coffer binary, its HTTPS client, and hvac's `auth.azure.login`.

OpenBao does not ship the azure auth method, so with E2E_SERVER=bao this file
is skipped.
"""

from __future__ import annotations

import uuid

import pytest

from azure_api_responder import AzureResponder
from conftest import IS_BAO, Secret

pytestmark = pytest.mark.skipif(IS_BAO, reason="OpenBao does not ship the azure auth method (Coffer leads here)")

TENANT = str(uuid.uuid4())
OTHER_TENANT = str(uuid.uuid4())
SUBSCRIPTION = str(uuid.uuid4())
OTHER_SUBSCRIPTION = str(uuid.uuid4())
RESOURCE = "https://management.azure.com/"


@pytest.fixture(scope="module")
def azure(tmp_path_factory):
    responder = AzureResponder(tmp_path_factory.mktemp("azure"))
    yield responder
    responder.stop()


@pytest.fixture(scope="module")
def vms(azure):
    return {
        "runner": azure.add_vm(SUBSCRIPTION, "ci-runners", "runner-1", "westeurope"),
        "web": azure.add_vm(SUBSCRIPTION, "web-apps", "web-1", "westeurope"),
        "far": azure.add_vm(SUBSCRIPTION, "ci-runners", "runner-2", "eastus"),
        "other_sub": azure.add_vm(OTHER_SUBSCRIPTION, "ci-runners", "runner-3", "westeurope"),
        "scale_set": azure.add_scale_set(SUBSCRIPTION, "ci-runners", "runner-pool", "westeurope"),
        "other_set": azure.add_scale_set(SUBSCRIPTION, "ci-runners", "web-pool", "westeurope"),
    }


@pytest.fixture(scope="module")
def mount(dev_server, azure, vms) -> str:
    mount = f"azure-{uuid.uuid4().hex[:8]}"
    r = dev_server.http("POST", f"sys/auth/{mount}", body={"type": "azure"})
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", f"auth/{mount}/config", body={
        "tenant_id": TENANT, "resource": RESOURCE, "client_id": azure.client_id,
        "client_secret": Secret(azure.client_secret), "authority_host": azure.url,
        "resource_manager_endpoint": azure.url, "ca_cert": azure.ca_pem})
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", f"auth/{mount}/role/ci-runner", body={
        "bound_service_principal_ids": "*", "bound_subscription_ids": [SUBSCRIPTION],
        "bound_resource_groups": ["ci-runners"], "bound_locations": ["westeurope"],
        "token_policies": ["ci-azure"], "token_ttl": "10m"})
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", f"auth/{mount}/role/pool", body={
        "bound_service_principal_ids": "*", "bound_scale_sets": ["runner-pool"], "bound_resource_groups": ["ci-runners"],
        "token_policies": ["ci-azure"]})
    assert r.status_code == 204, r.text
    return mount


def login(server, mount: str, jwt: str, vm: dict, **overrides):
    body = {"role": "ci-runner", "jwt": jwt, "subscription_id": vm["subscription"],
            "resource_group_name": vm["group"], "vm_name": vm["name"], **overrides}
    return server.http("POST", f"auth/{mount}/login", token=None, body=body)


def errors(response) -> list[str]:
    return response.json().get("errors", [])


def test_hvac_vm_login_for_a_bound_resource_group_and_location(dev_server, azure, mount, vms):
    vm = vms["runner"]
    auth = dev_server.hvac(token=None).auth.azure.login(
        "ci-runner", Secret(azure.token(vm, TENANT, RESOURCE)), subscription_id=SUBSCRIPTION,
        resource_group_name="ci-runners", vm_name="runner-1", use_token=False, mount_point=mount)["auth"]
    assert auth["policies"] == ["ci-azure", "default"] and auth["lease_duration"] == 600
    assert auth["metadata"]["resource_group_name"] == "ci-runners" and auth["metadata"]["vm_name"] == "runner-1"
    assert auth["metadata"]["subscription_id"] == SUBSCRIPTION and auth["metadata"]["role"] == "ci-runner"
    [alias] = dev_server.http("GET", f"identity/entity/id/{auth['entity_id']}").json()["data"]["aliases"]
    assert alias["mount_type"] == "azure" and alias["name"] == vm["principal"]


def test_refused_for_another_resource_group(dev_server, azure, mount, vms):
    vm = vms["web"]
    r = login(dev_server, mount, azure.token(vm, TENANT, RESOURCE), vm)
    assert r.status_code == 400 and errors(r) == ["resource group not authorized"]
    # Naming a bound group the token does not name is refused by the token's claims.
    r = login(dev_server, mount, azure.token(vm, TENANT, RESOURCE), vm, resource_group_name="ci-runners")
    assert r.status_code == 400 and "do not match" in errors(r)[0]


def test_refused_for_another_subscription_or_location(dev_server, azure, mount, vms):
    vm = vms["other_sub"]
    r = login(dev_server, mount, azure.token(vm, TENANT, RESOURCE), vm)
    assert r.status_code == 400 and errors(r) == ["subscription not authorized"]
    vm = vms["far"]
    r = login(dev_server, mount, azure.token(vm, TENANT, RESOURCE), vm)
    assert errors(r) == ["location not authorized"]


def test_refused_for_another_tenant_or_audience(dev_server, azure, mount, vms):
    vm = vms["runner"]
    r = login(dev_server, mount, azure.token(vm, OTHER_TENANT, RESOURCE), vm)
    assert r.status_code == 400 and "issued by a different provider" in errors(r)[0]
    r = login(dev_server, mount, azure.token(vm, TENANT, "https://vault.example/"), vm)
    assert r.status_code == 400 and "expected audience" in errors(r)[0]
    forged = azure.token(vm, TENANT, RESOURCE).split(".")
    r = login(dev_server, mount, ".".join(forged[:2] + [forged[2][::-1]]), vm)
    assert r.status_code == 400 and "auth" not in r.json()


def test_identity_of_another_vm_is_refused(dev_server, azure, mount, vms):
    # The web VM's token presented for the runner VM: the claims name web-1.
    r = login(dev_server, mount, azure.token(vms["web"], TENANT, RESOURCE), vms["runner"])
    assert r.status_code == 400 and "do not match vm_name runner-1" in errors(r)[0]


def test_config_never_shows_the_client_secret(dev_server, azure, mount):
    data = dev_server.http("GET", f"auth/{mount}/config").json()["data"]
    assert data["tenant_id"] == TENANT and "client_secret" not in data


def test_scale_set_vm_logs_in_by_its_scale_set(dev_server, azure, mount, vms):
    pool = vms["scale_set"]
    auth = dev_server.hvac(token=None).auth.azure.login(
        "pool", Secret(azure.token(pool, TENANT, RESOURCE)), subscription_id=SUBSCRIPTION,
        resource_group_name="ci-runners", vmss_name="runner-pool", use_token=False, mount_point=mount)["auth"]
    assert auth["metadata"]["vmss_name"] == "runner-pool"
    other = vms["other_set"]
    r = dev_server.http("POST", f"auth/{mount}/login", token=None, body={
        "role": "pool", "jwt": azure.token(other, TENANT, RESOURCE), "subscription_id": SUBSCRIPTION,
        "resource_group_name": "ci-runners", "vmss_name": "web-pool"})
    assert r.status_code == 400 and errors(r) == ["scale set not authorized"]
