/* Unit tests: the network helper's seccomp filter (launcher/nethelper-filter.c),
 * loaded into a forked child that then tries what a helper taken over by
 * a libslirp bug would: signal the user's processes through F_SETOWN,
 * take over a port with SO_REUSEPORT, bind or listen after the start,
 * make a unix socket, write a file, kill. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "sandbox.h"

/* The errno of each attempt, as a line "name=errno" per attempt, in the
 * child under the filter (0 for success). */
static char results[1024];

static void
try (FILE *out, const char *name, int ret)
{
  fprintf (out, "%s=%d\n", name, ret < 0 ? errno : 0);
}

/* Fork; in the child set no_new_privs and run @tries (which loads a filter
 * and makes its attempts, one try() each, into the pipe); collect its
 * lines in results. */
static void
run_confined (void (*tries) (FILE *out, bool arg), bool arg)
{
  int fds[2], status;
  pid_t pid;
  ssize_t n;

  ck_assert_int_eq (pipe (fds), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      FILE *out = fdopen (fds[1], "w");
      if (out == NULL || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit (99);
      tries (out, arg);
      fflush (out);
      _exit (0);
    }
  close (fds[1]);
  n = read (fds[0], results, sizeof (results) - 1);
  results[n > 0 ? n : 0] = '\0';
  close (fds[0]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %d", status);
}

static void
helper_tries (FILE *out, bool started)
{
  int udp, one = 1;
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  if (entrun_nethelper_filter (started) < 0)
    _exit (99);
  udp = socket (AF_INET, SOCK_DGRAM, 0);
  try (out, "socket-inet", udp);
  try (out, "socket-unix", socket (AF_UNIX, SOCK_STREAM, 0));
  try (out, "socket-netlink", socket (AF_NETLINK, SOCK_RAW, 0));
  try (out, "setfl-nonblock", fcntl (udp, F_SETFL, O_NONBLOCK));
  try (out, "setfl-async", fcntl (udp, F_SETFL, O_ASYNC));
  try (out, "dupfd-cloexec", fcntl (udp, F_DUPFD_CLOEXEC, 0));
  try (out, "setown", fcntl (udp, F_SETOWN, getppid ()));
  try (out, "setsig", fcntl (udp, F_SETSIG, SIGKILL));
  try (out, "reuseaddr", setsockopt (udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one)));
  try (out, "reuseport", setsockopt (udp, SOL_SOCKET, SO_REUSEPORT, &one, sizeof (one)));
  try (out, "bind", bind (udp, (struct sockaddr *)&sin, sizeof (sin)));
  try (out, "listen", listen (socket (AF_INET, SOCK_STREAM, 0), 1));
  try (out, "open-write", open ("/dev/null", O_WRONLY));
  try (out, "kill", kill (getppid (), 0));
  /* The helper loads the filter of after the start on top. */
  if (!started)
    try (out, "second-filter", entrun_nethelper_filter (true) < 0 ? (errno = EINVAL, -1) : 0);
  try (out, "bind-after", bind (socket (AF_INET, SOCK_DGRAM, 0), (struct sockaddr *)&sin, sizeof (sin)));
}

static void
attempts (bool started)
{
  run_confined (helper_tries, started);
}

static void
ck_result (const char *name, int err)
{
  char want[64];

  snprintf (want, sizeof (want), "%s=%d\n", name, err);
  ck_assert_msg (strstr (results, want) != NULL, "expected %s in:\n%s", want, results);
}

START_TEST (running_helper_is_confined)
{
  attempts (true);
  ck_result ("socket-inet", 0);
  ck_result ("socket-unix", EPERM);
  ck_result ("socket-netlink", EPERM);
  ck_result ("setfl-nonblock", 0);
  ck_result ("setfl-async", EPERM);
  /* The engine's check for free descriptors (engine.c, fds_free). */
  ck_result ("dupfd-cloexec", 0);
  ck_result ("setown", EPERM);
  ck_result ("setsig", EPERM);
  ck_result ("reuseaddr", 0);
  ck_result ("reuseport", EPERM);
  ck_result ("bind", EPERM);
  ck_result ("listen", EPERM);
  ck_result ("open-write", EPERM);
  ck_result ("kill", EPERM);
}
END_TEST

/* Before the engine starts, the published ports are bound: bind and
 * listen pass, nothing else changes. */
START_TEST (starting_helper_may_bind)
{
  attempts (false);
  ck_result ("bind", 0);
  ck_result ("listen", 0);
  ck_result ("setown", EPERM);
  ck_result ("reuseport", EPERM);
  ck_result ("socket-unix", EPERM);
  ck_result ("second-filter", 0);
  ck_result ("bind-after", EPERM);
}
END_TEST

/* The filters the binary embeds (launcher/seccomp-precompiled.c) are the
 * ones the helper's rules compile to now: a stale table would load rules
 * nobody reads any more. */
/* @prog, just compiled (@ret, @err), is @pre, the embedded one. */
static void
ck_embedded (const entrun_prog_t *pre, int ret, struct sock_fprog *prog, ent_error_t *err)
{
  ck_assert_msg (ret == 0, "%s", ent_error_message (err));
  ck_assert_uint_gt (pre->len, 0);
  ck_assert_uint_eq (prog->len, pre->len);
  ck_assert (memcmp (prog->filter, pre->filter, prog->len * sizeof (struct sock_filter)) == 0);
  free (prog->filter);
}

START_TEST (embedded_filters_are_current)
{
  for (int started = 0; started < 2; started++)
    {
      struct sock_fprog prog;
      ent_error_t *err = NULL;
      int ret = entrun_nethelper_filter_compile (started, &prog, &err);
      ck_embedded (&entrun_nethelper_precompiled[started], ret, &prog, err);
    }
}
END_TEST

/* Grants whose rules are an embedded filter's but whose other grants make
 * some watched calls moot (network.user's connect, network.host's,
 * security.admin's capabilities): entrun_filter_prepare takes the
 * embedded filter and unwatches them, rather than compiling for 30 ms,
 * and every call gets the same verdict, and goes to pid 1 or not, as with
 * the filter compiled for the profile. */
START_TEST (precompiled_serves_moot_watches)
{
  static const char *const sets[][3] = {
    { "network.user", NULL },
    { "network.host", NULL },
    { "security.admin", "network.host" },
    { "security.view", "network.user" },
    { "network.proxy=http://127.0.0.1:1", NULL },
  };
  static const uint64_t args[] = { 0, 1, 16, 28, 0x10000000, 0x40000, 0xffffffff };
  ent_catalogue_t *cat = ent_catalogue_new_default ();

  for (size_t s = 0; s < sizeof (sets) / sizeof (sets[0]); s++)
    {
      ent_manager_t *m = ent_manager_new (NULL, cat, NULL);
      entrun_filter_t pre, comp;
      ent_error_t *err = NULL;
      const ent_profile_t *p;
      for (size_t g = 0; g < 3 && sets[s][g]; g++)
        ck_assert_int_eq (
            ent_manager_add_request (m, cat, sets[s][g], "test", ENT_PRECEDENCE_CLI, &err), 0);
      p = ent_manager_profile (m);
      ck_assert_int_eq (entrun_filter_prepare (p, &pre, &err), 0);
      ck_assert_msg (!pre.compiled, "%s %s: compiled", sets[s][0], sets[s][1] ? sets[s][1] : "");
      ck_assert_int_eq (entrun_filter_compile (p, &comp, &err), 0);
      for (uint32_t nr = 0; nr < 470; nr++)
        for (size_t a = 0; a < sizeof (args) / sizeof (args[0]); a++)
          {
            struct seccomp_data d
                = { .nr = (int)nr, .arch = 0xc000003e, .args = { args[a], 0, args[a] } };
            int h1, h2;
            uint32_t v1 = entrun_filter_judge (&pre, &d, &h1),
                     v2 = entrun_filter_judge (&comp, &d, &h2);
            uint32_t l1 = entrun_bpf_run (&pre.prog, &d), l2 = entrun_bpf_run (&comp.prog, &d);
            if (v1 != v2 || (h1 >= 0) != (h2 >= 0) || l1 != l2)
              ck_abort_msg ("%s: nr %u a %#llx: %#x/%d/%#x against %#x/%d/%#x", sets[s][0], nr,
                            (unsigned long long)args[a], v1, h1, l1, v2, h2, l2);
          }
      entrun_filter_clear (&pre);
      entrun_filter_clear (&comp);
      ent_manager_free (m);
    }
  ent_catalogue_free (cat);
}
END_TEST

/* pid 1's own filter (launcher/pid1-filter.c): what it does once the
 * payload runs passes; a way out does not. */
static void
pid1_tries (FILE *out, bool unused)
{
  void *map;
  pid_t child;

  (void)unused;
  if (entrun_pid1_filter () < 0)
    _exit (99);
  try (out, "socket-udp", socket (AF_INET, SOCK_DGRAM, 0));
  try (out, "socket-tcp", socket (AF_INET, SOCK_STREAM, 0));
  try (out, "socket-unix", socket (AF_UNIX, SOCK_DGRAM, 0));
  try (out, "socket-inet6", socket (AF_INET6, SOCK_DGRAM, 0));
  /* Reading only (the memory watch's /proc/PID/status). */
  try (out, "open-read", open ("/dev/null", O_RDONLY));
  try (out, "open-dir", open ("/", O_RDONLY | O_DIRECTORY));
  try (out, "open-write", open ("/dev/null", O_WRONLY));
  try (out, "open-rdwr", open ("/dev/null", O_RDWR));
  try (out, "open-append", open ("/dev/null", O_RDONLY | O_APPEND));
  try (out, "open-trunc", open ("/dev/null", O_RDONLY | O_TRUNC));
  try (out, "open-creat", open ("/tmp/entrun-pid1-filter-test", O_RDONLY | O_CREAT, 0600));
  try (out, "open-tmpfile", open ("/tmp", O_RDWR | O_TMPFILE, 0600));
  try (out, "kill", kill (getppid (), 0));
  try (out, "prctl", prctl (PR_SET_DUMPABLE, 1, 0, 0, 0));
  try (out, "ptrace", (int)syscall (SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
  try (out, "unshare", unshare (CLONE_NEWUSER));
  map = mmap (NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  try (out, "mmap-exec", map == MAP_FAILED ? -1 : 0);
  try (out, "malloc", malloc (1 << 20) != NULL ? 0 : (errno = ENOMEM, -1));
  /* pid 1 makes no process once the payload runs. */
  child = fork ();
  if (child == 0)
    _exit (0);
  try (out, "fork", child);
}

START_TEST (pid1_is_confined)
{
  run_confined (pid1_tries, false);
  ck_result ("socket-udp", 0);
  ck_result ("socket-tcp", EPERM);
  ck_result ("socket-unix", EPERM);
  ck_result ("socket-inet6", EPERM);
  ck_result ("open-read", 0);
  ck_result ("open-dir", 0);
  ck_result ("open-write", EPERM);
  ck_result ("open-rdwr", EPERM);
  ck_result ("open-append", EPERM);
  ck_result ("open-trunc", EPERM);
  ck_result ("open-creat", EPERM);
  ck_result ("open-tmpfile", EPERM);
  ck_result ("kill", 0);
  ck_result ("prctl", EPERM);
  ck_result ("ptrace", EPERM);
  ck_result ("unshare", EPERM);
  ck_result ("mmap-exec", EPERM);
  ck_result ("malloc", 0);
  ck_result ("fork", EPERM);
}
END_TEST

START_TEST (pid1_embedded_filter_is_current)
{
  struct sock_fprog prog;
  ent_error_t *err = NULL;
  int ret = entrun_pid1_filter_compile (&prog, &err);

  ck_embedded (&entrun_pid1_precompiled, ret, &prog, err);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("nethelper");
  TCase *tc = tcase_create ("filter");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, running_helper_is_confined);
  tcase_add_test (tc, starting_helper_may_bind);
  tcase_add_test (tc, embedded_filters_are_current);
  tcase_add_test (tc, precompiled_serves_moot_watches);
  tcase_add_test (tc, pid1_is_confined);
  tcase_add_test (tc, pid1_embedded_filter_is_current);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
