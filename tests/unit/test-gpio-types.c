/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* String tables, pb_parse_boolean() and pb_line_settings_validate() (lib/gpio/types.h). */

#include "gpio/types.h"
#include "test-util.h"

typedef struct EnumTable {
        const char *(*to_string)(int v);
        int (*from_string)(const char *s);
        int max;
        const char *const *names;
} EnumTable;

/* Adapters with an int argument, so one loop checks all four enums. */
static const char *direction_to_string(int v)
{
        return pb_direction_to_string((PbDirection)v);
}
static const char *bias_to_string(int v)
{
        return pb_bias_to_string((PbBias)v);
}
static const char *drive_to_string(int v)
{
        return pb_drive_to_string((PbDrive)v);
}
static const char *edge_to_string(int v)
{
        return pb_edge_to_string((PbEdge)v);
}

static const char *const direction_names[] = { "as-is", "input", "output" };
static const char *const bias_names[] = { "as-is", "disabled", "pull-up", "pull-down" };
static const char *const drive_names[] = { "push-pull", "open-drain", "open-source" };
static const char *const edge_names[] = { "none", "rising", "falling", "both" };

static const EnumTable tables[] = {
        { direction_to_string, pb_direction_from_string, _PB_DIRECTION_MAX, direction_names },
        { bias_to_string, pb_bias_from_string, _PB_BIAS_MAX, bias_names },
        { drive_to_string, pb_drive_from_string, _PB_DRIVE_MAX, drive_names },
        { edge_to_string, pb_edge_from_string, _PB_EDGE_MAX, edge_names },
};

/* One test per table (loop index from tcase_add_loop_test). */
START_TEST(test_enum_to_string)
{
        const EnumTable *t = &tables[_i];

        for (int v = 0; v < t->max; v++) {
                const char *s = t->to_string(v);

                ck_assert_ptr_nonnull(s);
                ck_assert_str_eq(s, t->names[v]);
        }
}
END_TEST

START_TEST(test_enum_from_string)
{
        const EnumTable *t = &tables[_i];

        for (int v = 0; v < t->max; v++)
                ck_assert_int_eq(t->from_string(t->names[v]), v);
}
END_TEST

START_TEST(test_enum_round_trip)
{
        const EnumTable *t = &tables[_i];

        for (int v = 0; v < t->max; v++)
                ck_assert_int_eq(t->from_string(t->to_string(v)), v);
}
END_TEST

START_TEST(test_enum_to_string_out_of_range)
{
        const EnumTable *t = &tables[_i];

        ck_assert_ptr_null(t->to_string(t->max));
        ck_assert_ptr_null(t->to_string(t->max + 1));
        ck_assert_ptr_null(t->to_string(-1));
        ck_assert_ptr_null(t->to_string(1000));
}
END_TEST

START_TEST(test_enum_from_string_unknown)
{
        const EnumTable *t = &tables[_i];
        static const char *const bad[] = { "",      "bogus", "INPUT",      "Pull-Up", "pull_up", "both ",
                                           " none", "as is", "open drain", "-1",      "0" };

        for (size_t k = 0; k < ELEMENTSOF_T(bad); k++)
                ck_assert_msg(t->from_string(bad[k]) == -EINVAL, "'%s' was accepted by table %d", bad[k],
                              _i);
        ck_assert_int_eq(t->from_string(NULL), -EINVAL);
}
END_TEST

START_TEST(test_enum_values_are_distinct_strings)
{
        /* A string of one table is not silently accepted by another with a wrong meaning. */
        ck_assert_int_eq(pb_direction_from_string("pull-up"), -EINVAL);
        ck_assert_int_eq(pb_bias_from_string("input"), -EINVAL);
        ck_assert_int_eq(pb_drive_from_string("both"), -EINVAL);
        ck_assert_int_eq(pb_edge_from_string("as-is"), -EINVAL);
        /* "as-is" is shared by direction and bias, meaning the same in both. */
        ck_assert_int_eq(pb_direction_from_string("as-is"), PB_DIRECTION_AS_IS);
        ck_assert_int_eq(pb_bias_from_string("as-is"), PB_BIAS_AS_IS);
}
END_TEST

START_TEST(test_boolean_true_spellings)
{
        static const char *const yes[] = {
                "yes", "true", "on", "1", "YES", "True", "ON", "yEs", "TRUE", "On"
        };

        for (size_t k = 0; k < ELEMENTSOF_T(yes); k++)
                ck_assert_msg(pb_parse_boolean(yes[k]) == 1, "'%s' is not true", yes[k]);
}
END_TEST

START_TEST(test_boolean_false_spellings)
{
        static const char *const no[] = { "no",    "false", "off", "0",     "NO",
                                          "False", "OFF",   "nO",  "FALSE", "Off" };

        for (size_t k = 0; k < ELEMENTSOF_T(no); k++)
                ck_assert_msg(pb_parse_boolean(no[k]) == 0, "'%s' is not false", no[k]);
}
END_TEST

START_TEST(test_boolean_bad)
{
        static const char *const bad[] = { "",       " ",        "y",   "n",  "t",     "f",
                                           "2",      "-1",       "10",  "01", "yes ",  " no",
                                           "enable", "disabled", "onn", "of", "truee", "null" };

        for (size_t k = 0; k < ELEMENTSOF_T(bad); k++)
                ck_assert_msg(pb_parse_boolean(bad[k]) == -EINVAL, "'%s' was accepted", bad[k]);
        ck_assert_int_eq(pb_parse_boolean(NULL), -EINVAL);
}
END_TEST

static void check_invalid(const PbLineSettings *s, const char *expected_reason)
{
        const char *reason = NULL;

        ck_assert_int_eq(pb_line_settings_validate(s, &reason), -EINVAL);
        ck_assert_ptr_nonnull(reason);
        ck_assert_str_eq(reason, expected_reason);
        ck_assert_int_eq(pb_line_settings_validate(s, NULL), -EINVAL);
}

static void check_valid(const PbLineSettings *s)
{
        const char *reason = "unset";

        ck_assert_msg(pb_line_settings_validate(s, &reason) == 0, "rejected: %s", reason ?: "(null)");
        ck_assert_ptr_null(reason);
        ck_assert_int_eq(pb_line_settings_validate(s, NULL), 0);
}

START_TEST(test_validate_default_input)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;

        ck_assert_int_eq(s.direction, PB_DIRECTION_INPUT);
        ck_assert_int_eq(s.bias, PB_BIAS_AS_IS);
        ck_assert_int_eq(s.drive, PB_DRIVE_PUSH_PULL);
        ck_assert_int_eq(s.edge, PB_EDGE_NONE);
        ck_assert(!s.active_low);
        ck_assert_uint_eq(s.debounce_us, 0);
        check_valid(&s);
}
END_TEST

START_TEST(test_validate_edge_needs_input)
{
        PbLineSettings s = { .direction = PB_DIRECTION_OUTPUT, .edge = PB_EDGE_BOTH };

        check_invalid(&s, "'edge' needs direction=input");
        s.direction = PB_DIRECTION_AS_IS;
        s.edge = PB_EDGE_RISING;
        check_invalid(&s, "'edge' needs direction=input");
}
END_TEST

START_TEST(test_validate_debounce_needs_input)
{
        PbLineSettings s = { .direction = PB_DIRECTION_OUTPUT, .debounce_us = 1000 };

        check_invalid(&s, "'debounce-us' needs direction=input");
        s.direction = PB_DIRECTION_AS_IS;
        check_invalid(&s, "'debounce-us' needs direction=input");
}
END_TEST

START_TEST(test_validate_debounce_too_large)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        const char *reason = NULL;

        s.debounce_us = (uint64_t)UINT32_MAX + 1;
        ck_assert_int_eq(pb_line_settings_validate(&s, &reason), -EINVAL);
        ck_assert_ptr_nonnull(reason);
        /* The message names the setting at fault. */
        ck_assert_msg(strstr(reason, "'debounce-us'"), "reason does not name the key: %s", reason);

        s.debounce_us = UINT64_MAX;
        ck_assert_int_eq(pb_line_settings_validate(&s, NULL), -EINVAL);

        s.debounce_us = PB_DEBOUNCE_US_MAX;
        check_valid(&s);
}
END_TEST

START_TEST(test_validate_drive_needs_output)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;

        s.drive = PB_DRIVE_OPEN_DRAIN;
        check_invalid(&s, "'drive' needs direction=output");
        s.drive = PB_DRIVE_OPEN_SOURCE;
        check_invalid(&s, "'drive' needs direction=output");
        s.direction = PB_DIRECTION_AS_IS;
        check_invalid(&s, "'drive' needs direction=output");
}
END_TEST

START_TEST(test_validate_bias_needs_direction)
{
        PbLineSettings s = { .direction = PB_DIRECTION_AS_IS, .bias = PB_BIAS_PULL_UP };

        check_invalid(&s, "'bias' needs an explicit direction");
        s.bias = PB_BIAS_DISABLED;
        check_invalid(&s, "'bias' needs an explicit direction");
        s.bias = PB_BIAS_PULL_DOWN;
        check_invalid(&s, "'bias' needs an explicit direction");
}
END_TEST

START_TEST(test_validate_out_of_range_enums)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        const char *reason = NULL;

        s.direction = _PB_DIRECTION_MAX;
        ck_assert_int_eq(pb_line_settings_validate(&s, &reason), -EINVAL);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(strstr(reason, "'direction'"), "%s", reason);

        s = PB_LINE_SETTINGS_INPUT;
        s.bias = _PB_BIAS_MAX;
        ck_assert_int_eq(pb_line_settings_validate(&s, &reason), -EINVAL);
        ck_assert_msg(strstr(reason, "'bias'"), "%s", reason);

        s = PB_LINE_SETTINGS_INPUT;
        s.drive = _PB_DRIVE_MAX;
        ck_assert_int_eq(pb_line_settings_validate(&s, &reason), -EINVAL);
        ck_assert_msg(strstr(reason, "'drive'"), "%s", reason);

        s = PB_LINE_SETTINGS_INPUT;
        s.edge = _PB_EDGE_MAX;
        ck_assert_int_eq(pb_line_settings_validate(&s, &reason), -EINVAL);
        ck_assert_msg(strstr(reason, "'edge'"), "%s", reason);
}
END_TEST

START_TEST(test_validate_null)
{
        ck_assert_int_eq(pb_line_settings_validate(NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_validate_valid_combinations)
{
        /* Inputs with every bias and edge, debounce and active-low. */
        for (int b = 0; b < _PB_BIAS_MAX; b++)
                for (int e = 0; e < _PB_EDGE_MAX; e++) {
                        PbLineSettings s = {
                                .direction = PB_DIRECTION_INPUT,
                                .bias = (PbBias)b,
                                .edge = (PbEdge)e,
                                .active_low = (b + e) % 2,
                                .debounce_us = (uint64_t)e * 10000,
                        };
                        check_valid(&s);
                }

        /* Outputs with every bias and drive, both initial values. */
        for (int b = 0; b < _PB_BIAS_MAX; b++)
                for (int d = 0; d < _PB_DRIVE_MAX; d++) {
                        PbLineSettings s = {
                                .direction = PB_DIRECTION_OUTPUT,
                                .bias = (PbBias)b,
                                .drive = (PbDrive)d,
                                .active_low = d % 2,
                                .output_value = b % 2,
                        };
                        check_valid(&s);
                }

        /* A transient as-is read: nothing but active-low. */
        PbLineSettings asis = { .direction = PB_DIRECTION_AS_IS };
        check_valid(&asis);
        asis.active_low = true;
        check_valid(&asis);
}
END_TEST

static Suite *gpio_types_suite(void)
{
        Suite *s = suite_create("gpio-types");
        TCase *tc;

        tc = tcase_create("enums");
        tcase_add_loop_test(tc, test_enum_to_string, 0, (int)ELEMENTSOF_T(tables));
        tcase_add_loop_test(tc, test_enum_from_string, 0, (int)ELEMENTSOF_T(tables));
        tcase_add_loop_test(tc, test_enum_round_trip, 0, (int)ELEMENTSOF_T(tables));
        tcase_add_loop_test(tc, test_enum_to_string_out_of_range, 0, (int)ELEMENTSOF_T(tables));
        tcase_add_loop_test(tc, test_enum_from_string_unknown, 0, (int)ELEMENTSOF_T(tables));
        tcase_add_test(tc, test_enum_values_are_distinct_strings);
        suite_add_tcase(s, tc);

        tc = tcase_create("boolean");
        tcase_add_test(tc, test_boolean_true_spellings);
        tcase_add_test(tc, test_boolean_false_spellings);
        tcase_add_test(tc, test_boolean_bad);
        suite_add_tcase(s, tc);

        tc = tcase_create("validate");
        tcase_add_test(tc, test_validate_default_input);
        tcase_add_test(tc, test_validate_edge_needs_input);
        tcase_add_test(tc, test_validate_debounce_needs_input);
        tcase_add_test(tc, test_validate_debounce_too_large);
        tcase_add_test(tc, test_validate_drive_needs_output);
        tcase_add_test(tc, test_validate_bias_needs_direction);
        tcase_add_test(tc, test_validate_out_of_range_enums);
        tcase_add_test(tc, test_validate_null);
        tcase_add_test(tc, test_validate_valid_combinations);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(gpio_types_suite());
}
