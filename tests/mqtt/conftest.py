# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the mqtt suite: a real mosquitto broker, pinbusd --simulate on a private
dbus-daemon, pinbus-mqtt between them, and a paho subscriber that sees what a user would.

The process startup (private dbus-daemon, pinbusd waited for through sd_notify READY=1) is a
minimal copy of tests/bus/conftest.py, kept separate on purpose: these tests need none of
dbus-python or GLib (they drive pinbusd with busctl, as a shell user would), and the suites
must not depend on each other's internals.

A test adjusts its setup with the `setup` marker:

    @pytest.mark.setup(pinbus="[output porch]\\nline = GPIO27\\n", mqtt="[publish]\\n...",
                       broker={"tls": True, "password": True, "persistence": True}, start=True)

Every timeout is multiplied by PINBUS_TEST_TIMEOUT_SCALE (valgrind sets 15, ASan 3); with
PINBUSD_WRAPPER (valgrind) both pinbusd and pinbus-mqtt run under it, and must exit 0 at
teardown, so that a valgrind or sanitizer report fails the test.
"""

import contextlib
import json
import os
import pwd
import select
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import paho.mqtt.client as paho
import pytest

SCALE = float(os.environ.get("PINBUS_TEST_TIMEOUT_SCALE") or "1")

CLIENT_ID = "testpi"
BASE = "pinbus/testpi"
PREFIX = "homeassistant"
MQTT_USER = "pinbus"
MQTT_PASSWORD = "s3cret-Passw0rd"

# The README demo's configuration (scripts/run-demo.sh), with a faster sensor interval.
DEMO_CONFIG = """\
[output led]
line = GPIO26
initial = off

[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes
debounce = 20ms
hold-time = 1s

[sensor room]
model = bme280
bus = 1
address = 0x76
interval = 1s
"""


def scaled(seconds):
    return seconds * SCALE


def wait_until(predicate, timeout, what):
    """Polls predicate() until it is true; fails after timeout (scaled) seconds."""
    limit = scaled(timeout)
    deadline = time.monotonic() + limit
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit:.1f} s waiting for {what}")
        time.sleep(0.01)


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrapper():
    return shlex.split(os.environ.get("PINBUSD_WRAPPER", ""))


def short_tempdir():
    """A directory whose paths fit in a sockaddr_un (108 bytes), unlike pytest's tmp_path."""
    return tempfile.mkdtemp(prefix="pbm-", dir="/tmp" if os.path.isdir("/tmp") else None)


# --- processes -----------------------------------------------------------------

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="*"/>
  </policy>
</busconfig>
"""


class PrivateBus:
    def __init__(self, sockdir, workdir):
        self.config = os.path.join(workdir, "bus.conf")
        self.log = os.path.join(workdir, "dbus-daemon.log")
        with open(self.config, "w") as f:
            f.write(BUS_CONFIG.format(socket=os.path.join(sockdir, "bus")))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["dbus-daemon", f"--config-file={self.config}", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        line = b""
        deadline = time.monotonic() + scaled(10)
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                self.stop()
                raise AssertionError("dbus-daemon did not print its address")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                self.stop()
                raise AssertionError(f"dbus-daemon exited early (status {self.proc.wait()})")
            line += chunk
        self.proc.stdout.close()
        self.address = line.decode().strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Notified:
    """A process started with NOTIFY_SOCKET and waited for until it sends READY=1."""

    name = "process"

    def __init__(self, sockdir, log):
        self.sockdir = sockdir
        self.log = log
        self.proc = None
        self.notify = None
        self.starts = 0

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def command(self):
        raise NotImplementedError

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start(self, wait=True):
        assert not self.running, f"{self.name} is already running"
        self.starts += 1
        path = os.path.join(self.sockdir, f"{self.name}-notify{self.starts}")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self.notify.bind(path)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        with open(self.log, "ab") as log:
            log.write(f"===== start {self.starts}: {shlex.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(self.command(), env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=log)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout=10):
        got = b""
        deadline = time.monotonic() + scaled(timeout)
        while b"READY=1" not in got.split(b"\n"):
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with status {self.proc.returncode} before "
                                     f"READY=1:\n{self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} sent no READY=1 within {scaled(timeout):.1f} s")
            if select.select([self.notify], [], [], 0.05)[0]:
                got += b"\n" + self.notify.recv(65536)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Sends sig, waits for the exit and returns the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=scaled(timeout))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"{self.name} did not exit within {scaled(timeout):.1f} s of "
                                     f"{signal.Signals(sig).name}; killed it")
        if self.notify:
            self.notify.close()
            self.notify = None
        return self.proc.returncode

    def stop_ok(self):
        status = self.stop()
        assert status == 0, (f"{self.name} exited with status {status} after SIGTERM (sanitizer or "
                             f"valgrind errors exit non-zero):\n{self.log_text()[-3000:]}")


class Pinbusd(Notified):
    name = "pinbusd"

    def __init__(self, address, workdir, sockdir, config):
        super().__init__(sockdir, os.path.join(workdir, "pinbusd.log"))
        self.address = address
        self.state_dir = os.path.join(workdir, "state")
        self.config_path = os.path.join(workdir, "pinbus.conf")
        self.write_config(config)

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def command(self):
        return wrapper() + [os.environ["PINBUSD"], "--simulate", f"--bus-address={self.address}",
                            f"--state-dir={self.state_dir}", f"--config={self.config_path}"]


class PinbusMqtt(Notified):
    name = "pinbus-mqtt"

    def __init__(self, address, workdir, sockdir):
        super().__init__(sockdir, os.path.join(workdir, "pinbus-mqtt.log"))
        self.address = address
        self.config_path = os.path.join(workdir, "mqtt.conf")
        self.args = []

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def command(self):
        return wrapper() + [os.environ["PINBUS_MQTT"], f"--config={self.config_path}",
                            f"--bus-address={self.address}"] + self.args


class Certificates:
    """A CA and a server certificate for 127.0.0.1 and localhost, made with openssl."""

    def __init__(self, directory):
        self.dir = directory
        self.ca_key = os.path.join(directory, "ca.key")
        self.ca = os.path.join(directory, "ca.pem")
        self.key = os.path.join(directory, "server.key")
        self.cert = os.path.join(directory, "server.pem")
        self.other_ca = os.path.join(directory, "other-ca.pem")
        os.makedirs(directory, exist_ok=True)

        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pinbus test CA",
                "-keyout", self.ca_key, "-out", self.ca)
        csr = os.path.join(directory, "server.csr")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", self.key,
                "-out", csr)
        ext = os.path.join(directory, "server.ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key, "-CAcreateserial",
                "-days", "2", "-extfile", ext, "-out", self.cert)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=another CA",
                "-keyout", os.path.join(directory, "other-ca.key"), "-out", self.other_ca)


class Mosquitto:
    """Debian's mosquitto on a free loopback port (and a TLS one), with its own config."""

    def __init__(self, workdir, tls=False, password=False, acl=False, persistence=False):
        self.workdir = workdir
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.config = os.path.join(workdir, "mosquitto.conf")
        self.log = os.path.join(workdir, "mosquitto.log")
        self.proc = None
        self.certs = Certificates(os.path.join(workdir, "certs")) if tls else None
        self.password_file = os.path.join(workdir, "mosquitto.passwd") if password else None
        # Started as root, mosquitto switches to user mosquitto, which cannot read the test's
        # files: stay who we are.
        lines = [f"user {pwd.getpwuid(os.getuid()).pw_name}", "per_listener_settings false",
                 f"listener {self.port} 127.0.0.1"]
        if self.tls_port:
            lines += [f"listener {self.tls_port} 127.0.0.1", f"cafile {self.certs.ca}",
                      f"certfile {self.certs.cert}", f"keyfile {self.certs.key}"]
        if password:
            self.set_password(MQTT_PASSWORD)
            lines += ["allow_anonymous false", f"password_file {self.password_file}"]
        else:
            lines += ["allow_anonymous true"]
        if acl:
            # pinbus-mqtt may use its own topics and Home Assistant's; the test's user
            # ("observer") reads everything and may publish commands.
            acl_path = os.path.join(workdir, "mosquitto.acl")
            with open(acl_path, "w") as f:
                f.write(f"user {MQTT_USER}\ntopic readwrite {BASE}/#\ntopic readwrite {PREFIX}/#\n\n"
                        "user observer\ntopic read #\ntopic write pinbus/+/output/+/set\n"
                        f"topic write {PREFIX}/status\n")
            lines += [f"acl_file {acl_path}"]
        if persistence:
            lines += ["persistence true", f"persistence_location {workdir}/", "autosave_interval 0"]
        else:
            lines += ["persistence false"]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def set_password(self, password, user=MQTT_USER):
        """(Re)writes the password file with user and observer (password "observer")."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.password_file)
        for u, p in ((user, password), ("observer", "observer")):
            subprocess.run(["mosquitto_passwd", "-b"] + (["-c"] if not os.path.exists(self.password_file) else [])
                           + [self.password_file, u, p], check=True, capture_output=True)
        os.chmod(self.password_file, 0o600)

    def reload(self):
        """SIGHUP: mosquitto reads its password and ACL files again."""
        self.proc.send_signal(signal.SIGHUP)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        with open(self.log, "ab") as log:
            log.write(b"===== start\n")
            log.flush()
            self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", self.config], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log)

        def listening():
            if self.proc.poll() is not None:
                raise AssertionError(f"mosquitto exited with status {self.proc.returncode}:\n"
                                     + open(self.log, errors="replace").read()[-2000:])
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.tls_port or self.port)) == 0

        wait_until(listening, 10, f"mosquitto to listen on port {self.port}")

    def stop(self, sig=signal.SIGTERM):
        if self.running:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Subscriber:
    """A paho client subscribed to '#' that records every message (topic, payload, retain)."""

    def __init__(self, broker, client_id="observer", clean_session=True, username=None, password=None):
        self.messages = []
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.client = paho.Client(client_id=client_id, clean_session=clean_session)
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *a: self.connected.clear()
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(0.05, 0.2)
        self.client.connect("127.0.0.1", broker.port, keepalive=30)
        self.client.loop_start()
        if not self.connected.wait(scaled(10)):
            raise AssertionError("the test's subscriber could not connect to mosquitto")

    def _on_connect(self, client, userdata, flags, rc):
        if rc == 0:
            client.subscribe("#", qos=1)
            self.connected.set()

    def _on_message(self, client, userdata, m):
        with self.lock:
            self.messages.append((m.topic, bytes(m.payload), bool(m.retain), time.monotonic()))

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()

    def clear(self):
        with self.lock:
            self.messages.clear()

    def of(self, topic):
        """Payloads received on topic, as text, oldest first."""
        with self.lock:
            return [p.decode(errors="replace") for t, p, _, _ in self.messages if t == topic]

    def last(self, topic):
        got = self.of(topic)
        return got[-1] if got else None

    def json(self, topic):
        return [json.loads(p) for p in self.of(topic) if p]

    def wait_for(self, topic, payload=None, timeout=10, predicate=None):
        """Waits until the last message on topic equals payload (or satisfies predicate); returns it."""
        def ok():
            last = self.last(topic)
            if last is None:
                return None
            if predicate is not None:
                return last if predicate(last) else None
            return last if payload is None or last == payload else None

        return wait_until(ok, timeout, f"{topic} to be {payload!r} (last: {self.last(topic)!r})")

    def publish(self, topic, payload, retain=False, qos=1):
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        info.wait_for_publish()


def retained(broker, topic_filter="#", timeout=2.0, username=None, password=None):
    """The retained messages matching topic_filter, as a fresh subscriber sees them: {topic: text}."""
    got = {}
    done = threading.Event()
    c = paho.Client(client_id=f"retained-{time.monotonic_ns()}", clean_session=True)
    if username:
        c.username_pw_set(username, password)

    def on_connect(client, userdata, flags, rc):
        client.subscribe(topic_filter, qos=1)

    def on_message(client, userdata, m):
        if m.retain:
            got[m.topic] = bytes(m.payload).decode(errors="replace")

    c.on_connect = on_connect
    c.on_message = on_message
    c.connect("127.0.0.1", broker.port, keepalive=30)
    c.loop_start()
    # Retained messages come right after SUBACK; a quiet moment means they are all here.
    last = -1
    deadline = time.monotonic() + scaled(timeout)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if len(got) == last and last > 0:
            break
        last = len(got)
    c.loop_stop()
    c.disconnect()
    done.set()
    return got


# --- the environment ------------------------------------------------------------

class MqttEnv:
    def __init__(self, tmp_path, pinbus_config, mqtt_extra, broker_options):
        self.workdir = str(tmp_path)
        self.sockdir = short_tempdir()
        self.bus_daemon = PrivateBus(self.sockdir, self.workdir)
        self.address = self.bus_daemon.address
        self.pinbusd = Pinbusd(self.address, self.workdir, self.sockdir, pinbus_config)
        self.broker = Mosquitto(self.workdir, **broker_options)
        self.mqtt = PinbusMqtt(self.address, self.workdir, self.sockdir)
        self.mqtt_extra = mqtt_extra
        self.subscribers = []
        self.write_mqtt_config()

    def write_mqtt_config(self, extra=None, broker_section=None):
        """mqtt.conf for this broker: plain mqtt:// (or what broker_section says), fast reconnects."""
        if broker_section is None:
            broker_section = f"uri = mqtt://127.0.0.1:{self.broker.port}\n"
            if self.broker.password_file:
                pw = os.path.join(self.workdir, "mqtt.password")
                with open(pw, "w") as f:
                    f.write(MQTT_PASSWORD + "\n")
                broker_section += f"username = {MQTT_USER}\npassword-file = {pw}\n"
        self.mqtt.write_config(f"[broker]\n{broker_section}client-id = {CLIENT_ID}\nkeepalive = 10s\n"
                               "reconnect-min = 200ms\nreconnect-max = 2s\n\n"
                               f"[publish]\nbase-topic = {BASE}\n\n"
                               + (self.mqtt_extra if extra is None else extra))

    def start(self):
        self.broker.start()
        self.pinbusd.start()
        self.mqtt.start()

    def subscriber(self, **kwargs):
        if self.broker.password_file:
            kwargs.setdefault("username", "observer")
            kwargs.setdefault("password", "observer")
        s = Subscriber(self.broker, **kwargs)
        self.subscribers.append(s)
        return s

    def retained(self, topic_filter="#"):
        kw = {"username": "observer", "password": "observer"} if self.broker.password_file else {}
        return retained(self.broker, topic_filter, **kw)

    # busctl, as a shell user drives pinbusd
    def busctl(self, *args):
        r = subprocess.run(["busctl", f"--address={self.address}", *args], capture_output=True, text=True,
                           timeout=scaled(20))
        assert r.returncode == 0, f"busctl {shlex.join(args)} failed: {r.stderr}"
        return r.stdout.strip()

    def sim(self, method, signature, *args):
        return self.busctl("call", "io.pinbus1", "/io/pinbus1", "io.pinbus1.Simulator", method, signature,
                           *[str(a) for a in args])

    def output_value(self, name):
        out = self.busctl("get-property", "io.pinbus1", f"/io/pinbus1/output/{name}", "io.pinbus1.Output",
                          "Value")
        assert out in ("b true", "b false"), out
        return out == "b true"

    def close(self):
        for s in self.subscribers:
            with contextlib.suppress(Exception):
                s.close()
        errors = []
        for proc in (self.mqtt, self.pinbusd):
            if proc.running:
                status = proc.stop()
                if status != 0:
                    errors.append(f"{proc.name} exited with status {status} at teardown")
        self.broker.stop()
        self.bus_daemon.stop()
        shutil.rmtree(self.sockdir, ignore_errors=True)
        return errors


@pytest.fixture
def env(request, tmp_path):
    marker = request.node.get_closest_marker("setup")
    kw = dict(marker.kwargs) if marker else {}
    e = MqttEnv(tmp_path, kw.get("pinbus", DEMO_CONFIG), kw.get("mqtt", ""), kw.get("broker", {}))
    try:
        if kw.get("start", True):
            e.start()
        yield e
    except BaseException:
        raise
    finally:
        errors = e.close()
        if request.node.__dict__.get("_failed"):
            for name, path in (("pinbus-mqtt", e.mqtt.log), ("pinbusd", e.pinbusd.log),
                               ("mosquitto", e.broker.log)):
                with contextlib.suppress(OSError):
                    print(f"----- {name} log -----\n" + open(path, errors="replace").read()[-4000:])
    assert not errors, "; ".join(errors)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed:
        item.__dict__["_failed"] = True
