"""A service serves HTTPS itself when given a certificate and key (the W3C status-list suite
only dereferences https: URLs), and refuses to start with only one of the two."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.e2e.test_services import start_service

pytestmark = pytest.mark.e2e


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_the_verifier_serves_https(stack, prefix, tmp_path):
    cert, key = self_signed(tmp_path)
    url = await stack.new_database("verifier_tls")
    proc, base = start_service(
        "verifier",
        url,
        stack.bootstrap,
        prefix,
        extra_env={"B4G_TLS_CERT_FILE": str(cert), "B4G_TLS_KEY_FILE": str(key)},
    )
    try:
        assert base.startswith("https://")
        trust = ssl.create_default_context(cafile=str(cert))
        async with httpx.AsyncClient(verify=trust, timeout=5) as client:
            assert (await client.get(f"{base}/health")).status_code == 200
            missing = await client.get(f"{base}/status/no-such-list")
            assert missing.status_code == 404
            assert missing.headers["content-type"].startswith("application/problem+json")
        with pytest.raises(httpx.HTTPError):  # not spoken in plain text on the same port
            httpx.get(base.replace("https://", "http://") + "/health", timeout=2)
        with pytest.raises(httpx.ConnectError):  # and not trusted without the certificate
            httpx.get(f"{base}/health", timeout=2)
    finally:
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)
        await stack.drop(url)


def test_a_certificate_without_its_key_is_refused(tmp_path):
    cert, _ = self_signed(tmp_path)
    env = {**os.environ, "B4G_TLS_CERT_FILE": str(cert), "B4G_TLS_KEY_FILE": ""}
    done = subprocess.run(
        [sys.executable, "-m", "b4g.verifier"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "B4G_TLS_CERT_FILE and B4G_TLS_KEY_FILE must be set together" in done.stderr
