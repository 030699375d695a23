/* libFuzzer target: entrun_conf_parse_buffer() on arbitrary bytes.
 *
 * Beyond "no crash, no leak, no undefined behaviour" it checks the parser's
 * contract: a refusal sets an error that starts with "fuzz.ini:LINE: " and
 * leaves the result empty; an accepted profile holds only requests that
 * pass the name grammar, and its custom entitlements register into a fresh
 * default catalogue and can be granted through a manager.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_refusal (int ret, const ent_error_t *err, const entrun_conf_t *c)
{
  if (err == NULL || err->msg == NULL || -ret != err->code)
    abort ();
  if (err->code != ENOMEM && strncmp (err->msg, "fuzz.ini:", 9) != 0)
    abort ();
  if (c->n_requests || c->n_customs || c->n_env || c->hostname || c->chdir || c->clearenv_source)
    abort ();
}

static ent_manager_t *
new_manager (const ent_catalogue_t *cat)
{
  ent_profile_t *base = ent_profile_new ();

  if (base == NULL || ent_profile_set_string (&base->cwd, "/work") < 0
      || ent_profile_set_string (&base->home, "/home/u") < 0)
    abort ();
  return ent_manager_new (base, cat, NULL);
}

/* Register the customs and grant each one alone: errors are fine (a path
 * may resolve to '/'), crashes and leaks are not. */
static void
exercise_customs (const entrun_conf_t *c)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  ent_manager_t *m;
  ent_error_t *err = NULL;

  if (cat == NULL)
    abort ();
  if (entrun_conf_register_customs (c, cat, &err) < 0)
    abort (); /* names were checked at parse time */
  m = new_manager (cat);
  for (size_t i = 0; m && i < c->n_customs; i++)
    {
      ent_entitlement_t *e = ent_catalogue_instantiate (cat, c->customs[i].name, &err);
      if (e == NULL)
        abort ();
      if (ent_manager_add (m, e, &err) < 0 && err == NULL)
        abort ();
      ent_error_clear (&err);
    }
  ent_manager_free (m);
  ent_catalogue_free (cat);
}

static void
check_accepted (const entrun_conf_t *c)
{
  for (size_t i = 0; i < c->n_requests; i++)
    {
      ent_name_t n;
      if (ent_name_parse (c->requests[i].request, &n, NULL) < 0)
        abort ();
      ent_name_clear (&n);
      if (strncmp (c->requests[i].source, "fuzz.ini:", 9) != 0)
        abort ();
    }
  if (c->n_customs)
    exercise_customs (c);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  entrun_conf_t c;
  ent_error_t *err = NULL;
  int ret = entrun_conf_parse_buffer ((const char *) data, size, "fuzz.ini", &c, &err);

  if (ret < 0)
    check_refusal (ret, err, &c);
  else if (err != NULL)
    abort ();
  else
    check_accepted (&c);
  ent_error_free (err);
  entrun_conf_clear (&c);
  return 0;
}
