/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The libgpiod v2 backend: one gpiod_chip per PbChip, one single-line
 * gpiod_line_request per PbRequest. Every line's info is watched at open, so
 * the chip fd reports lines that other processes request and release.
 */

#include <dirent.h>

#include "gpio/chip-private.h"

#if HAVE_LIBGPIOD

#include <gpiod.h>

typedef struct GpiodChip {
        PbChip base;
        struct gpiod_chip *chip;
} GpiodChip;

typedef struct GpiodRequest {
        PbRequest base;
        struct gpiod_line_request *request;
        struct gpiod_edge_event_buffer *buffer;
} GpiodRequest;

DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_chip *, gpiod_chip_close)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_chip_info *, gpiod_chip_info_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_line_info *, gpiod_line_info_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_info_event *, gpiod_info_event_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_line_settings *, gpiod_line_settings_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_line_config *, gpiod_line_config_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct gpiod_request_config *, gpiod_request_config_free)

/* libgpiod reports failures through errno; never let a 0 escape as success. */
static int negative_errno(void)
{
        return errno > 0 ? -errno : -EIO;
}

static void copy_name(char dst[PB_NAME_MAX], const char *src)
{
        snprintf(dst, PB_NAME_MAX, "%s", strempty(src));
}

static void line_info_from_gpiod(struct gpiod_line_info *gi, PbLineInfo *ret)
{
        *ret = (PbLineInfo){
                .offset = gpiod_line_info_get_offset(gi),
                .used = gpiod_line_info_is_used(gi),
                .direction = gpiod_line_info_get_direction(gi) == GPIOD_LINE_DIRECTION_OUTPUT
                                     ? PB_DIRECTION_OUTPUT
                                     : PB_DIRECTION_INPUT,
                .active_low = gpiod_line_info_is_active_low(gi),
                .debounce_us =
                        gpiod_line_info_is_debounced(gi) ? gpiod_line_info_get_debounce_period_us(gi) : 0,
        };
        copy_name(ret->name, gpiod_line_info_get_name(gi));
        copy_name(ret->consumer, ret->used ? gpiod_line_info_get_consumer(gi) : NULL);

        switch (gpiod_line_info_get_bias(gi)) {
        case GPIOD_LINE_BIAS_DISABLED:
                ret->bias = PB_BIAS_DISABLED;
                break;
        case GPIOD_LINE_BIAS_PULL_UP:
                ret->bias = PB_BIAS_PULL_UP;
                break;
        case GPIOD_LINE_BIAS_PULL_DOWN:
                ret->bias = PB_BIAS_PULL_DOWN;
                break;
        default:
                ret->bias = PB_BIAS_AS_IS;
        }

        switch (gpiod_line_info_get_drive(gi)) {
        case GPIOD_LINE_DRIVE_OPEN_DRAIN:
                ret->drive = PB_DRIVE_OPEN_DRAIN;
                break;
        case GPIOD_LINE_DRIVE_OPEN_SOURCE:
                ret->drive = PB_DRIVE_OPEN_SOURCE;
                break;
        default:
                ret->drive = PB_DRIVE_PUSH_PULL;
        }

        switch (gpiod_line_info_get_edge_detection(gi)) {
        case GPIOD_LINE_EDGE_RISING:
                ret->edge = PB_EDGE_RISING;
                break;
        case GPIOD_LINE_EDGE_FALLING:
                ret->edge = PB_EDGE_FALLING;
                break;
        case GPIOD_LINE_EDGE_BOTH:
                ret->edge = PB_EDGE_BOTH;
                break;
        default:
                ret->edge = PB_EDGE_NONE;
        }
}

static int gpiod_get_line_info(PbChip *base, unsigned offset, PbLineInfo *ret)
{
        GpiodChip *c = container_of(base, GpiodChip, base);
        _cleanup_(gpiod_line_info_freep) struct gpiod_line_info *gi = NULL;

        gi = gpiod_chip_get_line_info(c->chip, offset);
        if (!gi)
                return negative_errno();
        line_info_from_gpiod(gi, ret);
        return 0;
}

static int gpiod_read_info_events(PbChip *base, PbInfoEvent *events, size_t n)
{
        GpiodChip *c = container_of(base, GpiodChip, base);
        size_t k = 0;

        while (k < n) {
                _cleanup_(gpiod_info_event_freep) struct gpiod_info_event *ev = NULL;
                int r;

                /* A zero timeout polls: never block the caller's loop. */
                r = gpiod_chip_wait_info_event(c->chip, 0);
                if (r < 0)
                        return negative_errno();
                if (r == 0)
                        break;

                ev = gpiod_chip_read_info_event(c->chip);
                if (!ev)
                        return negative_errno();

                switch (gpiod_info_event_get_event_type(ev)) {
                case GPIOD_INFO_EVENT_LINE_REQUESTED:
                        events[k].type = PB_INFO_REQUESTED;
                        break;
                case GPIOD_INFO_EVENT_LINE_RELEASED:
                        events[k].type = PB_INFO_RELEASED;
                        break;
                default:
                        events[k].type = PB_INFO_RECONFIGURED;
                }
                events[k].timestamp_ns = gpiod_info_event_get_timestamp_ns(ev);
                line_info_from_gpiod(gpiod_info_event_get_line_info(ev), &events[k].info);
                k++;
        }
        return (int)k;
}

static struct gpiod_line_settings *settings_to_gpiod(const PbLineSettings *s)
{
        _cleanup_(gpiod_line_settings_freep) struct gpiod_line_settings *gs = NULL;
        static const enum gpiod_line_direction dir[] = {
                [PB_DIRECTION_AS_IS] = GPIOD_LINE_DIRECTION_AS_IS,
                [PB_DIRECTION_INPUT] = GPIOD_LINE_DIRECTION_INPUT,
                [PB_DIRECTION_OUTPUT] = GPIOD_LINE_DIRECTION_OUTPUT,
        };
        static const enum gpiod_line_bias bias[] = {
                [PB_BIAS_AS_IS] = GPIOD_LINE_BIAS_AS_IS,
                [PB_BIAS_DISABLED] = GPIOD_LINE_BIAS_DISABLED,
                [PB_BIAS_PULL_UP] = GPIOD_LINE_BIAS_PULL_UP,
                [PB_BIAS_PULL_DOWN] = GPIOD_LINE_BIAS_PULL_DOWN,
        };
        static const enum gpiod_line_drive drive[] = {
                [PB_DRIVE_PUSH_PULL] = GPIOD_LINE_DRIVE_PUSH_PULL,
                [PB_DRIVE_OPEN_DRAIN] = GPIOD_LINE_DRIVE_OPEN_DRAIN,
                [PB_DRIVE_OPEN_SOURCE] = GPIOD_LINE_DRIVE_OPEN_SOURCE,
        };
        static const enum gpiod_line_edge edge[] = {
                [PB_EDGE_NONE] = GPIOD_LINE_EDGE_NONE,
                [PB_EDGE_RISING] = GPIOD_LINE_EDGE_RISING,
                [PB_EDGE_FALLING] = GPIOD_LINE_EDGE_FALLING,
                [PB_EDGE_BOTH] = GPIOD_LINE_EDGE_BOTH,
        };

        gs = gpiod_line_settings_new();
        if (!gs)
                return NULL;
        if (gpiod_line_settings_set_direction(gs, dir[s->direction]) < 0 ||
            gpiod_line_settings_set_bias(gs, bias[s->bias]) < 0 ||
            gpiod_line_settings_set_drive(gs, drive[s->drive]) < 0 ||
            gpiod_line_settings_set_edge_detection(gs, edge[s->edge]) < 0 ||
            gpiod_line_settings_set_event_clock(gs, GPIOD_LINE_CLOCK_MONOTONIC) < 0 ||
            gpiod_line_settings_set_output_value(gs, s->output_value ? GPIOD_LINE_VALUE_ACTIVE
                                                                     : GPIOD_LINE_VALUE_INACTIVE) < 0)
                return NULL;
        gpiod_line_settings_set_active_low(gs, s->active_low);
        gpiod_line_settings_set_debounce_period_us(gs, (unsigned long)s->debounce_us);
        return TAKE_PTR(gs);
}

static struct gpiod_line_config *line_config_new(unsigned offset, const PbLineSettings *s)
{
        _cleanup_(gpiod_line_settings_freep) struct gpiod_line_settings *gs = NULL;
        _cleanup_(gpiod_line_config_freep) struct gpiod_line_config *lc = NULL;

        gs = settings_to_gpiod(s);
        if (!gs)
                return NULL;
        lc = gpiod_line_config_new();
        if (!lc)
                return NULL;
        if (gpiod_line_config_add_line_settings(lc, &offset, 1, gs) < 0)
                return NULL;
        return TAKE_PTR(lc);
}

static const PbRequestOps gpiod_request_ops;

static int gpiod_request_line(PbChip *base, unsigned offset, const PbLineSettings *s, const char *consumer,
                              PbRequest **ret)
{
        GpiodChip *c = container_of(base, GpiodChip, base);
        _cleanup_(gpiod_line_config_freep) struct gpiod_line_config *lc = NULL;
        _cleanup_(gpiod_request_config_freep) struct gpiod_request_config *rc = NULL;
        GpiodRequest *req;

        lc = line_config_new(offset, s);
        rc = gpiod_request_config_new();
        if (!lc || !rc)
                return negative_errno();
        gpiod_request_config_set_consumer(rc, consumer);
        gpiod_request_config_set_event_buffer_size(rc, PB_EVENT_BUFFER_SIZE);

        req = calloc(1, sizeof(*req));
        if (!req)
                return -ENOMEM;
        req->buffer = gpiod_edge_event_buffer_new(PB_EVENT_BUFFER_SIZE);
        if (!req->buffer) {
                free(req);
                return -ENOMEM;
        }
        req->request = gpiod_chip_request_lines(c->chip, rc, lc);
        if (!req->request) {
                int r = negative_errno();
                gpiod_edge_event_buffer_free(req->buffer);
                free(req);
                return r;
        }
        req->base.ops = &gpiod_request_ops;
        req->base.fd = gpiod_line_request_get_fd(req->request);
        *ret = &req->base;
        return 0;
}

static void gpiod_close(PbChip *base)
{
        GpiodChip *c = container_of(base, GpiodChip, base);

        gpiod_chip_close(c->chip);
        free(c);
}

static const PbChipOps gpiod_chip_ops = {
        .get_line_info = gpiod_get_line_info,
        .read_info_events = gpiod_read_info_events,
        .request_line = gpiod_request_line,
        .close = gpiod_close,
};

static int gpiod_req_get_value(PbRequest *base, bool *ret)
{
        GpiodRequest *r = container_of(base, GpiodRequest, base);
        enum gpiod_line_value v;

        v = gpiod_line_request_get_value(r->request, base->offset);
        if (v == GPIOD_LINE_VALUE_ERROR)
                return negative_errno();
        *ret = v == GPIOD_LINE_VALUE_ACTIVE;
        return 0;
}

static int gpiod_req_set_value(PbRequest *base, bool value)
{
        GpiodRequest *r = container_of(base, GpiodRequest, base);

        if (gpiod_line_request_set_value(r->request, base->offset,
                                         value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) < 0)
                return negative_errno();
        return 0;
}

static int gpiod_req_reconfigure(PbRequest *base, const PbLineSettings *s)
{
        GpiodRequest *r = container_of(base, GpiodRequest, base);
        _cleanup_(gpiod_line_config_freep) struct gpiod_line_config *lc = NULL;

        lc = line_config_new(base->offset, s);
        if (!lc)
                return negative_errno();
        if (gpiod_line_request_reconfigure_lines(r->request, lc) < 0)
                return negative_errno();
        return 0;
}

static int gpiod_req_read_edge_events(PbRequest *base, PbEdgeEvent *events, size_t n)
{
        GpiodRequest *r = container_of(base, GpiodRequest, base);
        int k, ready;

        if (n == 0)
                return 0;
        ready = gpiod_line_request_wait_edge_events(r->request, 0);
        if (ready < 0)
                return negative_errno();
        if (ready == 0)
                return 0;

        k = gpiod_line_request_read_edge_events(r->request, r->buffer,
                                                n < PB_EVENT_BUFFER_SIZE ? n : PB_EVENT_BUFFER_SIZE);
        if (k < 0)
                return negative_errno();
        for (int i = 0; i < k; i++) {
                struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(r->buffer, (unsigned long)i);

                events[i] = (PbEdgeEvent){
                        .offset = gpiod_edge_event_get_line_offset(ev),
                        .rising = gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE,
                        .timestamp_ns = gpiod_edge_event_get_timestamp_ns(ev),
                        .line_seqno = (uint32_t)gpiod_edge_event_get_line_seqno(ev),
                };
        }
        return k;
}

static void gpiod_req_release(PbRequest *base)
{
        GpiodRequest *r = container_of(base, GpiodRequest, base);

        gpiod_line_request_release(r->request);
        gpiod_edge_event_buffer_free(r->buffer);
        free(r);
}

static const PbRequestOps gpiod_request_ops = {
        .get_value = gpiod_req_get_value,
        .set_value = gpiod_req_set_value,
        .reconfigure = gpiod_req_reconfigure,
        .read_edge_events = gpiod_req_read_edge_events,
        .release = gpiod_req_release,
};

int pb_gpiod_chip_open(const char *path, PbChip **ret)
{
        _cleanup_(gpiod_chip_closep) struct gpiod_chip *chip = NULL;
        _cleanup_(gpiod_chip_info_freep) struct gpiod_chip_info *info = NULL;
        GpiodChip *c;
        unsigned n;
        int r;

        if (!path || !ret)
                return -EINVAL;

        chip = gpiod_chip_open(path);
        if (!chip)
                return negative_errno();
        info = gpiod_chip_get_info(chip);
        if (!info)
                return negative_errno();
        n = (unsigned)gpiod_chip_info_get_num_lines(info);

        for (unsigned i = 0; i < n; i++) {
                _cleanup_(gpiod_line_info_freep) struct gpiod_line_info *li = NULL;

                li = gpiod_chip_watch_line_info(chip, i);
                if (!li)
                        return negative_errno();
        }

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->chip = TAKE_PTR(chip);
        r = pb_chip_init_base(&c->base, &gpiod_chip_ops, gpiod_chip_info_get_name(info),
                              gpiod_chip_info_get_label(info), path, n, gpiod_chip_get_fd(c->chip));
        if (r < 0) {
                pb_chip_close(&c->base);
                return r;
        }
        *ret = &c->base;
        return 0;
}

#else /* !HAVE_LIBGPIOD */

int pb_gpiod_chip_open(const char *path, PbChip **ret)
{
        (void)path;
        (void)ret;
        return -EOPNOTSUPP;
}

#endif

/* "gpiochip12" -> 12; -1 for anything else. */
static long chip_number(const char *name)
{
        const char *p = startswith(name, "gpiochip");
        char *end;
        long v;

        if (!p || !*p)
                return -1;
        errno = 0;
        v = strtol(p, &end, 10);
        if (errno || *end || v < 0)
                return -1;
        return v;
}

static int compare_chip_paths(const void *a, const void *b)
{
        const char *pa = strrchr(*(char *const *)a, '/') + 1;
        const char *pb = strrchr(*(char *const *)b, '/') + 1;
        long na = chip_number(pa), nb = chip_number(pb);

        return na < nb ? -1 : na > nb;
}

int pb_gpiod_list_chips(const char *dir, char ***ret)
{
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        DIR *d;

        if (!dir || !ret)
                return -EINVAL;

        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;

        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = TAKE_PTR(l);
                return 0;
        }

        for (struct dirent *de; (de = readdir(d));) {
                char **nl;
                char *p;

                if (chip_number(de->d_name) < 0)
                        continue;
                if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
#if HAVE_LIBGPIOD
                if (!gpiod_is_gpiochip_device(p)) {
                        free(p);
                        continue;
                }
#endif
                nl = realloc(l, (n + 2) * sizeof(char *));
                if (!nl) {
                        free(p);
                        closedir(d);
                        return -ENOMEM;
                }
                l = nl;
                l[n++] = p;
                l[n] = NULL;
        }
        closedir(d);

        qsort(l, n, sizeof(char *), compare_chip_paths);
        *ret = TAKE_PTR(l);
        return 0;
}
