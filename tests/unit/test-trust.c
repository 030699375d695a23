/* Unit tests of launcher/trust.c: how a change of a project profile is
 * judged (narrows or widens), and what an approval is of (the items and
 * the hash of the resolved form: comments, spacing and order do not
 * count, every change of effect does).  The black-box side, approval and
 * refusal from outside and attacks from inside, is
 * tests/blackbox/trust.sh. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "entitlement.h"
#include "policy.h"
#include "trust.h"

#define L(...) ((char *const[]){ __VA_ARGS__, NULL })
#define NONE ((char *const *)NULL)

static void
free_lists (char **added, char **removed)
{
  for (char **v = added; *v; v++)
    free (*v);
  for (char **v = removed; *v; v++)
    free (*v);
  free (added);
  free (removed);
}

static entrun_change_t
classify (char *const *old, char *const *new_items)
{
  char **added, **removed;
  entrun_change_t c = entrun_trust_classify (old, new_items, &added, &removed);

  free_lists (added, removed);
  return c;
}

#define WIDENS(old, new_items) ck_assert_int_eq (classify (old, new_items), ENTRUN_CHANGE_WIDENS)
#define NARROWS(old, new_items) ck_assert_int_eq (classify (old, new_items), ENTRUN_CHANGE_NARROWS)

START_TEST (same_is_same)
{
  ck_assert_int_eq (
      classify (L ("network.user", "host.fs.rw=/p/b"), L ("host.fs.rw=/p/b", "network.user")),
      ENTRUN_CHANGE_SAME);
  ck_assert_int_eq (classify (NONE, NONE), ENTRUN_CHANGE_SAME);
}
END_TEST

START_TEST (levels)
{
  WIDENS (NONE, L ("network.user"));
  WIDENS (L ("network.none"), L ("network.user"));
  WIDENS (L ("network.proxy=http://127.0.0.1:8080"), L ("network.user"));
  WIDENS (L ("network.proxy=http://127.0.0.1:8080"), L ("network.proxy=http://127.0.0.1:9090"));
  WIDENS (L ("network.user"), L ("network.host"));
  WIDENS (L ("security.view"), L ("security.admin"));
  WIDENS (NONE, L ("host.devices.view"));
  WIDENS (L ("host.processes.view"), L ("host.processes.admin"));
  NARROWS (L ("network.user"), L ("network.none"));
  /* The proxy's relay reaches what the proxy reaches, the host's
   * loopback included: off the ladder, any move onto it widens. */
  WIDENS (L ("network.user"), L ("network.proxy=http://127.0.0.1:8080"));
  WIDENS (L ("network.admin"), L ("network.proxy=http://127.0.0.1:8080"));
  WIDENS (L ("network.proxy=http://127.0.0.1:8080"), L ("network.user"));
  NARROWS (L ("network.proxy=http://127.0.0.1:8080"), L ("network.none"));
  NARROWS (L ("network.proxy=http://127.0.0.1:8080"), NONE);
  NARROWS (L ("network.user"), NONE);
  NARROWS (L ("security.admin"), L ("security.view"));
  NARROWS (NONE, L ("network.none"));
  /* One group going down does not excuse another going up. */
  WIDENS (L ("network.user", "security.confined"), L ("network.none", "security.admin"));
}
END_TEST

/* Every level of the catalogue is ranked: a group's default is the
 * lowest (granting it narrows), every other level widens.  A new level
 * that trust.c does not know would widen even as a default and fail
 * here. */
START_TEST (catalogue_levels_ranked)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();

  ck_assert_ptr_nonnull (cat);
  for (size_t i = 0; i < ent_catalogue_size (cat); i++)
    {
      const ent_definition_t *d = ent_catalogue_get (cat, i);
      char name[128];
      if (d->group == NULL)
        continue;
      snprintf (name, sizeof (name), "%s%s", d->name, d->value_hint ? "=http://127.0.0.1:1" : "");
      ck_assert_msg (classify (NONE, L (name))
                         == (d->is_default ? ENTRUN_CHANGE_NARROWS : ENTRUN_CHANGE_WIDENS),
                     "%s", name);
    }
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (paths_and_flags)
{
  WIDENS (NONE, L ("host.fs.rw=/"));
  WIDENS (L ("host.fs.rw=/p/build"), L ("host.fs.rw=/p/build", "host.fs.ro=/home/u/.ssh"));
  WIDENS (NONE, L ("host.fs.tmpfs=/p/t"));
  WIDENS (NONE, L ("host.fs.overlay=/usr"));
  WIDENS (L ("host.fs.hide=/p/secrets"), NONE);
  NARROWS (NONE, L ("host.fs.hide=/p/secrets"));
  NARROWS (L ("host.fs.rw=/p/build"), NONE);
  /* ro, tmpfs and overlay also take writes or sight away: dropping one
   * widens too (the attack review's findings). */
  WIDENS (L ("host.fs.ro=/p/src"), NONE);
  WIDENS (L ("host.fs.tmpfs=/p/secrets"), NONE);
  WIDENS (L ("host.fs.overlay=/p/src"), NONE);
  NARROWS (L ("debug.ptrace", "network.publish=8080:80", "host.clipboard"), NONE);
  WIDENS (L ("host.fs.rw=/p/build"), L ("host.fs.rw=/p"));
  WIDENS (NONE, L ("debug.ptrace"));
  WIDENS (NONE, L ("security.memory-lock"));
  WIDENS (NONE, L ("network.publish=8080:80"));
  WIDENS (NONE, L ("network.host-loopback"));
  WIDENS (NONE, L ("host.clipboard"));
  NARROWS (NONE, L ("security.fs-read-only"));
  NARROWS (NONE, L ("security.landlock-required"));
  WIDENS (L ("security.fs-read-only"), NONE);
  WIDENS (L ("security.landlock-required"), NONE);
}
END_TEST

START_TEST (api_access)
{
  WIDENS (NONE, L ("api.access=ssh-agent:allow"));
  WIDENS (L ("api.access=docker:deny"), L ("api.access=docker:allow"));
  WIDENS (L ("api.access=docker:deny"), NONE);
  NARROWS (NONE, L ("api.access=docker:deny"));
  NARROWS (L ("api.access=docker:allow"), NONE);
  NARROWS (L ("api.access=docker:allow"), L ("api.access=docker:deny"));
}
END_TEST

START_TEST (limits)
{
  NARROWS (NONE, L ("resources.memory=1073741824"));
  NARROWS (L ("resources.memory=2147483648"), L ("resources.memory=1073741824"));
  WIDENS (L ("resources.memory=1073741824"), L ("resources.memory=2147483648"));
  WIDENS (L ("resources.memory=1073741824"), NONE);
  /* resources.pids is 4096 without a grant. */
  NARROWS (NONE, L ("resources.pids=100"));
  WIDENS (NONE, L ("resources.pids=100000"));
  WIDENS (L ("resources.pids=100"), NONE);
  NARROWS (L ("resources.pids=100000"), NONE);
  WIDENS (L ("resources.timeout=60"), L ("resources.timeout=600"));
  /* Another limit is another setting. */
  WIDENS (L ("resources.files=10"), L ("resources.file-size=10"));
}
END_TEST

START_TEST (settings_and_customs)
{
  WIDENS (NONE, L ("env keep GITHUB_TOKEN"));
  WIDENS (NONE, L ("env set LD_PRELOAD=/p/x.so"));
  NARROWS (NONE, L ("env unset FOO"));
  NARROWS (NONE, L ("env clear"));
  WIDENS (L ("env clear"), NONE);
  WIDENS (NONE, L ("chdir /"));
  WIDENS (L ("chdir /p/build"), NONE);
  WIDENS (L ("hostname a"), NONE);
  NARROWS (L ("env keep TOKEN"), NONE);
  WIDENS (L ("env set A=1"), NONE);
  WIDENS (NONE, L ("custom tools.x (allow ptrace)"));
  WIDENS (L ("custom tools.x (allow ptrace)"), L ("custom tools.x (caps CAP_SYS_ADMIN, rw /)"));
  /* A custom entitlement may deny and hide: dropping it widens. */
  WIDENS (L ("custom tools.x (deny ptrace, hide /p/secrets)"), NONE);
  /* A custom name that begins as a catalogue one is no catalogue grant
   * (the second attack review): adding security.fs-read-only.x widens,
   * dropping debug.guard.x widens. */
  WIDENS (NONE, L ("custom security.fs-read-only.x (caps CAP_SYS_ADMIN, rw ~)"));
  WIDENS (NONE, L ("custom security.landlock-required.x (rw ~)"));
  WIDENS (L ("custom debug.guard.x (hide ~)"), NONE);
  WIDENS (L ("custom host.clipboard-guard.x (deny connect)"), NONE);
  /* Flags are whole names: a longer item is not the flag. */
  WIDENS (NONE, L ("security.fs-read-only.x"));
  WIDENS (L ("debug.ptrace.x"), NONE);
  WIDENS (NONE, L ("define tools.x (caps CAP_SYS_ADMIN)"));
}
END_TEST

START_TEST (diff_lists)
{
  char **added, **removed;

  ck_assert_int_eq (entrun_trust_classify (L ("network.none", "host.fs.rw=/p/b"),
                                           L ("host.fs.rw=/p/b", "network.user", "host.fs.rw=/"),
                                           &added, &removed),
                    ENTRUN_CHANGE_WIDENS);
  /* Sorted, for a stable listing. */
  ck_assert_str_eq (added[0], "host.fs.rw=/");
  ck_assert_str_eq (added[1], "network.user");
  ck_assert_ptr_null (added[2]);
  ck_assert_str_eq (removed[0], "network.none");
  ck_assert_ptr_null (removed[1]);
  free_lists (added, removed);
}
END_TEST

/* ---- items and the resolved hash ----------------------------------------- */

typedef struct summary
{
  entrun_trust_item_t *items;
  size_t n;
  char hash[65];
} summary_t;

static summary_t
summarize (const char *text)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  entrun_loaded_t l = { 0 };
  ent_error_t *err = NULL;
  summary_t s;

  ck_assert_ptr_nonnull (cat);
  l.confs = calloc (1, sizeof (entrun_conf_t));
  ck_assert_ptr_nonnull (l.confs);
  ck_assert_msg (
      entrun_conf_parse_buffer (text, strlen (text), "/srv/proj/.entrun.ini", &l.confs[0], &err)
          == 0,
      "%s", ent_error_message (err));
  l.n = 1;
  l.has_project = true;
  l.project_dir = strdup ("/srv/proj");
  ck_assert_int_eq (entrun_conf_register_customs (&l.confs[0], cat, &err), 0);
  ck_assert_msg (entrun_trust_items (&l, cat, "/srv/home", &s.items, &s.n, s.hash, &err) == 0, "%s",
                 ent_error_message (err));
  entrun_loaded_clear (&l);
  ent_catalogue_free (cat);
  return s;
}

static bool
has_item (const summary_t *s, const char *text, const char *source)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp (s->items[i].text, text) == 0)
      return source == NULL || (s->items[i].source && strcmp (s->items[i].source, source) == 0);
  return false;
}

START_TEST (items_and_hash)
{
  summary_t a = summarize ("[sandbox]\nentitlements = network.user debug.ptrace\n"
                           "[filesystem]\nrw = /srv/proj/build\n[resources]\nmemory = 1G\n"
                           "[environment]\nkeep = TOKEN\n");
  /* Comments, spacing, order and FILE:LINE do not count. */
  summary_t b = summarize ("; a comment\n\n[resources]\nmemory   =   1024M\n[filesystem]\n"
                           "rw = /srv/proj/build\n[sandbox]\n"
                           "entitlements = debug.ptrace  network.user ; inline\n"
                           "[environment]\nkeep = TOKEN\n");
  /* A change of effect does. */
  summary_t c = summarize ("[sandbox]\nentitlements = network.user debug.ptrace\n"
                           "[filesystem]\nrw = /srv/proj/build\n[resources]\nmemory = 2G\n"
                           "[environment]\nkeep = TOKEN\n");

  ck_assert_str_eq (a.hash, b.hash);
  ck_assert_str_ne (a.hash, c.hash);
  ck_assert_uint_eq (strlen (a.hash), 64);
  ck_assert (has_item (&a, "network.user", "/srv/proj/.entrun.ini:2"));
  ck_assert (has_item (&a, "debug.ptrace", NULL));
  ck_assert (has_item (&a, "host.fs.rw=/srv/proj/build", "/srv/proj/.entrun.ini:4"));
  ck_assert (has_item (&a, "resources.memory=1073741824", NULL));
  ck_assert (has_item (&a, "env keep TOKEN", "/srv/proj/.entrun.ini:8"));
  ck_assert_uint_eq (a.n, 5);
  entrun_trust_items_free (a.items, a.n);
  entrun_trust_items_free (b.items, b.n);
  entrun_trust_items_free (c.items, c.n);
}
END_TEST

/* A custom entitlement's item carries its definition: changing what
 * tools.x does changes the item, not only the hash. */
START_TEST (custom_definition)
{
  summary_t a = summarize ("[sandbox]\nentitlements = tools.x\n[entitlement tools.x]\n"
                           "description = x\nallow-syscalls = ptrace\n");
  summary_t b = summarize ("[sandbox]\nentitlements = tools.x\n[entitlement tools.x]\n"
                           "description = x\nallow-syscalls = ptrace\nrw = /\n");
  /* Defined, not granted: -e tools.x would take it from the project. */
  summary_t c = summarize ("[entitlement tools.y]\ncaps = CAP_SYS_ADMIN CAP_NET_ADMIN\nrw = ~\n");

  ck_assert_str_ne (a.hash, b.hash);
  ck_assert (has_item (&a, "custom tools.x (allow ptrace)", "/srv/proj/.entrun.ini:2"));
  ck_assert (has_item (&b, "custom tools.x (allow ptrace, rw /)", NULL));
  ck_assert_uint_eq (a.n, 1);
  ck_assert (has_item (&c, "define tools.y (caps CAP_NET_ADMIN CAP_SYS_ADMIN, rw ~)",
                       "/srv/proj/.entrun.ini:1"));
  entrun_trust_items_free (a.items, a.n);
  entrun_trust_items_free (b.items, b.n);
  entrun_trust_items_free (c.items, c.n);
}
END_TEST

/* A mount path holding ", " or ")" is escaped: one mount never reads as
 * two (`ro = a, hide ~/.aws` is one ro of that path). */
START_TEST (custom_paths_escaped)
{
  summary_t a = summarize ("[sandbox]\nentitlements = tools.x\n[entitlement tools.x]\n"
                           "ro = /a, hide /b)\n");
  summary_t b = summarize ("[sandbox]\nentitlements = tools.x\n[entitlement tools.x]\n"
                           "ro = /a\nhide = /b\n");

  ck_assert (has_item (&a, "custom tools.x (ro /a\\, hide /b\\))", NULL));
  ck_assert (has_item (&b, "custom tools.x (ro /a, hide /b)", NULL));
  entrun_trust_items_free (a.items, a.n);
  entrun_trust_items_free (b.items, b.n);
}
END_TEST

/* The launcher runs only what it applies in full: a profile the library
 * accepts but entrun would apply only in part is refused, its field named. */
START_TEST (runnable_only_in_full)
{
  char *opts[] = { "noexec", NULL }, *none[] = { NULL };
  const struct
  {
    ent_mount_t m;
    const char *needle; /* NULL: runnable */
  } cases[] = {
    { { .kind = ENT_MOUNT_OTHER, .path = "/proc2", .source = "proc", .type = "proc" },
      "a mount of type 'proc', at /proc2" },
    { { .kind = ENT_MOUNT_BIND_RO, .path = "/data", .source = "/etc" },
      "a mount from another source, '/etc', at /data" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/data", .options = opts },
      "a mount with options of its own, 'noexec', at /data" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/data", .options = none }, NULL },
    { { .kind = ENT_MOUNT_TMPFS, .path = "/data" }, NULL },
  };
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  ent_profile_t *fresh = ent_profile_new ();
  ent_error_t *err = NULL;

  ck_assert_int_eq (entrun_policy_check_runnable (fresh, &err), -ENOTSUP);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "leaves the capabilities unset"));
  ent_error_clear (&err);
  ent_profile_free (fresh);
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      ent_profile_t *base = ent_profile_new ();
      ent_manager_t *m;
      int ret;

      ck_assert_int_eq (ent_profile_set_string (&base->cwd, "/w"), 0);
      ck_assert_int_eq (ent_profile_add_mount_full (base, &cases[i].m, NULL), 0);
      m = ent_manager_new (base, cat, NULL);
      ck_assert_ptr_nonnull (m);
      ret = entrun_policy_check_runnable (ent_manager_profile (m), &err);
      if (cases[i].needle == NULL)
        ck_assert_msg (ret == 0, "case %zu: %s", i, ent_error_message (err));
      else
        {
          ck_assert_int_eq (ret, -ENOTSUP);
          ck_assert_msg (strstr (ent_error_message (err), cases[i].needle), "case %zu: %s", i,
                         ent_error_message (err));
        }
      ent_error_clear (&err);
      ent_manager_free (m);
    }
  ent_catalogue_free (cat);
}
END_TEST

Suite *
trust_suite (void)
{
  Suite *s = suite_create ("trust");
  TCase *tc = tcase_create ("classify");

  tcase_add_test (tc, same_is_same);
  tcase_add_test (tc, levels);
  tcase_add_test (tc, catalogue_levels_ranked);
  tcase_add_test (tc, paths_and_flags);
  tcase_add_test (tc, api_access);
  tcase_add_test (tc, limits);
  tcase_add_test (tc, settings_and_customs);
  tcase_add_test (tc, diff_lists);
  suite_add_tcase (s, tc);
  tc = tcase_create ("items");
  tcase_add_test (tc, items_and_hash);
  tcase_add_test (tc, custom_definition);
  tcase_add_test (tc, custom_paths_escaped);
  suite_add_tcase (s, tc);
  tc = tcase_create ("policy");
  tcase_add_test (tc, runnable_only_in_full);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (trust_suite ());
  int failed;

  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
