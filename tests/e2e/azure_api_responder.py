"""A stand-in for the Azure endpoints the azure auth method calls; nothing else.

Azure cannot run on these machines, so the azure auth tests point the mount's
`authority_host` and `resource_manager_endpoint` at this: one HTTPS server with
its own CA (trusted through the mount's `ca_cert`) that serves, in Azure's
documented shapes:
- `GET /<tenant>/.well-known/openid-configuration`: the tenant's OpenID
  discovery document (issuer `https://sts.windows.net/<tenant>/`, as Azure AD's
  v1 tokens name it) and `GET /common/discovery/keys`, the keys shared by
  every tenant, as Azure AD's are.
- `POST /<tenant>/oauth2/v2.0/token`: the client-credentials grant, for the one
  application the test configures (else 401 `invalid_client`). Its tokens are
  the only bearers the resource manager below accepts.
- `GET /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Compute/
  virtualMachines/<vm>` (and `virtualMachineScaleSets/<name>`): the resource
  with its location and identities.
Managed-identity access tokens are signed here with keys made at start, with
the claims the instance metadata service's tokens carry (oid, tid, appid,
xms_mirid, ...).
"""

from __future__ import annotations

import json
import secrets
import ssl
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import free_port
from gcp_api_responder import _jwk, _sign
from oidc_test_issuer import _make_ca


class AzureResponder:
    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        ca, cert, key = _make_ca(directory)
        self.ca_pem = ca.read_text()
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "az-" + secrets.token_hex(8)
        self.client_id = str(uuid.uuid4())
        self.client_secret = secrets.token_urlsafe(24)
        self.resources: dict[str, dict] = {}
        self.access_tokens: set[str] = set()
        self.lock = threading.Lock()
        responder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
                if not self.path.endswith("/oauth2/v2.0/token"):
                    return self.reply(404, {"error": "not_found"})
                if (form.get("grant_type") != "client_credentials" or form.get("client_id") != responder.client_id
                        or form.get("client_secret") != responder.client_secret):
                    return self.reply(401, {"error": "invalid_client"})
                token = secrets.token_urlsafe(32)
                with responder.lock:
                    responder.access_tokens.add(token)
                self.reply(200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token})

            def do_GET(self):
                path = urllib.parse.urlparse(self.path).path
                if path.endswith("/.well-known/openid-configuration"):
                    tenant = path.split("/")[1]
                    return self.reply(200, {"issuer": f"https://sts.windows.net/{tenant}/",
                                            "jwks_uri": f"{responder.url}/common/discovery/keys",
                                            "token_endpoint": f"{responder.url}/{tenant}/oauth2/token",
                                            "id_token_signing_alg_values_supported": ["RS256"]})
                if path == "/common/discovery/keys":
                    return self.reply(200, {"keys": [_jwk(responder.key, responder.kid)]})
                authorization = self.headers.get("Authorization", "")
                with responder.lock:
                    authorized = authorization.startswith("Bearer ") and authorization[7:] in responder.access_tokens
                if not authorized:
                    return self.reply(401, {"error": {"code": "AuthenticationFailed"}})
                resource = responder.resources.get(path.lower())
                if resource is None:
                    return self.reply(404, {"error": {"code": "ResourceNotFound"}})
                self.reply(200, resource)

            def reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add_vm(self, subscription: str, group: str, name: str, location: str) -> dict:
        """A VM with a system-assigned identity; returns its ids."""
        rid = f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}"
        principal = str(uuid.uuid4())
        self.resources[rid.lower()] = {"id": rid, "name": name, "location": location, "type": "Microsoft.Compute/virtualMachines",
                                       "identity": {"type": "SystemAssigned", "principalId": principal,
                                                    "tenantId": str(uuid.uuid4())}}
        return {"rid": rid, "principal": principal, "subscription": subscription, "group": group, "name": name}

    def add_scale_set(self, subscription: str, group: str, name: str, location: str) -> dict:
        """A flexible-orchestration scale set with a user-assigned identity; its
        VMs' tokens name `<name>_<suffix>` VMs, as Azure's do."""
        rid = (f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/"
               f"virtualMachineScaleSets/{name}")
        principal = str(uuid.uuid4())
        identity_id = f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-id"
        self.resources[rid.lower()] = {"id": rid, "name": name, "location": location,
                                       "type": "Microsoft.Compute/virtualMachineScaleSets",
                                       "identity": {"type": "UserAssigned",
                                                    "userAssignedIdentities": {identity_id: {"principalId": principal}}}}
        vm_rid = (f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/"
                  f"virtualMachines/{name}_{secrets.token_hex(4)}")
        return {"rid": vm_rid, "principal": principal, "subscription": subscription, "group": group, "name": name}

    def token(self, vm: dict, tenant: str, resource: str, lifetime: int = 3600) -> str:
        """The access token the instance metadata service gives the VM's identity."""
        now = int(time.time())
        return _sign(self.key, self.kid, {
            "aud": resource, "iss": f"https://sts.windows.net/{tenant}/", "iat": now, "nbf": now, "exp": now + lifetime,
            "oid": vm["principal"], "sub": vm["principal"], "tid": tenant, "appid": str(uuid.uuid4()),
            "idtyp": "app", "xms_mirid": vm["rid"], "xms_az_rid": vm["rid"]})

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
