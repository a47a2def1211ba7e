/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>

#include "gpio/chip-private.h"

int pb_chip_init_base(PbChip *chip, const PbChipOps *ops, const char *name, const char *label,
                      const char *path, unsigned num_lines, int fd)
{
        chip->ops = ops;
        chip->name = strdup(name);
        chip->label = strdup(label);
        chip->path = strdup(path);
        chip->num_lines = num_lines;
        chip->fd = fd;
        if (!chip->name || !chip->label || !chip->path)
                return -ENOMEM;
        return 0;
}

PbChip *pb_chip_close(PbChip *chip)
{
        if (!chip)
                return NULL;
        char *name = chip->name, *label = chip->label, *path = chip->path;
        chip->ops->close(chip);
        free(name);
        free(label);
        free(path);
        return NULL;
}

const char *pb_chip_get_name(const PbChip *chip)
{
        return chip->name;
}

const char *pb_chip_get_label(const PbChip *chip)
{
        return chip->label;
}

const char *pb_chip_get_path(const PbChip *chip)
{
        return chip->path;
}

unsigned pb_chip_get_num_lines(const PbChip *chip)
{
        return chip->num_lines;
}

int pb_chip_get_fd(const PbChip *chip)
{
        return chip->fd;
}

int pb_chip_get_line_info(PbChip *chip, unsigned offset, PbLineInfo *ret)
{
        if (!chip || !ret || offset >= chip->num_lines)
                return -EINVAL;
        return chip->ops->get_line_info(chip, offset, ret);
}

int pb_chip_read_info_events(PbChip *chip, PbInfoEvent *events, size_t n)
{
        if (!chip || (!events && n > 0))
                return -EINVAL;
        return chip->ops->read_info_events(chip, events, n);
}

int pb_chip_request_line(PbChip *chip, unsigned offset, const PbLineSettings *s, const char *consumer,
                         PbRequest **ret)
{
        int r;

        if (!chip || !s || !ret || offset >= chip->num_lines)
                return -EINVAL;
        r = pb_line_settings_validate(s, NULL);
        if (r < 0)
                return r;

        r = chip->ops->request_line(chip, offset, s, strempty(consumer), ret);
        if (r < 0)
                return r;
        (*ret)->offset = offset;
        (*ret)->settings = *s;
        return 0;
}

PbRequest *pb_request_release(PbRequest *req)
{
        if (req)
                req->ops->release(req);
        return NULL;
}

unsigned pb_request_get_offset(const PbRequest *req)
{
        return req->offset;
}

const PbLineSettings *pb_request_get_settings(const PbRequest *req)
{
        return &req->settings;
}

int pb_request_get_value(PbRequest *req, bool *ret)
{
        if (!req || !ret)
                return -EINVAL;
        return req->ops->get_value(req, ret);
}

int pb_request_set_value(PbRequest *req, bool value)
{
        if (!req)
                return -EINVAL;
        if (req->settings.direction != PB_DIRECTION_OUTPUT)
                return -EPERM;
        return req->ops->set_value(req, value);
}

int pb_request_reconfigure(PbRequest *req, const PbLineSettings *s)
{
        int r;

        if (!req || !s)
                return -EINVAL;
        r = pb_line_settings_validate(s, NULL);
        if (r < 0)
                return r;
        r = req->ops->reconfigure(req, s);
        if (r < 0)
                return r;
        req->settings = *s;
        return 0;
}

int pb_request_get_fd(const PbRequest *req)
{
        return req->fd;
}

int pb_request_read_edge_events(PbRequest *req, PbEdgeEvent *events, size_t n)
{
        if (!req || (!events && n > 0))
                return -EINVAL;
        return req->ops->read_edge_events(req, events, n);
}
