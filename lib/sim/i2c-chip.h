/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The chip side of the simulated I2C adapter (sim/i2c-bus.h), private to
 * lib/sim/. A simulated chip is one file sim/sensors/<model>.c defining a
 * const PbSimChipModel pb_sim_chip_<name> (one per variant it models),
 * listed by one line in sim/sensors/registry.c. The adapter (i2c-bus.c)
 * breaks every transfer into the I2C messages a real adapter would put on
 * the wire and hands each to the chip's write() or read(), as a chip sees
 * them; it owns what every chip has (NAK and error injection, busy polls,
 * CRC corruption, raw readings, the register file the test helpers reach).
 * The chip's own state lives in priv_size bytes behind pb_sim_chip_priv().
 */

#include "sensors/sensor.h"

typedef struct PbSimChip PbSimChip;

/* One SMBus transfer, for a chip that takes them whole (smbus() below). */
typedef enum PbSimSmbusSize {
        PB_SIM_SMBUS_BYTE,      /* read byte / write byte (the value in word) */
        PB_SIM_SMBUS_BYTE_DATA, /* a byte at command reg */
        PB_SIM_SMBUS_WORD_DATA, /* a 16-bit word at command reg */
        PB_SIM_SMBUS_I2C_BLOCK, /* len bytes from command reg (in or out) */
} PbSimSmbusSize;

typedef struct PbSimSmbus {
        bool read;
        PbSimSmbusSize size;
        uint8_t reg;       /* the command byte */
        uint16_t word;     /* BYTE, BYTE_DATA, WORD_DATA: the value written, or read */
        const uint8_t *in; /* I2C_BLOCK write: len bytes */
        uint8_t *out;      /* I2C_BLOCK read: room for len bytes */
        size_t len;
} PbSimSmbus;

typedef struct PbSimChipModel {
        const char *name;               /* as pb_sim_i2c_add_device() takes it */
        unsigned quantities;            /* 1u << PbQuantity the device measures */
        unsigned n_regs;                /* register file size (0: a command chip) */
        bool regs16;                    /* 16-bit big-endian registers (in r16[]; else regs[]) */
        bool crc;                       /* frames carry CRCs (pb_sim_i2c_corrupt_crc()) */
        size_t priv_size;               /* bytes of chip state behind pb_sim_chip_priv() */
        uint32_t raw[_PB_QUANTITY_MAX]; /* power-on readings (pb_sim_i2c_set_raw()) */

        /* Power-on state (raw[] already set); NULL: nothing beyond zeroes. */
        void (*reset)(PbSimChip *d);
        /* One I2C message to the chip (len >= 1) and one from it: the
         * adapter breaks SMBus transfers into them. Return 0 or a negative
         * errno: -ENXIO for a NAK. */
        int (*write)(PbSimChip *d, const uint8_t *buf, size_t len);
        int (*read)(PbSimChip *d, uint8_t *buf, size_t len);
        /* Instead of write() and read(): an SMBus-only chip (i2c-stub) takes
         * SMBus transfers whole, and plain I2C ones fail with -EOPNOTSUPP. */
        int (*smbus)(PbSimChip *d, PbSimSmbus *x);
} PbSimChipModel;

struct PbSimChip {
        const PbSimChipModel *model;
        int error;            /* every transfer fails with it (negative errno), 0: answers */
        unsigned busy_polls;  /* polls each measurement takes (pb_sim_i2c_set_busy) */
        unsigned busy;        /* polls left of the measurement in progress */
        bool measuring;       /* a measurement is in progress */
        unsigned corrupt_crc; /* frames left to send with a wrong CRC */
        unsigned conversions;
        uint32_t raw[_PB_QUANTITY_MAX];

        uint8_t ptr;       /* register pointer */
        uint8_t regs[256]; /* byte registers */
        uint16_t r16[16];  /* 16-bit registers */

        /* Command chips: the response to the last command. */
        uint8_t out[16];
        size_t out_len;

        _Alignas(max_align_t) uint8_t priv[]; /* model->priv_size bytes */
};

/* The simulated chips, NULL-terminated (sim/sensors/registry.c). */
extern const PbSimChipModel *const pb_sim_chip_registry[];

static inline void *pb_sim_chip_priv(PbSimChip *d)
{
        return d->priv;
}

/* Starts a measurement; complete() runs when it is done: now, or after the
 * number of polls pb_sim_i2c_set_busy() asked for (see pb_sim_chip_poll_busy()). */
void pb_sim_chip_measure_begin(PbSimChip *d, void (*complete)(PbSimChip *d));

/* One poll of the busy indication: whether the device is still busy,
 * finishing the measurement when its polls are used up. */
bool pb_sim_chip_poll_busy(PbSimChip *d, void (*complete)(PbSimChip *d));

/* Whether a measurement is still running, without counting as a poll (a
 * command arriving): one whose polls are used up finishes now. */
bool pb_sim_chip_still_busy(PbSimChip *d, void (*complete)(PbSimChip *d));

/* A 16-bit register read: v MSB first, repeated for longer reads. */
void pb_sim_chip_read16(uint16_t v, uint8_t *buf, size_t len);

/* Queues a response of n 16-bit words (at most 5), MSB first, each followed
 * by its CRC when crc_init >= 0 (wrong, while pb_sim_i2c_corrupt_crc() asks). */
void pb_sim_chip_out_words(PbSimChip *d, const uint16_t *words, size_t n, int crc_init);

/* Reads the queued response: NAK (-ENXIO) while measuring or with nothing to
 * send, as the Sensirion and Silicon Labs chips do; a response is read once,
 * and bytes past it read as the bus idle level 0xFF. complete() finishes a
 * measurement whose polls are used up. */
int pb_sim_chip_out_read(PbSimChip *d, uint8_t *buf, size_t len, void (*complete)(PbSimChip *d));

/* The Sensirion SHT3x and SHT4x measurement: complete() queues the T/RH
 * frame of the raw readings (two words with CRCs), read() is the chips'
 * read (a NAK until it is done). */
void pb_sim_chip_sht_complete(PbSimChip *d);
int pb_sim_chip_sht_read(PbSimChip *d, uint8_t *buf, size_t len);

/* The PbSimChipModel fields the two share: T and RH with CRCs, power-on
 * readings 25.00 °C and S_RH 0x8000 (SHT3x 50.00 %RH, SHT4x 56.50 %RH),
 * and the read. */
#define PB_SIM_CHIP_SHT_FAMILY                                                                 \
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_HUMIDITY, .crc = true, \
        .raw = { [PB_QUANTITY_TEMPERATURE] = 0x6666, [PB_QUANTITY_HUMIDITY] = 0x8000 },        \
        .read = pb_sim_chip_sht_read
