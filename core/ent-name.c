/* libentitlement — the entitlement name grammar (see ent-name.h).
 *
 * Docker's Go libentitlement split the full name on '.' before looking for
 * '=', so "network.proxy=http://10.0.0.1:3128" could not parse.  Here the
 * name part ends at the first '=' and the value is taken verbatim. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "ent-name.h"
#include "ent-util.h"

/* Check one component [a-z0-9]+(-[a-z0-9]+)* of @full at @comp, @len bytes;
 * @what says which part it is in messages. */
static int
check_component (const char *full, const char *comp, size_t len, const char *what,
                 ent_error_t **err)
{
  if (len == 0)
    return ent_error_set (err, EINVAL, "invalid entitlement name '%s': empty %s", full, what);

  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)comp[i];
      if (isupper (c))
        return ent_error_set (
            err, EINVAL,
            "invalid entitlement name '%s': uppercase letter '%c' (names are lowercase)", full, c);
      if (c == '-')
        {
          if (i == 0 || i == len - 1 || comp[i - 1] == '-')
            return ent_error_set (
                err, EINVAL,
                "invalid entitlement name '%s': '-' must join letters or digits in %s '%.*s'", full,
                what, (int)len, comp);
          continue;
        }
      if (!(islower (c) || isdigit (c)) || c >= 0x80)
        {
          if (isprint (c))
            return ent_error_set (err, EINVAL,
                                  "invalid entitlement name '%s': bad character '%c' in %s '%.*s'",
                                  full, c, what, (int)len, comp);
          return ent_error_set (err, EINVAL,
                                "invalid entitlement name '%s': bad character 0x%02x in %s", full,
                                c, what);
        }
    }
  return 0;
}

/* Validate the name part @name (@len bytes) of @full. */
static int
check_name (const char *full, const char *name, size_t len, ent_error_t **err)
{
  const char *end = name + len;
  const char *last_dot = NULL;
  int ret;

  if (len == 0)
    return ent_error_set (err, EINVAL, "invalid entitlement name '%s': empty name", full);

  for (const char *p = name; p < end; p++)
    if (*p == '.')
      last_dot = p;
  if (last_dot == NULL)
    return ent_error_set (err, EINVAL, "invalid entitlement name '%s': expected DOMAIN.IDENTIFIER",
                          full);

  for (const char *comp = name; comp <= end;)
    {
      const char *stop = memchr (comp, '.', end - comp);
      if (stop == NULL)
        stop = end;
      ret = check_component (full, comp, stop - comp,
                             stop == end ? "identifier" : "domain component", err);
      if (ret < 0)
        return ret;
      comp = stop + 1;
    }
  return 0;
}

static int
check_value (const char *full, const char *value, ent_error_t **err)
{
  if (*value == '\0')
    return ent_error_set (err, EINVAL, "invalid entitlement '%s': empty value after '='", full);
  for (const unsigned char *p = (const unsigned char *)value; *p;)
    {
      size_t len = ent_utf8_len (p);
      if (len == 1 && !isprint (*p))
        return ent_error_set (
            err, EINVAL, "invalid entitlement '%s': control character 0x%02x in value", full, *p);
      if (len == 0)
        return ent_error_set (err, EINVAL,
                              "invalid entitlement '%s': byte 0x%02x in value is not printable "
                              "UTF-8",
                              full, *p);
      p += len;
    }
  return 0;
}

int
ent_name_parse (const char *full, ent_name_t *out, ent_error_t **err)
{
  const char *eq;
  const char *dot;
  size_t name_len;
  int ret;

  memset (out, 0, sizeof (*out));
  if (full == NULL)
    return ent_error_set (err, EINVAL, "invalid entitlement name '': empty name");

  eq = strchr (full, '=');
  name_len = eq ? (size_t)(eq - full) : strlen (full);

  ret = check_name (full, full, name_len, err);
  if (ret < 0)
    return ret;
  if (eq)
    {
      ret = check_value (full, eq + 1, err);
      if (ret < 0)
        return ret;
    }

  dot = memrchr (full, '.', name_len);
  out->name = strndup (full, name_len);
  out->domain = strndup (full, dot - full);
  out->identifier = strndup (dot + 1, name_len - (dot + 1 - full));
  out->value = eq ? strdup (eq + 1) : NULL;
  if (!out->name || !out->domain || !out->identifier || (eq && !out->value))
    {
      ent_name_clear (out);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

int
ent_name_validate (const char *name, ent_error_t **err)
{
  if (name == NULL)
    return ent_error_set (err, EINVAL, "invalid entitlement name '': empty name");
  if (strchr (name, '='))
    return ent_error_set (err, EINVAL, "invalid entitlement name '%s': unexpected '='", name);
  return check_name (name, name, strlen (name), err);
}

void
ent_name_clear (ent_name_t *n)
{
  free (n->name);
  free (n->domain);
  free (n->identifier);
  free (n->value);
  memset (n, 0, sizeof (*n));
}

static int
size_shift (char c)
{
  switch (c)
    {
    case 'k':
    case 'K':
      return 10;
    case 'm':
    case 'M':
      return 20;
    case 'g':
    case 'G':
      return 30;
    case 't':
    case 'T':
      return 40;
    default:
      return -1;
    }
}

int
ent_parse_int (const char *text, bool size_suffix, int64_t *out, ent_error_t **err)
{
  const char *p = text;
  bool negative = false;
  uint64_t v = 0;
  int shift = 0;

  if (text == NULL || *text == '\0')
    return ent_error_set (err, EINVAL, "invalid integer '': empty");
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  if (!isdigit ((unsigned char)*p))
    return ent_error_set (err, EINVAL, "invalid integer '%s': expected decimal digits", text);

  for (; isdigit ((unsigned char)*p); p++)
    {
      unsigned d = *p - '0';
      if (v > ((uint64_t)INT64_MAX + 1 - d) / 10)
        return ent_error_set (err, ERANGE, "invalid integer '%s': out of range", text);
      v = v * 10 + d;
    }

  if (*p != '\0')
    {
      shift = size_suffix ? size_shift (*p) : -1;
      if (shift < 0 || p[1] != '\0')
        return ent_error_set (
            err, EINVAL,
            size_suffix ? "invalid size '%s': expected digits with an optional K, M, G or T suffix"
                        : "invalid integer '%s': trailing characters",
            text);
    }
  if (shift && v > ((uint64_t)INT64_MAX >> shift))
    return ent_error_set (err, ERANGE, "invalid integer '%s': out of range", text);
  v <<= shift;
  if (!negative && v > (uint64_t)INT64_MAX)
    return ent_error_set (err, ERANGE, "invalid integer '%s': out of range", text);

  *out = negative ? (int64_t)(0 - v) : (int64_t)v;
  return 0;
}
