/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The generic part of the I2C transport (argument and functionality checks,
 * shared by every implementation) and the i2c-dev implementation: /dev/i2c-N
 * driven through libi2c's SMBus calls (I2C_SMBUS ioctls) and plain
 * read()/write() for I2C messages. The adapter's functionality is queried once
 * (I2C_FUNCS) at open; the target address is set with I2C_SLAVE only when it
 * differs from the one set last.
 */

#include <fcntl.h>
#include <i2c/smbus.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i2c/bus-private.h"

#define I2C_ADDR_MIN  0x03
#define I2C_ADDR_MAX  0x77
#define I2C_BLOCK_MAX 32 /* I2C_SMBUS_BLOCK_MAX */

int pb_i2c_bus_init_base(PbI2cBus *bus, const PbI2cBusOps *ops, unsigned nr, unsigned funcs)
{
        bus->ops = ops;
        bus->nr = nr;
        bus->funcs = funcs;
        if (asprintf(&bus->path, "/dev/i2c-%u", nr) < 0) {
                bus->path = NULL;
                return -ENOMEM;
        }
        return 0;
}

PbI2cBus *pb_i2c_bus_close(PbI2cBus *bus)
{
        if (!bus)
                return NULL;
        char *path = bus->path;
        bus->ops->close(bus);
        free(path);
        return NULL;
}

const char *pb_i2c_bus_get_path(const PbI2cBus *bus)
{
        return bus->path;
}

unsigned pb_i2c_bus_get_nr(const PbI2cBus *bus)
{
        return bus->nr;
}

unsigned pb_i2c_bus_get_funcs(const PbI2cBus *bus)
{
        return bus->funcs;
}

char *pb_i2c_funcs_to_string(unsigned missing)
{
        static const struct {
                unsigned func;
                const char *words;
        } table[] = {
                { PB_I2C_FUNC_I2C, "plain I2C transfers" },
                { PB_I2C_FUNC_SMBUS_BYTE, "SMBus receive/send byte" },
                { PB_I2C_FUNC_SMBUS_BYTE_DATA, "SMBus byte data" },
                { PB_I2C_FUNC_SMBUS_WORD_DATA, "SMBus word data" },
                { PB_I2C_FUNC_SMBUS_I2C_BLOCK, "SMBus I2C block data" },
        };
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        bool first = true;

        if (!f)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                if (!(missing & table[i].func))
                        continue;
                fprintf(f, "%s%s", first ? "" : ", ", table[i].words);
                first = false;
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* Checks the common arguments of a transfer needing func. */
static int check_xfer(const PbI2cBus *bus, uint16_t addr, unsigned func)
{
        if (!bus || addr < I2C_ADDR_MIN || addr > I2C_ADDR_MAX)
                return -EINVAL;
        if (!(bus->funcs & func))
                return -EOPNOTSUPP;
        return 0;
}

static int check_len(size_t len)
{
        return len >= 1 && len <= I2C_BLOCK_MAX ? 0 : -EINVAL;
}

int pb_i2c_read_byte(PbI2cBus *bus, uint16_t addr, uint8_t *ret)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_BYTE);

        if (r < 0)
                return r;
        if (!ret)
                return -EINVAL;
        return bus->ops->read_byte(bus, addr, ret);
}

int pb_i2c_write_byte(PbI2cBus *bus, uint16_t addr, uint8_t value)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_BYTE);

        if (r < 0)
                return r;
        return bus->ops->write_byte(bus, addr, value);
}

int pb_i2c_read_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *ret)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_BYTE_DATA);

        if (r < 0)
                return r;
        if (!ret)
                return -EINVAL;
        return bus->ops->read_byte_data(bus, addr, reg, ret);
}

int pb_i2c_write_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t value)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_BYTE_DATA);

        if (r < 0)
                return r;
        return bus->ops->write_byte_data(bus, addr, reg, value);
}

int pb_i2c_read_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t *ret)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_WORD_DATA);

        if (r < 0)
                return r;
        if (!ret)
                return -EINVAL;
        return bus->ops->read_word_data(bus, addr, reg, ret);
}

int pb_i2c_write_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t value)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_WORD_DATA);

        if (r < 0)
                return r;
        return bus->ops->write_word_data(bus, addr, reg, value);
}

int pb_i2c_read_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, uint8_t *buf)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_I2C_BLOCK);

        if (r < 0)
                return r;
        if (!buf || check_len(len) < 0)
                return -EINVAL;
        return bus->ops->read_i2c_block_data(bus, addr, reg, len, buf);
}

int pb_i2c_write_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, const uint8_t *buf)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_SMBUS_I2C_BLOCK);

        if (r < 0)
                return r;
        if (!buf || check_len(len) < 0)
                return -EINVAL;
        return bus->ops->write_i2c_block_data(bus, addr, reg, len, buf);
}

int pb_i2c_write(PbI2cBus *bus, uint16_t addr, const uint8_t *buf, size_t len)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_I2C);

        if (r < 0)
                return r;
        if (!buf || check_len(len) < 0)
                return -EINVAL;
        return bus->ops->write(bus, addr, buf, len);
}

int pb_i2c_read(PbI2cBus *bus, uint16_t addr, uint8_t *buf, size_t len)
{
        int r = check_xfer(bus, addr, PB_I2C_FUNC_I2C);

        if (r < 0)
                return r;
        if (!buf || check_len(len) < 0)
                return -EINVAL;
        return bus->ops->read(bus, addr, buf, len);
}

/* ------------------------------------------------------------------------ */
/* i2c-dev */

typedef struct DevBus {
        PbI2cBus base;
        int fd;
        int cur_addr; /* address last set with I2C_SLAVE, -1 if none */
} DevBus;

static DevBus *dev_bus(PbI2cBus *bus)
{
        return container_of(bus, DevBus, base);
}

/* Points the fd at addr. -EBUSY means a kernel driver has bound that address. */
static int dev_select(PbI2cBus *bus, uint16_t addr)
{
        DevBus *d = dev_bus(bus);

        if (d->cur_addr == addr)
                return 0;
        if (ioctl(d->fd, I2C_SLAVE, (unsigned long)addr) < 0) {
                d->cur_addr = -1;
                return -errno;
        }
        d->cur_addr = addr;
        return 0;
}

/*
 * A failed transfer's errno as the rest of pinbus reads it. An address nobody
 * acknowledges is -ENXIO for adapters (Documentation/i2c/fault-codes.rst), and
 * -ENODEV is a driver's probe finding the wrong device; but some adapters,
 * the kernel's own i2c-stub among them (drivers/i2c/i2c-stub.c, for any
 * address not in its chip_addr list), answer a transfer to an absent address
 * with -ENODEV. While the adapter's /dev node is there, that is the
 * no-acknowledge case and becomes -ENXIO; with the node gone, -ENODEV (the
 * adapter went away) stands.
 */
static int dev_xfer_result(PbI2cBus *bus, int r)
{
        if (r == -ENODEV && access(bus->path, F_OK) == 0)
                return -ENXIO;
        return r;
}

/* libi2c (i2c-tools >= 4.0) returns the value or a negative errno. */
static int dev_read_byte(PbI2cBus *bus, uint16_t addr, uint8_t *ret)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_read_byte(dev_bus(bus)->fd);
        if (r < 0)
                return dev_xfer_result(bus, r);
        *ret = (uint8_t)r;
        return 0;
}

static int dev_write_byte(PbI2cBus *bus, uint16_t addr, uint8_t value)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_write_byte(dev_bus(bus)->fd, value);
        return r < 0 ? dev_xfer_result(bus, r) : 0;
}

static int dev_read_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *ret)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_read_byte_data(dev_bus(bus)->fd, reg);
        if (r < 0)
                return dev_xfer_result(bus, r);
        *ret = (uint8_t)r;
        return 0;
}

static int dev_write_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t value)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_write_byte_data(dev_bus(bus)->fd, reg, value);
        return r < 0 ? dev_xfer_result(bus, r) : 0;
}

static int dev_read_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t *ret)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_read_word_data(dev_bus(bus)->fd, reg);
        if (r < 0)
                return dev_xfer_result(bus, r);
        *ret = (uint16_t)r;
        return 0;
}

static int dev_write_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t value)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_write_word_data(dev_bus(bus)->fd, reg, value);
        return r < 0 ? dev_xfer_result(bus, r) : 0;
}

static int dev_read_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, uint8_t *buf)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_read_i2c_block_data(dev_bus(bus)->fd, reg, (uint8_t)len, buf);
        if (r < 0)
                return dev_xfer_result(bus, r);
        return (size_t)r == len ? 0 : -EIO;
}

static int dev_write_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len,
                                    const uint8_t *buf)
{
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        r = i2c_smbus_write_i2c_block_data(dev_bus(bus)->fd, reg, (uint8_t)len, buf);
        return r < 0 ? dev_xfer_result(bus, r) : 0;
}

static int dev_write(PbI2cBus *bus, uint16_t addr, const uint8_t *buf, size_t len)
{
        ssize_t n;
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        n = write(dev_bus(bus)->fd, buf, len);
        if (n < 0)
                return dev_xfer_result(bus, -errno);
        return (size_t)n == len ? 0 : -EIO;
}

static int dev_read(PbI2cBus *bus, uint16_t addr, uint8_t *buf, size_t len)
{
        ssize_t n;
        int r = dev_select(bus, addr);

        if (r < 0)
                return r;
        n = read(dev_bus(bus)->fd, buf, len);
        if (n < 0)
                return dev_xfer_result(bus, -errno);
        return (size_t)n == len ? 0 : -EIO;
}

static void dev_close(PbI2cBus *bus)
{
        DevBus *d = dev_bus(bus);

        if (d->fd >= 0)
                close(d->fd);
        free(d);
}

static const PbI2cBusOps dev_ops = {
        .read_byte = dev_read_byte,
        .write_byte = dev_write_byte,
        .read_byte_data = dev_read_byte_data,
        .write_byte_data = dev_write_byte_data,
        .read_word_data = dev_read_word_data,
        .write_word_data = dev_write_word_data,
        .read_i2c_block_data = dev_read_i2c_block_data,
        .write_i2c_block_data = dev_write_i2c_block_data,
        .write = dev_write,
        .read = dev_read,
        .close = dev_close,
};

/* The kernel's functionality bits as PbI2cFunc bits; a transfer type counts
 * only when the adapter can do it in both directions. */
static unsigned funcs_from_kernel(unsigned long k)
{
        unsigned f = 0;

        if (k & I2C_FUNC_I2C)
                f |= PB_I2C_FUNC_I2C;
        if ((k & I2C_FUNC_SMBUS_BYTE) == I2C_FUNC_SMBUS_BYTE)
                f |= PB_I2C_FUNC_SMBUS_BYTE;
        if ((k & I2C_FUNC_SMBUS_BYTE_DATA) == I2C_FUNC_SMBUS_BYTE_DATA)
                f |= PB_I2C_FUNC_SMBUS_BYTE_DATA;
        if ((k & I2C_FUNC_SMBUS_WORD_DATA) == I2C_FUNC_SMBUS_WORD_DATA)
                f |= PB_I2C_FUNC_SMBUS_WORD_DATA;
        if ((k & I2C_FUNC_SMBUS_I2C_BLOCK) == I2C_FUNC_SMBUS_I2C_BLOCK)
                f |= PB_I2C_FUNC_SMBUS_I2C_BLOCK;
        return f;
}

int pb_i2c_bus_open(unsigned nr, PbI2cBus **ret)
{
        _cleanup_close_ int fd = -1;
        unsigned long kfuncs = 0;
        char path[32];
        DevBus *d;
        int r;

        if (!ret)
                return -EINVAL;
        snprintf(path, sizeof(path), "/dev/i2c-%u", nr);
        fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (ioctl(fd, I2C_FUNCS, &kfuncs) < 0)
                return errno == EINVAL ? -ENOTTY : -errno;

        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->fd = TAKE_FD(fd);
        d->cur_addr = -1;
        r = pb_i2c_bus_init_base(&d->base, &dev_ops, nr, funcs_from_kernel(kfuncs));
        if (r < 0) {
                dev_close(&d->base);
                return r;
        }
        *ret = &d->base;
        return 0;
}
