"""The ClickHouse baseline of `bench/run press`: Debian's clickhouse-server
(18.16: no `clickhouse local`), installed by the bench when missing, started
as a private server on loopback in a temporary folder (its own ports, data,
logs and users), stopped by its pid. What is timed is what a user would do
to get flat JSON event rows into a column store: `INSERT ... FORMAT
JSONEachRow` into a MergeTree table, through clickhouse-client (the loads
themselves are lib/press.py's)."""
import os
import shutil
import subprocess
import tempfile
import time

from lib.common import log, stop
from lib.daemons import free_port

SERVER = "/usr/sbin/clickhouse-server"
CLIENT = "/usr/bin/clickhouse-client"
PACKAGES = ["clickhouse-server", "clickhouse-client"]

CONFIG = """<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>{dir}/log/server.log</log>
        <errorlog>{dir}/log/server.err.log</errorlog>
        <console>0</console>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>{tcp_port}</tcp_port>
    <http_port>{http_port}</http_port>
    <interserver_http_port>{interserver_port}</interserver_http_port>
    <path>{dir}/data/</path>
    <tmp_path>{dir}/tmp/</tmp_path>
    <user_files_path>{dir}/user_files/</user_files_path>
    <format_schema_path>{dir}/format_schemas/</format_schema_path>
    <users_config>{dir}/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>536870912</mark_cache_size>
    <max_concurrent_queries>16</max_concurrent_queries>
</yandex>
"""
USERS = """<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>8000000000</max_memory_usage>{threads}</default></profiles>
    <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
        <profile>default</profile><quota>default</quota></default></users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
"""


def ensure_installed():
    """Installs Debian's clickhouse-server and -client when they are missing
    (as root: the bench's machine is a fresh Debian 12). None when they are
    there, else why they are not."""
    if os.access(SERVER, os.X_OK) and os.access(CLIENT, os.X_OK):
        return None
    log("press: installing clickhouse-server and clickhouse-client (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends"] + PACKAGES):
        r = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        if r.returncode != 0:
            return f"`{' '.join(command)}` failed: {r.stdout[-500:]}"
    return None if os.access(SERVER, os.X_OK) else f"{SERVER} is missing after the install"


class ClickHouse:
    """A private ClickHouse server on 127.0.0.1, in a temporary folder,
    ended by its pid (`with ClickHouse(threads) as ch: ch.query(...)`)."""

    def __init__(self, threads=None):
        self.threads = threads
        self.dir = tempfile.mkdtemp(prefix="datablox-bench-clickhouse-")
        self.process = None
        self.port = None

    def __enter__(self):
        for sub in ("log", "data", "tmp", "user_files", "format_schemas"):
            os.makedirs(os.path.join(self.dir, sub))
        self.port = free_port()
        ports = {"tcp_port": self.port, "http_port": free_port(), "interserver_port": free_port()}
        with open(os.path.join(self.dir, "config.xml"), "w") as f:
            f.write(CONFIG.format(dir=self.dir, **ports))
        with open(os.path.join(self.dir, "users.xml"), "w") as f:
            f.write(USERS.format(threads=f"<max_threads>{self.threads}</max_threads>" if self.threads else ""))
        log_file = open(os.path.join(self.dir, "log", "stdout.log"), "w")
        self.process = subprocess.Popen([SERVER, f"--config-file={self.dir}/config.xml"], cwd=self.dir,
                                        stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log_file.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clickhouse-server exited {self.process.returncode}: {self.server_log()}")
            if self.try_query("SELECT 1") == "1":
                return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"clickhouse-server did not answer within 60 s: {self.server_log()}")

    def __exit__(self, *exc):
        if self.process is not None:
            stop(self.process, grace=20.0)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def server_log(self):
        text = ""
        for name in ("stdout.log", "server.err.log"):
            try:
                with open(os.path.join(self.dir, "log", name), errors="replace") as f:
                    text += f.read()[-1500:]
            except FileNotFoundError:
                pass
        return text

    def client(self, *args):
        return [CLIENT, "--host", "127.0.0.1", "--port", str(self.port), *args]

    def query(self, sql, timeout=600):
        r = subprocess.run(self.client("--query", sql), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"clickhouse: {sql[:80]}: {r.stderr.strip()[-600:]}")
        return r.stdout.strip()

    def try_query(self, sql):
        """The answer, or None while the server cannot give one (starting)."""
        try:
            return self.query(sql, timeout=30)
        except (RuntimeError, subprocess.TimeoutExpired):
            return None


# The flat event rows of tools/gen_events.py as a MergeTree table, ordered as
# a behavioural store would keep them (by user, then session, then time).
EVENTS_TABLE = """CREATE TABLE {name} (
    user String, session Int64, session_start Int64, ts Int64, type String, value Float64,
    country String, os String
) ENGINE = MergeTree() ORDER BY (user, session, ts)"""


def load_files(ch, files):
    """Seconds to load every file at once into table `events` (one
    clickhouse-client INSERT ... FORMAT JSONEachRow per file), timed wall
    clock from the first start to the last exit."""
    inputs = [open(path, "rb") for path in files]
    try:
        began = time.monotonic()
        loads = [subprocess.Popen(ch.client("--query", "INSERT INTO events FORMAT JSONEachRow"), stdin=f,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in inputs]
        failures = []
        for load, path in zip(loads, files):
            _, err = load.communicate(timeout=3600)
            if load.returncode != 0:
                failures.append(f"loading {path}: {err.decode(errors='replace')[-600:]}")
        seconds = time.monotonic() - began
    finally:
        for f in inputs:
            f.close()
    if failures:
        raise RuntimeError("clickhouse: " + "; ".join(failures))
    return seconds
