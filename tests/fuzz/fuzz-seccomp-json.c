/* libFuzzer target: Docker seccomp profiles (ent_seccomp_from_docker and
 * ent_seccomp_to_docker).
 *
 * The input is a profile's JSON text.  It is read with no capabilities and
 * with all of them.  Checked: an error has a code and a one-line message
 * and leaves the output empty; an accepted profile exports as strict JSON
 * (json-check.c), that export reads back, and reads back to the same
 * verdicts for the first and last rules' syscalls.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ent-oci.h"
#include "json-check.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (int ret, const ent_error_t *err, const ent_seccomp_t *out)
{
  const char *msg = ent_error_message (err);

  if (ret >= 0 || err == NULL || err->code != -ret || *msg == '\0' || strpbrk (msg, "\n\r")
      || out->rules != NULL || out->n_rules != 0)
    abort ();
}

/* @a and @b (sorted policies) agree on @name at a few arguments. */
static void
check_same (const ent_seccomp_t *a, const ent_seccomp_t *b, const char *name)
{
  static const uint64_t probes[] = { 0, 1, 2, 0x5412, 0xffffffff, UINT64_MAX };
  ent_profile_t pa = { .seccomp = *a }, pb = { .seccomp = *b };

  for (size_t i = 0; i < sizeof (probes) / sizeof (probes[0]); i++)
    {
      uint64_t args[ENT_SECCOMP_MAX_ARGS] = { probes[i], probes[i], 0, probes[i] };
      if (ent_profile_syscall_verdict (&pa, name, args)
          != ent_profile_syscall_verdict (&pb, name, args))
        abort ();
    }
}

static void
round_trip (const ent_seccomp_t *s, uint64_t caps)
{
  ent_seccomp_t back = { 0 };
  ent_error_t *err = NULL;
  char *json = NULL;
  int ret = ent_seccomp_to_docker (s, &json, &err);

  if (ret < 0)
    {
      /* only a policy too big to flatten may fail */
      if (err == NULL || err->code != E2BIG)
        abort ();
      ent_error_free (err);
      return;
    }
  if (!json_check (json, strlen (json), NULL))
    abort ();
  ret = ent_seccomp_from_docker (json, strlen (json), caps, &back, &err);
  if (ret < 0)
    abort ();
  if (s->n_rules > 0)
    {
      check_same (s, &back, s->rules[0].syscall);
      check_same (s, &back, s->rules[s->n_rules - 1].syscall);
    }
  ent_seccomp_clear (&back);
  free (json);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const uint64_t caps[] = { 0, ENT_CAP_ALL };

  for (size_t i = 0; i < 2; i++)
    {
      ent_seccomp_t s = { .n_rules = 3 };
      ent_error_t *err = NULL;
      int ret = ent_seccomp_from_docker ((const char *)data, size, caps[i], &s, &err);

      if (ret < 0)
        {
          check_error (ret, err, &s);
          ent_error_free (err);
          continue;
        }
      if (err != NULL)
        abort ();
      round_trip (&s, caps[i]);
      ent_seccomp_clear (&s);
    }
  return 0;
}
