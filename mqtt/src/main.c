/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * pinbus-mqtt: publishes pinbusd's outputs, buttons and sensors on an MQTT
 * broker, with Home Assistant discovery, and drives the outputs from MQTT
 * commands. docs/mqtt.md describes its configuration, topics and payloads.
 */

#include <getopt.h>
#include <mosquitto.h>
#include <signal.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bridge.h"
#include "conf.h"
#include "log.h"

typedef struct Options {
        const char *config;
        const char *bus_address;
        bool session;
        bool check_config;
} Options;

static void help(void)
{
        printf("Usage: pinbus-mqtt [OPTIONS]\n"
               "Publishes pinbusd's outputs, buttons and sensors on MQTT, with Home Assistant discovery.\n\n"
               "  -c, --config=PATH      configuration file (default " MQTT_DEFAULT_CONFIG ")\n"
               "      --check-config     check the configuration and exit\n"
               "      --session          find pinbusd on the session bus\n"
               "      --bus-address=ADDR find pinbusd on the bus at ADDR (default: the system bus)\n"
               "  -v, --verbose          log debug messages too\n"
               "  -h, --help             show this help\n"
               "      --version          show the version\n");
}

/* Returns 1 to go on, 0 to exit successfully, -EINVAL for bad arguments (reported). */
static int parse_args(int argc, char **argv, Options *o)
{
        enum { ARG_CHECK = 0x100, ARG_SESSION, ARG_ADDRESS, ARG_VERSION };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "check-config", no_argument, NULL, ARG_CHECK },
                { "session", no_argument, NULL, ARG_SESSION },
                { "bus-address", required_argument, NULL, ARG_ADDRESS },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "c:vh", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        o->config = optarg;
                        break;
                case ARG_CHECK:
                        o->check_config = true;
                        break;
                case ARG_SESSION:
                        o->session = true;
                        break;
                case ARG_ADDRESS:
                        o->bus_address = optarg;
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("pinbus-mqtt %s\n", PACKAGE_VERSION);
                        return 0;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                fprintf(stderr, "pinbus-mqtt: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

static int open_bus(const Options *o, sd_bus **ret)
{
        sd_bus *bus = NULL;
        int r;

        if (o->bus_address) {
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, o->bus_address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
                if (r < 0)
                        sd_bus_unref(bus);
        } else if (o->session)
                r = sd_bus_open_user(&bus);
        else
                r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        (void)sd_bus_set_description(bus, "pinbus-mqtt");
        *ret = bus;
        return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        Bridge *b = userdata;

        log_info("%s: saying offline and disconnecting", strsignal((int)si->ssi_signo));
        bridge_shutdown(b);
        return 0;
}

static int run(int argc, char **argv)
{
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_free_ char *password = NULL;
        Options o = { .config = MQTT_DEFAULT_CONFIG };
        MqttConfig c = { 0 };
        Bridge *bridge = NULL;
        char hostname[256] = "";
        sigset_t mask;
        int r;

        r = parse_args(argc, argv, &o);
        if (r <= 0)
                return r < 0 ? 2 : 0;

        if (gethostname(hostname, sizeof(hostname) - 1) < 0 || isempty(hostname))
                strcpy(hostname, "localhost");
        if (mqtt_config_init(&c, hostname) < 0)
                return log_error("out of memory"), 1;
        r = mqtt_config_parse_file(&c, o.config, &errors);
        if (r < 0) {
                for (char **e = errors; e && *e; e++)
                        fprintf(stderr, "%s\n", *e);
                mqtt_config_done(&c);
                return 1;
        }
        if (c.password_file) {
                r = mqtt_read_password_file(c.password_file, &password);
                if (r < 0) {
                        log_error("%s: password-file %s: %s", o.config, c.password_file,
                                  r == -EINVAL ? "the first line is empty" : strerror(-r));
                        mqtt_config_done(&c);
                        return 1;
                }
        }
        if (o.check_config) {
                printf("%s: OK: broker %s, client id %s, base topic %s\n", o.config, c.uri, c.client_id,
                       c.base_topic);
                mqtt_config_done(&c);
                return 0;
        }

        mosquitto_lib_init();
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);

        r = sd_event_default(&event);
        if (r < 0) {
                log_error_errno(r, "cannot create the event loop: %s", strerror(-r));
                goto out;
        }
        r = open_bus(&o, &bus);
        if (r < 0) {
                log_error_errno(r, "cannot connect to the %s bus: %s",
                                o.bus_address ? o.bus_address
                                : o.session   ? "session"
                                              : "system",
                                strerror(-r));
                goto out;
        }
        (void)sd_bus_set_exit_on_disconnect(bus, true);
        r = sd_bus_attach_event(bus, event, 0);
        if (r < 0)
                goto out;

        r = bridge_new(event, bus, &c, password, hostname, &bridge);
        if (r < 0)
                goto out;
        r = sd_event_add_signal(event, NULL, SIGTERM, on_signal, bridge);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_signal, bridge);
        if (r < 0)
                goto out;
        (void)sd_event_set_watchdog(event, true);
        (void)sd_notify(false, "READY=1");

        r = sd_event_loop(event);
        if (r < 0)
                log_error_errno(r, "event loop failed: %s", strerror(-r));
out:
        bridge_free(bridge);
        mosquitto_lib_cleanup();
        mqtt_config_done(&c);
        return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
        log_set_ident("pinbus-mqtt");
        return run(argc, argv);
}
