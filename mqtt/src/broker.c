/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <mosquitto.h>
#include <sys/random.h>

#include "broker.h"
#include "log.h"

typedef struct QueuedEvent {
        char *topic;
        char *payload;
} QueuedEvent;

struct Broker {
        sd_event *event;
        const MqttConfig *config;
        const char *password;
        char *status_topic;
        BrokerCallbacks callbacks;
        void *userdata;

        struct mosquitto *mosq;
        sd_event_source *io;        /* on the current socket */
        sd_event_source *misc;      /* mosquitto_loop_misc() while a socket is open */
        sd_event_source *reconnect; /* the backoff timer while there is none */
        bool started;
        bool connected;    /* CONNACK accepted */
        bool connecting;   /* a socket exists, CONNACK not yet */
        unsigned attempts; /* failed attempts since the last accepted connection */
        char *last_error;  /* logged once until it changes */

        QueuedEvent *queue; /* ring of config->queue_size */
        size_t queue_head, queue_len;
        uint64_t dropped, dropped_logged;

        bool shutting_down;
        sd_event_source *shutdown_timer;
        void (*shutdown_done)(void *userdata);
        void *shutdown_userdata;
};

static void broker_schedule_reconnect(Broker *b);
static int broker_attach_socket(Broker *b);

static void queue_clear(Broker *b)
{
        for (size_t i = 0; i < b->queue_len; i++) {
                QueuedEvent *q = &b->queue[(b->queue_head + i) % b->config->queue_size];

                free(q->topic);
                free(q->payload);
        }
        b->queue_head = b->queue_len = 0;
}

static void broker_detach_socket(Broker *b)
{
        b->io = sd_event_source_disable_unref(b->io);
        b->misc = sd_event_source_disable_unref(b->misc);
}

Broker *broker_free(Broker *b)
{
        if (!b)
                return NULL;
        broker_detach_socket(b);
        b->reconnect = sd_event_source_disable_unref(b->reconnect);
        b->shutdown_timer = sd_event_source_disable_unref(b->shutdown_timer);
        if (b->mosq)
                mosquitto_destroy(b->mosq);
        queue_clear(b);
        free(b->queue);
        free(b->status_topic);
        free(b->last_error);
        sd_event_unref(b->event);
        free(b);
        return NULL;
}

/* Logs a failure to connect once, and again only when the reason changes. */
static void broker_log_failure(Broker *b, const char *what)
{
        if (b->last_error && streq(b->last_error, what)) {
                log_debug("broker %s: %s", b->config->uri, what);
                return;
        }
        log_warning("broker %s: %s (retrying with backoff, up to %llu s)", b->config->uri, what,
                    (unsigned long long)(b->config->reconnect_max_us / USEC_PER_SEC));
        free(b->last_error);
        b->last_error = strdup(what);
}

static void flush_queue(Broker *b)
{
        while (b->connected && b->queue_len > 0) {
                QueuedEvent *q = &b->queue[b->queue_head];
                int r;

                r = broker_publish(b, q->topic, q->payload, false);
                if (r == -ENOTCONN)
                        return;
                free(q->topic);
                free(q->payload);
                b->queue_head = (b->queue_head + 1) % b->config->queue_size;
                b->queue_len--;
        }
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
        Broker *b = userdata;

        b->connecting = false;
        if (rc != 0) {
                /* libmosquitto then drops the connection: on_disconnect schedules the retry. */
                broker_log_failure(b, mosquitto_connack_string(rc));
                return;
        }
        b->connected = true;
        b->attempts = 0;
        b->last_error = mfree(b->last_error);
        log_info("connected to %s as %s", b->config->uri, b->config->client_id);
        if (b->callbacks.connected)
                b->callbacks.connected(b, b->userdata);
        if (b->dropped > b->dropped_logged) {
                log_warning("%llu event(s) dropped while the broker was away (queue-size %u)",
                            (unsigned long long)(b->dropped - b->dropped_logged), b->config->queue_size);
                b->dropped_logged = b->dropped;
        }
        flush_queue(b);
}

/* The connection ended or could not be made (rc says why): retry later. */
static void connection_ended(Broker *b, int rc)
{
        bool was_connected = b->connected;

        b->connected = b->connecting = false;
        /* The socket is closed by libmosquitto right after this returns. */
        broker_detach_socket(b);
        if (b->shutting_down) {
                if (b->shutdown_done) {
                        void (*done)(void *) = b->shutdown_done;

                        b->shutdown_done = NULL;
                        done(b->shutdown_userdata);
                }
                return;
        }
        if (was_connected) {
                log_warning("lost the connection to %s: %s", b->config->uri, mosquitto_strerror(rc));
                if (b->callbacks.disconnected)
                        b->callbacks.disconnected(b, b->userdata);
        } else if (rc != MOSQ_ERR_CONN_REFUSED)
                broker_log_failure(b, mosquitto_strerror(rc));
        broker_schedule_reconnect(b);
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
        connection_ended(userdata, rc);
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
        Broker *b = userdata;

        if (b->callbacks.message)
                b->callbacks.message(b, m->topic, m->payload, m->payloadlen > 0 ? (size_t)m->payloadlen : 0,
                                     m->retain, b->userdata);
}

static void on_log(struct mosquitto *mosq, void *userdata, int level, const char *str)
{
        if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING))
                log_warning("libmosquitto: %s", str);
        else
                log_debug("libmosquitto: %s", str);
}

/* libmosquitto calls on_disconnect for most failures; some (a failed TLS handshake, in
 * libmosquitto 2.0.11) it only returns, with the socket still open: those end the connection
 * here, and the next mosquitto_reconnect_async() closes the socket. */
static void check_rc(Broker *b, int rc)
{
        if (rc == MOSQ_ERR_SUCCESS || !b->io)
                return;
        connection_ended(b, rc);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        Broker *b = userdata;

        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                check_rc(b, mosquitto_loop_read(b->mosq, 1));
                if (!b->io)
                        return 0; /* disconnected */
        }
        if (revents & EPOLLOUT)
                check_rc(b, mosquitto_loop_write(b->mosq, 1));
        return 0;
}

/* Before each poll: wait for writability only while libmosquitto has something to send. */
static int on_io_prepare(sd_event_source *s, void *userdata)
{
        Broker *b = userdata;

        return sd_event_source_set_io_events(s, EPOLLIN | (mosquitto_want_write(b->mosq) ? EPOLLOUT : 0));
}

static uint64_t misc_period_us(Broker *b)
{
        uint64_t p = b->config->keepalive_us / 4;

        return p < USEC_PER_SEC ? USEC_PER_SEC : p;
}

static int on_misc(sd_event_source *s, uint64_t usec, void *userdata)
{
        Broker *b = userdata;

        check_rc(b, mosquitto_loop_misc(b->mosq));
        if (b->misc)
                (void)sd_event_source_set_time_relative(b->misc, misc_period_us(b));
        return 0;
}

static int broker_attach_socket(Broker *b)
{
        int fd = mosquitto_socket(b->mosq), r;

        broker_detach_socket(b);
        if (fd < 0)
                return -ENOTCONN;
        r = sd_event_add_io(b->event, &b->io, fd, EPOLLIN | EPOLLOUT, on_io, b);
        if (r < 0)
                return r;
        r = sd_event_source_set_prepare(b->io, on_io_prepare);
        if (r < 0)
                return r;
        r = sd_event_add_time_relative(b->event, &b->misc, CLOCK_MONOTONIC, misc_period_us(b), 0, on_misc,
                                       b);
        if (r < 0)
                return r;
        return 0;
}

/* The wait before retry number attempts (0 first): equal jitter on a doubling delay,
 * between half and all of min(reconnect-max, reconnect-min * 2^attempts). */
static uint64_t backoff_us(Broker *b)
{
        uint64_t d = b->config->reconnect_min_us, half, rnd = 0;

        for (unsigned i = 0; i < b->attempts && d < b->config->reconnect_max_us; i++)
                d *= 2;
        if (d > b->config->reconnect_max_us)
                d = b->config->reconnect_max_us;
        half = d / 2;
        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                rnd = monotonic_ns();
        return half + (half > 0 ? rnd % (half + 1) : 0);
}

/* Opens a socket and sends CONNECT; any failure schedules the next try. */
static void broker_connect(Broker *b)
{
        int rc, r;

        b->connecting = true;
        if (b->attempts == 0 && !b->started)
                rc = mosquitto_connect_async(b->mosq, b->config->host, (int)b->config->port,
                                             (int)(b->config->keepalive_us / USEC_PER_SEC));
        else
                rc = mosquitto_reconnect_async(b->mosq);
        b->started = true;
        if (rc != MOSQ_ERR_SUCCESS) {
                b->connecting = false;
                broker_log_failure(b, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
                broker_schedule_reconnect(b);
                return;
        }
        r = broker_attach_socket(b);
        if (r < 0) {
                b->connecting = false;
                log_error_errno(r, "cannot watch the broker's socket: %s", strerror(-r));
                mosquitto_disconnect(b->mosq);
                broker_detach_socket(b);
                broker_schedule_reconnect(b);
        }
}

static int on_reconnect(sd_event_source *s, uint64_t usec, void *userdata)
{
        Broker *b = userdata;

        b->reconnect = sd_event_source_disable_unref(b->reconnect);
        broker_connect(b);
        return 0;
}

static void broker_schedule_reconnect(Broker *b)
{
        uint64_t delay = backoff_us(b);
        int r;

        b->attempts++;
        b->reconnect = sd_event_source_disable_unref(b->reconnect);
        r = sd_event_add_time_relative(b->event, &b->reconnect, CLOCK_MONOTONIC, delay, 0, on_reconnect, b);
        if (r < 0) {
                log_error_errno(r, "cannot schedule a reconnection: %s", strerror(-r));
                (void)sd_event_exit(b->event, r);
                return;
        }
        log_debug("reconnecting in %llu ms", (unsigned long long)(delay / USEC_PER_MSEC));
}

int broker_new(sd_event *event, const MqttConfig *c, const char *password, const char *status_topic,
               const BrokerCallbacks *callbacks, void *userdata, Broker **ret)
{
        Broker *b;
        int rc;

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->event = sd_event_ref(event);
        b->config = c;
        b->password = password;
        b->callbacks = *callbacks;
        b->userdata = userdata;
        b->status_topic = strdup(status_topic);
        if (c->queue_size > 0)
                b->queue = calloc(c->queue_size, sizeof(*b->queue));
        b->mosq = mosquitto_new(c->client_id, true, b);
        if (!b->status_topic || (c->queue_size > 0 && !b->queue) || !b->mosq) {
                broker_free(b);
                return -ENOMEM;
        }
        mosquitto_connect_callback_set(b->mosq, on_connect);
        mosquitto_disconnect_callback_set(b->mosq, on_disconnect);
        mosquitto_message_callback_set(b->mosq, on_message);
        mosquitto_log_callback_set(b->mosq, on_log);
        (void)mosquitto_int_option(b->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);

        rc = mosquitto_will_set(b->mosq, b->status_topic, (int)strlen("offline"), "offline", c->qos, true);
        if (rc == MOSQ_ERR_SUCCESS && c->username)
                rc = mosquitto_username_pw_set(b->mosq, c->username, password);
        if (rc == MOSQ_ERR_SUCCESS && c->tls) {
                if (!c->ca_file)
                        (void)mosquitto_int_option(b->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
                rc = mosquitto_tls_set(b->mosq, c->ca_file, c->ca_file ? NULL : "/etc/ssl/certs",
                                       c->cert_file, c->key_file, NULL);
                if (rc != MOSQ_ERR_SUCCESS)
                        log_error("broker %s: TLS files refused (ca-file %s, cert-file %s, key-file %s): %s",
                                  c->uri, strempty(c->ca_file), strempty(c->cert_file),
                                  strempty(c->key_file),
                                  rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        }
        if (rc != MOSQ_ERR_SUCCESS) {
                broker_free(b);
                return rc == MOSQ_ERR_NOMEM ? -ENOMEM : -EINVAL;
        }
        *ret = b;
        return 0;
}

int broker_start(Broker *b)
{
        broker_connect(b);
        return 0;
}

bool broker_is_connected(Broker *b)
{
        return b->connected;
}

int broker_publish(Broker *b, const char *topic, const char *payload, bool retain)
{
        int rc;

        if (!b->connected)
                return -ENOTCONN;
        rc = mosquitto_publish(b->mosq, NULL, topic, (int)strlen(payload), payload, b->config->qos, retain);
        if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST)
                return -ENOTCONN;
        if (rc != MOSQ_ERR_SUCCESS) {
                log_warning("cannot publish on %s: %s", topic, mosquitto_strerror(rc));
                return -EIO;
        }
        return 0;
}

int broker_publish_event(Broker *b, const char *topic, const char *payload)
{
        QueuedEvent *q;
        size_t size = b->config->queue_size;

        if (b->connected && b->queue_len == 0 && broker_publish(b, topic, payload, false) != -ENOTCONN)
                return 0;
        if (size == 0) {
                b->dropped++;
                return 0;
        }
        if (b->queue_len == size) {
                q = &b->queue[b->queue_head];
                free(q->topic);
                free(q->payload);
                b->queue_head = (b->queue_head + 1) % size;
                b->queue_len--;
                if (b->dropped == b->dropped_logged)
                        log_warning(
                                "event queue full (queue-size %zu): dropping the oldest events until the "
                                "broker is back",
                                size);
                b->dropped++;
        }
        q = &b->queue[(b->queue_head + b->queue_len) % size];
        q->topic = strdup(topic);
        q->payload = strdup(payload);
        if (!q->topic || !q->payload) {
                q->topic = mfree(q->topic);
                q->payload = mfree(q->payload);
                return -ENOMEM;
        }
        b->queue_len++;
        return 0;
}

int broker_subscribe(Broker *b, const char *pattern)
{
        int rc;

        if (!b->connected)
                return -ENOTCONN;
        rc = mosquitto_subscribe(b->mosq, NULL, pattern, b->config->qos);
        if (rc == MOSQ_ERR_NO_CONN)
                return -ENOTCONN;
        if (rc != MOSQ_ERR_SUCCESS) {
                log_warning("cannot subscribe to %s: %s", pattern, mosquitto_strerror(rc));
                return -EIO;
        }
        return 0;
}

uint64_t broker_dropped_events(Broker *b)
{
        return b->dropped;
}

static int on_shutdown_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
        Broker *b = userdata;

        log_warning("the broker did not confirm the disconnection in time");
        if (b->shutdown_done) {
                void (*done)(void *) = b->shutdown_done;

                b->shutdown_done = NULL;
                done(b->shutdown_userdata);
        }
        return 0;
}

int broker_shutdown(Broker *b, uint64_t timeout_us, void (*done)(void *userdata), void *userdata)
{
        int r;

        b->shutting_down = true;
        b->reconnect = sd_event_source_disable_unref(b->reconnect);
        if (!b->connected) {
                done(userdata);
                return 0;
        }
        b->shutdown_done = done;
        b->shutdown_userdata = userdata;
        (void)broker_publish(b, b->status_topic, "offline", true);
        (void)mosquitto_disconnect(b->mosq);
        r = sd_event_add_time_relative(b->event, &b->shutdown_timer, CLOCK_MONOTONIC, timeout_us, 0,
                                       on_shutdown_timeout, b);
        if (r < 0) {
                b->shutdown_done = NULL;
                done(userdata);
        }
        return 0;
}
