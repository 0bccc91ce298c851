"""A stand-in for a Kubernetes API server: the TokenReview endpoint and the
namespace read, nothing else.

No real Kubernetes API server can run on these machines (no package provides
one), so the Kubernetes auth tests and scripts/bench-kubernetes-login talk to
this instead. It is the only stand-in in those tests: Coffer (and OpenBao) are
the real servers, over real HTTPS, with real clients.

What it does, in the shapes spec/examples/kubernetes/ captured from OpenBao
talking to a fake API server:
- HTTPS with its own CA, made when it starts (the server must be configured
  with `kubernetes_ca_cert` to trust it).
- `POST /apis/authentication.k8s.io/v1/tokenreviews`: like the real API
  server, it authenticates the token itself. A token signed by the cluster's
  key (`ClusterSigner`, made here), not expired, whose audiences meet the
  requested ones, is `authenticated: true` with the service account named in
  its claims; anything else is `authenticated: false`. The reviewer's bearer
  must be a token the cluster signed too, else HTTP 401, as a real API server
  answers an unauthenticated caller.
- `GET /api/v1/namespaces/<name>`: the namespace with the labels the test gave
  it, or a 404 `Status`.
- Every request it receives is recorded (method, path, headers, JSON body).
- A test can tell it to misbehave: `mode` = "ok" (default), "unauthenticated",
  "error" (`status.error`), "http401", "http500", "hang" (accept the request
  and never answer until released), or override the user it reports
  (`user_override`) or the audiences (`audiences_override`).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import ssl

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import free_port
from oidc_test_issuer import _make_ca, b64url

REVIEW_PATH = "/apis/authentication.k8s.io/v1/tokenreviews"
DEFAULT_AUDIENCE = "https://kubernetes.default.svc.cluster.local"


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class ClusterSigner:
    """The cluster's service-account signing key: it signs projected tokens as
    the kubelet would ask the API server to, and checks them when reviewing."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # Signatures already checked, so a benchmark's repeated token costs the
        # responder one RSA verification, not one per review.
        self._verified: dict[str, dict] = {}

    def public_pem(self) -> str:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def token(self, namespace: str, name: str, uid: str, *, audiences: list[str] | None = None,
              lifetime: int = 3600, extra: dict | None = None, legacy: bool = False) -> str:
        now = int(time.time())
        claims: dict = {"iss": DEFAULT_AUDIENCE, "sub": f"system:serviceaccount:{namespace}:{name}"}
        if legacy:
            claims.update({
                "kubernetes.io/serviceaccount/namespace": namespace,
                "kubernetes.io/serviceaccount/secret.name": f"{name}-token-abcde",
                "kubernetes.io/serviceaccount/service-account.name": name,
                "kubernetes.io/serviceaccount/service-account.uid": uid,
            })
        else:
            claims.update({
                "aud": audiences if audiences is not None else [DEFAULT_AUDIENCE],
                "iat": now, "nbf": now, "exp": now + lifetime,
                "kubernetes.io": {"namespace": namespace,
                                  "pod": {"name": "runner-0", "uid": "11111111-0000-4000-8000-000000000001"},
                                  "serviceaccount": {"name": name, "uid": uid}},
            })
        claims.update(extra or {})
        return self.sign(claims)

    def sign(self, claims: dict) -> str:
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "key-1"}).encode())
        body = b64url(json.dumps(claims).encode())
        signature = self.key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{b64url(signature)}"

    def verify(self, token: str) -> dict | None:
        """The claims of a token this cluster signed and that has not expired; else None."""
        claims = self._verified.get(token)
        if claims is not None:
            return None if "exp" in claims and claims["exp"] < time.time() else claims
        try:
            head, body, signature = token.split(".")
            self.key.public_key().verify(_unb64(signature), f"{head}.{body}".encode(),
                                         padding.PKCS1v15(), hashes.SHA256())
            claims = json.loads(_unb64(body))
        except (ValueError, InvalidSignature):
            return None
        if not isinstance(claims, dict) or ("exp" in claims and claims["exp"] < time.time()):
            return None
        if len(self._verified) < 1024:
            self._verified[token] = claims
        return claims


def account_of(claims: dict) -> tuple[str, str, str]:
    """(namespace, name, uid) from projected or legacy claims."""
    projected = claims.get("kubernetes.io")
    if isinstance(projected, dict):
        account = projected.get("serviceaccount") or {}
        return projected.get("namespace", ""), account.get("name", ""), account.get("uid", "")
    prefix = "kubernetes.io/serviceaccount/"
    return (claims.get(prefix + "namespace", ""), claims.get(prefix + "service-account.name", ""),
            claims.get(prefix + "service-account.uid", ""))


class KubernetesAPIResponder:
    def __init__(self, directory: Path, signer: ClusterSigner):
        directory.mkdir(parents=True, exist_ok=True)
        ca, cert, key = _make_ca(directory)
        self.ca_pem = ca.read_text()
        self.signer = signer
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.record = True
        self.mode = "ok"
        self.user_override: dict | None = None
        self.audiences_override: list[str] | None = None
        self.namespaces: dict[str, dict[str, str]] = {}
        self.release = threading.Event()
        responder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as clients pool connections

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                responder._note("POST", self.path, self.headers, body)
                if self.path != REVIEW_PATH or not isinstance(body, dict):
                    return self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404})
                status, answer = responder.review(self.headers.get("Authorization", ""), body)
                if status is None:
                    return
                self.reply(status, answer)

            def do_GET(self):
                responder._note("GET", self.path, self.headers, None)
                if not responder.caller_ok(self.headers.get("Authorization", "")):
                    return self.reply(401, responder.status(401, "Unauthorized"))
                prefix = "/api/v1/namespaces/"
                name = self.path[len(prefix):] if self.path.startswith(prefix) else None
                with responder.lock:
                    labels = responder.namespaces.get(name) if name else None
                if labels is None:
                    return self.reply(404, responder.status(404, "NotFound", f'namespaces "{name}" not found'))
                self.reply(200, {"kind": "Namespace", "apiVersion": "v1",
                                 "metadata": {"name": name, "labels": labels},
                                 "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})

            def reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # -- what it answers -------------------------------------------------------

    @staticmethod
    def status(code: int, reason: str, message: str | None = None) -> dict:
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": message or reason, "reason": reason, "code": code}

    def caller_ok(self, authorization: str) -> bool:
        return authorization.startswith("Bearer ") and self.signer.verify(authorization[7:]) is not None

    def review(self, authorization: str, body: dict) -> tuple[int | None, dict]:
        mode = self.mode
        if mode == "hang":
            self.release.wait(60)
            return None, {}
        if mode == "http401" or not self.caller_ok(authorization):
            return 401, self.status(401, "Unauthorized")
        if mode == "http500":
            return 500, self.status(500, "InternalError", "etcdserver: request timed out")
        spec = body.get("spec") or {}
        wanted = spec.get("audiences") or [DEFAULT_AUDIENCE]
        answer = {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                  "metadata": {"creationTimestamp": None}, "spec": spec, "status": {"user": {}}}
        if mode == "error":
            answer["status"]["error"] = "[invalid bearer token, token has been invalidated]"
            return 201, answer
        claims = self.signer.verify(spec.get("token", ""))
        token_aud = (claims or {}).get("aud", [DEFAULT_AUDIENCE])
        token_aud = [token_aud] if isinstance(token_aud, str) else token_aud
        granted = [a for a in wanted if a in token_aud]
        if mode == "unauthenticated" or claims is None or not granted:
            answer["status"] = {"authenticated": False, "user": {}}
            return 201, answer
        namespace, name, uid = account_of(claims)
        user = {"username": f"system:serviceaccount:{namespace}:{name}", "uid": uid,
                "groups": ["system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"]}
        user.update(self.user_override or {})
        answer["status"] = {"authenticated": True, "user": user,
                            "audiences": self.audiences_override if self.audiences_override is not None else granted}
        return 201, answer

    # -- for tests ---------------------------------------------------------------

    def _note(self, method: str, path: str, headers, body) -> None:
        if not self.record:
            return
        kept = {k: headers[k] for k in ("Authorization", "Content-Type", "Accept") if k in headers}
        with self.lock:
            self.requests.append({"method": method, "path": path, "headers": kept, "body": body})

    def take(self) -> list[dict]:
        """The requests received since the last call."""
        with self.lock:
            taken, self.requests = self.requests, []
        return taken

    def reset(self) -> None:
        self.mode = "ok"
        self.user_override = None
        self.audiences_override = None
        self.take()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    """Run a responder for scripts/bench-kubernetes-login: writes its URL, CA,
    the cluster's public key, a reviewer token and a runner token as JSON to
    the file named by the first argument, then serves until killed."""
    import sys

    out = Path(sys.argv[1])
    signer = ClusterSigner()
    responder = KubernetesAPIResponder(out.parent / "k8s-responder", signer)
    responder.record = False
    out.write_text(json.dumps({
        "url": responder.url, "ca_pem": responder.ca_pem, "public_key_pem": signer.public_pem(),
        "reviewer_jwt": signer.token("kube-system", "token-reviewer", "7d3c2b1a-0000-4000-8000-0000000000r1",
                                     lifetime=86400),
        "runner_jwt": signer.token("ci", "circleci-runner", "7d3c2b1a-0000-4000-8000-00000000aa01", lifetime=86400),
    }))
    threading.Event().wait()


if __name__ == "__main__":
    main()
