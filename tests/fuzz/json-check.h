/* A strict JSON checker for the fuzz targets and the unit tests, on
 * jansson's parser: the RFC 8259 grammar, string escapes included, with
 * every string valid UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), \u
 * escapes naming whole characters (a high surrogate escape followed by a
 * low one, never alone), no duplicate key in an object, nesting at most
 * 64 deep, and numbers within a double's range (1e400 is refused).  What a consumer such as jq or
 * Python's json module accepts, and then some. */
#ifndef FUZZ_JSON_CHECK_H
#define FUZZ_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Is @len bytes of @text one JSON value, with optional white space around
 * it?  When not, *@bad_at (if not NULL) is the offset of the first byte
 * that breaks the grammar. */
bool json_check (const char *text, size_t len, size_t *bad_at);

/* Check the checker on texts it must accept and refuse; abort() if wrong. */
void json_check_selftest (void);

#endif
