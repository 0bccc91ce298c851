"""Certificates for the cert-auth tests, made at test time with the openssl CLI.

`openssl ca` keeps an index of what each CA issued and revoked, so the same
CA makes the certificates, the CRL (`gencrl`) and answers OCSP (`openssl
ocsp` reads the index).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

# A private arc (example OID) with a UTF8String value, for required_extensions
# and allowed_metadata_extensions.
RUNNER_OID = "1.3.6.1.4.1.55555.1.1"


def openssl(*args: str, cwd: Path, input: str | None = None) -> str:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, input=input)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout


@dataclass
class Issued:
    cert: Path
    key: Path

    @property
    def pem(self) -> str:
        return self.cert.read_text()

    def serial_decimal(self) -> str:
        text = openssl("x509", "-in", str(self.cert), "-noout", "-serial", cwd=self.cert.parent)
        return str(int(text.strip().split("=", 1)[1], 16))


class CA:
    """A certificate authority in `directory`: a key, a certificate and an
    `openssl ca` database of what it issued and revoked."""

    def __init__(self, directory: Path, name: str, parent: "CA | None" = None):
        self.dir = directory / name
        self.dir.mkdir(parents=True)
        (self.dir / "newcerts").mkdir()
        (self.dir / "index.txt").write_text("")
        (self.dir / "serial").write_text("1000\n")
        (self.dir / "crlnumber").write_text("01\n")
        self.config = self.dir / "ca.cnf"
        self.config.write_text(
            "[ ca ]\ndefault_ca = this_ca\n"
            f"[ this_ca ]\ndir = {self.dir}\ndatabase = $dir/index.txt\nnew_certs_dir = $dir/newcerts\n"
            "serial = $dir/serial\ncrlnumber = $dir/crlnumber\ndefault_md = sha256\n"
            "policy = any_name\nunique_subject = no\ndefault_days = 2\ndefault_crl_days = 1\n"
            "[ any_name ]\ncommonName = optional\norganizationName = optional\norganizationalUnitName = optional\n"
            "[ crl_ext ]\nauthorityKeyIdentifier = keyid:always\n"
        )
        self.key = self.dir / "ca.key"
        self.cert = self.dir / "ca.pem"
        self._new_key(self.key)
        subject = f"/O=Coffer E2E/CN={name}"
        ca_ext = "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n" \
                 "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
        if parent is None:
            openssl("req", "-x509", "-new", "-key", str(self.key), "-out", str(self.cert), "-days", "2",
                    "-subj", subject, "-addext", "basicConstraints=critical,CA:true",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", cwd=self.dir)
        else:
            parent._sign(self.key, self.cert, subject, ca_ext, self.dir)

    @staticmethod
    def _new_key(path: Path) -> None:
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(path),
                cwd=path.parent)

    def _sign(self, key: Path, cert: Path, subject: str, extensions: str, workdir: Path,
              start: str | None = None, end: str | None = None) -> None:
        csr = cert.with_suffix(".csr")
        ext = cert.with_suffix(".ext")
        ext.write_text("[ exts ]\n" + extensions)
        openssl("req", "-new", "-key", str(key), "-out", str(csr), "-subj", subject, cwd=workdir)
        args = ["ca", "-batch", "-config", str(self.config), "-cert", str(self.cert), "-keyfile", str(self.key),
                "-in", str(csr), "-out", str(cert), "-extfile", str(ext), "-extensions", "exts",
                "-preserveDN", "-notext"]
        if start:
            args += ["-startdate", start]
        if end:
            args += ["-enddate", end]
        openssl(*args, cwd=workdir)

    def issue(self, name: str, subject: str, sans: list[str] | None = None, *, extra: str = "",
              start: str | None = None, end: str | None = None, client_auth: bool = True) -> Issued:
        """A leaf for TLS client auth. `start`/`end` are openssl dates (YYMMDDHHMMSSZ)."""
        key = self.dir / f"{name}.key"
        cert = self.dir / f"{name}.pem"
        self._new_key(key)
        extensions = "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n" \
                     "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
        if client_auth:
            extensions += "extendedKeyUsage=clientAuth\n"
        if sans:
            extensions += "subjectAltName=" + ",".join(sans) + "\n"
        extensions += extra
        self._sign(key, cert, subject, extensions, self.dir, start, end)
        return Issued(cert, key)

    def revoke(self, issued: Issued) -> None:
        openssl("ca", "-config", str(self.config), "-cert", str(self.cert), "-keyfile", str(self.key),
                "-revoke", str(issued.cert), cwd=self.dir)

    def crl_pem(self, next_update_seconds: int | None = None) -> str:
        """A CRL of what this CA revoked so far; NextUpdate a day away unless given."""
        out = self.dir / "ca.crl"
        due = ["-crlsec", str(next_update_seconds)] if next_update_seconds is not None else []
        openssl("ca", "-config", str(self.config), "-cert", str(self.cert), "-keyfile", str(self.key),
                "-gencrl", "-crlexts", "crl_ext", *due, "-out", str(out), cwd=self.dir)
        return out.read_text()

    @property
    def pem(self) -> str:
        return self.cert.read_text()


def chain_file(leaf: Issued, *cas: CA) -> Path:
    """The leaf followed by its issuers' certificates, as a client presents them."""
    path = leaf.cert.with_name(leaf.cert.stem + "-chain.pem")
    path.write_text(leaf.pem + "".join(ca.pem for ca in cas))
    return path
