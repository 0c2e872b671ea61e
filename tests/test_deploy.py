"""The deployment example (issue #15), run: Debian's nginx with TLS in front of
``planwiki serve --proxy-headers``, using docs/deploy/nginx-planwiki.conf itself (ports,
paths and the address swapped in) and a certificate made here; and the systemd unit in
docs/deploy/planwiki.service checked by ``systemd-analyze verify``.

The test client connects to nginx from 127.0.0.2 and 127.0.0.3 (all of 127/8 is this
machine), nginx to planwiki from 127.0.0.1: so planwiki seeing 127.0.0.2 can only come
from the X-Forwarded-For nginx set, and the sign-in rate limit can be shown per address.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from conftest import free_port
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from wiki import accounts
from wiki.db import Database, migrate

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "docs" / "deploy"
EMAIL, PASSWORD = "operator@example.org", "correct-horse-battery"


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's: apt-get install nginx)")
    return found


def make_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def site_config(folder: Path, *, app_port: int, https_port: int, http_port: int) -> str:
    """The documented site, with this test's ports, certificate and address."""
    text = (DEPLOY / "nginx-planwiki.conf").read_text()
    cert, key = make_certificate(folder)
    swaps = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "/etc/letsencrypt/live/plans.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/plans.example.org/privkey.pem": str(key),
        "server_name plans.example.org;": "server_name 127.0.0.1;",
        "/var/log/nginx/planwiki.access.log": str(folder / "planwiki.access.log"),
    }
    for documented, here in swaps.items():
        assert documented in text, f"the documented config no longer has {documented!r}"
        text = text.replace(documented, here)
    return text


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides, in a folder of the test's own."""
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must write the temp folders
    return f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


def wait_for(url: str, process: subprocess.Popen, log: Path, **client: object) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx2.get(url, timeout=2, **client).status_code == 200:  # type: ignore[arg-type]
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Deployment:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.app_port, self.https_port, self.http_port = free_port(), free_port(), free_port()
        self.https = f"https://127.0.0.1:{self.https_port}"
        self.http = f"http://127.0.0.1:{self.http_port}"
        self.app_log = folder / "planwiki.log"

    @property
    def tls(self) -> ssl.SSLContext:
        """Trusts the certificate made for this test (and nothing else)."""
        return ssl.create_default_context(cafile=str(self.folder / "cert.pem"))

    def client(self, source: str) -> httpx2.Client:
        """A browser on this machine whose address is ``source`` (127.0.0.x)."""
        transport = httpx2.HTTPTransport(verify=self.tls, local_address=source)
        return httpx2.Client(
            base_url=self.https, transport=transport, follow_redirects=False, timeout=10
        )


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    nginx = nginx_binary()
    here = Deployment(tmp_path)
    db = tmp_path / "planwiki.db"
    database = Database(db)
    migrate(database.db)
    accounts.create_user(database, email=EMAIL, name="Operator", password=PASSWORD)
    database.close()

    env = {
        **os.environ,
        "PLANWIKI_SYNCHRONOUS": "NORMAL",
        "PLANWIKI_LOGIN_ATTEMPTS_PER_15_MINUTES": "3",
        "PYTHONUNBUFFERED": "1",
    }
    with here.app_log.open("wb") as out:
        app = subprocess.Popen(
            [sys.executable, "-m", "main", "serve", "--db", str(db), "--host", "127.0.0.1",
             "--port", str(here.app_port), "--workers", "1", "--proxy-headers", "--access-log"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    site = tmp_path / "planwiki-site.conf"
    site.write_text(
        site_config(
            tmp_path, app_port=here.app_port, https_port=here.https_port, http_port=here.http_port
        )
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(tmp_path, site))
    check = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    nginx_log = tmp_path / "error.log"
    proxy = subprocess.Popen(
        [nginx, "-c", str(conf), "-e", str(nginx_log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{here.app_port}/healthz", app, here.app_log)
        wait_for(here.https + "/healthz", proxy, nginx_log, verify=here.tls)
        yield here
    finally:
        stop(proxy)
        stop(app)


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def log_line(deployment: Deployment, request_id: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in deployment.app_log.read_text().splitlines():
            if f"request_id={request_id}" in line:
                return line
        time.sleep(0.1)
    raise AssertionError(f"no log line for {request_id}:\n{deployment.app_log.read_text()}")


def test_behind_nginx_over_https(deployment: Deployment) -> None:
    first, second = deployment.client("127.0.0.2"), deployment.client("127.0.0.3")

    # A page loads over https; its cookie is Secure because nginx said https.
    form = first.get("/login")
    assert form.status_code == 200
    assert "Sign in" in form.text
    assert "; Secure" in form.headers["set-cookie"]
    assert form.headers["strict-transport-security"] == "max-age=31536000"

    # planwiki saw the client's address (from X-Forwarded-For), not nginx's 127.0.0.1,
    # and nginx's request id is planwiki's too.
    request_id = form.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), "not nginx's $request_id"
    line = log_line(deployment, request_id)
    assert " GET /login 200 " in line and line.endswith("client=127.0.0.2"), line

    # The sign-in rate limit counts per client address: 127.0.0.2 is slowed down after
    # three failures (each for a different email, so only the address is in common) ...
    token = csrf_from(form.text)
    for n in range(3):
        failed = first.post(
            "/login", data={"email": f"nobody{n}@example.org", "password": "no", "csrftoken": token}
        )
        assert failed.status_code == 400, failed.text
    slowed = first.post(
        "/login", data={"email": "nobody9@example.org", "password": "no", "csrftoken": token}
    )
    assert slowed.status_code == 429
    # ... while 127.0.0.3, through the same nginx, is not, and signs in: Secure cookies.
    form = second.get("/login")
    token = csrf_from(form.text)
    failed = second.post(
        "/login", data={"email": "nobody9@example.org", "password": "no", "csrftoken": token}
    )
    assert failed.status_code == 400
    signed_in = second.post(
        "/login", data={"email": EMAIL, "password": PASSWORD, "csrftoken": token}
    )
    assert signed_in.status_code == 303, signed_in.text
    session = [c for c in signed_in.headers.get_list("set-cookie") if "planwiki_session=" in c]
    assert session and all("; Secure" in c and "HttpOnly" in c for c in session)
    assert second.get("/").status_code == 200

    # Plain http sends people to https; /metrics is not served through the proxy.
    plain = httpx2.get(deployment.http + "/login?next=/x", follow_redirects=False, timeout=5)
    assert plain.status_code == 301
    assert plain.headers["location"].startswith("https://127.0.0.1")
    assert plain.headers["location"].endswith("/login?next=/x")
    assert first.get("/metrics").status_code == 404
    # ... though the scraper on the app's machine, straight to planwiki, gets them.
    direct = httpx2.get(f"http://127.0.0.1:{deployment.app_port}/metrics", timeout=5)
    assert direct.status_code == 200 and "planwiki_http_requests_total" in direct.text
    first.close()
    second.close()


def test_nginx_logs_no_address_or_search_words_and_compresses_styles_not_pages(
    deployment: Deployment,
) -> None:
    client = deployment.client("127.0.0.2")
    ids = []
    for address in ("/s/rhys-marsden/health?q=epilepsy+medication", "/login?next=/s/amira-khan"):
        ids.append(client.get(address).headers["x-request-id"])
    styles = client.get("/static/default/style.css", headers={"accept-encoding": "gzip"})
    assert styles.status_code == 200 and styles.headers.get("content-encoding") == "gzip"
    page = client.get("/login", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200 and "content-encoding" not in page.headers
    client.close()
    log = deployment.folder / "planwiki.access.log"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and ids[-1] not in log.read_text():
        time.sleep(0.1)
    text = log.read_text()
    for request_id in ids:
        line = next(line for line in text.splitlines() if f"id={request_id}" in line)
        assert re.fullmatch(rf'\S+ "GET" \d{{3}} \d+ [0-9.]+s id={request_id}', line), line
    for private in ("rhys", "marsden", "epilepsy", "amira", "/s/", "/login", "?", "static"):
        assert private not in text, f"{private!r} is in nginx's log:\n{text}"


def test_the_systemd_unit_is_valid(tmp_path: Path) -> None:
    text = (DEPLOY / "planwiki.service").read_text()
    assert "ExecStart=/opt/planwiki/venv/bin/planwiki serve" in text
    assert "--proxy-headers" in text and "KillMode=mixed" in text
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the unit was reviewed by hand only")
    # The same unit, pointing at the planwiki this test runs.
    runner = tmp_path / "planwiki"
    runner.write_text(f'#!/bin/sh\nexec {sys.executable} -m main "$@"\n')
    runner.chmod(0o755)
    unit = tmp_path / "planwiki.service"
    unit.write_text(text.replace("/opt/planwiki/venv/bin/planwiki", str(runner)))
    checked = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    complaints = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        if "planwiki.service" in line
    ]
    assert checked.returncode == 0 and not complaints, checked.stdout + checked.stderr


# ---- the nightly cron line (issue #24) ---------------------------------------------------


def cron_line() -> tuple[dict[str, str], str, str]:
    """The documented cron file: its variables, the account it runs as, and the command."""
    variables, found = {}, None
    for line in (DEPLOY / "planwiki.cron").read_text().splitlines():
        if re.match(r"^[A-Z_]+=", line):
            name, value = line.split("=", 1)
            variables[name] = value
        elif re.match(r"^[0-9*]", line):
            assert found is None, "one line"
            found = line
    assert found is not None
    fields = found.split(None, 6)
    return variables, fields[5], fields[6]


def test_the_cron_line_backs_up_the_database_and_the_files_with_no_variable_set(
    tmp_path: Path,
) -> None:
    from test_restore import make_plan, tree

    variables, account, command = cron_line()
    assert account == "planwiki" and variables["SHELL"] == "/bin/bash"
    data, backups = tmp_path / "data", tmp_path / "backups"
    make_plan(data)
    backups.mkdir()
    settings = tmp_path / "env"
    settings.write_text("PLANWIKI_SYNCHRONOUS=NORMAL\n")
    runner = tmp_path / "planwiki"
    runner.write_text(f'#!/bin/sh\nexec {sys.executable} -m main "$@"\n')
    runner.chmod(0o755)
    swaps = {"/opt/planwiki/venv/bin/planwiki": str(runner), "/var/lib/planwiki": str(data),
             "/var/backups/planwiki": str(backups), "/etc/planwiki/env": str(settings),
             "\\%": "%"}  # fmt: skip
    for documented, here in swaps.items():
        assert documented in command, documented
        command = command.replace(documented, here)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANWIKI_")}
    env["PLANWIKI_DB"] = variables["PLANWIKI_DB"].replace("/var/lib/planwiki", str(data))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    assert "PLANWIKI_FILES_DIR" not in env and "rsync" not in command
    old = backups / "planwiki-2020-01-01.tar"
    old.write_bytes(b"old")
    os.utime(old, (time.time() - 20 * 86400,) * 2)

    done = subprocess.run([variables["SHELL"], "-c", command], env=env, capture_output=True,
                          text=True, timeout=180, cwd="/")  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    made = list(backups.glob("planwiki-*.tar"))
    assert len(made) == 1 and made[0].name == f"planwiki-{datetime.date.today():%Y-%m-%d}.tar"
    import tarfile

    with tarfile.open(made[0]) as tar:
        inside = {n.removeprefix("files/") for n in tar.getnames() if n.startswith("files/")}
    assert inside == set(tree(data / "planwiki.db.files")) and len(inside) == 4


def test_the_unit_the_cron_line_and_the_docs_use_the_same_paths() -> None:
    unit = (DEPLOY / "planwiki.service").read_text()
    variables, _, command = cron_line()
    cron = (DEPLOY / "planwiki.cron").read_text()
    guide = (DEPLOY / "README.md").read_text()
    readme = (ROOT / "README.md").read_text()
    for path in ("/var/lib/planwiki", "/opt/planwiki/venv/bin/planwiki", "/etc/planwiki/env"):
        assert path in unit and path in command and path in guide, path
    assert "Environment=PLANWIKI_DB=" + variables["PLANWIKI_DB"] in unit
    assert "WorkingDirectory=/var/lib/planwiki" in unit and "cd /var/lib/planwiki;" in command
    schedule = next(line for line in cron.splitlines() if line[:1].isdigit())
    assert schedule in guide and schedule in readme, "the docs show the tested line itself"
