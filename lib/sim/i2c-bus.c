/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The simulated I2C adapter. Every SMBus transfer is broken down into the I2C
 * messages a real adapter would put on the wire (read byte data = write the
 * register pointer, then read one byte, ...), and each simulated device
 * implements only message-level write and read, as a chip does. So a driver
 * that uses a transfer its chip does not understand gets what the chip would
 * answer, not a convenient shortcut.
 *
 * Devices are deterministic: a measurement completes at the first poll after
 * its start unless pb_sim_i2c_set_busy() asks for more; readings are the raw
 * values set with pb_sim_i2c_set_raw() (power-on: plausible room values).
 *
 * This file is the adapter and what every device has (errors, busy polls,
 * CRC corruption, the register file of the test helpers); each chip model,
 * the i2c-stub too, is a file sim/sensors/<model>.c behind sim/i2c-chip.h,
 * listed in sim/sensors/registry.c.
 */

#include <strings.h>

#include "i2c/bus-private.h"
#include "sim/i2c-bus.h"
#include "sim/i2c-chip.h"

#define SIM_ADDR_MAX 0x7F

typedef struct SimBus {
        PbI2cBus base;
        PbSimChip *devices[SIM_ADDR_MAX + 1];
} SimBus;

static const PbI2cBusOps sim_ops;

static SimBus *sim_bus(PbI2cBus *bus)
{
        return bus && bus->ops == &sim_ops ? container_of(bus, SimBus, base) : NULL;
}

bool pb_i2c_bus_is_simulated(const PbI2cBus *bus)
{
        return bus && bus->ops == &sim_ops;
}

/* ------------------------------------------------------------------------ */
/* The chips */

static const PbSimChipModel *sim_model_from_string(const char *name)
{
        for (size_t i = 0; pb_sim_chip_registry[i]; i++)
                if (strcasecmp(pb_sim_chip_registry[i]->name, name) == 0)
                        return pb_sim_chip_registry[i];
        return NULL;
}

/* ------------------------------------------------------------------------ */
/* The bus */

static int sim_get(PbI2cBus *bus, uint16_t addr, PbSimChip **ret)
{
        PbSimChip *d = sim_bus(bus)->devices[addr & SIM_ADDR_MAX];

        if (!d)
                return -ENXIO;
        if (d->error < 0)
                return d->error;
        *ret = d;
        return 0;
}

static int sim_msg_write(PbI2cBus *bus, uint16_t addr, const uint8_t *buf, size_t len)
{
        PbSimChip *d;
        int r = sim_get(bus, addr, &d);

        if (r < 0)
                return r;
        if (d->model->smbus)
                return -EOPNOTSUPP; /* an SMBus-only chip: i2c-stub has no master_xfer */
        return d->model->write(d, buf, len);
}

static int sim_msg_read(PbI2cBus *bus, uint16_t addr, uint8_t *buf, size_t len)
{
        PbSimChip *d;
        int r = sim_get(bus, addr, &d);

        if (r < 0)
                return r;
        if (d->model->smbus)
                return -EOPNOTSUPP;
        return d->model->read(d, buf, len);
}

/* An SMBus transfer as the I2C messages an adapter puts on the wire: the
 * register pointer (the command byte) first, then for a read a repeated
 * start and the read; SMBus words travel low byte first. */
static int smbus_emulated(PbSimChip *d, PbSimSmbus *x)
{
        uint8_t msg[1 + 32], in[2];
        size_t n;
        int r;

        msg[0] = x->reg;
        switch (x->size) {
        case PB_SIM_SMBUS_BYTE:
                if (!x->read) {
                        msg[0] = (uint8_t)x->word;
                        return d->model->write(d, msg, 1);
                }
                r = d->model->read(d, in, 1);
                x->word = in[0];
                return r;
        case PB_SIM_SMBUS_BYTE_DATA:
        case PB_SIM_SMBUS_WORD_DATA:
                n = x->size == PB_SIM_SMBUS_BYTE_DATA ? 1 : 2;
                if (!x->read) {
                        msg[1] = (uint8_t)x->word;
                        msg[2] = (uint8_t)(x->word >> 8);
                        return d->model->write(d, msg, 1 + n);
                }
                r = d->model->write(d, msg, 1);
                if (r < 0)
                        return r;
                r = d->model->read(d, in, n);
                x->word = n == 1 ? in[0] : (uint16_t)(in[0] | in[1] << 8);
                return r;
        case PB_SIM_SMBUS_I2C_BLOCK:
                if (x->len > sizeof(msg) - 1)
                        return -EINVAL;
                if (!x->read) {
                        memcpy(msg + 1, x->in, x->len);
                        return d->model->write(d, msg, 1 + x->len);
                }
                r = d->model->write(d, msg, 1);
                if (r < 0)
                        return r;
                return d->model->read(d, x->out, x->len);
        }
        return -EOPNOTSUPP;
}

/* One SMBus transfer: whole to a chip that takes them so (i2c-stub), else
 * as messages. */
static int sim_smbus(PbI2cBus *bus, uint16_t addr, PbSimSmbus *x)
{
        PbSimChip *d;
        int r = sim_get(bus, addr, &d);

        if (r < 0)
                return r;
        if (d->model->smbus)
                return d->model->smbus(d, x);
        return smbus_emulated(d, x);
}

/* A read of size at command reg: *ret gets the value read. */
static int sim_smbus_read(PbI2cBus *bus, uint16_t addr, PbSimSmbusSize size, uint8_t reg, uint16_t *ret)
{
        PbSimSmbus x = { .read = true, .size = size, .reg = reg };
        int r = sim_smbus(bus, addr, &x);

        if (r >= 0)
                *ret = x.word;
        return r;
}

/* The same for a byte. */
static int sim_smbus_read8(PbI2cBus *bus, uint16_t addr, PbSimSmbusSize size, uint8_t reg, uint8_t *ret)
{
        uint16_t v;
        int r = sim_smbus_read(bus, addr, size, reg, &v);

        if (r >= 0)
                *ret = (uint8_t)v;
        return r;
}

static int sim_read_byte(PbI2cBus *bus, uint16_t addr, uint8_t *ret)
{
        return sim_smbus_read8(bus, addr, PB_SIM_SMBUS_BYTE, 0, ret);
}

static int sim_write_byte(PbI2cBus *bus, uint16_t addr, uint8_t value)
{
        return sim_smbus(bus, addr, &(PbSimSmbus){ .size = PB_SIM_SMBUS_BYTE, .word = value });
}

static int sim_read_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *ret)
{
        return sim_smbus_read8(bus, addr, PB_SIM_SMBUS_BYTE_DATA, reg, ret);
}

static int sim_write_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t value)
{
        return sim_smbus(bus, addr,
                         &(PbSimSmbus){ .size = PB_SIM_SMBUS_BYTE_DATA, .reg = reg, .word = value });
}

static int sim_read_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t *ret)
{
        return sim_smbus_read(bus, addr, PB_SIM_SMBUS_WORD_DATA, reg, ret);
}

static int sim_write_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t value)
{
        return sim_smbus(bus, addr,
                         &(PbSimSmbus){ .size = PB_SIM_SMBUS_WORD_DATA, .reg = reg, .word = value });
}

static int sim_read_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, uint8_t *buf)
{
        return sim_smbus(
                bus, addr,
                &(PbSimSmbus){
                        .read = true, .size = PB_SIM_SMBUS_I2C_BLOCK, .reg = reg, .out = buf, .len = len });
}

static int sim_write_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len,
                                    const uint8_t *buf)
{
        return sim_smbus(bus, addr,
                         &(PbSimSmbus){ .size = PB_SIM_SMBUS_I2C_BLOCK, .reg = reg, .in = buf, .len = len });
}

static void sim_close(PbI2cBus *bus)
{
        SimBus *b = sim_bus(bus);

        for (size_t i = 0; i < ELEMENTSOF(b->devices); i++)
                free(b->devices[i]);
        free(b);
}

static const PbI2cBusOps sim_ops = {
        .read_byte = sim_read_byte,
        .write_byte = sim_write_byte,
        .read_byte_data = sim_read_byte_data,
        .write_byte_data = sim_write_byte_data,
        .read_word_data = sim_read_word_data,
        .write_word_data = sim_write_word_data,
        .read_i2c_block_data = sim_read_i2c_block_data,
        .write_i2c_block_data = sim_write_i2c_block_data,
        .write = sim_msg_write,
        .read = sim_msg_read,
        .close = sim_close,
};

#define SIM_ALL_FUNCS                                                             \
        (PB_I2C_FUNC_I2C | PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA | \
         PB_I2C_FUNC_SMBUS_WORD_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK)

int pb_sim_i2c_bus_new(unsigned nr, PbI2cBus **ret)
{
        SimBus *b;
        int r;

        if (!ret)
                return -EINVAL;
        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        r = pb_i2c_bus_init_base(&b->base, &sim_ops, nr, SIM_ALL_FUNCS);
        if (r < 0) {
                free(b);
                return r;
        }
        *ret = &b->base;
        return 0;
}

int pb_sim_i2c_bus_new_default(PbI2cBus **ret)
{
        _cleanup_(pb_i2c_bus_closep) PbI2cBus *bus = NULL;
        int r;

        if (!ret)
                return -EINVAL;
        r = pb_sim_i2c_bus_new(1, &bus);
        if (r < 0)
                return r;
        r = pb_sim_i2c_add_device(bus, 0x76, "bme280");
        if (r < 0)
                return r;
        r = pb_sim_i2c_add_device(bus, 0x48, "tmp102");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

int pb_sim_i2c_add_device(PbI2cBus *bus, uint16_t addr, const char *model)
{
        SimBus *b = sim_bus(bus);
        const PbSimChipModel *m;
        PbSimChip *d;

        if (!b)
                return -EOPNOTSUPP;
        if (!model || addr < 0x03 || addr > 0x77)
                return -EINVAL;
        m = sim_model_from_string(model);
        if (!m)
                return -EOPNOTSUPP;
        if (b->devices[addr])
                return -EEXIST;
        d = calloc(1, sizeof(*d) + m->priv_size);
        if (!d)
                return -ENOMEM;
        d->model = m;
        memcpy(d->raw, m->raw, sizeof(d->raw));
        if (m->reset)
                m->reset(d);
        b->devices[addr] = d;
        return 0;
}

/* The device at addr for the helpers below. */
static int sim_device(PbI2cBus *bus, uint16_t addr, PbSimChip **ret)
{
        SimBus *b = sim_bus(bus);

        if (!b)
                return -EOPNOTSUPP;
        if (addr > SIM_ADDR_MAX || !b->devices[addr])
                return -ENOENT;
        *ret = b->devices[addr];
        return 0;
}

int pb_sim_i2c_set_nak(PbI2cBus *bus, uint16_t addr, bool nak)
{
        return pb_sim_i2c_set_error(bus, addr, nak ? -ENXIO : 0);
}

int pb_sim_i2c_set_error(PbI2cBus *bus, uint16_t addr, int error)
{
        PbSimChip *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (error > 0 || error < -4095)
                return -EINVAL;
        d->error = error;
        return 0;
}

int pb_sim_i2c_bus_set_funcs(PbI2cBus *bus, unsigned funcs)
{
        if (!sim_bus(bus))
                return -EOPNOTSUPP;
        bus->funcs = funcs & SIM_ALL_FUNCS;
        return 0;
}

int pb_sim_i2c_set_raw(PbI2cBus *bus, uint16_t addr, PbQuantity q, uint32_t raw)
{
        PbSimChip *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if ((unsigned)q >= _PB_QUANTITY_MAX || !(d->model->quantities & (1u << q)))
                return -EINVAL;
        d->raw[q] = raw;
        return 0;
}

/* Copies len bytes into the register file from reg (from in) or out of it
 * (into out), 16-bit registers MSB first; the other pointer is NULL. */
static int sim_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, const uint8_t *in,
                         uint8_t *out)
{
        PbSimChip *d;
        size_t width;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!in && !out)
                return -EINVAL;
        if (d->model->n_regs == 0)
                return -EOPNOTSUPP;
        width = d->model->regs16 ? 2 : 1;
        if (len == 0 || len % width != 0 || reg + len / width > d->model->n_regs)
                return -EINVAL;
        for (size_t i = 0; i < len; i += width) {
                if (width == 1 && in)
                        d->regs[reg + i] = in[i];
                else if (width == 1)
                        out[i] = d->regs[reg + i];
                else if (in)
                        d->r16[reg + i / 2] = (uint16_t)(in[i] << 8 | in[i + 1]);
                else {
                        out[i] = (uint8_t)(d->r16[reg + i / 2] >> 8);
                        out[i + 1] = (uint8_t)d->r16[reg + i / 2];
                }
        }
        return 0;
}

int pb_sim_i2c_set_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, const uint8_t *data, size_t len)
{
        return sim_registers(bus, addr, reg, len, data, NULL);
}

int pb_sim_i2c_get_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *buf, size_t len)
{
        return sim_registers(bus, addr, reg, len, NULL, buf);
}

int pb_sim_i2c_set_busy(PbI2cBus *bus, uint16_t addr, unsigned n)
{
        PbSimChip *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        d->busy_polls = n;
        return 0;
}

int pb_sim_i2c_corrupt_crc(PbI2cBus *bus, uint16_t addr, unsigned n)
{
        PbSimChip *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!d->model->crc)
                return -EOPNOTSUPP;
        d->corrupt_crc = n;
        return 0;
}

int pb_sim_i2c_get_conversions(PbI2cBus *bus, uint16_t addr, unsigned *ret)
{
        PbSimChip *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!ret)
                return -EINVAL;
        *ret = d->conversions;
        return 0;
}
