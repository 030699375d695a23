/* The manager's cost per grant: N custom entitlements added one at a time
 * (in canonical order, in reverse, shuffled) and all at once, over the
 * default catalogue.  Prints, per way, the median wall time of ROUNDS
 * rounds and the number of callback runs, so the O(n^2) re-runs of a
 * manager that rebuilds everything on every add show as numbers.
 *
 *   bench-manager [N [ROUNDS]]          (defaults: 1000, 5) */
#include <entitlement.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long calls;

static int
count_cb (ent_profile_t *profile, void *data, ent_error_t **err)
{
  (void)profile;
  (void)data;
  (void)err;
  calls++;
  return 0;
}

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum way
{
  IN_ORDER,
  REVERSED,
  SHUFFLED,
  ALL_AT_ONCE,
};

static const char *const way_names[] = { "in order", "reversed", "shuffled", "add_all" };

static ent_entitlement_t *
make (size_t i)
{
  char name[64];
  ent_error_t *err = NULL;
  ent_entitlement_t *e;

  snprintf (name, sizeof name, "bench.custom.e%06zu", i);
  e = ent_void_entitlement_new (name, count_cb, NULL, &err);
  if (e == NULL)
    {
      fprintf (stderr, "bench-manager: %s\n", ent_error_message (err));
      exit (1);
    }
  return e;
}

/* One round: a fresh manager, @n grants the @way way. */
static double
round_ms (const ent_catalogue_t *cat, size_t n, enum way way, const size_t *perm)
{
  ent_error_t *err = NULL;
  ent_manager_t *m = ent_manager_new (NULL, cat, &err);
  ent_entitlement_t **all = NULL;
  double t0;
  int ret = 0;

  if (m == NULL)
    {
      fprintf (stderr, "bench-manager: %s\n", ent_error_message (err));
      exit (1);
    }
  if (way == ALL_AT_ONCE)
    {
      all = calloc (n, sizeof (*all));
      for (size_t i = 0; i < n; i++)
        all[i] = make (perm[i]);
    }
  t0 = now_ms ();
  if (way == ALL_AT_ONCE)
    ret = ent_manager_add_all (m, all, n, &err);
  for (size_t i = 0; way != ALL_AT_ONCE && ret >= 0 && i < n; i++)
    ret = ent_manager_add (m,
                           make (way == IN_ORDER   ? i
                                 : way == REVERSED ? n - 1 - i
                                                   : perm[i]),
                           &err);
  t0 = now_ms () - t0;
  if (ret < 0 || ent_manager_count (m) < n)
    {
      fprintf (stderr, "bench-manager: %s\n", ent_error_message (err));
      exit (1);
    }
  ent_manager_free (m);
  free (all);
  return t0;
}

int
main (int argc, char **argv)
{
  size_t n = argc > 1 ? strtoul (argv[1], NULL, 10) : 1000;
  int rounds = argc > 2 ? atoi (argv[2]) : 5;
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  size_t *perm = calloc (n + 1, sizeof (*perm));
  double *t = calloc (rounds + 1, sizeof (*t));

  if (cat == NULL || perm == NULL || t == NULL || n == 0 || rounds < 1)
    return 1;
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  srand (42);
  for (size_t i = n - 1; i > 0; i--)
    {
      size_t j = (size_t)rand () % (i + 1), tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
  printf ("manager: %zu custom grants over the default catalogue, %d rounds\n", n, rounds);
  for (int w = IN_ORDER; w <= ALL_AT_ONCE; w++)
    {
      unsigned long c;
      calls = 0;
      for (int r = 0; r < rounds; r++)
        t[r] = round_ms (cat, n, (enum way)w, perm);
      c = calls / (unsigned long)rounds;
      qsort (t, rounds, sizeof (*t), cmp_double);
      printf ("manager: %-8s %9.2f ms (median), %lu callback runs\n", way_names[w], t[rounds / 2],
              c);
    }
  ent_catalogue_free (cat);
  free (perm);
  free (t);
  return 0;
}
