/* A strict JSON checker (see json-check.h).  Recursive descent over a
 * length-delimited buffer: an embedded NUL is simply a byte the grammar
 * does not allow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json-check.h"

#define JSON_MAX_DEPTH 64

/* The checker is the fuzz targets' oracle, not code under test: coverage
 * of its branches would only steer the fuzzer, and the instrumentation of
 * a byte-by-byte scanner costs a quarter of the run time. */
#ifdef __clang__
#pragma clang attribute push(__attribute__((no_sanitize("coverage"))), apply_to = function)
#endif

typedef struct json
{
  const unsigned char *s;
  size_t len, pos;
  int depth;
} json_t;

/* A key as written (between its quotes), for the duplicate check. */
typedef struct json_key
{
  size_t start, len;
} json_key_t;

static bool json_value (json_t *j);

static int
peek (const json_t *j)
{
  return j->pos < j->len ? j->s[j->pos] : -1;
}

static int
peek_at (const json_t *j, size_t ahead)
{
  return j->pos + ahead < j->len ? j->s[j->pos + ahead] : -1;
}

static void
skip_ws (json_t *j)
{
  while (peek (j) == ' ' || peek (j) == '\t' || peek (j) == '\n' || peek (j) == '\r')
    j->pos++;
}

static bool
literal (json_t *j, const char *word)
{
  size_t n = strlen (word);

  if (j->len - j->pos < n || memcmp (j->s + j->pos, word, n) != 0)
    return false;
  j->pos += n;
  return true;
}

/* One multi-byte UTF-8 character, RFC 3629 section 4: the second byte's
 * range excludes overlong forms, surrogates and code points past U+10FFFF. */
static bool
utf8_char (json_t *j)
{
  int c = peek (j), lo = 0x80, hi = 0xbf, n;

  if (c >= 0xc2 && c <= 0xdf)
    n = 1;
  else if (c >= 0xe0 && c <= 0xef)
    {
      n = 2;
      lo = c == 0xe0 ? 0xa0 : 0x80;
      hi = c == 0xed ? 0x9f : 0xbf;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      n = 3;
      lo = c == 0xf0 ? 0x90 : 0x80;
      hi = c == 0xf4 ? 0x8f : 0xbf;
    }
  else
    return false;
  if (peek_at (j, 1) < lo || peek_at (j, 1) > hi)
    return false;
  for (int i = 2; i <= n; i++)
    if ((peek_at (j, i) & 0xc0) != 0x80) /* -1 at the end fails too */
      return false;
  j->pos += n + 1;
  return true;
}

/* Four hex digits after "\u"; -1 when they are not. */
static long
hex4 (const json_t *j, size_t at)
{
  long v = 0;

  for (size_t i = 0; i < 4; i++)
    {
      int c = peek_at (j, at + i);
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* "\uXXXX" at the cursor (past the backslash): a character, or a high
 * surrogate immediately followed by "\uDC00".."\uDFFF". */
static bool
unicode_escape (json_t *j)
{
  long v = hex4 (j, 1), low;

  if (v < 0 || (v >= 0xdc00 && v <= 0xdfff))
    return false;
  j->pos += 5;
  if (v < 0xd800 || v > 0xdbff)
    return true;
  if (peek (j) != '\\' || peek_at (j, 1) != 'u')
    return false;
  low = hex4 (j, 2);
  if (low < 0xdc00 || low > 0xdfff)
    return false;
  j->pos += 6;
  return true;
}

static bool
escape (json_t *j)
{
  int c;

  j->pos++; /* the backslash */
  c = peek (j);
  if (c == 'u')
    return unicode_escape (j);
  if (c < 0 || strchr ("\"\\/bfnrt", c) == NULL)
    return false;
  j->pos++;
  return true;
}

static bool
string (json_t *j)
{
  j->pos++; /* the opening quote */
  for (;;)
    {
      int c = peek (j);

      if (c == '"')
        {
          j->pos++;
          return true;
        }
      if (c < 0x20) /* control characters, and the end of the text */
        return false;
      if (c == '\\')
        {
          if (!escape (j))
            return false;
        }
      else if (c >= 0x80)
        {
          if (!utf8_char (j))
            return false;
        }
      else
        j->pos++;
    }
}

static bool
digits (json_t *j)
{
  if (peek (j) < '0' || peek (j) > '9')
    return false;
  while (peek (j) >= '0' && peek (j) <= '9')
    j->pos++;
  return true;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
number (json_t *j)
{
  if (peek (j) == '-')
    j->pos++;
  if (peek (j) == '0')
    j->pos++;
  else if (!digits (j))
    return false;
  if (peek (j) == '.')
    {
      j->pos++;
      if (!digits (j))
        return false;
    }
  if (peek (j) == 'e' || peek (j) == 'E')
    {
      j->pos++;
      if (peek (j) == '+' || peek (j) == '-')
        j->pos++;
      if (!digits (j))
        return false;
    }
  return true;
}

/* Record the key that starts (with its quote) at @start and ends before the
 * cursor; false if the object already has it. */
static bool
new_key (const json_t *j, json_key_t **keys, size_t *n, size_t start)
{
  json_key_t k = { start + 1, j->pos - start - 2 };
  json_key_t *v;

  for (size_t i = 0; i < *n; i++)
    if ((*keys)[i].len == k.len && memcmp (j->s + (*keys)[i].start, j->s + k.start, k.len) == 0)
      return false;
  if ((v = realloc (*keys, (*n + 1) * sizeof (*v))) == NULL)
    abort ();
  v[(*n)++] = k;
  *keys = v;
  return true;
}

static bool
member (json_t *j, json_key_t **keys, size_t *n)
{
  size_t start = j->pos;

  if (peek (j) != '"' || !string (j) || !new_key (j, keys, n, start))
    return false;
  skip_ws (j);
  if (peek (j) != ':')
    return false;
  j->pos++;
  return json_value (j);
}

/* An object (@object) or an array, from its opening bracket. */
static bool
members (json_t *j, bool object)
{
  int close = object ? '}' : ']';
  json_key_t *keys = NULL;
  size_t n_keys = 0;
  bool ok = false;

  j->pos++;
  skip_ws (j);
  if (peek (j) == close)
    {
      j->pos++;
      return true;
    }
  for (;;)
    {
      if (!(object ? member (j, &keys, &n_keys) : json_value (j)))
        break;
      skip_ws (j);
      if (peek (j) == close)
        {
          j->pos++;
          ok = true;
          break;
        }
      if (peek (j) != ',')
        break;
      j->pos++;
      skip_ws (j);
    }
  free (keys);
  return ok;
}

static bool
json_value (json_t *j)
{
  bool ok;

  skip_ws (j);
  if (++j->depth > JSON_MAX_DEPTH)
    return false;
  switch (peek (j))
    {
    case '{':
      ok = members (j, true);
      break;
    case '[':
      ok = members (j, false);
      break;
    case '"':
      ok = string (j);
      break;
    case 't':
      ok = literal (j, "true");
      break;
    case 'f':
      ok = literal (j, "false");
      break;
    case 'n':
      ok = literal (j, "null");
      break;
    default:
      ok = number (j);
      break;
    }
  j->depth--;
  return ok;
}

bool
json_check (const char *text, size_t len, size_t *bad_at)
{
  json_t j = { (const unsigned char *)text, len, 0, 0 };
  bool ok = json_value (&j);

  if (ok)
    {
      skip_ws (&j);
      ok = j.pos == j.len;
    }
  if (!ok && bad_at)
    *bad_at = j.pos;
  return ok;
}

/* Texts the checker must accept and refuse: run once before fuzzing, so a
 * checker that accepts everything cannot pass for a renderer without bugs. */
static const char *const good[] = {
  "{}",
  " [] \n",
  "{\"a\": [1, -2.5e3, 0, 0.5, 1E+2, true, false, null, \"x\\u00e9\\n\\\"\\/\"]}",
  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd \xf4\x8f\xbf\xbf\"",
  "\"\\ud83d\\ude00\"",
  "{\"a\": {\"a\": {}}, \"b\": []}",
  "-0",
};

static const char *const bad[] = {
  "",
  "{",
  "{\"a\": 1,}",
  "[1, 2,]",
  "{'a': 1}",
  "\"a\nb\"",
  "[1 2]",
  "01",
  "{\"a\" 1}",
  "\"\\x\"",
  "{} x",
  "\"\xff\"",
  "\"\xc3\"",
  "\"\xc0\xaf\"",
  "\"\xe0\x80\xaf\"",
  "\"\xed\xa0\x80\"",
  "\"\xf4\x90\x80\x80\"",
  "\"\xf5\x80\x80\x80\"",
  "\"\\ud800\"",
  "\"\\udc00\\ud800\"",
  "\"\\ud800\\u0041\"",
  "1.",
  ".5",
  "tru",
  "{\"a\": }",
  "[\"\\u12\"]",
  "\"abc",
  "{1: 2}",
  "- 1",
  "1e",
  "{\"a\": 1, \"a\": 2}",
  "+1",
  "\"\x01\"",
};

void
json_check_selftest (void)
{
  for (size_t i = 0; i < sizeof (good) / sizeof (good[0]); i++)
    if (!json_check (good[i], strlen (good[i]), NULL))
      abort ();
  for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    if (json_check (bad[i], strlen (bad[i]), NULL))
      abort ();
  if (json_check ("[1]\0", 4, NULL) || json_check ("\"a\0\"", 4, NULL))
    abort ();
}

#ifdef __clang__
#pragma clang attribute pop
#endif
