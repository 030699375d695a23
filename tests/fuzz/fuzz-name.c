/* libFuzzer target: the entitlement name grammar and what stands behind a
 * name.  The input, as a string, goes through ent_name_parse(),
 * ent_name_validate(), ent_parse_int() (with and without size suffixes),
 * ent_path_resolve(), and ent_catalogue_instantiate() against the default
 * catalogue; an entitlement that instantiates is enforced on a fresh
 * profile, which runs the value parsers behind it (proxy URLs, publish
 * specs, paths).  Checked: a parse that succeeds splits the name exactly;
 * a resolved path is absolute and normalised; every failure sets an error.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
expect_error (int ret, ent_error_t **err)
{
  if ((ret < 0) != (*err != NULL))
    abort ();
  ent_error_clear (err);
}

/* name == domain "." identifier, and value is what follows the first '='. */
static void
check_name (const char *s)
{
  ent_error_t *err = NULL;
  ent_name_t n;
  int ret = ent_name_parse (s, &n, &err);
  size_t dl, il;

  expect_error (ret, &err);
  if (ret < 0)
    return;
  dl = strlen (n.domain);
  il = strlen (n.identifier);
  if (strlen (n.name) != dl + 1 + il || strncmp (n.name, n.domain, dl) != 0 || n.name[dl] != '.'
      || strcmp (n.name + dl + 1, n.identifier) != 0 || strncmp (s, n.name, dl + 1 + il) != 0)
    abort ();
  if ((n.value != NULL) != (strchr (s, '=') != NULL)
      || (n.value && strcmp (n.value, strchr (s, '=') + 1) != 0))
    abort ();
  if (ent_name_validate (n.name, NULL) < 0)
    abort ();
  ent_name_clear (&n);
}

static void
check_path (const char *s)
{
  ent_error_t *err = NULL;
  char *out = NULL;
  int ret = ent_path_resolve (s, "/work/dir", "/home/u", &out, &err);

  expect_error (ret, &err);
  if (ret < 0)
    return;
  if (out[0] != '/' || strstr (out, "//") || strstr (out, "/./") || strstr (out, "/../")
      || (strlen (out) > 1 && out[strlen (out) - 1] == '/'))
    abort ();
  free (out);
}

static void
check_instantiate (const ent_catalogue_t *cat, const char *s)
{
  ent_error_t *err = NULL;
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, s, &err);
  ent_profile_t *p;

  expect_error (e == NULL ? -1 : 0, &err);
  if (e == NULL)
    return;
  p = ent_profile_new ();
  if (p == NULL || ent_profile_set_string (&p->cwd, "/work") < 0
      || ent_profile_set_string (&p->home, "/home/u") < 0)
    abort ();
  expect_error (ent_entitlement_enforce (e, p, &err), &err);
  ent_profile_free (p);
  ent_entitlement_free (e);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static ent_catalogue_t *cat;
  ent_error_t *err = NULL;
  char *s = malloc (size + 1);
  int64_t v;

  if (s == NULL)
    return 0;
  memcpy (s, data, size);
  s[size] = '\0';
  if (cat == NULL && (cat = ent_catalogue_new_default ()) == NULL)
    abort ();
  check_name (s);
  expect_error (ent_name_validate (s, &err), &err);
  expect_error (ent_parse_int (s, false, &v, &err), &err);
  expect_error (ent_parse_int (s, true, &v, &err), &err);
  check_path (s);
  check_instantiate (cat, s);
  free (s);
  return 0;
}
