/* A strict JSON checker (see json-check.h): jansson's parser, told to
 * refuse what it would otherwise let through. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "json-check.h"

#define JSON_MAX_DEPTH 64

/* The depth of @v: 1 for a scalar or an empty container. */
static int
depth (json_t *v)
{
  int max = 0;

  for (void *it = json_object_iter (v); it; it = json_object_iter_next (v, it))
    {
      int d = depth (json_object_iter_value (it));
      max = d > max ? d : max;
    }
  for (size_t i = 0; i < json_array_size (v); i++)
    {
      int d = depth (json_array_get (v, i));
      max = d > max ? d : max;
    }
  return max + 1;
}

/* JSON_DECODE_ANY: any value, not only an object or array, as RFC 8259
 * has it.  JSON_ALLOW_NUL: "\u0000" is a character like any other.
 * JSON_DECODE_INT_AS_REAL: the grammar has numbers, not int64_t (a seccomp
 * argument value is a uint64_t); only a number past a double's range
 * (1e400) is refused.  jansson refuses the rest: a byte past the value
 * (an embedded NUL included), strings that are not UTF-8 (RFC 3629) or
 * hold a control character, lone surrogate escapes.  Its nesting limit is
 * 2048; ours, 64, is checked on the tree. */
bool
json_check (const char *text, size_t len, size_t *bad_at)
{
  json_error_t error;
  json_t *v = json_loadb (
      text, len,
      JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &error);
  bool ok = v && depth (v) <= JSON_MAX_DEPTH;

  if (!ok && bad_at)
    *bad_at = v ? 0 : (size_t)error.position;
  json_decref (v);
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
  "\"\\u0000\"",
  "[18446744073709551615, -9223372036854775809]",
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

/* 65 arrays deep; without the outer one, 64. */
static const char nested[] = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                             "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";

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
  if (!json_check (nested + 1, sizeof (nested) - 3, NULL)
      || json_check (nested, sizeof (nested) - 1, NULL))
    abort ();
}
