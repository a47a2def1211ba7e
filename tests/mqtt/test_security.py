# SPDX-License-Identifier: LGPL-2.1-or-later
"""TLS (mqtts:// with a CA made by openssl here), a password file and an ACL on the broker;
a wrong password and an untrusted certificate give a clear error and are retried."""

import os

import pytest
from conftest import BASE, MQTT_PASSWORD, MQTT_USER, wait_until

STATUS = f"{BASE}/status"


def tls_section(env, ca):
    return f"uri = mqtts://127.0.0.1:{env.broker.tls_port}\nca-file = {ca}\n"


@pytest.mark.setup(broker={"tls": True}, start=False)
def test_tls(env):
    env.write_mqtt_config(broker_section=tls_section(env, env.broker.certs.ca))
    env.start()
    sub = env.subscriber()
    sub.wait_for(STATUS, "online")
    sub.wait_for(f"{BASE}/sensor/room/state")
    sub.publish(f"{BASE}/output/led/set", "ON")
    sub.wait_for(f"{BASE}/output/led/state", "ON")
    assert f"connected to mqtts://127.0.0.1:{env.broker.tls_port}" in env.mqtt.log_text()


@pytest.mark.setup(broker={"tls": True}, start=False)
def test_tls_untrusted_certificate(env):
    """The broker's certificate is not from the configured CA: a clear error, retried with
    backoff, never connected."""
    env.write_mqtt_config(broker_section=tls_section(env, env.broker.certs.other_ca))
    env.mqtt.args = ["-v"]
    env.start()
    wait_until(lambda: env.mqtt.log_text().count("reconnecting in") >= 3, 20, "three retries")
    log = env.mqtt.log_text()
    assert "certificate verify failed" in log
    assert "retrying with backoff" in log
    assert "connected to" not in log
    assert STATUS not in env.retained()


@pytest.mark.setup(broker={"password": True, "acl": True})
def test_password_file_and_acl(env):
    sub = env.subscriber()
    sub.wait_for(STATUS, "online")
    sub.wait_for(f"{BASE}/output/led/state", "OFF")
    sub.publish(f"{BASE}/output/led/set", "ON")
    sub.wait_for(f"{BASE}/output/led/state", "ON")
    assert "not authorised" not in env.mqtt.log_text()


@pytest.mark.setup(broker={"password": True, "acl": True}, start=False)
def test_wrong_password_then_fixed(env):
    env.broker.set_password("another password")
    env.mqtt.args = ["-v"]
    env.start()
    wait_until(lambda: env.mqtt.log_text().count("reconnecting in") >= 2, 20, "two retries")
    log = env.mqtt.log_text()
    assert f"broker mqtt://127.0.0.1:{env.broker.port}: Connection Refused: not authorised." in log
    # Logged once, not at every retry.
    assert log.count("not authorised. (retrying") == 1
    # The broker's password file gets the right password: the next retry gets in.
    env.broker.set_password(MQTT_PASSWORD)
    env.broker.reload()
    wait_until(lambda: env.retained().get(STATUS) == "online", 15, "online")


@pytest.mark.setup(start=False)
def test_password_file_unreadable(env):
    env.write_mqtt_config(broker_section=f"uri = mqtt://127.0.0.1:{env.broker.port}\nusername = {MQTT_USER}\n"
                          f"password-file = {env.workdir}/nonexistent\n")
    env.mqtt.start(wait=False)
    assert env.mqtt.proc.wait(timeout=30) == 1
    assert (f"{env.mqtt.config_path}: password-file {env.workdir}/nonexistent: No such file or directory"
            in env.mqtt.log_text())
