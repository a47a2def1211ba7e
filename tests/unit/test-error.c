/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The core's errors (daemon/core/error.h) and their D-Bus names (daemon/bus/error.h). */

#include <errno.h>
#include <string.h>

#include "bus/error.h"
#include "test-util.h"
#include "util/macro.h"

START_TEST(test_first_error_sticks)
{
        CoreError e = CORE_ERROR_NULL;

        ck_assert(!core_error_is_set(&e));
        ck_assert_int_eq(core_error_setf(&e, CORE_ERROR_LINE_BUSY, -EBUSY, "Line %s is claimed", "GPIO2"),
                         -EBUSY);
        ck_assert(core_error_is_set(&e));
        ck_assert_int_eq(core_error_setf(&e, CORE_ERROR_IO, -EIO, "later"), -EIO);
        ck_assert_int_eq(e.kind, CORE_ERROR_LINE_BUSY);
        ck_assert_str_eq(e.message, "Line GPIO2 is claimed");
        /* A NULL error is allowed and only returns r. */
        ck_assert_int_eq(core_error_setf(NULL, CORE_ERROR_IO, -EIO, "x"), -EIO);
}
END_TEST

START_TEST(test_long_message_is_cut)
{
        CoreError e = CORE_ERROR_NULL;
        char big[CORE_ERROR_MESSAGE_MAX * 2];

        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        core_error_setf(&e, CORE_ERROR_INVALID_ARGS, -EINVAL, "%s", big);
        ck_assert_uint_eq(strlen(e.message), CORE_ERROR_MESSAGE_MAX - 1);
}
END_TEST

static const struct {
        int r;
        CoreErrorKind kind;
        const char *bus_name;
} errno_rows[] = {
        { -EBUSY, CORE_ERROR_LINE_BUSY, PB_ERROR_LINE_BUSY },
        { -ENODEV, CORE_ERROR_NO_SUCH_DEVICE, PB_ERROR_NO_SUCH_DEVICE },
        { -EINVAL, CORE_ERROR_INVALID_ARGS, PB_ERROR_INVALID_ARGS },
        { -ERANGE, CORE_ERROR_INVALID_ARGS, PB_ERROR_INVALID_ARGS },
        { -EIO, CORE_ERROR_IO, PB_ERROR_IO },
        { -ETIMEDOUT, CORE_ERROR_IO, PB_ERROR_IO },
};

START_TEST(test_errno_maps_to_bus_name)
{
        _cleanup_(sd_bus_error_free) sd_bus_error b = SD_BUS_ERROR_NULL;
        CoreError e = CORE_ERROR_NULL;
        char want[CORE_ERROR_MESSAGE_MAX];

        ck_assert_int_eq(core_error_errno(&e, errno_rows[_i].r, "request", "GPIO17"), errno_rows[_i].r);
        ck_assert_int_eq(e.kind, errno_rows[_i].kind);
        snprintf(want, sizeof(want), "Cannot request GPIO17: %s", strerror(-errno_rows[_i].r));
        ck_assert_str_eq(e.message, want);

        ck_assert_int_eq(bus_error_set_core(&b, &e, errno_rows[_i].r), errno_rows[_i].r);
        ck_assert_str_eq(b.name, errno_rows[_i].bus_name);
        ck_assert_str_eq(b.message, want);
}
END_TEST

START_TEST(test_unset_error_maps_errno)
{
        _cleanup_(sd_bus_error_free) sd_bus_error b = SD_BUS_ERROR_NULL;
        CoreError e = CORE_ERROR_NULL;

        ck_assert_int_eq(bus_error_set_core(&b, &e, -ENOMEM), -ENOMEM);
        ck_assert_str_eq(b.name, SD_BUS_ERROR_NO_MEMORY);
}
END_TEST

START_TEST(test_limits_exceeded_name)
{
        _cleanup_(sd_bus_error_free) sd_bus_error b = SD_BUS_ERROR_NULL;
        CoreError e = CORE_ERROR_NULL;

        core_error_setf(&e, CORE_ERROR_LIMITS_EXCEEDED, -ENOBUFS, "Sensor room has 64 Read() calls waiting");
        bus_error_set_core(&b, &e, -ENOBUFS);
        ck_assert_str_eq(b.name, SD_BUS_ERROR_LIMITS_EXCEEDED);
        ck_assert_str_eq(b.message, "Sensor room has 64 Read() calls waiting");
}
END_TEST

static Suite *error_suite(void)
{
        Suite *s = suite_create("error");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_first_error_sticks);
        tcase_add_test(tc, test_long_message_is_cut);
        tcase_add_loop_test(tc, test_errno_maps_to_bus_name, 0, (int)ELEMENTSOF(errno_rows));
        tcase_add_test(tc, test_unset_error_maps_errno);
        tcase_add_test(tc, test_limits_exceeded_name);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(error_suite());
}
