/* entrun --doctor (see doctor.h).  Every check tries the real thing where it
 * can (creating a user namespace, opening /dev/net/tun) rather than trusting
 * a setting alone. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "doctor.h"
#include "landlock.h"
#include "util.h"

enum level
{
  OK,
  INFO,
  WARN,
  FAIL,
};

static const char *const labels[]
    = { [OK] = "ok  ", [INFO] = "info", [WARN] = "warn", [FAIL] = "FAIL" };

static void
report (enum level l, const char *what, const char *detail, const char *hint)
{
  printf ("%s  %-22s %s%s%s\n", labels[l], what, detail, hint ? " -- " : "", hint ? hint : "");
}

/* The integer in /proc/sys/@name, or -1 when the file does not exist. */
static long
sysctl_value (const char *name)
{
  char path[256], buf[32];
  cleanup_close int fd = -1;
  ssize_t n;

  snprintf (path, sizeof (path), "/proc/sys/%s", name);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0 || (n = read (fd, buf, sizeof (buf) - 1)) <= 0)
    return -1;
  buf[n] = '\0';
  return strtol (buf, NULL, 10);
}

/* Can this user create a user namespace right now? */
static int
try_userns (void)
{
  int status;
  pid_t pid = syscall (SYS_clone, (unsigned long)CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);

  if (pid < 0)
    return -errno;
  if (pid == 0)
    _exit (0);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return 0;
}

static bool
check_userns (void)
{
  long max = sysctl_value ("user/max_user_namespaces");
  long clone_ok = sysctl_value ("kernel/unprivileged_userns_clone");
  long apparmor = sysctl_value ("kernel/apparmor_restrict_unprivileged_userns");
  int ret = try_userns ();
  char detail[128];

  if (ret == 0)
    {
      report (OK, "user namespaces", "an unprivileged user namespace could be created", NULL);
      if (apparmor == 1)
        report (WARN, "apparmor", "kernel.apparmor_restrict_unprivileged_userns=1",
                "namespaces work for now; an AppArmor profile for entrun keeps it so");
      return true;
    }
  snprintf (detail, sizeof (detail), "cannot create one: %s", strerror (-ret));
  if (max == 0)
    report (FAIL, "user namespaces", detail, "sysctl -w user.max_user_namespaces=15000");
  else if (clone_ok == 0)
    report (FAIL, "user namespaces", detail, "sysctl -w kernel.unprivileged_userns_clone=1");
  else if (apparmor == 1)
    report (FAIL, "user namespaces", detail,
            "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile "
            "allowing userns for entrun");
  else
    report (FAIL, "user namespaces", detail, "is entrun itself running in a restricted container?");
  return false;
}

static bool
check_seccomp (void)
{
  if (prctl (PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
    {
      report (FAIL, "seccomp", strerror (errno), "a kernel built with CONFIG_SECCOMP_FILTER");
      return false;
    }
  report (OK, "seccomp", "filters available", NULL);
  return true;
}

static void
check_tun (void)
{
  cleanup_close int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);

  if (fd >= 0)
    report (OK, "/dev/net/tun", "openable (network.user, network.admin)", NULL);
  else
    report (WARN, "/dev/net/tun", strerror (errno),
            errno == ENOENT ? "modprobe tun (network.user needs it)"
                            : "chmod 0666 /dev/net/tun (network.user needs it)");
}

static void
check_slirp (void)
{
  void *h = dlopen (LIBSLIRP_SONAME, RTLD_LAZY | RTLD_LOCAL);

  if (h)
    {
      report (OK, "libslirp", LIBSLIRP_SONAME " loads (network.user, network.admin)", NULL);
      dlclose (h);
    }
  else
    report (WARN, "libslirp", "cannot be loaded",
            "apt-get install libslirp0 (network.user needs it)");
}

/* Which of entrun's Landlock families this kernel can enforce. */
static void
check_landlock (void)
{
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  char on[160] = "", off[160] = "", detail[400];

  if (abi < 0)
    {
      report (INFO, "landlock", errno == EOPNOTSUPP ? "disabled at boot" : "not in this kernel",
              "no second wall; host.devices.view and security.landlock-required refuse to run");
      return;
    }
  for (int f = 0; f < ENTRUN_LL_N_FAMILIES; f++)
    {
      bool has = entrun_landlock_family_abi (f) <= abi;
      char *list = has ? on : off;
      size_t len = strlen (list);
      snprintf (list + len, sizeof (on) - len, "%s%s%s", len ? ", " : "",
                entrun_landlock_family_name (f),
                f == ENTRUN_LL_DEVICES && abi < 5 ? " (writes; ioctls need ABI 5)" : "");
    }
  snprintf (detail, sizeof (detail), "ABI %ld: %s%s%s%s", abi, on, *off ? " (not: " : "", off,
            *off ? ")" : "");
  report (abi >= 6 ? OK : INFO, "landlock", detail,
          abi >= 6 ? NULL : "a newer kernel enforces more (security.landlock-required needs ABI 6)");
}

static void
check_cgroup (void)
{
  cleanup_free char *dir = NULL;

  if (entrun_cgroup_backend (&dir) == ENT_RES_CGROUP)
    report (OK, "cgroup delegation", dir, NULL);
  else
    report (INFO, "cgroup delegation", "none writable: RLIMIT_NPROC and pid 1's memory watch",
            "systemd-run --user --scope -p Delegate=yes entrun ... for cgroup limits");
}

static void
check_newuidmap (void)
{
  bool found = access ("/usr/bin/newuidmap", X_OK) == 0;

  report (INFO, "newuidmap", found ? "installed" : "not installed",
          "not needed: entrun maps only the caller's own uid and gid");
}

int
entrun_doctor (void)
{
  bool essentials = check_userns ();

  essentials = check_seccomp () && essentials;
  check_tun ();
  check_slirp ();
  check_landlock ();
  check_cgroup ();
  check_newuidmap ();
  fflush (stdout);
  return essentials ? 0 : 1;
}
