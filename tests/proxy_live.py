"""A real nginx, configured with the deployment guide's own file (``docs/deploy/nginx-handouts.conf``),
in front of real ``handouts serve`` instances, over HTTPS with a certificate made for the test.

Only what must differ on a test machine is changed in the file (ports, certificate, log, the
name); each change must find its line, so a guide that changes shape fails here instead of being
tested no more. nginx and openssl are Debian packages ``.ci/run`` installs.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE_CONF = ROOT / "docs" / "deploy" / "nginx-handouts.conf"
NAME = "localhost"


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError(f"{name} is missing: .ci/run installs it (apt-get install nginx-light openssl)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` and 127.0.0.1, valid for two days."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME},IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def replace_once(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"{GUIDE_CONF.name} no longer has {old!r}: update tests/proxy_live.py with it")
    return text.replace(old, new)


def site_conf(folder: Path, port: int, http_port: int, upstreams: list[int], cert: Path, key: Path) -> str:
    text = GUIDE_CONF.read_text(encoding="utf-8")
    text = replace_once(text, "    server 127.0.0.1:8001;   # CHANGE: one line per `handouts serve --port N`\n"
                              "    server 127.0.0.1:8002;\n",
                        "".join(f"    server 127.0.0.1:{upstream};\n" for upstream in upstreams))
    text = replace_once(text, "listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    text = replace_once(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = replace_once(text, "server_name handouts.clinic.example;", f"server_name {NAME};")
    text = replace_once(text, "https://handouts.clinic.example/", f"https://{NAME}:{port}/")
    text = replace_once(text, "/etc/ssl/handouts/cert.pem", str(cert))
    text = replace_once(text, "/etc/ssl/handouts/key.pem", str(key))
    text = replace_once(text, "/var/log/nginx/handouts.access.log", str(folder / "access.log"))
    return text


@dataclass
class Proxy:
    port: int
    http_port: int
    folder: Path
    cert: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"https://{NAME}:{self.port}"

    @property
    def host(self) -> str:
        return f"{NAME}:{self.port}"

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             timeout: float = 40.0) -> tuple[int, dict, bytes]:
        """One request over HTTPS on a new connection: (status, headers in lower case, body)."""
        connection = http.client.HTTPSConnection(NAME, self.port, context=self.context(), timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def raw(self, data: bytes, wait: float = 10.0) -> bytes:
        """Bytes sent as they are over TLS; what came back until the proxy closed (or ``wait``)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as plain:
            with self.context().wrap_socket(plain, server_hostname=NAME) as sock:
                sock.sendall(data)
                received = b""
                while True:
                    try:
                        chunk = sock.recv(65536)
                    except (TimeoutError, ConnectionResetError, ssl.SSLError):
                        return received
                    if not chunk:
                        return received
                    received += chunk

    def files_written(self) -> list[Path]:
        """Files in nginx's temporary folders: a form or a handout buffered to disk."""
        return [path for name in ("body", "proxy") for path in (self.folder / name).rglob("*") if path.is_file()]

    def logs(self) -> str:
        return "".join(path.read_text(encoding="utf-8", errors="replace")
                       for path in (self.folder / "access.log", self.folder / "error.log") if path.exists())


@contextlib.contextmanager
def nginx_in_front(folder: Path, upstreams: list[int], timeout: float = 20.0):
    """nginx with the guide's site file, in front of ``upstreams`` (ports on 127.0.0.1)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(folder)
    port, http_port = free_port(), free_port()
    (folder / "handouts.conf").write_text(site_conf(folder, port, http_port, upstreams, cert, key), encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""   # as root, workers would run as nobody
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"    client_body_temp_path {temp['body']};\n    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n"
        "    default_type application/octet-stream;\n"
        f"    include {folder}/handouts.conf;\n"
        "}\n", encoding="utf-8")
    process = subprocess.Popen([tool("nginx"), "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "wb"),
                               start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx ended ({process.returncode}): "
                                   f"{(folder / 'stderr.log').read_text()}{(folder / 'error.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen in time") from None
                time.sleep(0.1)
        yield Proxy(port, http_port, folder, cert, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGQUIT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
