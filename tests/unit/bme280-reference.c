/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The datasheets' 32-bit pressure and floating-point routines (see bme280-reference.h). */

#include "bme280-reference.h"

uint32_t pb_bme280_compensate_p_int32(const PbBme280Calib *c, int32_t adc_p, int32_t t_fine)
{
        int64_t var1, var2;
        uint32_t p;

        var1 = ((int64_t)t_fine >> 1) - 64000;
        var2 = ((((var1 >> 2) * (var1 >> 2)) >> 11) * c->p6);
        var2 = var2 + var1 * c->p5 * 2;
        var2 = (var2 >> 2) + (int64_t)c->p4 * 65536;
        var1 = (((c->p3 * (((var1 >> 2) * (var1 >> 2)) >> 13)) >> 3) + ((c->p2 * var1) >> 1)) >> 18;
        var1 = ((32768 + var1) * c->p1) >> 15;
        if (var1 == 0)
                return 0;
        p = (uint32_t)(((uint32_t)(1048576 - adc_p) - (uint32_t)(var2 >> 12)) * 3125u);
        if (p < 0x80000000u)
                p = (p << 1) / (uint32_t)var1;
        else
                p = (p / (uint32_t)var1) * 2;
        var1 = ((int64_t)c->p9 * (int64_t)(((p >> 3) * (p >> 3)) >> 13)) >> 12;
        var2 = ((int64_t)(p >> 2) * c->p8) >> 13;
        return (uint32_t)((int64_t)p + ((var1 + var2 + c->p7) >> 4));
}

void pb_bme280_compensate_double(const PbBme280Calib *c, int32_t adc_t, int32_t adc_p, int32_t adc_h,
                                 PbBme280Double *ret)
{
        double v1, v2, p, h, d;

        v1 = (adc_t / 16384.0 - c->t1 / 1024.0) * c->t2;
        d = adc_t / 131072.0 - c->t1 / 8192.0;
        v2 = d * d * c->t3;
        ret->t_fine = (int32_t)(v1 + v2);
        ret->t = (v1 + v2) / 5120.0;

        v1 = ret->t_fine / 2.0 - 64000.0;
        v2 = v1 * v1 * c->p6 / 32768.0;
        v2 = v2 + v1 * c->p5 * 2.0;
        v2 = v2 / 4.0 + c->p4 * 65536.0;
        v1 = (c->p3 * v1 * v1 / 524288.0 + c->p2 * v1) / 524288.0;
        v1 = (1.0 + v1 / 32768.0) * c->p1;
        if (v1 == 0.0) {
                ret->p = 0;
        } else {
                p = 1048576.0 - adc_p;
                p = (p - v2 / 4096.0) * 6250.0 / v1;
                v1 = c->p9 * p * p / 2147483648.0;
                v2 = p * c->p8 / 32768.0;
                ret->p = p + (v1 + v2 + c->p7) / 16.0;
        }

        h = ret->t_fine - 76800.0;
        h = (adc_h - (c->h4 * 64.0 + c->h5 / 16384.0 * h)) *
            (c->h2 / 65536.0 * (1.0 + c->h6 / 67108864.0 * h * (1.0 + c->h3 / 67108864.0 * h)));
        h = h * (1.0 - c->h1 * h / 524288.0);
        ret->h = h < 0 ? 0 : h > 100 ? 100 : h;
}
