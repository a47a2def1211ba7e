/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* pb_line_spec_parse() and pb_line_spec_done() (lib/gpio/line-spec.h). */

#include "gpio/line-spec.h"
#include "test-util.h"

/* Parses spec, which must succeed as a name, and checks the name. */
static void check_name(const char *spec)
{
        PbLineSpec s = {};
        const char *reason = "unset";

        ck_assert_int_eq(pb_line_spec_parse(spec, &s, &reason), 0);
        ck_assert_int_eq(s.kind, PB_LINE_SPEC_NAME);
        ck_assert_ptr_nonnull(s.name);
        ck_assert_str_eq(s.name, spec);
        ck_assert_ptr_null(s.chip);
        pb_line_spec_done(&s);
}

static void check_chip_offset(const char *spec, const char *chip, unsigned offset)
{
        PbLineSpec s = {};

        ck_assert_int_eq(pb_line_spec_parse(spec, &s, NULL), 0);
        ck_assert_int_eq(s.kind, PB_LINE_SPEC_CHIP_OFFSET);
        ck_assert_ptr_nonnull(s.chip);
        ck_assert_str_eq(s.chip, chip);
        ck_assert_uint_eq(s.offset, offset);
        ck_assert_ptr_null(s.name);
        pb_line_spec_done(&s);
}

static void check_error(const char *spec, const char *expected_reason)
{
        PbLineSpec s = {};
        const char *reason = NULL;

        ck_assert_int_eq(pb_line_spec_parse(spec, &s, &reason), -EINVAL);
        ck_assert_msg(reason, "no reason for '%s'", spec);
        ck_assert_str_eq(reason, expected_reason);
        /* Nothing is left allocated in *ret on failure. */
        ck_assert_ptr_null(s.name);
        ck_assert_ptr_null(s.chip);

        /* The reason pointer is optional. */
        ck_assert_int_eq(pb_line_spec_parse(spec, &s, NULL), -EINVAL);
        pb_line_spec_done(&s);
}

START_TEST(test_name_simple)
{
        check_name("GPIO17");
        check_name("ID_SDA");
        check_name("x");
}
END_TEST

START_TEST(test_name_with_spaces)
{
        check_name("Status LED");
        check_name(" GPIO17 ");
}
END_TEST

START_TEST(test_chip_offset_kernel_name)
{
        check_chip_offset("gpiochip0:17", "gpiochip0", 17);
        check_chip_offset("gpiochip0:0", "gpiochip0", 0);
}
END_TEST

START_TEST(test_chip_offset_label)
{
        check_chip_offset("pinctrl-bcm2711:4", "pinctrl-bcm2711", 4);
}
END_TEST

START_TEST(test_chip_offset_split_at_last_colon)
{
        check_chip_offset("a:b:3", "a:b", 3);
        check_chip_offset("::7", ":", 7);
}
END_TEST

START_TEST(test_offset_max_accepted)
{
        check_chip_offset("gpiochip0:4294967295", "gpiochip0", 4294967295U);
}
END_TEST

START_TEST(test_offset_leading_zeros)
{
        check_chip_offset("gpiochip0:007", "gpiochip0", 7);
}
END_TEST

START_TEST(test_error_empty)
{
        check_error("", "is empty");
}
END_TEST

START_TEST(test_error_no_chip)
{
        check_error(":3", "has no chip before ':'");
}
END_TEST

START_TEST(test_error_no_offset)
{
        check_error("gpiochip0:", "has no offset after ':'");
        check_error("a:b:", "has no offset after ':'");
}
END_TEST

START_TEST(test_error_offset_not_decimal)
{
        check_error("gpiochip0:abc", "has an offset that is not a decimal number");
        check_error("gpiochip0:1a", "has an offset that is not a decimal number");
        check_error("gpiochip0: 1", "has an offset that is not a decimal number");
        check_error("gpiochip0:0x10", "has an offset that is not a decimal number");
        check_error("gpiochip0:+1", "has an offset that is not a decimal number");
}
END_TEST

START_TEST(test_error_offset_negative)
{
        check_error("gpiochip0:-1", "has an offset that is not a decimal number");
}
END_TEST

START_TEST(test_error_offset_out_of_range)
{
        check_error("gpiochip0:4294967296", "has an offset out of range");
        /* 2^32 + 5 and 2^64 + 1: wrapped in a 32-bit (or 64-bit) accumulator they would pass as
         * offsets 5 and 1. */
        check_error("gpiochip0:4294967301", "has an offset out of range");
        check_error("gpiochip0:18446744073709551617", "has an offset out of range");
        check_error("gpiochip0:99999999999999999999999999", "has an offset out of range");
}
END_TEST

START_TEST(test_error_null_arguments)
{
        PbLineSpec s = {};

        ck_assert_int_eq(pb_line_spec_parse(NULL, &s, NULL), -EINVAL);
        ck_assert_int_eq(pb_line_spec_parse("GPIO17", NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_done_resets_and_is_idempotent)
{
        PbLineSpec s = {};

        ck_assert_int_eq(pb_line_spec_parse("gpiochip0:5", &s, NULL), 0);
        pb_line_spec_done(&s);
        ck_assert_ptr_null(s.chip);
        ck_assert_ptr_null(s.name);
        ck_assert_uint_eq(s.offset, 0);
        ck_assert_int_eq(s.kind, PB_LINE_SPEC_NAME);
        pb_line_spec_done(&s); /* again: a no-op on a reset spec */
        ck_assert_ptr_null(s.chip);

        ck_assert_int_eq(pb_line_spec_parse("GPIO17", &s, NULL), 0);
        pb_line_spec_done(&s);
        ck_assert_ptr_null(s.name);
        pb_line_spec_done(&s);
        ck_assert_ptr_null(s.name);
}
END_TEST

START_TEST(test_done_on_zeroed_and_null)
{
        PbLineSpec s = {};

        pb_line_spec_done(&s);
        ck_assert_ptr_null(s.name);
        ck_assert_ptr_null(s.chip);
        pb_line_spec_done(NULL);
}
END_TEST

START_TEST(test_parse_reuses_spec)
{
        PbLineSpec s = {};

        /* A parsed spec can be parsed into again after pb_line_spec_done(). */
        ck_assert_int_eq(pb_line_spec_parse("GPIO4", &s, NULL), 0);
        pb_line_spec_done(&s);
        ck_assert_int_eq(pb_line_spec_parse("gpiochip1:2", &s, NULL), 0);
        ck_assert_int_eq(s.kind, PB_LINE_SPEC_CHIP_OFFSET);
        ck_assert_str_eq(s.chip, "gpiochip1");
        ck_assert_uint_eq(s.offset, 2);
        pb_line_spec_done(&s);
}
END_TEST

static Suite *line_spec_suite(void)
{
        Suite *s = suite_create("line-spec");
        TCase *tc;

        tc = tcase_create("names");
        tcase_add_test(tc, test_name_simple);
        tcase_add_test(tc, test_name_with_spaces);
        suite_add_tcase(s, tc);

        tc = tcase_create("chip-offset");
        tcase_add_test(tc, test_chip_offset_kernel_name);
        tcase_add_test(tc, test_chip_offset_label);
        tcase_add_test(tc, test_chip_offset_split_at_last_colon);
        tcase_add_test(tc, test_offset_max_accepted);
        tcase_add_test(tc, test_offset_leading_zeros);
        suite_add_tcase(s, tc);

        tc = tcase_create("errors");
        tcase_add_test(tc, test_error_empty);
        tcase_add_test(tc, test_error_no_chip);
        tcase_add_test(tc, test_error_no_offset);
        tcase_add_test(tc, test_error_offset_not_decimal);
        tcase_add_test(tc, test_error_offset_negative);
        tcase_add_test(tc, test_error_offset_out_of_range);
        tcase_add_test(tc, test_error_null_arguments);
        suite_add_tcase(s, tc);

        tc = tcase_create("done");
        tcase_add_test(tc, test_done_resets_and_is_idempotent);
        tcase_add_test(tc, test_done_on_zeroed_and_null);
        tcase_add_test(tc, test_parse_reuses_spec);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(line_spec_suite());
}
