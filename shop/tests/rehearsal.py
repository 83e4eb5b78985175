"""The compose deployment rehearsed without a Docker engine (test_compose_rehearsal.py).

Every compose service gets a loopback address of its own inside a network namespace that the
rehearsal makes (`ip netns`), and `/etc/netns/<namespace>/hosts` names them, so `postgres`,
`kafka` or `web` resolve there as they do on the compose network. The backing services are the
real servers this machine has (Debian's PostgreSQL, Redis, ClickHouse and Prometheus, S3Proxy
for MinIO, OpenSearch Runner, Kafka, Mailpit), each set up from its compose service's own
environment (users, passwords, bucket credentials), listening on 127.0.0.1 inside the
namespace behind a forwarder from `<service address>:<compose port>`. The app's services run as
local processes with exactly the command and environment that `docker-compose config` renders
for them, plus the image's own ENV (paths mapped to this machine). The test reaches into the
namespace through `Rehearsal.portal()`.
"""

import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from shop.testing import ROOT, free_port

STACK = ROOT / ".stack"
FORWARDER = Path(__file__).with_name("tcp_forward.py")
APP_SERVICES = ("migrate", "web", "worker", "analytics-worker", "beat", "relay", "consumer")
# Where the image keeps things (Dockerfile), and where this machine has them.
IMAGE_PATHS = {"/opt/spark-jdbc": str(STACK / "java" / "spark" / "lib")}


def java_home(at_least: int) -> str:
    for home in sorted(Path("/usr/lib/jvm").glob("*")):
        java = home / "bin" / "java"
        if not java.exists():
            continue
        shown = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
        version = next(
            (line.split("=")[1].strip() for line in shown.stderr.splitlines() if "java.specification.version" in line),
            "0",
        )
        if int(version.split(".")[0]) >= at_least:
            return str(home)
    raise RuntimeError(f"no Java {at_least}+ under /usr/lib/jvm")


def as_run(value) -> str:
    """A value of `docker-compose config`'s output as the container gets it: the rendered file keeps
    `$$` (a literal `$` in compose) escaped, and compose unescapes it when it starts the container."""
    return str(value).replace("$$", "$")


def image_environment() -> dict[str, str]:
    """The ENV lines of the Dockerfile's last stage."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    last = text[text.rindex("\nFROM ") :]
    found = {}
    for line in last.splitlines():
        if line.startswith("ENV "):
            for pair in line[4:].split():
                key, value = pair.split("=", 1)
                found[key] = IMAGE_PATHS.get(value, value)
    return found


def image_command() -> list[str]:
    import json

    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line[4:])


class Rehearsal:
    def __init__(self, compose: dict, workdir: Path):
        self.compose = compose
        self.services = compose["services"]
        self.workdir = workdir
        self.namespace = f"bazaar-rehearsal-{uuid.uuid4().hex[:8]}"
        self.addresses = {name: f"127.0.77.{index}" for index, name in enumerate(sorted(self.services), start=10)}
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True)
        # Folders that servers running as other users (postgres) can reach.
        self.shared = Path(tempfile.mkdtemp(prefix="bazaar-rehearsal-"))
        self.shared.chmod(0o755)

    # --- the namespace ------------------------------------------------------------------

    def __enter__(self) -> "Rehearsal":
        subprocess.run(["ip", "netns", "add", self.namespace], check=True)
        hosts = Path("/etc/netns") / self.namespace / "hosts"
        hosts.parent.mkdir(parents=True)
        hosts.write_text("127.0.0.1 localhost\n" + "".join(f"{ip} {name}\n" for name, ip in self.addresses.items()))
        self.run_in(["ip", "link", "set", "lo", "up"], check=True)
        return self

    def __exit__(self, *exc) -> None:
        for process in reversed(list(self.processes.values())):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, 9)
        subprocess.run(["ip", "netns", "delete", self.namespace], check=False)
        shutil.rmtree(Path("/etc/netns") / self.namespace, ignore_errors=True)
        shutil.rmtree(self.shared, ignore_errors=True)

    def run_in(self, command: list[str], **options) -> subprocess.CompletedProcess:
        return subprocess.run(["ip", "netns", "exec", self.namespace, *command], **options)

    def start(self, name: str, command: list[str], *, env: dict | None = None, cwd: Path | None = None):
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen(
            ["ip", "netns", "exec", self.namespace, *command],
            env=env if env is not None else {"PATH": os.environ["PATH"], "HOME": str(self.workdir)},
            cwd=cwd or self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.processes[name]

    def diagnosis(self, *names: str) -> str:
        """What listens inside the namespace, which processes have exited, and the logs' last lines."""
        listening = self.run_in(["ss", "-ltn"], capture_output=True, text=True).stdout
        exited = {name: process.returncode for name, process in self.processes.items() if process.poll() is not None}
        tails = "".join(f"\n--- {name}\n{self.log(name)[-1500:]}" for name in names)
        return f"listening:\n{listening}\nexited: {exited}{tails}"

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def connect(self, host: str, port: int, timeout: float = 5) -> socket.socket:
        """A connection to `host:port` as seen inside the namespace."""
        holder = {}

        def inside():
            try:
                with open(f"/run/netns/{self.namespace}") as handle:
                    os.setns(handle.fileno(), os.CLONE_NEWNET)  # this thread only
                holder["socket"] = socket.create_connection((self.addresses.get(host, host), port), timeout=timeout)
            except OSError as error:
                holder["error"] = error

        thread = threading.Thread(target=inside)
        thread.start()
        thread.join()
        if "error" in holder:
            raise holder["error"]
        holder["socket"].settimeout(None)
        return holder["socket"]

    def answers(self, host: str, port: int) -> bool:
        try:
            self.connect(host, port, timeout=1).close()
            return True
        except OSError:
            return False

    def wait_for(self, host: str, port: int, seconds: float = 90, name: str | None = None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.answers(host, port):
                return
            process = self.processes.get(name or host)
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{name or host} exited: {self.log(name or host)[-3000:]}")
            time.sleep(0.5)
        raise RuntimeError(f"{host}:{port} did not answer in {seconds:.0f}s: {self.log(name or host)[-3000:]}")

    @contextlib.contextmanager
    def portal(self, host: str, port: int):
        """A base URL on this machine's loopback that leads to `host:port` inside the namespace."""
        listener = socket.create_server(("127.0.0.1", free_port()))
        stop = threading.Event()

        def pipe(source, target):
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    target.sendall(data)
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

        def serve():
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                try:
                    inner = self.connect(host, port)
                except OSError:
                    client.close()
                    continue
                threading.Thread(target=pipe, args=(client, inner), daemon=True).start()
                threading.Thread(target=pipe, args=(inner, client), daemon=True).start()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{listener.getsockname()[1]}"
        finally:
            stop.set()
            thread.join(timeout=5)
            listener.close()

    # --- the backing services, each from its compose service --------------------------------

    def environment_of(self, service: str) -> dict[str, str]:
        return {key: as_run(value) for key, value in (self.services[service].get("environment") or {}).items()}

    def start_backing_services(self) -> None:
        forwards = []
        for name, starter in (
            ("postgres", self._postgres),
            ("redis", self._redis),
            ("minio", self._minio),
            ("opensearch", self._opensearch),
            ("kafka", self._kafka),
            ("clickhouse", self._clickhouse),
            ("mail", self._mail),
        ):
            forwards += [f"{self.addresses[name]}:{outside}=127.0.0.1:{inside}" for outside, inside in starter()]
        self.start("forwarder", [sys.executable, str(FORWARDER), *forwards])
        for name, port in (("postgres", 5432), ("redis", 6379), ("minio", 9000), ("opensearch", 9200),
                           ("kafka", 9092), ("clickhouse", 9000), ("mail", 1025)):  # fmt: skip
            self.wait_for(name, port, seconds=180)
        self._wait_http("opensearch", 9200, "/_cluster/health?wait_for_status=yellow&timeout=1s")
        self._create_postgres_database()

    def _wait_http(self, host: str, port: int, path: str, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        with self.portal(host, port) as base:
            while time.monotonic() < deadline:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(base + path, timeout=3).ok:
                        return
                time.sleep(1)
        raise RuntimeError(f"{host} did not answer {path}: {self.log(host)[-3000:]}")

    def _postgres(self):
        env = self.environment_of("postgres")
        data = self.shared / "postgres"
        data.mkdir()
        password = self.shared / "postgres-password"
        password.write_text(env["POSTGRES_PASSWORD"])
        shutil.chown(data, "postgres")
        shutil.chown(password, "postgres")
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        as_postgres = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [*as_postgres, str(binaries / "initdb"), "-D", str(data), "-U", env["POSTGRES_USER"],
             f"--pwfile={password}", "--auth-host=scram-sha-256", "--auth-local=trust"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.start(
            "postgres",
            [*as_postgres, str(binaries / "postgres"), "-D", str(data), "-c", "listen_addresses=127.0.0.1",
             "-p", "15432", "-k", str(data)],
        )  # fmt: skip
        self._postgres_socket = (as_postgres, binaries, data, env)
        return [(5432, 15432)]

    def _create_postgres_database(self) -> None:
        as_postgres, binaries, data, env = self._postgres_socket
        self.run_in(
            [*as_postgres, str(binaries / "createdb"), "-h", str(data), "-p", "15432",
             "-U", env["POSTGRES_USER"], env.get("POSTGRES_DB", env["POSTGRES_USER"])],
            check=True, capture_output=True,
        )  # fmt: skip

    def _redis(self):
        self.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", "16379", "--save", "",
                             "--dir", str(self.workdir)])  # fmt: skip
        return [(6379, 16379)]

    def _minio(self):
        """S3Proxy stands in for MinIO, with MinIO's root user and password as its only credentials."""
        env = self.environment_of("minio")
        properties = self.workdir / "s3proxy.properties"
        (self.workdir / "minio").mkdir()
        properties.write_text(
            "s3proxy.endpoint=http://127.0.0.1:19000\ns3proxy.authorization=aws-v2-or-v4\n"
            f"s3proxy.identity={env['MINIO_ROOT_USER']}\ns3proxy.credential={env['MINIO_ROOT_PASSWORD']}\n"
            f"jclouds.provider=filesystem\njclouds.filesystem.basedir={self.workdir / 'minio'}\n"
        )
        java = Path(java_home(17)) / "bin" / "java"
        self.start("minio", [str(java), "-Xmx256m", "-cp", f"{STACK / 'java' / 's3proxy' / 'lib'}/*",
                             "org.gaul.s3proxy.Main", "--properties", str(properties)])  # fmt: skip
        return [(9000, 19000)]

    def _opensearch(self):
        java = Path(java_home(21)) / "bin" / "java"
        self.start("opensearch", [str(java), "-Xms256m", "-Xmx512m", "-cp",
                                  f"{STACK / 'java' / 'opensearch' / 'lib'}/*",
                                  "org.codelibs.opensearch.runner.OpenSearchRunner", "-basePath",
                                  str(self.workdir / "opensearch"), "-numOfNode", "1",
                                  "-clusterName", "rehearsal"])  # fmt: skip
        return [(9200, 9201)]

    def _kafka(self):
        """One KRaft node, advertising itself as compose's does (KAFKA_ADVERTISED_LISTENERS: kafka:9092)."""
        env = self.environment_of("kafka")
        folder = self.workdir / "kafka"
        (folder / "data").mkdir(parents=True)
        properties = folder / "server.properties"
        properties.write_text(
            f"process.roles=broker,controller\nnode.id={env['KAFKA_NODE_ID']}\n"
            "controller.quorum.bootstrap.servers=127.0.0.1:19093\n"
            "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093\n"
            f"advertised.listeners={env['KAFKA_ADVERTISED_LISTENERS']}\ncontroller.listener.names=CONTROLLER\n"
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n"
            f"inter.broker.listener.name=PLAINTEXT\nlog.dirs={folder / 'data'}\n"
            f"num.partitions={env['KAFKA_NUM_PARTITIONS']}\noffsets.topic.replication.factor=1\n"
            "transaction.state.log.replication.factor=1\ntransaction.state.log.min.isr=1\n"
            "share.coordinator.state.topic.replication.factor=1\nshare.coordinator.state.topic.min.isr=1\n"
            "group.initial.rebalance.delay.ms=0\n"
        )
        java = Path(java_home(17)) / "bin" / "java"
        classpath = f"{STACK / 'java' / 'kafka' / 'lib'}/*"
        subprocess.run(
            [str(java), "-cp", classpath, "kafka.tools.StorageTool", "format", "--standalone",
             "-t", _kafka_cluster_id(), "-c", str(properties)],
            check=True, capture_output=True,
        )  # fmt: skip
        self.start("kafka", [str(java), "-Xms256m", "-Xmx512m", "-cp", classpath, "kafka.Kafka", str(properties)])
        return [(9092, 19092)]

    def _clickhouse(self):
        """Debian's ClickHouse, with the user and password compose gives its clickhouse service."""
        env = self.environment_of("clickhouse")
        folder = self.workdir / "clickhouse"
        for sub in ("data", "tmp", "log", "user_files"):
            (folder / sub).mkdir(parents=True)
        (folder / "users.xml").write_text(
            '<?xml version="1.0"?><yandex><profiles><default/></profiles><quotas><default/></quotas><users>'
            f"<{env['CLICKHOUSE_USER']}><password>{env['CLICKHOUSE_PASSWORD']}</password>"
            "<networks><ip>::/0</ip></networks><profile>default</profile><quota>default</quota>"
            f"</{env['CLICKHOUSE_USER']}></users></yandex>"
        )
        (folder / "config.xml").write_text(
            f'<?xml version="1.0"?><yandex><logger><level>warning</level><log>{folder}/log/server.log</log>'
            f"<errorlog>{folder}/log/error.log</errorlog></logger><http_port>18123</http_port>"
            f"<tcp_port>19001</tcp_port><listen_host>127.0.0.1</listen_host><path>{folder}/data/</path>"
            f"<tmp_path>{folder / 'tmp'}/</tmp_path><user_files_path>{folder / 'user_files'}/</user_files_path>"
            f"<users_config>{folder}/users.xml</users_config><default_profile>default</default_profile>"
            "<default_database>default</default_database><mark_cache_size>536870912</mark_cache_size>"
            "<timezone>UTC</timezone></yandex>"
        )
        self.start("clickhouse", ["clickhouse-server", f"--config-file={folder / 'config.xml'}"])
        return [(9000, 19001), (8123, 18123)]

    def _mail(self):
        mailpit = STACK / "mail" / "bin" / "mailpit"
        if not mailpit.exists():
            raise RuntimeError("Mailpit is missing: `scripts/stack up mail` builds it (make test runs it)")
        self.start("mail", [str(mailpit), "--smtp", "127.0.0.1:11025", "--listen", "127.0.0.1:18025",
                            "--smtp-auth-accept-any", "--smtp-auth-allow-insecure"])  # fmt: skip
        return [(1025, 11025), (8025, 18025)]

    # --- the app's services, as compose runs them --------------------------------------------

    def app_environment(self, service: str) -> dict[str, str]:
        """The image's ENV, then what compose renders for the service (compose's wins, as in Docker),
        with PATH finding this machine's Python environment where the image has its own."""
        env = {"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(self.workdir)}
        env.update(image_environment())
        metrics = self.workdir / f"{service}-metrics"  # in each container's own /tmp (the image makes it)
        metrics.mkdir(exist_ok=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
        env.update(self.environment_of(service))
        return env

    def app_command(self, service: str) -> list[str]:
        return [as_run(part) for part in self.services[service].get("command") or image_command()]

    def build_image(self, image: Path) -> None:
        """What the Dockerfile does to the app's files: collect the static files."""
        env = {**self.app_environment("web"), "SECRET_KEY": uuid.uuid4().hex * 2}
        done = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=image, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"collectstatic failed: {done.stderr[-3000:]}")

    def run_app(self, service: str, image: Path, *, wait: bool = False, timeout: float = 600):
        process = self.start(service, self.app_command(service), env=self.app_environment(service), cwd=image)
        if wait:
            process.wait(timeout=timeout)
        return process

    def start_prometheus(self) -> None:
        """Debian's Prometheus, started by the compose service's own entrypoint and command, with its
        volumes where the container has them (a private /tmp, the config folder on /etc/prometheus)."""
        service = self.services["prometheus"]
        _, _, script, *_ = (as_run(part) for part in service["entrypoint"])
        config = next(volume.split(":")[0] for volume in service["volumes"] if ":/etc/prometheus" in volume)
        # its data volume goes in the private /tmp too: the rehearsal keeps nothing
        arguments = [argument.replace("=/prometheus", "=/tmp/prometheus-data") for argument in service["command"]]
        as_in_the_container = (
            'mount --bind "$1" /etc/prometheus && mount -t tmpfs tmpfs /tmp && shift && exec sh -c "$@"'
        )
        self.start(
            "prometheus",
            ["unshare", "--mount", "sh", "-c", as_in_the_container, "container", config,
             script.replace("/bin/prometheus", shutil.which("prometheus") or "/usr/bin/prometheus"), "prometheus",
             *arguments],
            env={"PATH": os.environ["PATH"], **self.environment_of("prometheus")},
        )  # fmt: skip
        self.wait_for("prometheus", 9090, seconds=60)


def _kafka_cluster_id() -> str:
    """A random cluster id as Kafka writes them: URL-safe base64 of 16 bytes that never starts with
    '-' (StorageTool would read such an id as an option; Kafka's own random-uuid avoids it too)."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate
