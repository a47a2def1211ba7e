#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pinbus-mqtt figures, not assertions (meson test -C build --benchmark bench-mqtt -v).

1. Latency through a real mosquitto to a paho subscriber, on one machine:
   - button press: the Pressed event's timestamp_ns (pinbusd's CLOCK_MONOTONIC, when the press
     counted) to its arrival at the subscriber (the same clock);
   - sensor sample: the state's timestamp (CLOCK_REALTIME of the sample) to its arrival.
2. A fleet: 50 pinbus-mqtt, one pinbusd (and private bus) per 10 of them, each publishing a
   BME280 every 100 ms to one mosquitto: messages/s at a subscriber of '#', and the CPU time
   and RSS of mosquitto and of the pinbus-mqtt instances.

Uses tests/mqtt/conftest.py's process classes. Needs what the mqtt suite needs; skips (77)
without it. PINBUS_BENCH_FLEET and PINBUS_BENCH_SECONDS change the fleet size and duration.
"""

import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mqtt"))

try:
    import conftest as h  # noqa: E402
except ImportError as e:
    print(f"SKIP: {e}")
    sys.exit(77)

PER_PINBUSD = 10
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def rss_kib(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE // 1024


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fmt_ms(values):
    ms = [v * 1000 for v in values]
    return f"p50 {pct(ms, 50):.2f} ms, p99 {pct(ms, 99):.2f} ms, max {max(ms):.2f} ms (n={len(ms)})"


def mqtt_config(env, index):
    return (f"[broker]\nuri = mqtt://127.0.0.1:{env['broker'].port}\nclient-id = fleet-{index}\n"
            "reconnect-min = 200ms\nreconnect-max = 2s\nqueue-size = 1000\n"
            f"[publish]\nbase-topic = pinbus/fleet-{index}\n")


def latency(workdir):
    sockdir = h.short_tempdir()
    bus = h.PrivateBus(sockdir, workdir)
    broker = h.Mosquitto(workdir)
    config = h.DEMO_CONFIG.replace("interval = 1s", "interval = 100ms").replace("hold-time = 1s",
                                                                                   "hold-time = 0")
    pinbusd = h.Pinbusd(bus.address, workdir, sockdir, config)
    mqtt = h.PinbusMqtt(bus.address, workdir, sockdir)
    mqtt.write_config(mqtt_config({"broker": broker}, 0))
    try:
        broker.start()
        pinbusd.start()
        mqtt.start()
        sub = h.Subscriber(broker)
        state = "pinbus/fleet-0/sensor/room/state"
        h.wait_until(lambda: sub.of(state), 10, "a sensor state")
        time.sleep(3)
        sensor = []
        with sub.lock:
            msgs = list(sub.messages)
        wall_now, mono_now = time.time(), time.monotonic()
        for topic, payload, _, mono in msgs:
            if topic == state:
                ts = datetime.datetime.strptime(json.loads(payload)["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
                ts = ts.replace(tzinfo=datetime.timezone.utc).timestamp()
                arrived = wall_now - (mono_now - mono)
                sensor.append(arrived - ts)

        # 100 presses, 50 ms apart (no click window: each press is one Pressed).
        n = 100
        events = "pinbus/fleet-0/button/doorbell/event"
        script = []
        for i in range(n):
            script += [str(i * 50000), "false", "0", "0", str(i * 50000 + 25000), "true", "0", "0"]
        pinbusd_args = ["call", "io.pinbus1", "/io/pinbus1", "io.pinbus1.Simulator", "Schedule", "asa(tbut)",
                        "1", "GPIO17", str(2 * n)] + script
        subprocess.run(["busctl", f"--address={bus.address}", *pinbusd_args], check=True, capture_output=True)
        h.wait_until(lambda: sum(1 for p in sub.of(events) if '"pressed"' in p) >= n, 30, "the presses")
        button = []
        with sub.lock:
            for topic, payload, _, mono in sub.messages:
                if topic == events:
                    e = json.loads(payload)
                    if e["event"] == "pressed":
                        button.append(mono - e["timestamp_ns"] / 1e9)
        sub.close()
        print(f"button press -> subscriber: {fmt_ms(button)}")
        print(f"sensor sample -> subscriber: {fmt_ms(sensor)}")
    finally:
        for p in (mqtt, pinbusd):
            if p.running:
                p.stop()
        broker.stop()
        bus.stop()
        shutil.rmtree(sockdir, ignore_errors=True)


def fleet(workdir, size, seconds):
    os.makedirs(workdir)
    broker = h.Mosquitto(workdir)
    broker.start()
    buses, daemons, bridges, sockdirs = [], [], [], []
    try:
        config = h.DEMO_CONFIG.replace("interval = 1s", "interval = 100ms")
        for i in range(size):
            if i % PER_PINBUSD == 0:
                d = os.path.join(workdir, f"pinbusd{i // PER_PINBUSD}")
                os.makedirs(d)
                sockdir = h.short_tempdir()
                sockdirs.append(sockdir)
                bus = h.PrivateBus(sockdir, d)
                buses.append(bus)
                pinbusd = h.Pinbusd(bus.address, d, sockdir, config)
                pinbusd.start()
                daemons.append(pinbusd)
            d = os.path.join(workdir, f"mqtt{i}")
            os.makedirs(d)
            sockdirs.append(h.short_tempdir())  # its own, for its NOTIFY_SOCKET
            m = h.PinbusMqtt(buses[-1].address, d, sockdirs[-1])
            m.write_config(mqtt_config({"broker": broker}, i))
            m.start()
            bridges.append(m)
        sub = h.Subscriber(broker, client_id="fleet-observer")
        time.sleep(2)
        pids = [b.proc.pid for b in bridges]
        cpu0 = {p: cpu_seconds(p) for p in pids + [broker.proc.pid]}
        n0 = len(sub.messages)
        t0 = time.monotonic()
        time.sleep(seconds)
        dt = time.monotonic() - t0
        n1 = len(sub.messages)
        cpu1 = {p: cpu_seconds(p) for p in pids + [broker.proc.pid]}
        bridge_cpu = [(cpu1[p] - cpu0[p]) / dt * 100 for p in pids]
        bridge_rss = [rss_kib(p) for p in pids]
        sub.close()
        print(f"fleet: {size} pinbus-mqtt, {len(daemons)} pinbusd, 1 mosquitto, {seconds} s")
        print(f"  messages/s at one subscriber of '#': {(n1 - n0) / dt:.0f}")
        print(f"  mosquitto: CPU {(cpu1[broker.proc.pid] - cpu0[broker.proc.pid]) / dt * 100:.1f} %, "
              f"RSS {rss_kib(broker.proc.pid)} KiB")
        print(f"  pinbus-mqtt: CPU per instance mean {statistics.mean(bridge_cpu):.2f} %, "
              f"max {max(bridge_cpu):.2f} %; RSS mean {statistics.mean(bridge_rss):.0f} KiB, "
              f"max {max(bridge_rss)} KiB")
    finally:
        for p in bridges + daemons:
            if p.running:
                p.stop()
        broker.stop()
        for b in buses:
            b.stop()
        for s in sockdirs:
            shutil.rmtree(s, ignore_errors=True)


def main():
    for prog in ("dbus-daemon", "busctl", "/usr/sbin/mosquitto"):
        if not shutil.which(prog):
            print(f"SKIP: {prog} not installed")
            return 77
    for var in ("PINBUSD", "PINBUS_MQTT"):
        if not os.environ.get(var):
            print(f"SKIP: {var} not set; run through `meson test --benchmark`")
            return 77
    workdir = tempfile.mkdtemp(prefix="pinbus-mqtt-bench-")
    try:
        os.makedirs(os.path.join(workdir, "latency"))
        latency(os.path.join(workdir, "latency"))
        fleet(os.path.join(workdir, "fleet"), int(os.environ.get("PINBUS_BENCH_FLEET", "50")),
              float(os.environ.get("PINBUS_BENCH_SECONDS", "10")))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
