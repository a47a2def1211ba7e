/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include "gpio/chip-private.h"
#include "sim/gpio-chip.h"

/* Info events a chip buffers before the oldest are dropped. */
#define SIM_INFO_QUEUE_SIZE 64

typedef struct SimChip SimChip;

typedef struct SimRequest {
        PbRequest base;
        SimChip *chip; /* NULL once the chip has been closed under us */
        bool value;    /* logical value as a read returns it (debounced if debouncing) */
        uint32_t seqno;
        PbEdgeEvent queue[PB_EVENT_BUFFER_SIZE];
        size_t head, count;
} SimRequest;

typedef struct SimLine {
        char name[PB_NAME_MAX];
        char consumer[PB_NAME_MAX];
        bool pull;             /* level the outside world puts on the pin */
        bool driven;           /* physical level the output stage drives */
        bool level;            /* physical level now on the pin */
        PbDirection direction; /* INPUT or OUTPUT; kept after release */
        SimRequest *request;   /* NULL when free */

        uint64_t debounce_deadline_ns; /* 0: no debounce period running */

        /* Bounce in progress when bounce_done < bounce_steps. */
        uint64_t bounce_start_ns, bounce_span_ns;
        unsigned bounce_steps, bounce_done;
        bool bounce_final;

        /* Bounces still to come (pb_sim_chip_schedule()): schedule[schedule_next..schedule_n-1],
         * their at_us counted from schedule_start_ns. */
        PbSimBounce *schedule;
        size_t schedule_n, schedule_next;
        uint64_t schedule_start_ns;

        /* pb_sim_chip_connect(): the line whose pin level this line's pull follows. */
        bool wired;
        unsigned wire_source;
} SimLine;

struct SimChip {
        PbChip base;
        int info_fd;  /* eventfd: info events queued */
        int timer_fd; /* timerfd: simulated work due */
        SimLine *lines;
        bool no_debounce; /* refuse debounce periods, as a chip without one would */
        PbInfoEvent info[SIM_INFO_QUEUE_SIZE];
        size_t info_head, info_count;
};

static const PbChipOps sim_chip_ops;
static const PbRequestOps sim_request_ops;

static void fd_signal(int fd)
{
        uint64_t one = 1;

        /* An eventfd write only fails when the counter would overflow: still readable then. */
        (void)!write(fd, &one, sizeof(one));
}

static void fd_drain(int fd)
{
        uint64_t v;

        (void)!read(fd, &v, sizeof(v));
}

static SimChip *sim_chip(PbChip *chip)
{
        return chip && chip->ops == &sim_chip_ops ? container_of(chip, SimChip, base) : NULL;
}

/* Physical level on the pin, from the outside pull and what the line drives. */
static bool line_compute_level(const SimLine *l)
{
        if (!l->request || l->request->base.settings.direction == PB_DIRECTION_INPUT ||
            l->direction != PB_DIRECTION_OUTPUT)
                return l->pull;

        switch (l->request->base.settings.drive) {
        case PB_DRIVE_OPEN_DRAIN:
                return l->driven ? l->pull : false;
        case PB_DRIVE_OPEN_SOURCE:
                return l->driven ? true : l->pull;
        default:
                return l->driven;
        }
}

static bool request_is_input(const SimRequest *r)
{
        return r->base.settings.direction == PB_DIRECTION_INPUT;
}

static void request_push_edge(SimRequest *r, bool rising, uint64_t ts)
{
        PbEdgeEvent *ev;

        r->seqno++;
        if (r->count == PB_EVENT_BUFFER_SIZE) {
                /* Full: drop the oldest, as the kernel's kfifo does. */
                r->head = (r->head + 1) % PB_EVENT_BUFFER_SIZE;
                r->count--;
        }
        ev = &r->queue[(r->head + r->count) % PB_EVENT_BUFFER_SIZE];
        *ev = (PbEdgeEvent){
                .offset = r->base.offset,
                .rising = rising,
                .timestamp_ns = ts,
                .line_seqno = r->seqno,
        };
        if (r->count++ == 0)
                fd_signal(r->base.fd);
}

/* The (debounced) logical value of an input changes to value at ts. */
static void request_report(SimRequest *r, bool value, uint64_t ts)
{
        PbEdge edge = r->base.settings.edge;

        if (value == r->value)
                return;
        r->value = value;
        if (edge == PB_EDGE_BOTH || (edge == PB_EDGE_RISING && value) || (edge == PB_EDGE_FALLING && !value))
                request_push_edge(r, value, ts);
}

static void line_update(SimChip *c, unsigned offset, uint64_t ts);

/* The pin level of line `source` is now `level` (at ts): every line wired to it follows. The
 * wires have no cycles (pb_sim_chip_connect() refuses them), so this ends. */
static void chip_propagate(SimChip *c, unsigned source, uint64_t ts)
{
        bool level = c->lines[source].level;

        for (unsigned i = 0; i < c->base.num_lines; i++) {
                SimLine *t = &c->lines[i];

                if (!t->wired || t->wire_source != source || t->pull == level)
                        continue;
                t->pull = level;
                line_update(c, i, ts);
        }
}

/* Recomputes the pin level after a change of its inputs at time ts. */
static void line_update(SimChip *c, unsigned offset, uint64_t ts)
{
        SimLine *l = &c->lines[offset];
        SimRequest *r = l->request;
        bool level = line_compute_level(l);

        if (level == l->level)
                return;
        l->level = level;
        chip_propagate(c, offset, ts);

        if (!r || !request_is_input(r))
                return;
        if (r->base.settings.debounce_us > 0) {
                /* Every change restarts the debounce period. */
                l->debounce_deadline_ns = ts + r->base.settings.debounce_us * NSEC_PER_USEC;
                return;
        }
        request_report(r, level != r->base.settings.active_low, ts);
}

static uint64_t line_bounce_next_ns(const SimLine *l)
{
        return l->bounce_start_ns + l->bounce_span_ns * (l->bounce_done + 1) / l->bounce_steps;
}

static bool line_bouncing(const SimLine *l)
{
        return l->bounce_done < l->bounce_steps;
}

/* Starts a bounce of `transitions` changes over span_ns from start_ns, ending on final_level. */
static void line_start_bounce(SimLine *l, bool final_level, unsigned transitions, uint64_t span_ns,
                              uint64_t start_ns)
{
        /* n toggles from the current pull must end on final_level. */
        unsigned n = transitions;

        if ((l->pull != ((n & 1) != 0)) != final_level)
                n++;
        l->bounce_start_ns = start_ns;
        l->bounce_span_ns = span_ns;
        l->bounce_steps = n;
        l->bounce_done = 0;
        l->bounce_final = final_level;
}

/* Once no bounce runs, starts the next scheduled one that changes anything. */
static void line_schedule_next(SimLine *l)
{
        while (!line_bouncing(l) && l->schedule_next < l->schedule_n) {
                const PbSimBounce *e = &l->schedule[l->schedule_next++];

                line_start_bounce(l, e->final_level, e->transitions, e->span_us * NSEC_PER_USEC,
                                  l->schedule_start_ns + e->at_us * NSEC_PER_USEC);
        }
        if (l->schedule_next == l->schedule_n) {
                l->schedule = mfree(l->schedule);
                l->schedule_n = l->schedule_next = 0;
        }
}

/* Cancels the bounce in progress and every scheduled one. */
static void line_cancel_bounces(SimLine *l)
{
        l->bounce_steps = l->bounce_done = 0;
        l->schedule = mfree(l->schedule);
        l->schedule_n = l->schedule_next = 0;
}

typedef struct SimWork {
        uint64_t time_ns; /* 0: nothing to do */
        unsigned line;
        bool is_bounce;
} SimWork;

/* Keeps the earlier of *best and the candidate. A debounce expiry wins a tie with a
 * bounce step: a level stable for exactly the debounce period counts. */
static void work_consider(SimWork *best, uint64_t t, unsigned line, bool is_bounce)
{
        if (best->time_ns && (t > best->time_ns || (t == best->time_ns && is_bounce)))
                return;
        *best = (SimWork){ .time_ns = t, .line = line, .is_bounce = is_bounce };
}

/* Earliest simulated work on the chip. */
static SimWork chip_next_work(const SimChip *c)
{
        SimWork best = {};

        for (unsigned i = 0; i < c->base.num_lines; i++) {
                const SimLine *l = &c->lines[i];

                if (l->debounce_deadline_ns)
                        work_consider(&best, l->debounce_deadline_ns, i, false);
                if (line_bouncing(l))
                        work_consider(&best, line_bounce_next_ns(l), i, true);
        }
        return best;
}

static void chip_arm_timer(SimChip *c)
{
        struct itimerspec its = {};
        uint64_t t = chip_next_work(c).time_ns;

        if (t) {
                its.it_value.tv_sec = (time_t)(t / NSEC_PER_SEC);
                its.it_value.tv_nsec = (long)(t % NSEC_PER_SEC);
        }
        /* A zero it_value disarms; an absolute time already past fires at once. */
        (void)timerfd_settime(c->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Runs all simulated work due by now, oldest first. */
static void chip_run_due(SimChip *c, uint64_t now)
{
        for (;;) {
                SimWork w = chip_next_work(c);
                SimLine *l = &c->lines[w.line];
                uint64_t t = w.time_ns;

                if (!t || t > now)
                        break;

                if (w.is_bounce) {
                        l->bounce_done++;
                        l->pull = line_bouncing(l) ? !l->pull : l->bounce_final;
                        line_update(c, w.line, t);
                        line_schedule_next(l);
                } else {
                        l->debounce_deadline_ns = 0;
                        if (l->request && request_is_input(l->request))
                                request_report(l->request, l->level != l->request->base.settings.active_low,
                                               t);
                }
        }
}

static void line_fill_info(const SimLine *l, unsigned offset, PbLineInfo *ret)
{
        *ret = (PbLineInfo){
                .offset = offset,
                .used = l->request != NULL,
                .direction = l->direction,
                .bias = PB_BIAS_AS_IS,
                .drive = PB_DRIVE_PUSH_PULL,
                .edge = PB_EDGE_NONE,
        };
        memcpy(ret->name, l->name, PB_NAME_MAX);
        if (l->request) {
                const PbLineSettings *s = &l->request->base.settings;

                memcpy(ret->consumer, l->consumer, PB_NAME_MAX);
                ret->bias = s->bias;
                ret->drive = s->drive;
                ret->edge = s->edge;
                ret->active_low = s->active_low;
                ret->debounce_us = s->debounce_us;
        }
}

static void chip_push_info(SimChip *c, unsigned offset, PbInfoEventType type)
{
        PbInfoEvent *ev;

        if (c->info_count == SIM_INFO_QUEUE_SIZE) {
                c->info_head = (c->info_head + 1) % SIM_INFO_QUEUE_SIZE;
                c->info_count--;
        }
        ev = &c->info[(c->info_head + c->info_count) % SIM_INFO_QUEUE_SIZE];
        ev->type = type;
        ev->timestamp_ns = monotonic_ns();
        line_fill_info(&c->lines[offset], offset, &ev->info);
        if (c->info_count++ == 0)
                fd_signal(c->info_fd);
}

/* Applies settings to the line at request or reconfigure time, as gpiolib and gpio-sim do. */
static void line_apply_settings(SimChip *c, unsigned offset, const PbLineSettings *s)
{
        SimLine *l = &c->lines[offset];
        bool old_level = l->level;

        if (s->direction != PB_DIRECTION_AS_IS)
                l->direction = s->direction;
        if (s->direction == PB_DIRECTION_OUTPUT)
                l->driven = s->output_value != s->active_low;
        if (s->bias == PB_BIAS_PULL_UP)
                l->pull = true;
        else if (s->bias == PB_BIAS_PULL_DOWN)
                l->pull = false;
        /* A wire beats a bias: the line reads what the pin at the wire's other end carries. */
        if (l->wired)
                l->pull = c->lines[l->wire_source].level;

        /* A new configuration starts from the current level: no edge for it, no debounce running. */
        l->level = line_compute_level(l);
        l->debounce_deadline_ns = 0;
        l->request->value = l->level != s->active_low;
        /* The lines wired to it see the change, with an edge. */
        if (l->level != old_level)
                chip_propagate(c, offset, monotonic_ns());
}

static int sim_get_line_info(PbChip *chip, unsigned offset, PbLineInfo *ret)
{
        SimChip *c = container_of(chip, SimChip, base);

        line_fill_info(&c->lines[offset], offset, ret);
        return 0;
}

static int sim_read_info_events(PbChip *chip, PbInfoEvent *events, size_t n)
{
        SimChip *c = container_of(chip, SimChip, base);
        size_t k = 0;

        fd_drain(c->timer_fd);
        chip_run_due(c, monotonic_ns());
        chip_arm_timer(c);

        while (k < n && c->info_count > 0) {
                events[k++] = c->info[c->info_head];
                c->info_head = (c->info_head + 1) % SIM_INFO_QUEUE_SIZE;
                c->info_count--;
        }
        if (c->info_count == 0)
                fd_drain(c->info_fd);
        return (int)k;
}

static int sim_request_line(PbChip *chip, unsigned offset, const PbLineSettings *s, const char *consumer,
                            PbRequest **ret)
{
        SimChip *c = container_of(chip, SimChip, base);
        SimLine *l = &c->lines[offset];
        SimRequest *r;

        if (l->request)
                return -EBUSY;
        if (c->no_debounce && s->debounce_us > 0)
                return -EOPNOTSUPP;

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->base.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (r->base.fd < 0) {
                int e = -errno;
                free(r);
                return e;
        }
        r->base.ops = &sim_request_ops;
        r->base.offset = offset;
        r->base.settings = *s;
        r->chip = c;

        l->request = r;
        snprintf(l->consumer, PB_NAME_MAX, "%s", consumer);
        line_apply_settings(c, offset, s);
        chip_push_info(c, offset, PB_INFO_REQUESTED);
        chip_arm_timer(c);

        *ret = &r->base;
        return 0;
}

static void sim_close(PbChip *chip)
{
        SimChip *c = container_of(chip, SimChip, base);

        for (unsigned i = 0; c->lines && i < chip->num_lines; i++) {
                if (c->lines[i].request)
                        c->lines[i].request->chip = NULL;
                free(c->lines[i].schedule);
        }
        if (chip->fd >= 0)
                close(chip->fd);
        if (c->info_fd >= 0)
                close(c->info_fd);
        if (c->timer_fd >= 0)
                close(c->timer_fd);
        free(c->lines);
        free(c);
}

static const PbChipOps sim_chip_ops = {
        .get_line_info = sim_get_line_info,
        .read_info_events = sim_read_info_events,
        .request_line = sim_request_line,
        .close = sim_close,
};

static SimRequest *sim_request(PbRequest *req)
{
        return container_of(req, SimRequest, base);
}

static int sim_req_get_value(PbRequest *req, bool *ret)
{
        SimRequest *r = sim_request(req);
        SimLine *l;

        if (!r->chip)
                return -ENODEV;
        l = &r->chip->lines[req->offset];
        *ret = request_is_input(r) ? r->value : l->level != req->settings.active_low;
        return 0;
}

static int sim_req_set_value(PbRequest *req, bool value)
{
        SimRequest *r = sim_request(req);
        SimLine *l;

        if (!r->chip)
                return -ENODEV;
        l = &r->chip->lines[req->offset];
        l->driven = value != req->settings.active_low;
        line_update(r->chip, req->offset, monotonic_ns());
        /* A wired input may have started a debounce period. */
        chip_arm_timer(r->chip);
        return 0;
}

static int sim_req_reconfigure(PbRequest *req, const PbLineSettings *s)
{
        SimRequest *r = sim_request(req);

        if (!r->chip)
                return -ENODEV;
        if (r->chip->no_debounce && s->debounce_us > 0)
                return -EOPNOTSUPP;
        req->settings = *s;
        line_apply_settings(r->chip, req->offset, s);
        chip_push_info(r->chip, req->offset, PB_INFO_RECONFIGURED);
        chip_arm_timer(r->chip);
        return 0;
}

static int sim_req_read_edge_events(PbRequest *req, PbEdgeEvent *events, size_t n)
{
        SimRequest *r = sim_request(req);
        size_t k = 0;

        while (k < n && r->count > 0) {
                events[k++] = r->queue[r->head];
                r->head = (r->head + 1) % PB_EVENT_BUFFER_SIZE;
                r->count--;
        }
        if (r->count == 0)
                fd_drain(req->fd);
        return (int)k;
}

static void sim_req_release(PbRequest *req)
{
        SimRequest *r = sim_request(req);

        if (r->chip) {
                SimLine *l = &r->chip->lines[req->offset];
                bool old_level = l->level;

                l->request = NULL;
                l->consumer[0] = '\0';
                l->debounce_deadline_ns = 0;
                /* Released: the pin reads the pull again, as gpio-sim's free() makes it,
                 * also through a later as-is request. */
                l->driven = l->pull;
                l->level = line_compute_level(l);
                if (l->level != old_level)
                        chip_propagate(r->chip, req->offset, monotonic_ns());
                chip_push_info(r->chip, req->offset, PB_INFO_RELEASED);
                chip_arm_timer(r->chip);
        }
        close(req->fd);
        free(r);
}

static const PbRequestOps sim_request_ops = {
        .get_value = sim_req_get_value,
        .set_value = sim_req_set_value,
        .reconfigure = sim_req_reconfigure,
        .read_edge_events = sim_req_read_edge_events,
        .release = sim_req_release,
};

int pb_sim_chip_new(const char *name, const char *label, const char *const *line_names, unsigned num_lines,
                    PbChip **ret)
{
        _cleanup_(pb_chip_closep) PbChip *chip = NULL;
        _cleanup_close_ int epfd = -1;
        SimChip *c;
        int r;

        if (isempty(name) || !label || num_lines == 0 || !ret)
                return -EINVAL;

        epfd = epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0)
                return -errno;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->info_fd = c->timer_fd = -1;
        c->base.fd = -1;
        c->base.ops = &sim_chip_ops;
        chip = &c->base;

        r = pb_chip_init_base(&c->base, &sim_chip_ops, name, label, "", num_lines, TAKE_FD(epfd));
        if (r < 0)
                return r;

        c->lines = calloc(num_lines, sizeof(SimLine));
        if (!c->lines)
                return -ENOMEM;
        for (unsigned i = 0; i < num_lines; i++) {
                c->lines[i].direction = PB_DIRECTION_INPUT;
                if (line_names && line_names[i])
                        snprintf(c->lines[i].name, PB_NAME_MAX, "%s", line_names[i]);
        }

        c->info_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (c->info_fd < 0)
                return -errno;
        c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (c->timer_fd < 0)
                return -errno;

        struct epoll_event ev = { .events = EPOLLIN };
        ev.data.fd = c->info_fd;
        if (epoll_ctl(c->base.fd, EPOLL_CTL_ADD, c->info_fd, &ev) < 0)
                return -errno;
        ev.data.fd = c->timer_fd;
        if (epoll_ctl(c->base.fd, EPOLL_CTL_ADD, c->timer_fd, &ev) < 0)
                return -errno;

        *ret = TAKE_PTR(chip);
        return 0;
}

const char *const pb_sim_rpi4_line_names[PB_SIM_RPI4_NUM_LINES] = {
        "ID_SDA",
        "ID_SCL",
        "GPIO2",
        "GPIO3",
        "GPIO4",
        "GPIO5",
        "GPIO6",
        "GPIO7",
        "GPIO8",
        "GPIO9",
        "GPIO10",
        "GPIO11",
        "GPIO12",
        "GPIO13",
        "GPIO14",
        "GPIO15",
        "GPIO16",
        "GPIO17",
        "GPIO18",
        "GPIO19",
        "GPIO20",
        "GPIO21",
        "GPIO22",
        "GPIO23",
        "GPIO24",
        "GPIO25",
        "GPIO26",
        "GPIO27",
        "RGMII_MDIO",
        "RGMIO_MDC",
        "CTS0",
        "RTS0",
        "TXD0",
        "RXD0",
        "SD1_CLK",
        "SD1_CMD",
        "SD1_DATA0",
        "SD1_DATA1",
        "SD1_DATA2",
        "SD1_DATA3",
        "PWM0_MISO",
        "PWM1_MOSI",
        "STATUS_LED_G_CLK",
        "SPIFLASH_CE_N",
        "SDA0",
        "SCL0",
        "RGMII_RXCLK",
        "RGMII_RXCTL",
        "RGMII_RXD0",
        "RGMII_RXD1",
        "RGMII_RXD2",
        "RGMII_RXD3",
        "RGMII_TXCLK",
        "RGMII_TXCTL",
        "RGMII_TXD0",
        "RGMII_TXD1",
        "RGMII_TXD2",
        "RGMII_TXD3",
};

int pb_sim_chip_new_rpi4(PbChip **ret)
{
        return pb_sim_chip_new("gpiochip0", "pinctrl-bcm2711", pb_sim_rpi4_line_names, PB_SIM_RPI4_NUM_LINES,
                               ret);
}

bool pb_chip_is_simulated(const PbChip *chip)
{
        return chip && chip->ops == &sim_chip_ops;
}

int pb_sim_chip_set_input(PbChip *chip, unsigned offset, bool level)
{
        SimChip *c = sim_chip(chip);
        SimLine *l;

        if (!c)
                return -EOPNOTSUPP;
        if (offset >= chip->num_lines)
                return -EINVAL;
        /* What was due before now happens first, as it would have on time. */
        chip_run_due(c, monotonic_ns());
        l = &c->lines[offset];
        line_cancel_bounces(l);
        l->pull = level;
        line_update(c, offset, monotonic_ns());
        chip_arm_timer(c);
        return 0;
}

int pb_sim_chip_bounce(PbChip *chip, unsigned offset, bool final_level, unsigned transitions,
                       uint64_t span_us)
{
        return pb_sim_chip_bounce_at(chip, offset, final_level, transitions, span_us, monotonic_ns());
}

int pb_sim_chip_bounce_at(PbChip *chip, unsigned offset, bool final_level, unsigned transitions,
                          uint64_t span_us, uint64_t start_ns)
{
        SimChip *c = sim_chip(chip);
        SimLine *l;

        if (!c)
                return -EOPNOTSUPP;
        if (offset >= chip->num_lines)
                return -EINVAL;
        if (transitions > PB_SIM_BOUNCE_TRANSITIONS_MAX || span_us > PB_SIM_BOUNCE_SPAN_US_MAX)
                return -ERANGE;

        chip_run_due(c, monotonic_ns());
        l = &c->lines[offset];
        line_cancel_bounces(l);
        line_start_bounce(l, final_level, transitions, span_us * NSEC_PER_USEC, start_ns);
        chip_arm_timer(c);
        return 0;
}

int pb_sim_chip_schedule(PbChip *chip, unsigned offset, const PbSimBounce *bounces, size_t n,
                         uint64_t start_ns)
{
        SimChip *c = sim_chip(chip);
        PbSimBounce *copy = NULL;
        SimLine *l;

        if (!c)
                return -EOPNOTSUPP;
        if (offset >= chip->num_lines || (n > 0 && !bounces))
                return -EINVAL;
        if (n > PB_SIM_SCHEDULE_MAX)
                return -ERANGE;
        for (size_t i = 0; i < n; i++) {
                const PbSimBounce *e = &bounces[i];

                if (e->transitions > PB_SIM_BOUNCE_TRANSITIONS_MAX ||
                    e->span_us > PB_SIM_BOUNCE_SPAN_US_MAX || e->at_us > PB_SIM_SCHEDULE_US_MAX ||
                    e->span_us > PB_SIM_SCHEDULE_US_MAX - e->at_us)
                        return -ERANGE;
                if (i > 0 && e->at_us < bounces[i - 1].at_us + bounces[i - 1].span_us)
                        return -EINVAL;
        }
        if (n > 0) {
                copy = malloc(n * sizeof(*bounces));
                if (!copy)
                        return -ENOMEM;
                memcpy(copy, bounces, n * sizeof(*bounces));
        }

        chip_run_due(c, monotonic_ns());
        l = &c->lines[offset];
        line_cancel_bounces(l);
        l->schedule = copy;
        l->schedule_n = n;
        l->schedule_start_ns = start_ns;
        line_schedule_next(l);
        chip_arm_timer(c);
        return 0;
}

int pb_sim_chip_get_level(PbChip *chip, unsigned offset, bool *ret)
{
        SimChip *c = sim_chip(chip);

        if (!c)
                return -EOPNOTSUPP;
        if (offset >= chip->num_lines || !ret)
                return -EINVAL;
        *ret = c->lines[offset].level;
        return 0;
}

int pb_sim_chip_set_debounce_supported(PbChip *chip, bool supported)
{
        SimChip *c = sim_chip(chip);

        if (!c)
                return -EOPNOTSUPP;
        c->no_debounce = !supported;
        return 0;
}

int pb_sim_chip_connect(PbChip *chip, unsigned output, unsigned input)
{
        SimChip *c = sim_chip(chip);
        SimLine *in;

        if (!c)
                return -EOPNOTSUPP;
        if (output >= chip->num_lines || input >= chip->num_lines || output == input)
                return -EINVAL;
        in = &c->lines[input];
        if (in->wired && in->wire_source != output)
                return -EBUSY;
        /* A loop would make a change go round for ever: refuse a wire from a line that
         * already follows input. */
        for (unsigned at = output; c->lines[at].wired;) {
                at = c->lines[at].wire_source;
                if (at == input)
                        return -ELOOP;
        }

        chip_run_due(c, monotonic_ns());
        in->wired = true;
        in->wire_source = output;
        in->pull = c->lines[output].level;
        line_update(c, input, monotonic_ns());
        chip_arm_timer(c);
        return 0;
}

int pb_sim_chip_disconnect(PbChip *chip, unsigned output, unsigned input)
{
        SimChip *c = sim_chip(chip);
        SimLine *in;

        if (!c)
                return -EOPNOTSUPP;
        if (output >= chip->num_lines || input >= chip->num_lines)
                return -EINVAL;
        in = &c->lines[input];
        if (!in->wired || in->wire_source != output)
                return -ENOENT;
        in->wired = false;
        in->wire_source = 0;
        return 0;
}

int pb_sim_chip_get_wire(PbChip *chip, unsigned input, unsigned *ret_output)
{
        SimChip *c = sim_chip(chip);

        if (!c)
                return -EOPNOTSUPP;
        if (input >= chip->num_lines || !ret_output)
                return -EINVAL;
        if (!c->lines[input].wired)
                return -ENOENT;
        *ret_output = c->lines[input].wire_source;
        return 0;
}
