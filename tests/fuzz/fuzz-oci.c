/* libFuzzer target: OCI configs.  The input goes through ent_oci_load();
 * a config that loads is written back (ent_oci_write), the result loaded
 * again and written again.  Checked: every failure sets an error; what was
 * written loads; writing is a fixed point (the second write is the same
 * JSON value as the first); nothing leaks or overflows (ASan).
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *
write_or_abort (const ent_profile_t *p, const ent_oci_options_t *opt)
{
  ent_error_t *err = NULL;
  char *out = NULL;
  int ret = ent_oci_write (p, opt, &out, &err);

  if ((ret < 0) != (err != NULL) || (ret == 0) != (out != NULL))
    abort ();
  ent_error_free (err);
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const args[] = { "true", NULL };
  const ent_oci_options_t opt = { .args = args, .host_uid = 1000, .host_gid = 1000 };
  ent_profile_t *p = NULL, *again = NULL;
  ent_error_t *err = NULL;
  char *first, *second;
  int ret = ent_oci_load ((const char *)data, size, &p, &err);

  if ((ret < 0) != (err != NULL) || (ret == 0) != (p != NULL))
    abort ();
  ent_error_free (err);
  err = NULL;
  if (p == NULL)
    return 0;
  first = write_or_abort (p, &opt);
  if (first)
    {
      if (ent_oci_load (first, strlen (first), &again, &err) < 0)
        abort (); /* what we wrote must load */
      second = write_or_abort (again, &opt);
      if (second == NULL)
        abort ();
      json_t *a = json_loads (first, 0, NULL), *b = json_loads (second, 0, NULL);
      if (a == NULL || b == NULL || !json_equal (a, b))
        abort ();
      json_decref (a);
      json_decref (b);
      free (second);
      ent_profile_free (again);
    }
  free (first);
  ent_profile_free (p);
  return 0;
}
