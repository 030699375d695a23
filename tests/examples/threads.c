/* libentitlement(3)'s THREADS section, tried: several threads, each with
 * managers of its own over one shared default catalogue and holding one
 * shared entitlement, grant, revoke, query and render at once.  Every thread must end with the same
 * JSON, which is the JSON one thread alone gives.  tests/check-threads.sh runs it plain and under
 * valgrind's helgrind, which reports any data race (TAP on stdout).
 *
 *   threads [THREADS [ROUNDS]]        (defaults: 4, 20) */
#include <entitlement.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const requests[] = {
  "network.user",        "network.publish=8080:80", "security.fs-read-only",
  "host.fs.ro=/usr/",    "host.fs.hide=~/.ssh",     "resources.pids=100",
  "api.access=x11:deny", "debug.ptrace",
};

static const ent_catalogue_t *shared;
static ent_entitlement_t *shared_ent; /* in every thread's managers */

struct job
{
  int rounds;
  char *json; /* the last round's */
  int failed;
};

static int
set_hostname_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) err;
  return ent_profile_set_string (&p->hostname, data);
}

/* One round: a manager over a base of its own, every request, a custom,
 * a revocation and a grant back, the JSON. */
static char *
one_round (void)
{
  ent_error_t *err = NULL;
  ent_profile_t *base = ent_profile_new ();
  ent_manager_t *m = NULL;
  char *json = NULL;

  if (base == NULL || ent_profile_set_string (&base->cwd, "/work") < 0
      || ent_profile_set_string (&base->home, "/home/u") < 0)
    goto out;
  if ((m = ent_manager_new (base, shared, &err)) == NULL)
    goto out;
  for (size_t i = 0; i < sizeof requests / sizeof *requests; i++)
    if (ent_manager_add_request (m, shared, requests[i], "thread", ENT_PRECEDENCE_CLI, &err) < 0)
      goto out;
  if (ent_manager_add (m, shared_ent, &err) < 0
      || ent_entitlement_full_name (ent_manager_get (m, ent_manager_count (m) - 1)) == NULL
      || ent_manager_remove (m, "host.fs.ro", &err) != 1 || ent_manager_has (m, "host.fs.ro")
      || ent_manager_add_request (m, shared, "host.fs.ro=/usr", "thread", ENT_PRECEDENCE_CLI, &err)
             < 0
      || ent_render (m, shared, ENT_RENDER_JSON, &json, &err) < 0)
    json = NULL;
out:
  if (json == NULL)
    fprintf (stderr, "# %s\n", ent_error_message (err));
  ent_error_free (err);
  if (m == NULL)
    ent_profile_free (base);
  ent_manager_free (m);
  return json;
}

static void *
run (void *arg)
{
  struct job *job = arg;

  for (int r = 0; r < job->rounds; r++)
    {
      char *json = one_round ();
      if (json == NULL)
        {
          job->failed = 1;
          break;
        }
      if (job->json != NULL && strcmp (job->json, json) != 0)
        job->failed = 1;
      free (job->json);
      job->json = json;
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 4, rounds = argc > 2 ? atoi (argv[2]) : 20, ok = 1;
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  pthread_t *tids = calloc (n > 0 ? n : 1, sizeof (*tids));
  struct job *jobs = calloc (n > 0 ? n : 1, sizeof (*jobs));
  char *alone;

  if (cat == NULL || tids == NULL || jobs == NULL || n < 1 || rounds < 1)
    return 2;
  shared = cat;
  /* One reference is main's own (dropped at the end); the floating one
   * goes to the first manager that takes it. */
  shared_ent = ent_entitlement_ref (
      ent_void_entitlement_new ("acme.custom.host", set_hostname_cb, (void *)"box", NULL));
  if (shared_ent == NULL)
    return 2;
  alone = one_round ();
  puts ("1..2");
  for (int i = 0; i < n; i++)
    {
      jobs[i].rounds = rounds;
      if (pthread_create (&tids[i], NULL, run, &jobs[i]) != 0)
        return 2;
    }
  for (int i = 0; i < n; i++)
    pthread_join (tids[i], NULL);
  for (int i = 0; i < n; i++)
    ok = ok && !jobs[i].failed && jobs[i].json != NULL;
  printf ("%s 1 - %d threads x %d rounds over one catalogue, none failed\n", ok ? "ok" : "not ok",
          n, rounds);
  for (int i = 0; ok && i < n; i++)
    ok = alone != NULL && strcmp (jobs[i].json, alone) == 0;
  printf ("%s 2 - every thread's profile is the one a thread alone resolves\n",
          ok ? "ok" : "not ok");
  for (int i = 0; i < n; i++)
    free (jobs[i].json);
  free (alone);
  free (jobs);
  free (tids);
  ent_entitlement_free (shared_ent);
  ent_catalogue_free (cat);
  return ok ? 0 : 1;
}
