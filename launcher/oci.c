/* entrun — the same grants through any OCI runtime (see oci.h).
 *
 * `entrun oci export DIR -- CMD` writes a bundle an ordinary user runs with
 * `runc run -b DIR NAME`: config.json from the profile a run would have,
 * and rootfs/, an empty directory per top-level directory of the host (and
 * the host's top-level symbolic links), on which the config binds the
 * host's own read-only, as entrun shows the host.  What entrun's launcher
 * does beyond the profile is written in OCI terms where it has them: the
 * host's listening sockets masked, the files that run later (git hooks,
 * entrun's own profiles) read-only.  What has no OCI form is refused, named
 * (network.user, api.access, resources.timeout, ...), never dropped.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ent-defaults.h"
#include "hostscan.h"
#include "oci.h"
#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* Write @text to @path with @mode: a new file beside it, then renamed over
 * it, so a reader never sees half a config and a failure leaves the old
 * one. */
static void
write_file (const char *path, const char *text, mode_t mode)
{
  cleanup_free char *tmp = ent_str_printf ("%s.entrun-XXXXXX", path);
  size_t len = strlen (text);
  int fd;

  if (tmp == NULL)
    die ("out of memory");
  if ((fd = mkostemp (tmp, O_CLOEXEC)) < 0)
    die_errno ("%s", path);
  if (fchmod (fd, mode) < 0 || write (fd, text, len) != (ssize_t)len || fsync (fd) < 0)
    {
      int e = errno;
      unlink (tmp);
      errno = e;
      die_errno ("%s", path);
    }
  close (fd);
  if (rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      errno = e;
      die_errno ("%s", path);
    }
}

static void
print (const char *text)
{
  if (fputs (text, stdout) == EOF || fflush (stdout) != 0)
    die_errno ("writing to standard output");
}

/* The host's top-level directories that a bundle binds read-only: all but
 * those the config has its own of (/proc, /dev, /sys) and those the
 * profile mounts itself. */
static bool
host_dir_wanted (const ent_profile_t *p, const char *path)
{
  static const char *const own[] = { "/proc", "/dev", "/sys" };

  for (size_t i = 0; i < N_ELEMENTS (own); i++)
    if (strcmp (path, own[i]) == 0)
      return false;
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, path) == 0)
      return false;
  return true;
}

/* @path, made or found, is a directory of the caller's (not a symbolic
 * link, not someone else's): what export writes there must not land in
 * another's tree. */
static void
check_own_dir (const char *path)
{
  struct stat st;

  if (lstat (path, &st) < 0)
    die_errno ("%s", path);
  if (!S_ISDIR (st.st_mode) || st.st_uid != getuid ())
    die ("oci export: %s is not a directory of yours", path);
}

/* rootfs/ under @dir, and the host's root read-only in @p. */
static void
host_root (ent_profile_t *p, const char *dir)
{
  cleanup_free char *rootfs = ent_str_printf ("%s/rootfs", dir);
  cleanup_dir DIR *d = opendir ("/");
  struct dirent *e;
  ent_error_t *err = NULL;

  if (rootfs == NULL)
    die ("out of memory");
  if (d == NULL)
    die_errno ("/");
  if (mkdir (rootfs, 0755) < 0 && errno != EEXIST)
    die_errno ("%s", rootfs);
  check_own_dir (rootfs);
  while ((errno = 0, e = readdir (d)) != NULL)
    {
      cleanup_free char *host = ent_str_printf ("/%s", e->d_name);
      cleanup_free char *in = ent_str_printf ("%s/%s", rootfs, e->d_name);
      char link[PATH_MAX];
      struct stat st;
      ssize_t n;

      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (host == NULL || in == NULL)
        die ("out of memory");
      if (lstat (host, &st) < 0)
        continue; /* gone meanwhile */
      if (S_ISLNK (st.st_mode))
        {
          if ((n = readlink (host, link, sizeof (link) - 1)) < 0)
            die_errno ("%s", host);
          link[n] = '\0';
          if (symlink (link, in) < 0 && errno != EEXIST)
            die_errno ("%s", in);
          continue;
        }
      if (!S_ISDIR (st.st_mode))
        continue;
      if (mkdir (in, 0755) < 0 && errno != EEXIST)
        die_errno ("%s", in);
      if (host_dir_wanted (p, host)
          && ent_profile_add_implicit_mount (p, ENT_MOUNT_BIND_RO, host, &err) < 0)
        die ("%s", ent_error_message (err));
    }
  if (errno)
    die_errno ("/");
}

/* What the launcher does beyond the profile, in OCI terms: the host's
 * listening sockets masked (where the profile does not cover them
 * already), and what runs later read-only. */
static void
host_boundary (ent_profile_t *p, char *const *profile_files)
{
  cleanup_strv char **sockets = entrun_host_sockets ();
  cleanup_strv char **protect = entrun_protected_paths (p, profile_files);
  cleanup_strv char **git = NULL;

  entrun_git_protected (p, &git);
  for (size_t i = 0; sockets[i]; i++)
    if (!ent_profile_covered_by (p, sockets[i]) && ent_strlist_add (&p->fs.masked, sockets[i]) < 0)
      die ("out of memory");
  for (size_t i = 0; protect[i]; i++)
    if (ent_strlist_add (&p->fs.readonly, protect[i]) < 0)
      die ("out of memory");
  for (size_t i = 0; git && git[i]; i++)
    if (ent_strlist_add (&p->fs.readonly, git[i]) < 0)
      die ("out of memory");
}

static int
export_bundle (const entrun_cli_t *cli, const ent_profile_t *resolved, char *const *profile_files)
{
  ent_profile_t *p = ent_profile_copy (resolved);
  cleanup_free char *config = ent_str_printf ("%s/config.json", cli->sub_target);
  ent_oci_options_t opt = {
    .args = (const char *const *)cli->argv,
    .root = "rootfs",
    .host_uid = getuid (),
    .host_gid = getgid (),
    /* Written here as mounts, masked and read-only paths. */
    .allow_features = ENT_FEATURE_HOST_BOUNDARY,
  };
  ent_error_t *err = NULL;
  char *text = NULL;

  if (p == NULL || config == NULL)
    die ("out of memory");
  if (mkdir (cli->sub_target, 0755) < 0 && errno != EEXIST)
    die_errno ("%s", cli->sub_target);
  check_own_dir (cli->sub_target);
  if (p->host_boundary)
    {
      host_root (p, cli->sub_target);
      host_boundary (p, profile_files);
    }
  if (ent_oci_write (p, &opt, &text, &err) < 0)
    die ("oci export: %s", ent_error_message (err));
  /* process.env may hold what the caller would not show other users. */
  write_file (config, text, 0600);
  free (text);
  ent_profile_free (p);
  if (entrun_verbosity > 0)
    fprintf (stderr,
             "entrun: wrote %s; run it with: runc run -b %s NAME\n"
             "entrun: not in the bundle, as an OCI runtime has no place for them: Landlock "
             "(entrun's second wall) and the terminal filter; host sockets are masked as they "
             "are now: one created later in a directory the bundle shows is reachable (export "
             "again before each run)\n",
             config, cli->sub_target);
  return 0;
}

int
entrun_oci_resolved (const entrun_cli_t *cli, const ent_profile_t *p, char *const *profile_files)
{
  ent_error_t *err = NULL;
  char *text = NULL;

  if (cli->sub == ENTRUN_SUB_OCI_EXPORT)
    return export_bundle (cli, p, profile_files);
  if (ent_seccomp_to_docker (&p->seccomp, &text, &err) < 0)
    die ("seccomp export: %s", ent_error_message (err));
  print (text);
  free (text);
  return 0;
}

static void
profile_free_ptr (ent_profile_t **p)
{
  ent_profile_free (*p);
}
#define cleanup_profile_ptr __attribute__ ((cleanup (profile_free_ptr)))

/* A limit the config sets (@old >= 0) that a grant raises or lifts: apply
 * only tightens.  -1 is "none". */
static void
no_looser (const char *what, int64_t old, int64_t new)
{
  if (old >= 0 && (new < 0 || new > old))
    die ("oci apply: %s %" PRId64 " would loosen the config's %" PRId64
         " (apply only tightens a config)",
         what, new, old);
}

/* What a grant may not do to a config's limits. */
static void
only_tighter (const ent_profile_t *old, const ent_profile_t *new)
{
  no_looser ("resources.pids", old->resources.pids, new->resources.pids);
  no_looser ("resources.memory", old->resources.memory, new->resources.memory);
  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    {
      int64_t res = r == ENT_RLIMIT_NOFILE  ? new->resources.files
                    : r == ENT_RLIMIT_CPU   ? new->resources.cpu_time
                    : r == ENT_RLIMIT_FSIZE ? new->resources.file_size
                                            : -1;
      no_looser (ent_rlimit_name (r), old->rlimits[r].soft, res >= 0 ? res : new->rlimits[r].soft);
      no_looser (ent_rlimit_name (r), old->rlimits[r].hard, res >= 0 ? res : new->rlimits[r].hard);
    }
}

/* oci apply: the grants of the command line over the config FILE, and
 * nothing else of entrun's (no default level, no boundary of its own). */
static int
apply (const entrun_cli_t *cli, const ent_catalogue_t *cat)
{
  ent_profile_t *base = NULL;
  ent_manager_t *m;
  ent_error_t *err = NULL;
  ent_oci_options_t opt = { .host_uid = -1, .host_gid = -1 };
  char *text = NULL;

  struct stat st;

  if (ent_oci_load_file (cli->sub_target, &base, &err) < 0)
    die ("oci apply: %s", ent_error_message (err));
  if (stat (cli->sub_target, &st) < 0)
    die_errno ("oci apply: %s", cli->sub_target);
  cleanup_profile_ptr ent_profile_t *loaded = ent_profile_copy (base);
  if (loaded == NULL)
    die ("out of memory");
  if ((m = ent_manager_new (base, NULL, &err)) == NULL)
    die ("oci apply: %s", ent_error_message (err));
  for (size_t i = 0; i < cli->n_ents; i++)
    if (ent_manager_add_request (m, cat, cli->ents[i], "command line", ENT_PRECEDENCE_CLI, &err)
        < 0)
      die ("oci apply: %s", ent_error_message (err));
  if (cli->argc > 0)
    opt.args = (const char *const *)cli->argv;
  only_tighter (loaded, ent_manager_profile (m));
  if (ent_oci_write (ent_manager_profile (m), &opt, &text, &err) < 0)
    die ("oci apply: %s", ent_error_message (err));
  /* The config's own permissions: process.env may hold secrets. */
  if (cli->in_place || cli->output)
    write_file (cli->in_place ? cli->sub_target : cli->output, text, st.st_mode & 0777);
  else
    print (text);
  free (text);
  ent_manager_free (m);
  return 0;
}

/* seccomp import: the rules of a Docker-format profile as entrun reads
 * them (for a container holding no capability, entrun's default), one a
 * line. */
static int
import (const entrun_cli_t *cli)
{
  cleanup_close int fd = open (cli->sub_target, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  cleanup_free char *buf = NULL, *key = NULL;
  ent_profile_t *p = ent_profile_new ();
  ent_error_t *err = NULL;
  size_t len = 0, cap = 0;
  ssize_t n;

  if (fd < 0)
    die_errno ("seccomp import: %s", cli->sub_target);
  if (p == NULL)
    die ("out of memory");
  do
    {
      if (len == cap && (cap = cap ? cap * 2 : 65536) > (16u << 20))
        die ("seccomp import: %s: more than 16 MiB", cli->sub_target);
      if ((buf = realloc (buf, cap)) == NULL)
        die ("out of memory");
      if ((n = read (fd, buf + len, cap - len)) < 0 && errno != EINTR)
        die_errno ("seccomp import: %s", cli->sub_target);
      len += n > 0 ? (size_t)n : 0;
    }
  while (n != 0);
  ent_seccomp_clear (&p->seccomp);
  if (ent_seccomp_from_docker (buf, len, 0, &p->seccomp, &err) < 0)
    die ("seccomp import: %s: %s", cli->sub_target, ent_error_message (err));
  if (ent_render_seccomp_key (p, &key, &err) < 0)
    die ("seccomp import: %s", ent_error_message (err));
  printf ("default: errno %d\n", p->seccomp.default_errno);
  print (key);
  ent_profile_free (p);
  return 0;
}

int
entrun_oci_file (const entrun_cli_t *cli, const ent_catalogue_t *cat)
{
  return cli->sub == ENTRUN_SUB_OCI_APPLY ? apply (cli, cat) : import (cli);
}
