/* libentitlement — JSON helpers shared by the renderer and the OCI and
 * Docker seccomp code (jansson).  Not installed.
 *
 * jansson holds the tree; ent_json_dump() writes it.  jansson's own
 * json_dumps() cannot: it indents every container or none, while entrun's
 * documents (`entrun --explain --json`) keep small objects and lists on one
 * line, and it escapes strings otherwise than entrun always has ("\n"
 * where entrun writes "\u000a", DEL left raw). */
#ifndef ENT_JSON_H
#define ENT_JSON_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* How ent_json_dump() writes the value of one object key. */
enum
{
  /* An object or array printed one member per line, indented by two
   * spaces a level, when the container holding it is printed so too;
   * anything else prints on one line ({"a": 1, "b": [2, 3]}). */
  ENT_JSON_EXPAND = 1 << 0,
  /* An integer that stands for a uint64_t (ent_json_u64()), printed as one:
   * json_int_t is signed, and seccomp argument values and masks use all
   * 64 bits. */
  ENT_JSON_UNSIGNED = 1 << 1,
};

typedef struct ent_json_key
{
  const char *key; /* NULL ends a table */
  unsigned flags;  /* ENT_JSON_* */
} ent_json_key_t;

/* A JSON string holding the bytes of @s as they are, UTF-8 or not
 * (json_stringn_nocheck): profile strings are bytes (a Linux path, an
 * environment value), and only ent_json_dump() may write such a string
 * (json_dumps() fails on one).  NULL on allocation failure, or when @s is
 * NULL. */
json_t *ent_json_bytes (const char *s);

/* An integer standing for @v; print it under an ENT_JSON_UNSIGNED key. */
json_t *ent_json_u64 (uint64_t v);

/* Write @v to @f, the root expanded, each object key's value as @keys
 * says (its ENT_JSON_EXPAND and ENT_JSON_UNSIGNED keys); the elements of
 * an expanded array print on one line each.  @keys NULL: every container
 * expanded.  No newline after the value.  Every string is written as
 * ent_json_put_string() writes it, so the text is valid UTF-8 JSON
 * whatever bytes the strings hold.  Returns 0, or -EINVAL for a value
 * jansson does not have (a NULL in a container cannot occur). */
int ent_json_dump (FILE *f, const json_t *v, const ent_json_key_t *keys)
    __attribute__ ((warn_unused_result));

/* The same, all of @v on one line (@keys for ENT_JSON_UNSIGNED only). */
int ent_json_dump_inline (FILE *f, const json_t *v, const ent_json_key_t *keys)
    __attribute__ ((warn_unused_result));

/* @len bytes of @s as a JSON string, quoted: '"' and '\\' escaped with a
 * backslash, control characters (C0, NUL included, and DEL) as \u00XX in
 * lower case, well-formed UTF-8 (RFC 3629) as it is ('/', U+2028 and C1
 * controls included), and each ill-formed sequence (its maximal subpart,
 * Unicode section 3.9) as \ufffd. */
void ent_json_put_string (FILE *f, const char *s, size_t len);

/* jansson holds integers as int64; seccomp values and masks go up to
 * UINT64_MAX.  Before parsing, every integer past INT64_MAX (outside a
 * string) becomes the string "\u0000DIGITS" (a NUL byte then the digits;
 * the OCI and Docker readers refuse any other string holding a NUL); after
 * jansson's json_dumps(), ent_json_unquote_big() turns such strings back
 * into numbers, in place.  ent_json_quote_big() returns a new
 * NUL-terminated text (its length in *@out_len), NULL without memory.
 * Parse the result with JSON_ALLOW_NUL. */
char *ent_json_quote_big (const char *json, size_t len, size_t *out_len);
void ent_json_unquote_big (char *json);

#endif
