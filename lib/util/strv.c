/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdarg.h>

#include "util/strv.h"

size_t strv_length(char *const *l)
{
        size_t n = 0;

        if (l)
                while (l[n])
                        n++;
        return n;
}

bool strv_contains(char *const *l, const char *s)
{
        for (; l && *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

int strv_consume(char ***l, char *value)
{
        size_t n = strv_length(*l);
        char **nl;

        if (!value)
                return -ENOMEM;
        nl = realloc(*l, (n + 2) * sizeof(char *));
        if (!nl) {
                free(value);
                return -ENOMEM;
        }
        nl[n] = value;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extendf(char ***l, const char *format, ...)
{
        va_list ap;
        char *s;
        int r;

        va_start(ap, format);
        r = vasprintf(&s, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        return strv_consume(l, s);
}
