/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* pb_parse_duration_us() (lib/util/duration.h): the one duration syntax of every config key. */

#include "test-util.h"
#include "util/duration.h"

START_TEST(test_good)
{
        static const struct {
                const char *text;
                uint64_t us;
        } cases[] = {
                { "20ms", 20000 },   { "1s", 1000000 },     { "500us", 500 },       { "500\xC2\xB5s", 500 },
                { "1.5s", 1500000 }, { "2min", 120000000 }, { "1h", 3600000000 },   { "3sec", 3000000 },
                { "0", 0 },          { " 20 ms", 20000 },   { "500 ms", 500000 },   { "0ms", 0 },
                { "0.001ms", 1 },    { ".5s", 500000 },     { "24h", 86400000000 },
        };

        for (size_t i = 0; i < ELEMENTSOF_T(cases); i++) {
                uint64_t us = 12345;

                ck_assert_msg(pb_parse_duration_us(cases[i].text, &us) == 0, "'%s' rejected", cases[i].text);
                ck_assert_msg(us == cases[i].us, "'%s' gave %llu us", cases[i].text, (unsigned long long)us);
        }
}
END_TEST

START_TEST(test_bad)
{
        /* A bare number other than 0 is refused: "debounce = 20" must not silently mean 20 s. */
        static const char *const cases[] = {
                "20",  "7",    "1.5",   "0.1",   "ms",     "",       "s",          "-1s",
                "+1s", "1e3s", "0x10s", "inf",   "nan",    "ms5",    "1 s s",      "5 ",
                "1S",  "1m",   ".s",    "0.5us", "20 mss", "1.2.3s", "10 parsecs",
        };

        for (size_t i = 0; i < ELEMENTSOF_T(cases); i++) {
                uint64_t us = 12345;

                ck_assert_msg(pb_parse_duration_us(cases[i], &us) == -EINVAL, "'%s' accepted", cases[i]);
                ck_assert_msg(us == 12345, "'%s' wrote a result", cases[i]);
        }
        ck_assert_int_eq(pb_parse_duration_us(NULL, &(uint64_t){ 0 }), -EINVAL);
}
END_TEST

START_TEST(test_range)
{
        uint64_t us;

        ck_assert_int_eq(pb_parse_duration_us("99999999999999999999s", &us), -ERANGE);
        ck_assert_int_eq(pb_parse_duration_us("99999999999999999999h", &us), -ERANGE);
        /* Every duration must stay below 2^63 ns (the button machine's intervals). */
        ck_assert_int_eq(pb_parse_duration_us("9300000000s", &us), -ERANGE);
        ck_assert_int_eq(pb_parse_duration_us("9200000000s", &us), 0);
        ck_assert_uint_eq(us, 9200000000ULL * 1000000ULL);
}
END_TEST

static Suite *duration_suite(void)
{
        Suite *s = suite_create("duration");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, test_good);
        tcase_add_test(tc, test_bad);
        tcase_add_test(tc, test_range);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(duration_suite());
}
