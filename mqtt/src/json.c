/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <math.h>

#include "json.h"
#include "util/macro.h"

void json_write_string(FILE *f, const char *s)
{
        fputc('"', f);
        for (const unsigned char *c = (const unsigned char *)s; *c; c++)
                switch (*c) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                default:
                        if (*c < 0x20 || *c == 0x7f)
                                fprintf(f, "\\u%04x", *c);
                        else
                                fputc(*c, f);
                }
        fputc('"', f);
}

void json_write_number(FILE *f, double x)
{
        char buf[64];

        if (!isfinite(x)) {
                fputs("null", f);
                return;
        }
        for (int precision = 1; precision <= 17; precision++) {
                snprintf(buf, sizeof(buf), "%.*g", precision, x);
                if (strtod(buf, NULL) == x)
                        break;
        }
        fputs(buf, f);
}

typedef struct Reader {
        const char *s, *end;
        const char *error;
} Reader;

static void skip_blanks(Reader *r)
{
        while (r->s < r->end && (*r->s == ' ' || *r->s == '\t' || *r->s == '\n' || *r->s == '\r'))
                r->s++;
}

static int hex4(const char *s, unsigned *ret)
{
        unsigned v = 0;

        for (int i = 0; i < 4; i++) {
                char c = s[i];

                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                        v |= (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v |= (unsigned)(c - 'A' + 10);
                else
                        return -EINVAL;
        }
        *ret = v;
        return 0;
}

static void put_utf8(FILE *f, unsigned cp)
{
        if (cp < 0x80)
                fputc((int)cp, f);
        else if (cp < 0x800) {
                fputc((int)(0xc0 | (cp >> 6)), f);
                fputc((int)(0x80 | (cp & 0x3f)), f);
        } else if (cp < 0x10000) {
                fputc((int)(0xe0 | (cp >> 12)), f);
                fputc((int)(0x80 | ((cp >> 6) & 0x3f)), f);
                fputc((int)(0x80 | (cp & 0x3f)), f);
        } else {
                fputc((int)(0xf0 | (cp >> 18)), f);
                fputc((int)(0x80 | ((cp >> 12) & 0x3f)), f);
                fputc((int)(0x80 | ((cp >> 6) & 0x3f)), f);
                fputc((int)(0x80 | (cp & 0x3f)), f);
        }
}

/* Reads a string starting at its opening quote into a new allocation. */
static int read_string(Reader *r, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;
        int ok = 0;

        if (r->s >= r->end || *r->s != '"') {
                r->error = "expected a string";
                return -EINVAL;
        }
        r->s++;
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        for (;;) {
                unsigned char c;

                if (r->s >= r->end) {
                        r->error = "unterminated string";
                        break;
                }
                c = (unsigned char)*r->s++;
                if (c == '"') {
                        ok = 1;
                        break;
                }
                if (c < 0x20) {
                        r->error = "control character in a string";
                        break;
                }
                if (c != '\\') {
                        fputc(c, f);
                        continue;
                }
                if (r->s >= r->end) {
                        r->error = "unterminated string";
                        break;
                }
                c = (unsigned char)*r->s++;
                if (c == 'u') {
                        unsigned cp, lo;

                        if (r->end - r->s < 4 || hex4(r->s, &cp) < 0) {
                                r->error = "bad \\u escape";
                                break;
                        }
                        r->s += 4;
                        if (cp >= 0xd800 && cp < 0xdc00) {
                                if (r->end - r->s < 6 || r->s[0] != '\\' || r->s[1] != 'u' ||
                                    hex4(r->s + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
                                        r->error = "bad surrogate pair";
                                        break;
                                }
                                r->s += 6;
                                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        } else if ((cp >= 0xdc00 && cp < 0xe000) || cp == 0) {
                                r->error = "bad \\u escape";
                                break;
                        }
                        put_utf8(f, cp);
                        continue;
                }
                switch (c) {
                case '"':
                case '\\':
                case '/':
                        fputc(c, f);
                        break;
                case 'b':
                        fputc('\b', f);
                        break;
                case 'f':
                        fputc('\f', f);
                        break;
                case 'n':
                        fputc('\n', f);
                        break;
                case 'r':
                        fputc('\r', f);
                        break;
                case 't':
                        fputc('\t', f);
                        break;
                default:
                        r->error = "bad escape in a string";
                }
                if (r->error)
                        break;
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (!ok)
                return -EINVAL;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* Reads a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int read_number(Reader *r, double *ret)
{
        const char *s = r->s;
        char buf[64];
        size_t n;

        if (s < r->end && *s == '-')
                s++;
        if (s >= r->end || !(*s >= '0' && *s <= '9'))
                goto bad;
        if (*s == '0')
                s++;
        else
                while (s < r->end && *s >= '0' && *s <= '9')
                        s++;
        if (s < r->end && *s == '.') {
                s++;
                if (s >= r->end || !(*s >= '0' && *s <= '9'))
                        goto bad;
                while (s < r->end && *s >= '0' && *s <= '9')
                        s++;
        }
        if (s < r->end && (*s == 'e' || *s == 'E')) {
                s++;
                if (s < r->end && (*s == '+' || *s == '-'))
                        s++;
                if (s >= r->end || !(*s >= '0' && *s <= '9'))
                        goto bad;
                while (s < r->end && *s >= '0' && *s <= '9')
                        s++;
        }
        n = (size_t)(s - r->s);
        if (n >= sizeof(buf))
                goto bad;
        memcpy(buf, r->s, n);
        buf[n] = '\0';
        *ret = strtod(buf, NULL);
        if (!isfinite(*ret))
                goto bad;
        r->s = s;
        return 0;
bad:
        r->error = "bad number";
        return -EINVAL;
}

static bool read_word(Reader *r, const char *word)
{
        size_t n = strlen(word);

        if ((size_t)(r->end - r->s) < n || memcmp(r->s, word, n) != 0)
                return false;
        r->s += n;
        return true;
}

void json_object_done(JsonObject *o)
{
        for (size_t i = 0; i < o->n_members; i++) {
                free(o->members[i].key);
                free(o->members[i].string);
        }
        *o = (JsonObject){ 0 };
}

const JsonMember *json_object_get(const JsonObject *o, const char *key)
{
        for (size_t i = 0; i < o->n_members; i++)
                if (streq(o->members[i].key, key))
                        return &o->members[i];
        return NULL;
}

static int parse_members(Reader *r, JsonObject *o)
{
        int k;

        skip_blanks(r);
        if (r->s >= r->end || *r->s != '{') {
                r->error = "expected a JSON object";
                return -EINVAL;
        }
        r->s++;
        skip_blanks(r);
        if (r->s < r->end && *r->s == '}') {
                r->s++;
                return 0;
        }
        for (;;) {
                JsonMember *m;

                if (o->n_members >= JSON_MEMBERS_MAX) {
                        r->error = "too many members";
                        return -E2BIG;
                }
                m = &o->members[o->n_members];
                *m = (JsonMember){ 0 };
                skip_blanks(r);
                k = read_string(r, &m->key);
                if (k < 0)
                        return k;
                o->n_members++;
                if (json_object_get(o, m->key) != m) {
                        r->error = "repeated key";
                        return -EINVAL;
                }
                skip_blanks(r);
                if (r->s >= r->end || *r->s != ':') {
                        r->error = "expected ':' after a key";
                        return -EINVAL;
                }
                r->s++;
                skip_blanks(r);
                if (r->s >= r->end) {
                        r->error = "expected a value";
                        return -EINVAL;
                }
                if (*r->s == '"') {
                        m->type = JSON_STRING;
                        k = read_string(r, &m->string);
                        if (k < 0)
                                return k;
                } else if (read_word(r, "true")) {
                        m->type = JSON_BOOL;
                        m->boolean = true;
                } else if (read_word(r, "false")) {
                        m->type = JSON_BOOL;
                        m->boolean = false;
                } else if (read_word(r, "null"))
                        m->type = JSON_NULL;
                else if (*r->s == '{' || *r->s == '[') {
                        r->error = "nested objects and arrays are not accepted";
                        return -EINVAL;
                } else {
                        m->type = JSON_NUMBER;
                        k = read_number(r, &m->number);
                        if (k < 0)
                                return k;
                }
                skip_blanks(r);
                if (r->s < r->end && *r->s == ',') {
                        r->s++;
                        continue;
                }
                if (r->s < r->end && *r->s == '}') {
                        r->s++;
                        return 0;
                }
                r->error = "expected ',' or '}'";
                return -EINVAL;
        }
}

int json_parse_object(const char *text, size_t len, JsonObject *ret, const char **ret_error)
{
        Reader r = { .s = text, .end = text + len };
        int k;

        *ret = (JsonObject){ 0 };
        k = parse_members(&r, ret);
        if (k == 0) {
                skip_blanks(&r);
                if (r.s != r.end) {
                        r.error = "text after the object";
                        k = -EINVAL;
                }
        }
        if (k < 0) {
                json_object_done(ret);
                *ret_error = r.error ?: "out of memory";
        }
        return k;
}
