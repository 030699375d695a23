/* Helpers shared by the core unit tests.  Header only (static inline), so
 * each test file takes what it needs and the build lists no extra source.
 * Everything here is pure: profiles, managers and strings in memory. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"

#define TEST_N(a) (sizeof (a) / sizeof ((a)[0]))

/* The base every test sandbox starts from: relative paths resolve against
 * TEST_CWD and '~' against TEST_HOME. */
#define TEST_CWD "/work"
#define TEST_HOME "/home/u"
#define TEST_SOURCE "command line"

static inline ent_profile_t *
test_base_profile (void)
{
  ent_profile_t *p = ent_profile_new ();

  ck_assert_ptr_nonnull (p);
  ck_assert_int_eq (ent_profile_set_string (&p->cwd, TEST_CWD), 0);
  ck_assert_int_eq (ent_profile_set_string (&p->home, TEST_HOME), 0);
  return p;
}

/* What the launcher would find for each host API (api.access) on a test
 * machine, indexed by ent_api_t: sockets or directories, and the variables
 * naming them.  Both lists are given sorted. */
static const struct test_api_endpoint
{
  const char *name;
  const char *paths[3];
  const char *vars[3];
} test_api_endpoints[ENT_API_COUNT] = {
  [ENT_API_SSH_AGENT] = { "ssh-agent", { "/tmp/ssh-XYZ/agent.42" },
                          { "SSH_AGENT_PID", "SSH_AUTH_SOCK" } },
  [ENT_API_GPG_AGENT] = { "gpg-agent", { "/run/user/1000/gnupg" }, { "GPG_AGENT_INFO" } },
  [ENT_API_DBUS_SESSION] = { "dbus-session", { "/run/user/1000/bus" },
                             { "DBUS_SESSION_BUS_ADDRESS" } },
  [ENT_API_DBUS_SYSTEM] = { "dbus-system", { "/run/dbus/system_bus_socket" },
                            { "DBUS_SYSTEM_BUS_ADDRESS" } },
  [ENT_API_DOCKER] = { "docker", { "/run/docker.sock", "/run/user/1000/docker.sock" },
                       { "DOCKER_HOST" } },
  [ENT_API_PODMAN] = { "podman", { "/run/user/1000/podman/podman.sock" }, { "CONTAINER_HOST" } },
  [ENT_API_X11] = { "x11", { "/tmp/.X11-unix" }, { "DISPLAY", "XAUTHORITY" } },
  [ENT_API_WAYLAND] = { "wayland", { "/run/user/1000/wayland-0" }, { "WAYLAND_DISPLAY" } },
  [ENT_API_PIPEWIRE] = { "pipewire", { "/run/user/1000/pipewire-0" }, { "PIPEWIRE_REMOTE" } },
};

/* Fill @p's api table as the launcher does on the base profile. */
static inline void
test_fill_api (ent_profile_t *p)
{
  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      for (const char *const *s = test_api_endpoints[i].paths; *s; s++)
        ck_assert_int_eq (ent_strlist_add (&p->api[i].paths, *s), 0);
      for (const char *const *s = test_api_endpoints[i].vars; *s; s++)
        ck_assert_int_eq (ent_strlist_add (&p->api[i].vars, *s), 0);
    }
}

/* test_base_profile() as the launcher leaves it on a host with (or
 * without) a delegated cgroup and, when @apis, every host API present. */
static inline ent_profile_t *
test_host_profile (ent_res_backend_t backend, bool apis)
{
  ent_profile_t *p = test_base_profile ();

  p->resources.backend = backend;
  if (apis)
    test_fill_api (p);
  return p;
}

/* A manager over @base (owned by it from now on) with @cat's defaults. */
static inline ent_manager_t *
test_manager_over (const ent_catalogue_t *cat, ent_profile_t *base)
{
  ent_manager_t *m = ent_manager_new (base, cat, NULL);

  ck_assert_ptr_nonnull (m);
  return m;
}

/* A manager over test_base_profile() with @cat's default levels. */
static inline ent_manager_t *
test_manager (const ent_catalogue_t *cat)
{
  ent_manager_t *m = ent_manager_new (test_base_profile (), cat, NULL);

  ck_assert_ptr_nonnull (m);
  return m;
}

static inline ent_catalogue_t *
test_catalogue (void)
{
  ent_catalogue_t *c = ent_catalogue_new_default ();

  ck_assert_ptr_nonnull (c);
  return c;
}

/* Grant @request as the command line would. */
static inline int
test_grant (ent_manager_t *m, const ent_catalogue_t *cat, const char *request, ent_error_t **err)
{
  return ent_manager_add_request (m, cat, request, TEST_SOURCE, ENT_PRECEDENCE_CLI, err);
}

/* Grant @request and fail the test, with the library's message, if refused. */
static inline void
test_grant_ok (ent_manager_t *m, const ent_catalogue_t *cat, const char *request)
{
  ent_error_t *err = NULL;
  int ret = test_grant (m, cat, request, &err);

  ck_assert_msg (ret == 0, "granting '%s' failed (%d): %s", request, ret, ent_error_message (err));
  ck_assert_ptr_null (err);
}

/* A manager over the default catalogue with each of the NULL-terminated
 * @requests granted from the command line. */
static inline ent_manager_t *
test_manager_with (const ent_catalogue_t *cat, const char *const *requests)
{
  ent_manager_t *m = test_manager (cat);

  for (; requests && *requests; requests++)
    test_grant_ok (m, cat, *requests);
  return m;
}

/* Assert that a call failed with -@code, that @err carries @code, and that
 * its message contains @needle (when not NULL). */
static inline void
test_check_error (int ret, const ent_error_t *err, int code, const char *needle)
{
  ck_assert_msg (ret == -code, "expected -%d, got %d (%s)", code, ret, ent_error_message (err));
  ck_assert_ptr_nonnull (err);
  ck_assert_int_eq (err->code, code);
  if (needle)
    ck_assert_msg (strstr (ent_error_message (err), needle) != NULL, "message \"%s\" lacks \"%s\"",
                   ent_error_message (err), needle);
}

/* test_check_error on the result of @call; a macro so that @call runs
 * before @err is read (argument evaluation order is unspecified). */
#define test_assert_error(call, err, code, needle)                                                 \
  do                                                                                               \
    {                                                                                              \
      int ret_ = (call);                                                                           \
      test_check_error (ret_, (err), (code), (needle));                                            \
    }                                                                                              \
  while (0)

/* The same for functions that return NULL and set @err. */
static inline void
test_assert_err (const ent_error_t *err, int code, const char *needle)
{
  ck_assert_ptr_nonnull (err);
  test_check_error (-err->code, err, code, needle);
}

/* Assert that @msg quotes @text as '@text'. */
static inline void
test_assert_quotes (const ent_error_t *err, const char *text)
{
  char *quoted = NULL;

  ck_assert_int_ge (asprintf (&quoted, "'%s'", text), 0);
  ck_assert_msg (strstr (ent_error_message (err), quoted) != NULL, "message \"%s\" does not quote %s",
                 ent_error_message (err), quoted);
  free (quoted);
}

/* Instantiate @request from @cat and enforce it on @p. */
static inline void
test_enforce (const ent_catalogue_t *cat, ent_profile_t *p, const char *request)
{
  ent_error_t *err = NULL;
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, request, &err);
  int ret;

  ck_assert_msg (e != NULL, "instantiating '%s': %s", request, ent_error_message (err));
  ret = ent_entitlement_enforce (e, p, &err);
  ck_assert_msg (ret == 0, "enforcing '%s': %s", request, ent_error_message (err));
  ent_entitlement_free (e);
}

static inline char *
test_render_profile_json (const ent_profile_t *p)
{
  char *out = NULL;

  ck_assert_int_eq (ent_render_profile (p, ENT_RENDER_JSON, &out, NULL), 0);
  ck_assert_ptr_nonnull (out);
  return out;
}

/* ent_profile_equal, failing with the first line where the JSON renderings
 * differ so that a red test says what changed (@label says which case). */
static inline void
test_assert_profile_equal_at (const ent_profile_t *actual, const ent_profile_t *expected,
                              const char *label)
{
  char *a, *e;
  const char *pa, *pe, *la, *le;

  if (ent_profile_equal (actual, expected))
    return;
  a = test_render_profile_json (actual);
  e = test_render_profile_json (expected);
  for (pa = la = a, pe = le = e; *pa && *pa == *pe; pa++, pe++)
    if (*pa == '\n')
      {
        la = pa + 1;
        le = pe + 1;
      }
  if (*pa == '\0' && *pe == '\0')
    ck_abort_msg ("%s: profiles differ in a field JSON does not show (home, padding?)", label);
  ck_abort_msg ("%s: profiles differ: actual \"%.*s\" expected \"%.*s\"", label,
                (int) strcspn (la, "\n"), la, (int) strcspn (le, "\n"), le);
  free (a);
  free (e);
}

#define test_assert_profile_equal(actual, expected)                                               \
  test_assert_profile_equal_at ((actual), (expected), __func__)

/* Is @name among the NULL-terminated @list? */
static inline bool
test_in_list (const char *const *list, const char *name)
{
  for (; list && *list; list++)
    if (strcmp (*list, name) == 0)
      return true;
  return false;
}

/* Number of seccomp rules of @p for @syscall with @action. */
static inline size_t
test_count_rules (const ent_profile_t *p, const char *syscall, ent_seccomp_action_t action)
{
  size_t n = 0;

  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    n += strcmp (p->seccomp.rules[i].syscall, syscall) == 0 && p->seccomp.rules[i].action == action;
  return n;
}

/* xorshift64*: the same pseudo-random arguments on every run (seed
 * fixed by the caller), for the seccomp verdict samples. */
static inline uint64_t
test_prng (uint64_t *state)
{
  uint64_t x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * UINT64_C (0x2545F4914F6CDD1D);
}

#endif
