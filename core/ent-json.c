/* libentitlement — a jansson tree written with a layout per key, and
 * strings written as UTF-8 JSON whatever bytes they hold (ent-json.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ent-json.h"

json_t *
ent_json_bytes (const char *s)
{
  return s ? json_stringn_nocheck (s, strlen (s)) : NULL;
}

json_t *
ent_json_u64 (uint64_t v)
{
  /* Two's complement: the bits come back as they were under an
   * ENT_JSON_UNSIGNED key. */
  return json_integer ((json_int_t)v);
}

/* The length of the well-formed UTF-8 character at @s (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), of the @len bytes
 * left, or 0 when @s starts an ill-formed sequence; *@bad is then the
 * length of its maximal subpart, the bytes one U+FFFD stands for (Unicode
 * section 3.9). */
static size_t
utf8_length (const unsigned char *s, size_t len, size_t *bad)
{
  unsigned char lo = 0x80, hi = 0xbf;
  size_t n;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    {
      n = 3;
      lo = s[0] == 0xe0 ? 0xa0 : 0x80;
      hi = s[0] == 0xed ? 0x9f : 0xbf;
    }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    {
      n = 4;
      lo = s[0] == 0xf0 ? 0x90 : 0x80;
      hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    }
  else
    {
      *bad = 1; /* a continuation byte, or a byte no UTF-8 text has */
      return 0;
    }
  for (size_t i = 1; i < n; i++)
    {
      if (i == len || s[i] < lo || s[i] > hi)
        {
          *bad = i;
          return 0;
        }
      lo = 0x80;
      hi = 0xbf;
    }
  return n;
}

/* JSON text is UTF-8 (RFC 8259 section 8.1) but profile strings are bytes.
 * Each ill-formed sequence becomes U+FFFD, written "\ufffd", as a UTF-8
 * decoder replaces it (maximal subparts: Python's errors="replace", WHATWG
 * encoders), so every JSON consumer can read the whole document; refusing
 * to render would leave --explain --json unable to explain a sandbox that
 * runs fine.  The substitution loses the bytes, and JSON has no way to
 * carry them: the text rendering keeps them exactly.  Runs of plain bytes
 * go out in one fwrite, and @f is locked once for the whole document
 * (ent_json_dump): this is the renderer's inner loop. */
static void
put_string (FILE *f, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;

  fputc_unlocked ('"', f);
  while (p < end)
    {
      size_t bad = 0, n;

      if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
        {
          p++;
          continue;
        }
      n = utf8_length (p, (size_t)(end - p), &bad);
      if (n > 1)
        {
          p += n;
          continue;
        }
      fwrite_unlocked (run, 1, (size_t)(p - run), f);
      if (n == 0)
        fputs_unlocked ("\\ufffd", f);
      else if (*p == '"' || *p == '\\')
        fprintf (f, "\\%c", *p);
      else
        fprintf (f, "\\u%04x", *p);
      p += n ? n : bad;
      run = p;
    }
  fwrite_unlocked (run, 1, (size_t)(p - run), f);
  fputc_unlocked ('"', f);
}

void
ent_json_put_string (FILE *f, const char *s, size_t len)
{
  flockfile (f);
  put_string (f, s, len);
  funlockfile (f);
}

static unsigned
key_flags (const ent_json_key_t *keys, const char *key)
{
  for (; keys && keys->key; keys++)
    if (strcmp (keys->key, key) == 0)
      return keys->flags;
  return 0;
}

typedef struct dump
{
  FILE *f;
  const ent_json_key_t *keys;
} dump_t;

static int dump_value (const dump_t *d, const json_t *v, unsigned flags, int depth);

/* A newline and the indent of level @depth. */
static void
newline (FILE *f, int depth)
{
  static const char spaces[] = "\n                                ";
  size_t n = 2 * (size_t)depth;

  fwrite_unlocked (spaces, 1, 1 + (n < sizeof (spaces) - 2 ? n : sizeof (spaces) - 2), f);
  for (; n > sizeof (spaces) - 2; n--)
    fputc_unlocked (' ', f);
}

/* Before a member: ", " on one line, else a newline and the indent of
 * level @depth, after a comma but before the @first member. */
static void
separator (FILE *f, bool expand, bool first, int depth)
{
  if (first && !expand)
    return;
  if (!expand)
    fputs_unlocked (", ", f);
  else
    {
      if (!first)
        fputc_unlocked (',', f);
      newline (f, depth);
    }
}

/* What @keys say of @key, for @member in a container printed expanded
 * (@expand) or not: only expansion and integers need asking. */
static unsigned
member_flags (const dump_t *d, const char *key, const json_t *member, bool expand)
{
  if (expand && d->keys == NULL)
    return ENT_JSON_EXPAND;
  if (json_is_integer (member))
    return key_flags (d->keys, key) & ENT_JSON_UNSIGNED;
  if (expand && (json_is_object (member) || json_is_array (member)))
    return key_flags (d->keys, key) & ENT_JSON_EXPAND;
  return 0;
}

static int
dump_object (const dump_t *d, const json_t *v, bool expand, int depth)
{
  bool first = true;

  fputc_unlocked ('{', d->f);
  for (void *it = json_object_iter ((json_t *)v); it; it = json_object_iter_next ((json_t *)v, it))
    {
      const char *key = json_object_iter_key (it);
      const json_t *member = json_object_iter_value (it);
      separator (d->f, expand, first, depth + 1);
      put_string (d->f, key, strlen (key));
      fputs_unlocked (": ", d->f);
      if (dump_value (d, member, member_flags (d, key, member, expand), depth + 1) < 0)
        return -EINVAL;
      first = false;
    }
  if (expand && !first)
    newline (d->f, depth);
  fputc_unlocked ('}', d->f);
  return 0;
}

static int
dump_array (const dump_t *d, const json_t *v, bool expand, int depth)
{
  size_t n = json_array_size (v);
  unsigned flags = expand && d->keys == NULL ? ENT_JSON_EXPAND : 0;

  fputc_unlocked ('[', d->f);
  for (size_t i = 0; i < n; i++)
    {
      separator (d->f, expand, i == 0, depth + 1);
      if (dump_value (d, json_array_get (v, i), flags, depth + 1) < 0)
        return -EINVAL;
    }
  if (expand && n)
    newline (d->f, depth);
  fputc_unlocked (']', d->f);
  return 0;
}

/* A real as jansson writes one, to 17 significant digits (reads back the
 * same double); entrun's documents have none. */
static int
dump_real (const dump_t *d, const json_t *v)
{
  char *text = json_dumps (v, JSON_ENCODE_ANY | JSON_REAL_PRECISION (17));

  if (text == NULL)
    return -EINVAL;
  fputs_unlocked (text, d->f);
  free (text);
  return 0;
}

static int
dump_value (const dump_t *d, const json_t *v, unsigned flags, int depth)
{
  switch (json_typeof (v))
    {
    case JSON_OBJECT:
      return dump_object (d, v, flags & ENT_JSON_EXPAND, depth);
    case JSON_ARRAY:
      return dump_array (d, v, flags & ENT_JSON_EXPAND, depth);
    case JSON_STRING:
      put_string (d->f, json_string_value (v), json_string_length (v));
      return 0;
    case JSON_INTEGER:
      if (flags & ENT_JSON_UNSIGNED)
        fprintf (d->f, "%" PRIu64, (uint64_t)json_integer_value (v));
      else
        fprintf (d->f, "%" JSON_INTEGER_FORMAT, json_integer_value (v));
      return 0;
    case JSON_REAL:
      return dump_real (d, v);
    case JSON_TRUE:
      fputs_unlocked ("true", d->f);
      return 0;
    case JSON_FALSE:
      fputs_unlocked ("false", d->f);
      return 0;
    case JSON_NULL:
      fputs_unlocked ("null", d->f);
      return 0;
    default:
      return -EINVAL;
    }
}

int
ent_json_dump_inline (FILE *f, const json_t *v, const ent_json_key_t *keys)
{
  dump_t d = { f, keys };
  int ret;

  if (v == NULL)
    return -EINVAL;
  flockfile (f);
  ret = dump_value (&d, v, 0, 0);
  funlockfile (f);
  return ret;
}

int
ent_json_dump (FILE *f, const json_t *v, const ent_json_key_t *keys)
{
  dump_t d = { f, keys };
  int ret;

  if (v == NULL)
    return -EINVAL;
  flockfile (f);
  ret = dump_value (&d, v, ENT_JSON_EXPAND, 0);
  funlockfile (f);
  return ret;
}
