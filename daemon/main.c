/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <getopt.h>

#include "bus/service.h"
#include "config/config.h"
#include "core/daemon.h"
#include "log.h"

#define DEFAULT_CONFIG PINBUS_SYSCONFDIR "/pinbus.conf"

static void help(void)
{
        printf("Usage: pinbusd [OPTION...]\n"
               "\n"
               "Serves GPIO lines and I2C sensors on D-Bus as %s.\n"
               "\n"
               "  -h --help              Show this help and exit\n"
               "     --version           Show the version and exit\n"
               "     --simulate          Serve a simulated Raspberry Pi 4 chip and I2C bus 1 instead of "
               "hardware\n"
               "     --simulate-no-kernel-debounce\n"
               "                         Make the simulated chip refuse debounce periods, as a chip\n"
               "                         that cannot debounce does (buttons then debounce in the daemon)\n"
               "     --session           Use the session bus instead of the system bus\n"
               "     --bus-address=ADDR  Use the bus at ADDR (e.g. unix:path=/run/x/bus)\n"
               "     --config=FILE       Read FILE and FILE.d/*.conf (default: %s)\n"
               "     --state-dir=DIR     Keep saved output values in DIR\n"
               "                         (default: $STATE_DIRECTORY, else %s)\n"
               "     --check-config      Check the configuration, touching no hardware, and exit\n"
               "  -v --verbose           Log debug messages\n",
               PINBUS_BUS_NAME, DEFAULT_CONFIG, PINBUS_LOCALSTATEDIR);
}

/* systemd's StateDirectory= sets STATE_DIRECTORY, colon-separated when several are given. */
static char *default_state_dir(void)
{
        const char *e = getenv("STATE_DIRECTORY");

        if (!isempty(e))
                return strndup(e, strcspn(e, ":"));
        return strdup(PINBUS_LOCALSTATEDIR);
}

int main(int argc, char *argv[])
{
        enum {
                ARG_VERSION = 0x100,
                ARG_SIMULATE,
                ARG_SIMULATE_NO_DEBOUNCE,
                ARG_SESSION,
                ARG_BUS_ADDRESS,
                ARG_CONFIG,
                ARG_STATE_DIR,
                ARG_CHECK_CONFIG,
        };
        static const struct option options[] = { { "help", no_argument, NULL, 'h' },
                                                 { "version", no_argument, NULL, ARG_VERSION },
                                                 { "simulate", no_argument, NULL, ARG_SIMULATE },
                                                 { "simulate-no-kernel-debounce", no_argument, NULL,
                                                   ARG_SIMULATE_NO_DEBOUNCE },
                                                 { "session", no_argument, NULL, ARG_SESSION },
                                                 { "bus-address", required_argument, NULL, ARG_BUS_ADDRESS },
                                                 { "config", required_argument, NULL, ARG_CONFIG },
                                                 { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                                                 { "check-config", no_argument, NULL, ARG_CHECK_CONFIG },
                                                 { "verbose", no_argument, NULL, 'v' },
                                                 {} };
        DaemonOptions opts = {
                .bus_kind = BUS_SYSTEM,
                .dev_dir = "/dev",
        };
        _cleanup_free_ char *state_dir = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        /* Declared before d, so that on an early return d is freed first (see service_free()). */
        _cleanup_(service_freep) Service *s = NULL;
        _cleanup_(daemon_freep) Daemon *d = NULL;
        const char *config_path = DEFAULT_CONFIG;
        bool config_given = false, check_config = false;
        Config *config = NULL;
        int c, r;

        while ((c = getopt_long(argc, argv, "hv", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return EXIT_SUCCESS;
                case ARG_VERSION:
                        printf("pinbusd %s (libgpiod backend: %s)\n", PACKAGE_VERSION,
                               HAVE_LIBGPIOD ? "yes" : "no");
                        return EXIT_SUCCESS;
                case ARG_SIMULATE:
                        opts.simulate = true;
                        break;
                case ARG_SIMULATE_NO_DEBOUNCE:
                        opts.simulate_no_debounce = true;
                        break;
                case ARG_SESSION:
                        opts.bus_kind = BUS_SESSION;
                        break;
                case ARG_BUS_ADDRESS:
                        opts.bus_kind = BUS_ADDRESS;
                        opts.bus_address = optarg;
                        break;
                case ARG_CONFIG:
                        config_path = optarg;
                        config_given = true;
                        break;
                case ARG_STATE_DIR:
                        free(state_dir);
                        state_dir = strdup(optarg);
                        break;
                case ARG_CHECK_CONFIG:
                        check_config = true;
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                default:
                        fprintf(stderr, "Try 'pinbusd --help'.\n");
                        return EXIT_FAILURE;
                }
        if (opts.simulate_no_debounce && !opts.simulate) {
                fprintf(stderr, "pinbusd: --simulate-no-kernel-debounce needs --simulate\n");
                return EXIT_FAILURE;
        }
        if (optind < argc) {
                fprintf(stderr, "pinbusd: unexpected argument '%s'. Try 'pinbusd --help'.\n", argv[optind]);
                return EXIT_FAILURE;
        }

        r = config_load(config_path, config_given, &config, &errors);
        if (r < 0) {
                for (char **e = errors; e && *e; e++)
                        fprintf(stderr, "%s\n", *e);
                if (!errors)
                        fprintf(stderr, "%s: cannot load: %s\n", config_path, strerror(-r));
                fprintf(stderr, "pinbusd: configuration rejected\n");
                return EXIT_FAILURE;
        }
        if (check_config) {
                printf("%s: configuration OK (%zu output%s, %zu button%s, %zu sensor%s)\n", config_path,
                       config->n_outputs, config->n_outputs == 1 ? "" : "s", config->n_buttons,
                       config->n_buttons == 1 ? "" : "s", config->n_sensors,
                       config->n_sensors == 1 ? "" : "s");
                config_free(config);
                return EXIT_SUCCESS;
        }

        if (!state_dir)
                state_dir = default_state_dir();
        if (!state_dir) {
                config_free(config);
                return log_error_errno(-ENOMEM, "Out of memory"), EXIT_FAILURE;
        }
        opts.state_dir = state_dir;

        r = daemon_new(&opts, config, &d);
        if (r < 0)
                return EXIT_FAILURE;
        r = service_new(d, &s);
        if (r < 0)
                return EXIT_FAILURE;
        daemon_start(d);
        /* The loop's exit code: 0 after SIGTERM/SIGINT, EXIT_FAILURE when the bus went away
         * (so Restart=on-failure brings the daemon back). */
        r = service_run(s);
        /* The daemon first: its last replies go out on the service's bus. */
        d = daemon_free(d);
        s = service_free(s);
        return r < 0 ? EXIT_FAILURE : r;
}
