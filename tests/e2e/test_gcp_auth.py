"""GCP auth (issue 21): a service account logs in with a JWT signed for it
(`iam`), a Compute Engine VM with its instance identity token (`gce`).

THE STAND-IN: Google's APIs cannot run on these machines, so the mount's
`custom_endpoint`s point at `gcp_api_responder.GoogleAPIResponder`, a small
HTTPS server with its own CA (trusted through the mount's `ca_cert`) serving
the OAuth2 token grant, Google's OAuth2 keys, service-account keys, IAM's
service-account get and Compute's instance get in Google's documented shapes,
with keys made at test time. Everything else is real: the Coffer binary, its
HTTPS client, its OAuth2 grant signed with the configured key, and hvac's
`auth.gcp.login`.

OpenBao does not ship the gcp auth method, so with E2E_SERVER=bao this file
is skipped.
"""

from __future__ import annotations

import uuid

import pytest

from conftest import IS_BAO, Secret
from gcp_api_responder import GoogleAPIResponder, _sign

pytestmark = pytest.mark.skipif(IS_BAO, reason="OpenBao does not ship the gcp auth method (Coffer leads here)")


@pytest.fixture(scope="module")
def google(tmp_path_factory):
    responder = GoogleAPIResponder(tmp_path_factory.mktemp("google"))
    yield responder
    responder.stop()


@pytest.fixture(scope="module")
def world(google):
    """The accounts and instances the tests log in as."""
    runner = google.add_account("ci-runner@ci-project.iam.gserviceaccount.com", "ci-project")
    stranger = google.add_account("web@other-project.iam.gserviceaccount.com", "other-project")
    vm = google.add_instance("ci-project", "us-central1-a", "runner-vm-1", {"team": "ci", "env": "prod"}, runner)
    elsewhere = google.add_instance("ci-project", "europe-west1-b", "runner-vm-2", {"team": "ci", "env": "prod"}, runner)
    unlabelled = google.add_instance("ci-project", "us-central1-a", "runner-vm-3", {"team": "web"}, runner)
    google.add_group("ci-project", "us-central1-a", "runner-group", [vm])
    return {"runner": runner, "stranger": stranger, "vm": vm, "elsewhere": elsewhere, "unlabelled": unlabelled}


@pytest.fixture(scope="module")
def mount(dev_server, google, world) -> str:
    mount = f"gcp-{uuid.uuid4().hex[:8]}"
    r = dev_server.http("POST", f"sys/auth/{mount}", body={"type": "gcp"})
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", f"auth/{mount}/config", body={
        "credentials": Secret(google.coffer.key_file(google.url + "/token")), "ca_cert": google.ca_pem,
        "custom_endpoint": {"api": google.url, "iam": google.url, "compute": google.url}})
    assert r.status_code == 204, r.text
    roles = {
        "ci-iam": {"type": "iam", "bound_service_accounts": [world["runner"].email], "bound_projects": ["ci-project"],
                   "max_jwt_exp": "15m"},
        "ci-gce": {"type": "gce", "bound_projects": ["ci-project"], "bound_zones": ["us-central1-a"],
                   "bound_labels": ["team:ci", "env:prod"], "bound_service_accounts": [world["runner"].email]},
        "ci-region": {"type": "gce", "bound_projects": ["ci-project"], "bound_regions": ["us-central1"]},
        "other-project": {"type": "gce", "bound_projects": ["other-project"]},
        "ci-group": {"type": "gce", "bound_zones": ["us-central1-a"], "bound_instance_groups": ["runner-group"]},
    }
    for name, fields in roles.items():
        r = dev_server.http("POST", f"auth/{mount}/role/{name}", body={**fields, "token_policies": ["ci-gcp"], "token_ttl": "10m"})
        assert r.status_code == 204, (name, r.text)
    return mount


def login(server, mount: str, role: str, jwt: str):
    return server.http("POST", f"auth/{mount}/login", token=None, body={"role": role, "jwt": jwt})


def errors(response) -> list[str]:
    return response.json().get("errors", [])


# -- acceptance 2 and 4: iam -------------------------------------------------------


def test_hvac_iam_login_for_a_bound_service_account(dev_server, mount, world):
    runner = world["runner"]
    auth = dev_server.hvac(token=None).auth.gcp.login("ci-iam", Secret(runner.jwt("ci-iam")), use_token=False,
                                                       mount_point=mount)["auth"]
    assert auth["policies"] == ["ci-gcp", "default"] and auth["lease_duration"] == 600
    assert auth["metadata"] == {"project_id": "ci-project", "role": "ci-iam", "service_account_id": runner.unique_id,
                                "service_account_email": runner.email}
    role_id = dev_server.http("GET", f"auth/{mount}/role/ci-iam").json()["data"]["role_id"]
    [alias] = dev_server.http("GET", f"identity/entity/id/{auth['entity_id']}").json()["data"]["aliases"]
    assert alias["mount_type"] == "gcp" and alias["name"] == role_id


def test_iam_jwt_that_expires_too_late_is_refused(dev_server, mount, world):
    r = login(dev_server, mount, "ci-iam", world["runner"].jwt("ci-iam", lifetime=30 * 60))
    assert r.status_code == 400 and errors(r) == ["role requires that service account JWTs expire within 900 seconds"]
    r = login(dev_server, mount, "ci-iam", world["runner"].jwt("ci-iam", lifetime=3 * 3600))
    assert r.status_code == 400 and errors(r)[0].startswith("JWT must expire in 60 minutes")
    # An exp no integer holds is refused, and the server keeps answering.
    runner = world["runner"]
    absurd = _sign(runner.key, runner.key_id, {"sub": runner.email, "aud": "vault/ci-iam", "exp": 1e300})
    r = login(dev_server, mount, "ci-iam", absurd)
    assert r.status_code == 400 and errors(r)[0].startswith("JWT must expire in 60 minutes")
    assert dev_server.http("GET", "sys/health").status_code == 200


def test_iam_refusals(dev_server, mount, world):
    # Another account (its JWT is genuinely signed by its own key).
    r = login(dev_server, mount, "ci-iam", world["stranger"].jwt("ci-iam"))
    assert r.status_code == 400 and "does not belong to project" in errors(r)[0]
    # A JWT for another role's audience.
    r = login(dev_server, mount, "ci-iam", world["runner"].jwt("ci-iam", aud="vault/other-role"))
    assert errors(r) == ['at least one of the JWT claim \'aud\' must end in "vault/ci-iam"']
    # Re-signed by another key under the runner's name: no published key verifies it.
    forged = world["stranger"].jwt("ci-iam").split(".")
    genuine = world["runner"].jwt("ci-iam").split(".")
    r = login(dev_server, mount, "ci-iam", ".".join([genuine[0], genuine[1], forged[2]]))
    assert r.status_code == 400 and errors(r)[0].startswith("unable to get public key for signed JWT")
    assert "auth" not in r.json()


# -- acceptance 2 and 4: gce -------------------------------------------------------


def test_hvac_gce_login_for_a_bound_instance(dev_server, google, mount, world):
    token = google.instance_token(world["vm"], "ci-project", "ci-gce", world["runner"])
    auth = dev_server.hvac(token=None).auth.gcp.login("ci-gce", Secret(token), use_token=False, mount_point=mount)["auth"]
    assert auth["policies"] == ["ci-gcp", "default"]
    meta = auth["metadata"]
    assert meta["instance_name"] == "runner-vm-1" and meta["zone"] == "us-central1-a"
    assert meta["instance_id"] == world["vm"]["id"] and meta["project_id"] == "ci-project"
    assert meta["service_account_email"] == world["runner"].email
    region = google.instance_token(world["vm"], "ci-project", "ci-region", world["runner"])
    assert login(dev_server, mount, "ci-region", region).status_code == 200


def test_gce_refused_for_an_unbound_zone_label_or_project(dev_server, google, mount, world):
    runner = world["runner"]
    r = login(dev_server, mount, "ci-gce", google.instance_token(world["elsewhere"], "ci-project", "ci-gce", runner))
    assert r.status_code == 400 and errors(r) == ['instance not in bound zones ["us-central1-a"]']
    r = login(dev_server, mount, "ci-region", google.instance_token(world["elsewhere"], "ci-project", "ci-region", runner))
    assert errors(r) == ['instance not in bound regions ["us-central1"]']
    r = login(dev_server, mount, "ci-gce", google.instance_token(world["unlabelled"], "ci-project", "ci-gce", runner))
    assert errors(r) == ['instance missing bound label "env:prod"']
    r = login(dev_server, mount, "other-project", google.instance_token(world["vm"], "ci-project", "other-project", runner))
    assert r.status_code == 400 and "not in bound projects" in errors(r)[0]


def test_gce_token_for_an_instance_that_does_not_exist_is_refused(dev_server, google, mount, world):
    ghost = dict(world["vm"], name="deleted-vm", id="4999")
    r = login(dev_server, mount, "ci-gce", google.instance_token(ghost, "ci-project", "ci-gce", world["runner"]))
    assert r.status_code == 400 and errors(r)[0].startswith("error when attempting to find instance")


def test_config_never_shows_the_key(dev_server, google, mount):
    data = dev_server.http("GET", f"auth/{mount}/config").json()["data"]
    assert data["client_email"] == google.coffer.email and "credentials" not in data
    assert "PRIVATE KEY" not in str(data)


def test_gce_instance_group_binding(dev_server, google, mount, world):
    runner = world["runner"]
    r = login(dev_server, mount, "ci-group", google.instance_token(world["vm"], "ci-project", "ci-group", runner))
    assert r.status_code == 200, r.text
    r = login(dev_server, mount, "ci-group", google.instance_token(world["unlabelled"], "ci-project", "ci-group", runner))
    assert r.status_code == 400 and errors(r) == ['instance is not part of instance groups ["runner-group"]']
