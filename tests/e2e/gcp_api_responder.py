"""A stand-in for the Google APIs the gcp auth method calls; nothing else.

Google's APIs cannot run on these machines, so the gcp auth tests point the
server's `custom_endpoint`s at this: one HTTPS server with its own CA (the
mount trusts it through `ca_cert`) that serves, in Google's documented shapes:
- `POST /token`: the OAuth2 JWT-bearer grant. The assertion must be signed by
  the key of the service account Coffer is configured with, for this URL;
  anything else is a 400 `invalid_grant`. Tokens it hands out are the only
  bearers the lookups below accept (else 401).
- `GET /oauth2/v3/certs`: Google's OAuth2 signing keys (a JWKS), which sign
  instance identity tokens.
- `GET /service_accounts/v1/jwk/<email>`: a service account's public keys.
- `GET /v1/projects/-/serviceAccounts/<email or unique id>`: IAM's account.
- `GET /compute/v1/projects/<p>/zones/<z>/instances/<name>`: Compute's instance,
  and `POST .../zones/<z>/instanceGroups/<g>/listInstances`: a group's members.
Keys are made at start; tokens are signed here with them, as Google would.
"""

from __future__ import annotations

import json
import secrets
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import free_port
from k8s_api_responder import _unb64
from oidc_test_issuer import _make_ca, b64url


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    numbers = key.public_key().public_numbers()
    def encode(n: int) -> str:
        return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))
    return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": encode(numbers.n), "e": encode(numbers.e)}


def _sign(key: rsa.RSAPrivateKey, kid: str, claims: dict) -> str:
    head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode())
    body = b64url(json.dumps(claims).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64url(signature)}"


class ServiceAccount:
    def __init__(self, email: str, project: str, unique_id: str):
        self.email, self.project, self.unique_id = email, project, unique_id
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_id = secrets.token_hex(20)

    def key_file(self, token_uri: str) -> str:
        """The JSON key file Google would hand out for this account."""
        pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        return json.dumps({"type": "service_account", "project_id": self.project, "private_key_id": self.key_id,
                           "private_key": pem, "client_email": self.email, "client_id": self.unique_id,
                           "token_uri": token_uri})

    def jwt(self, role: str, lifetime: int = 600, aud: str | None = None) -> str:
        """What `gcloud iam service-accounts sign-jwt` makes for a Vault login."""
        now = int(time.time())
        return _sign(self.key, self.key_id, {"sub": self.email, "aud": aud or f"vault/{role}", "iat": now,
                                             "exp": now + lifetime})


class GoogleAPIResponder:
    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        ca, cert, key = _make_ca(directory)
        self.ca_pem = ca.read_text()
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.google_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.google_kid = "google-" + secrets.token_hex(8)
        self.accounts: dict[str, ServiceAccount] = {}
        self.instances: dict[tuple[str, str, str], dict] = {}
        self.groups: dict[tuple[str, str, str], list[str]] = {}
        self.access_tokens: set[str] = set()
        self.lock = threading.Lock()
        # Coffer's own account: its key file goes into the mount's config.
        self.coffer = self.add_account("coffer-auth@infra-project.iam.gserviceaccount.com", "infra-project")
        responder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                parts = urllib.parse.urlparse(self.path).path.strip("/").split("/")
                if len(parts) == 9 and parts[:3] == ["compute", "v1", "projects"] and parts[6:9:2] == ["instanceGroups", "listInstances"]:
                    authorization = self.headers.get("Authorization", "")
                    with responder.lock:
                        if not (authorization.startswith("Bearer ") and authorization[7:] in responder.access_tokens):
                            return self.reply(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
                    members = responder.groups.get((parts[3], parts[5], parts[7]))
                    if members is None:
                        return self.reply(404, {"error": {"code": 404, "message": "The resource was not found"}})
                    return self.reply(200, {"kind": "compute#instanceGroupsListInstances",
                                            "items": [{"instance": link, "status": "RUNNING"} for link in members]})
                form = urllib.parse.parse_qs(raw)
                if self.path != "/token":
                    return self.reply(404, {"error": {"code": 404, "message": "Not Found"}})
                token = responder.grant(form)
                if token is None:
                    return self.reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
                self.reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

            def do_GET(self):
                path = urllib.parse.urlparse(self.path).path
                if path == "/oauth2/v3/certs":
                    return self.reply(200, {"keys": [_jwk(responder.google_key, responder.google_kid)]})
                if path.startswith("/service_accounts/v1/jwk/"):
                    account = responder.account(urllib.parse.unquote(path.rsplit("/", 1)[1]))
                    if account is None:
                        return self.reply(404, {"error": {"code": 404, "message": "Not Found"}})
                    return self.reply(200, {"keys": [_jwk(account.key, account.key_id)]})
                authorization = self.headers.get("Authorization", "")
                with responder.lock:
                    authorized = authorization.startswith("Bearer ") and authorization[7:] in responder.access_tokens
                if not authorized:
                    return self.reply(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
                parts = path.strip("/").split("/")
                if path.startswith("/v1/projects/-/serviceAccounts/"):
                    account = responder.account(urllib.parse.unquote(parts[-1]))
                    if account is None:
                        return self.reply(404, {"error": {"code": 404, "status": "NOT_FOUND"}})
                    return self.reply(200, {"name": f"projects/{account.project}/serviceAccounts/{account.email}",
                                            "projectId": account.project, "uniqueId": account.unique_id,
                                            "email": account.email, "oauth2ClientId": account.unique_id})
                if len(parts) == 8 and parts[:3] == ["compute", "v1", "projects"] and parts[4] == "zones" and parts[6] == "instances":
                    instance = responder.instances.get((parts[3], parts[5], parts[7]))
                    if instance is None:
                        return self.reply(404, {"error": {"code": 404, "message": "The resource was not found"}})
                    return self.reply(200, instance)
                self.reply(404, {"error": {"code": 404, "message": "Not Found"}})

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

    def add_account(self, email: str, project: str) -> ServiceAccount:
        account = ServiceAccount(email, project, str(100000000000000000000 + len(self.accounts) * 7919))
        self.accounts[email] = account
        return account

    def account(self, email_or_id: str) -> ServiceAccount | None:
        for account in self.accounts.values():
            if email_or_id in (account.email, account.unique_id):
                return account
        return None

    def add_instance(self, project: str, zone: str, name: str, labels: dict[str, str], account: ServiceAccount) -> dict:
        instance_id = str(4000000000000000000 + len(self.instances) * 104729)
        base = f"{self.url}/compute/v1/projects/{project}/zones/{zone}"
        instance = {"kind": "compute#instance", "id": instance_id, "name": name, "zone": base,
                    "selfLink": f"{base}/instances/{name}", "status": "RUNNING", "labels": labels,
                    "creationTimestamp": "2026-12-01T10:00:00.000-08:00",
                    "serviceAccounts": [{"email": account.email, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}]}
        self.instances[(project, zone, name)] = instance
        return instance

    def add_group(self, project: str, zone: str, name: str, members: list[dict]) -> None:
        self.groups[(project, zone, name)] = [m["selfLink"] for m in members]

    def instance_token(self, instance: dict, project: str, role: str, account: ServiceAccount, lifetime: int = 3600) -> str:
        """The identity token the metadata server gives a VM (format=full)."""
        now = int(time.time())
        zone = instance["zone"].rsplit("/", 1)[1]
        return _sign(self.google_key, self.google_kid, {
            "iss": "https://accounts.google.com", "aud": f"http://vault/{role}", "azp": account.unique_id,
            "sub": account.unique_id, "email": account.email, "email_verified": True, "iat": now, "exp": now + lifetime,
            "google": {"compute_engine": {"project_id": project, "project_number": 123456789012, "zone": zone,
                                          "instance_id": instance["id"], "instance_name": instance["name"],
                                          "instance_creation_timestamp": 1764612000}}})

    def grant(self, form: dict) -> str | None:
        """An access token for a JWT-bearer grant signed by Coffer's account key."""
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return None
        try:
            head, body, signature = form["assertion"][0].split(".")
            self.coffer.key.public_key().verify(_unb64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(),
                                                hashes.SHA256())
            claims = json.loads(_unb64(body))
        except (KeyError, ValueError, InvalidSignature):
            return None
        if claims.get("iss") != self.coffer.email or claims.get("aud") != self.url + "/token" or claims.get("exp", 0) < time.time():
            return None
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.access_tokens.add(token)
        return token

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
