"""A CircleCI-shaped OIDC issuer for tests: HTTPS with its own CA, several orgs,
keys that can be rotated by hand, a JWKS fetch counter, and tokens of any shape
(expired, unsigned, HMAC-signed...) that `coffer ci-oidc` would never mint.

A test double of CircleCI's issuer, used where a test needs to break the rules;
the well-behaved path is also tested with the real `coffer ci-oidc`."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from conftest import free_port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _make_ca(directory: Path) -> tuple[Path, Path, Path]:
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "e2e test issuer CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_path, cert_path, key_path = directory / "issuer-ca.pem", directory / "issuer-cert.pem", directory / "issuer-key.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return ca_path, cert_path, key_path


class TestIssuer:
    def __init__(self, directory: Path):
        self.ca, cert, key = _make_ca(directory)
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.keys: dict[str, object] = {}
        self.published: list[str] = []
        self.jwks_fetches = 0
        self.redirects: dict[str, str] = {}
        self.lock = threading.Lock()
        self.add_key("rsa-1", RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "alg": "RS256", "use": "sig"}))
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path in issuer.redirects:  # path -> Location (test_jwks_fetch_limits.py)
                    self.send_response(302)
                    self.send_header("Location", issuer.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                parts = self.path.strip("/").split("/")
                if len(parts) == 4 and parts[0] == "org" and parts[2] == ".well-known":
                    base = f"{issuer.base}/org/{parts[1]}"
                    if parts[3] == "openid-configuration":
                        return self.reply({"issuer": base, "jwks_uri": base + "/.well-known/jwks-pub.json",
                                           "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
                                           "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid"],
                                           "claims_supported": ["sub", "aud", "exp", "iat", "iss"]})
                    if parts[3] == "jwks-pub.json":
                        with issuer.lock:
                            issuer.jwks_fetches += 1
                            keys = [issuer.keys[kid].as_dict(private=False) for kid in issuer.published]
                        return self.reply({"keys": keys})
                self.send_response(404)
                self.end_headers()

            def reply(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def issuer(self, org: str) -> str:
        return f"{self.base}/org/{org}"

    def add_key(self, kid: str, key, publish: bool = True) -> None:
        with self.lock:
            self.keys[kid] = key
            if publish:
                self.published.append(kid)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def claims(self, org: str, project: str, **overrides) -> dict:
        now = int(time.time())
        user = str(uuid.uuid4())
        claims = {
            "iss": self.issuer(org), "aud": org, "iat": now, "exp": now + 3600,
            "sub": f"org/{org}/project/{project}/user/{user}/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main",
            "oidc.circleci.com/org-id": org, "oidc.circleci.com/project-id": project,
            "oidc.circleci.com/context-ids": ["7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"],
            "oidc.circleci.com/vcs-origin": "github.com/acme/app", "oidc.circleci.com/vcs-ref": "refs/heads/main",
            "oidc.circleci.com/ssh-rerun": False,
        }
        for key, value in overrides.items():
            name = key if key in ("iss", "aud", "iat", "exp", "nbf", "sub") else "oidc.circleci.com/" + key.replace("_", "-")
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    def sign(self, claims: dict, kid: str = "rsa-1", alg: str | None = None, header_kid: str | None = None) -> str:
        key = self.keys[kid]
        alg = alg or ("ES256" if isinstance(key, ECKey) else "RS256")
        return jwt.encode({"alg": alg, "kid": header_kid or kid, "typ": "JWT"}, claims, key)

    @staticmethod
    def unsigned(claims: dict) -> str:
        return b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." + b64url(json.dumps(claims).encode()) + "."

    def hs256_with_public_key(self, claims: dict, kid: str = "rsa-1") -> str:
        """The classic confusion attack: HMAC keyed with the RSA public key's PEM."""
        secret = self.keys[kid].as_pem(private=False)
        head = b64url(json.dumps({"alg": "HS256", "kid": kid, "typ": "JWT"}).encode()) + "." + b64url(json.dumps(claims).encode())
        return head + "." + b64url(hmac.new(secret, head.encode(), hashlib.sha256).digest())
