/* entrun — the mount plan (see mounts.h).
 *
 * Layout while building (all in our private mount namespace):
 *   /tmp is covered by a fresh tmpfs: no world-writable, predictable staging
 *   directory ever exists on the host (bubblewrap's CVE-2019-12439).  We
 *   pivot into that tmpfs, so the host tree sits at /oldroot and the new
 *   root is built at /newroot as a recursive bind of it.  Grants take their
 *   sources from /oldroot, which the payload never sees: at the end we pivot
 *   into /newroot and detach everything else. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ent-defaults.h"
#include "memwatch.h"
#include "mounts.h"
#include "netsetup.h"
#include "sandbox.h"
#include "util.h"

#define BASE "/tmp"
#define OLDROOT "/oldroot"
#define NEWROOT "/newroot"

static const char *const kind_names[] = {
  [ENT_MOUNT_BIND_RW] = "host.fs.rw",
  [ENT_MOUNT_BIND_RO] = "host.fs.ro",
  [ENT_MOUNT_HIDE] = "host.fs.hide",
  [ENT_MOUNT_TMPFS] = "host.fs.tmpfs",
  [ENT_MOUNT_OVERLAY] = "host.fs.overlay",
};

/* ---- read-only, recursively ---------------------------------------------- */


static bool
path_is_below (const char *path, const char *top)
{
  return ent_path_is_below (path, top);
}

/* Remount one mount read-only, keeping the flags the kernel may have locked
 * (nosuid, nodev, noexec, atime): a bind remount that drops a locked flag
 * fails with EPERM inside a user namespace.  With @may_miss, a mount point
 * that is gone or that we cannot reach (nor then can the payload) is
 * skipped. */
static int
remount_ro (const char *mnt, bool may_miss)
{
  static const struct
  {
    unsigned long st, ms;
  } keep[] = {
    { ST_NOSUID, MS_NOSUID },   { ST_NODEV, MS_NODEV },           { ST_NOEXEC, MS_NOEXEC },
    { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
  };
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  struct statvfs sv;

  if (statvfs (mnt, &sv) < 0)
    return may_miss && (errno == ENOENT || errno == EACCES) ? 0 : -errno;
  for (size_t i = 0; i < N_ELEMENTS (keep); i++)
    if (sv.f_flag & keep[i].st)
      flags |= keep[i].ms;
  if (mount (NULL, mnt, NULL, flags, NULL) < 0)
    return -errno;
  return 0;
}

int
entrun_make_readonly_fallback (const char *path)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  int ret = 0;

  /* During setup the host's /proc is under OLDROOT. */
  if (f == NULL)
    f = fopen (OLDROOT "/proc/self/mountinfo", "re");
  if (f == NULL)
    return -errno;
  while (ret == 0 && getline (&line, &cap, f) > 0)
    {
      char mnt[4096];
      /* id parent major:minor root mount-point ... */
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1)
        return -EINVAL;
      unescape_octal (mnt);
      if (path_is_below (mnt, path))
        ret = remount_ro (mnt, true);
    }
  return ret;
}

int
entrun_make_readonly (const char *path)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

  if (syscall (SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof (attr)) == 0)
    return 0;
  if (errno != ENOSYS)
    return -errno;
  return entrun_make_readonly_fallback (path);
}

static void
readonly_or_die (const char *path)
{
  int ret = entrun_make_readonly (path);

  if (ret < 0)
    {
      errno = -ret;
      die_errno ("making %s read-only", path[strlen (NEWROOT)] ? path + strlen (NEWROOT) : "/");
    }
}

/* Make the mount at @path read-only, not the ones below it. */
static void
readonly_top_or_die (const char *path)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

  if (syscall (SYS_mount_setattr, AT_FDCWD, path, 0, &attr, sizeof (attr)) == 0)
    return;
  if (errno != ENOSYS || remount_ro (path, false) < 0)
    die_errno ("making %s read-only", path[strlen (NEWROOT)] ? path + strlen (NEWROOT) : "/");
}

/* openat2(2), again while it says EAGAIN: with RESOLVE_IN_ROOT the kernel
 * gives up when a rename anywhere in the system races a ".." on the way
 * (anybody can cause one), and asks to be called again.  Bounded: a
 * lookup that keeps losing the race fails with EAGAIN. */
static int
openat2_in (int dirfd, const char *path, const struct open_how *how, size_t size)
{
  int fd = -1;

  for (int i = 0; i < 64; i++)
    if ((fd = (int)syscall (SYS_openat2, dirfd, path, how, size)) >= 0 || errno != EAGAIN)
      break;
  return fd;
}

/* ---- helpers ------------------------------------------------------------- */

static void
xmount (const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
  if (mount (src, dst, type, flags, data) < 0)
    die_errno ("mount %s on %s", src ? src : type ? type : "(remount)", dst);
}

/* ---- the tmpfs pool ------------------------------------------------------ */

/* Every writable private tmpfs of the sandbox (host.fs.tmpfs and so the
 * default /tmp, /dev/shm, the overlay layers) is a directory of one tmpfs,
 * the pool, bound where it belongs: what they hold together is bounded by
 * the pool's size, resources.memory when granted (so that a sandbox cannot
 * keep more in memory files than it may allocate), else half the RAM.  A
 * tmpfs of its own each, as before, let four of them take 100% of RAM.
 * The pool itself lives in the staging root, which pivot_root leaves
 * behind. */
#define POOL "/pool"

static const ent_profile_t *pool_profile;

static void
pool_mount (void)
{
  static bool mounted;
  char opts[64];
  int64_t size = pool_profile->resources.memory;

  if (mounted)
    return;
  if (size > 0)
    snprintf (opts, sizeof (opts), "mode=0755,size=%" PRId64, size);
  else
    snprintf (opts, sizeof (opts), "mode=0755,size=50%%");
  if (mkdir (POOL, 0755) < 0)
    die_errno ("creating the tmpfs pool");
  xmount ("tmpfs", POOL, "tmpfs", MS_NOSUID | MS_NODEV, opts);
  mounted = true;
}

/* A fresh directory of the pool with @mode, to bind somewhere: malloc'd. */
static char *
pool_area (mode_t mode)
{
  static unsigned int count;
  char *dir = NULL;

  pool_mount ();
  if (asprintf (&dir, POOL "/%u", count++) < 0)
    die ("out of memory");
  /* chmod: the umask must not narrow 1777 (/tmp, /dev/shm). */
  if (mkdir (dir, 0700) < 0 || chmod (dir, mode) < 0)
    die_errno ("creating a directory of the tmpfs pool");
  return dir;
}

static char *
under (const char *root, const char *path)
{
  char *s = NULL;

  if (asprintf (&s, "%s%s", root, strcmp (path, "/") == 0 ? "" : path) < 0)
    die ("out of memory");
  return s;
}

/* How a grant's path is looked up: below a root directory, never through a
 * magic link, and, until proven harmless (see follow_link), through no
 * symbolic link at all.  The last component itself is opened, not
 * followed. */
static const struct open_how grant_how
    = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS };

/* Is the caller root on the host?  Then every system symbolic link is the
 * caller's own, and so is every one its sandboxes could make. */
static bool
caller_is_root (void)
{
  static int is_root = -1;
  cleanup_fclose FILE *f = NULL;
  unsigned int inside, outside, count;

  if (is_root < 0)
    {
      /* While the plan is built, the host's /proc is under OLDROOT. */
      f = fopen (OLDROOT "/proc/self/uid_map", "re");
      if (f == NULL || fscanf (f, "%u %u %u", &inside, &outside, &count) != 3)
        die_errno ("reading our uid map");
      is_root = outside == 0;
    }
  return is_root;
}

/* @path (relative to @rootfd) goes through a symbolic link.  Find the
 * first one and return @path with that link replaced by its target.  A link
 * the caller owns is refused: the caller's sandboxes run as the caller and
 * could have planted it, or swap it in while this sandbox is being set up,
 * to point the mount at what it must not cover or expose (runc's
 * CVE-2025-31133): host.fs.ro=./.git leading to a decoy while the real
 * .git stays writable.  A link the caller cannot write (/var/run, a system
 * /home -> /var/home) is followed, inside the root.  Root callers own every
 * link and follow them all: a root sandbox that may write / can plant
 * anything anyway.  NULL with errno set if the path changed meanwhile. */
static char *
follow_link (int rootfd, const char *path, const ent_mount_t *m)
{
  cleanup_free char *prefix = strdup (path);
  char target[PATH_MAX];
  char *next = NULL;

  if (prefix == NULL)
    die ("out of memory");
  for (char *end = prefix;; end++)
    {
      cleanup_close int fd = -1;
      char *slash = strchr (end, '/');
      const char *rest, *dot;
      struct stat st;
      ssize_t n;
      int keep;
      if (slash == end)
        continue; /* an empty component: "a//b" */
      if (slash)
        *slash = '\0';
      fd = openat2_in (rootfd, prefix, &grant_how, sizeof (grant_how));
      if (fd < 0 || fstat (fd, &st) < 0)
        return NULL;
      if (!S_ISLNK (st.st_mode))
        {
          if (slash == NULL)
            break; /* no link after all: it changed */
          *slash = '/';
          end = slash;
          continue;
        }
      if (st.st_uid == getuid () && !caller_is_root ())
        die ("%s=%s: refusing a path through /%s, a symbolic link of the caller's",
             kind_names[m->kind], m->path, prefix);
      if ((n = readlinkat (fd, "", target, sizeof (target) - 1)) < 0)
        return NULL;
      target[n] = '\0';
      /* Absolute: from the root.  Relative: from the link's directory. */
      end = strrchr (prefix, '/');
      keep = target[0] == '/' || end == NULL ? 0 : (int)(end - prefix + 1);
      rest = slash ? path + (slash - prefix) : "";
      dot = target[0] == '/' ? "." : "";
      if (asprintf (&next, "%.*s%s%s%s", keep, prefix, dot, target, rest) < 0)
        die ("out of memory");
      return next;
    }
  errno = ELOOP;
  return NULL;
}

/* openat2() of @rel below @rootfd with grant_how, following the symbolic
 * links that follow_link allows.  -1 with errno set on failure. */
static int
open_in_root (int rootfd, const char *rel, const ent_mount_t *m)
{
  cleanup_free char *cur = strdup (rel);

  for (int hops = 0; cur != NULL && hops < 40; hops++)
    {
      int fd = openat2_in (rootfd, cur, &grant_how, sizeof (grant_how));
      char *next;
      if (fd >= 0 || errno != ELOOP)
        return fd;
      next = follow_link (rootfd, cur, m);
      free (cur);
      cur = next;
    }
  if (cur != NULL)
    errno = ELOOP;
  return -1;
}

/* Open @m's path below @root without following a symlink in its last
 * component, nor one of the caller's on the way (see follow_link), and
 * without letting any symlink on the way escape @root.  A grant whose
 * target is a symlink is refused: mounting over it would cover whatever it
 * points at instead (runc's CVE-2025-31133).  With @may_miss, a path that
 * does not exist gives -1 instead of an error. */
static int
open_target_or_missing (const char *root, const ent_mount_t *m, bool may_miss)
{
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  const char *path = m->path, *what = kind_names[m->kind];
  const char *rel = path[1] ? path + 1 : ".";
  struct stat st;
  int fd;

  if (rootfd < 0)
    die_errno ("open %s", root);
  fd = open_in_root (rootfd, rel, m);
  if (fd < 0 && errno == ENOSYS)
    fd = openat (rootfd, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && may_miss && errno == ENOENT)
    return -1;
  if (fd < 0)
    die_errno ("%s=%s", what, path);
  if (fstat (fd, &st) < 0)
    die_errno ("%s=%s: stat", what, path);
  if (S_ISLNK (st.st_mode))
    die ("%s=%s: refusing a symbolic link as mount target", what, path);
  return fd;
}

static int
open_target (const char *root, const ent_mount_t *m)
{
  return open_target_or_missing (root, m, false);
}

static char *
fd_path (int fd)
{
  char *s = NULL;

  /* While the plan is built, the host's /proc is under OLDROOT. */
  if (asprintf (&s, OLDROOT "/proc/self/fd/%d", fd) < 0)
    die ("out of memory");
  return s;
}

/* Read-only empty sources for covering, made once in the staging root.  A
 * bind mount copies its source's flags, read-only included, so each cover
 * is a single mount(2) after that. */
#define EMPTY_DIR "/empty"
#define EMPTY_FILE "/null"

static const char *
cover_source (bool is_dir)
{
  static bool have_dir, have_file;
  cleanup_close int fd = -1;

  if (is_dir && !have_dir)
    {
      if (mkdir (EMPTY_DIR, 0755) < 0)
        die_errno ("creating %s", EMPTY_DIR);
      xmount ("tmpfs", EMPTY_DIR, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0755,size=4k,nr_inodes=1");
      have_dir = true;
    }
  if (!is_dir && !have_file)
    {
      if ((fd = open (EMPTY_FILE, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666)) < 0)
        die_errno ("creating %s", EMPTY_FILE);
      xmount (OLDROOT "/dev/null", EMPTY_FILE, NULL, MS_BIND, NULL);
      if (remount_ro (EMPTY_FILE, false) < 0)
        die_errno ("making %s read-only", EMPTY_FILE);
      have_file = true;
    }
  return is_dir ? EMPTY_DIR : EMPTY_FILE;
}

/* Cover @dst with something empty and read-only: an empty tmpfs for a
 * directory, /dev/null for anything else. */
static void
cover (const char *dst, bool is_dir)
{
  xmount (cover_source (is_dir), dst, NULL, MS_BIND, NULL);
}

/* ---- grants -------------------------------------------------------------- */

/* mount(2) for grant @m: a failure names the grant, not the /proc/self/fd
 * paths the mount goes through. */
static void
grant_mount (const ent_mount_t *m, const char *src, const char *dst, const char *type,
             unsigned long flags, const char *data)
{
  if (mount (src, dst, type, flags, data) < 0)
    die_errno ("%s=%s: mount", kind_names[m->kind], m->path);
}

/* Is @path strictly below a mount of @kind of @p? */
static const char *
under_mount_of (const ent_profile_t *p, const char *path, ent_mount_kind_t kind)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind == kind && strcmp (p->fs.mounts[i].path, path) != 0
        && path_is_below (path, p->fs.mounts[i].path))
      return p->fs.mounts[i].path;
  return NULL;
}

/* Is @path strictly below a host.fs.tmpfs target of @p? */
static const char *
under_private_tmpfs (const ent_profile_t *p, const char *path)
{
  return under_mount_of (p, path, ENT_MOUNT_TMPFS);
}

/* A bind below a private tmpfs (rw = . inside tmpfs = /tmp) needs its
 * mount point made there.  Only ever inside that fresh tmpfs, which nothing
 * else has written to: the host's filesystem is never modified. */
static void
make_mount_point (const ent_profile_t *p, const ent_mount_t *m)
{
  const char *top = under_private_tmpfs (p, m->path);
  cleanup_free char *src = under (OLDROOT, m->path);
  cleanup_free char *dst = NULL;
  struct stat st;

  if (top == NULL || (m->kind != ENT_MOUNT_BIND_RW && m->kind != ENT_MOUNT_BIND_RO))
    return;
  if (stat (src, &st) < 0)
    {
      if (errno == ENOENT)
        return; /* open_target() below says so */
      die_errno ("%s=%s", kind_names[m->kind], m->path);
    }
  dst = under (NEWROOT, m->path);
  for (char *c = dst + strlen (NEWROOT) + strlen (top) + 1; (c = strchr (c, '/')); c++)
    {
      *c = '\0';
      if (mkdir (dst, 0755) < 0 && errno != EEXIST)
        die_errno ("creating %s", dst + strlen (NEWROOT));
      *c = '/';
    }
  if (S_ISDIR (st.st_mode) ? mkdir (dst, 0755) < 0 && errno != EEXIST
                           : mknod (dst, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
    die_errno ("creating %s", dst + strlen (NEWROOT));
}

/* A bind's source, looked up in the host's tree, must be the very object
 * its target names in the new root.  The two lookups are separate, and a
 * parent directory swapped for a symbolic link between them (by another
 * sandbox writing there, say) would otherwise bind one object onto
 * another's path: a file outside every host.fs.rw grant made writable
 * under one (runc's CVE-2025-31133 class).  Below a private tmpfs the
 * target is a fresh mount point, not the source. */
static void
check_same_object (const ent_mount_t *m, int dfd, int sfd)
{
  struct stat d, s;

  if (fstat (dfd, &d) < 0 || fstat (sfd, &s) < 0)
    die_errno ("%s=%s: stat", kind_names[m->kind], m->path);
  if (d.st_dev != s.st_dev || d.st_ino != s.st_ino)
    die ("%s=%s: the path changed while the sandbox was set up", kind_names[m->kind], m->path);
}

/* host.fs.ro: the bind just made becomes read-only through a descriptor of
 * that very mount: the path looked up again lands on its root (checked to
 * be the source; mount_setattr() refuses anything but a mount's root).  A
 * path name would be resolved against the staging root, where absolute
 * symbolic links on the way lead nowhere, and a parent swapped meanwhile
 * would send the flag elsewhere. */
static void
readonly_grant (const ent_mount_t *m, int sfd)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  cleanup_close int fd = open_target (NEWROOT, m);
  cleanup_free char *path = NULL;

  check_same_object (m, fd, sfd);
  if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof (attr)) == 0)
    return;
  if (errno != ENOSYS)
    die_errno ("%s=%s: making it read-only", kind_names[m->kind], m->path);
  path = under (NEWROOT, m->path);
  readonly_or_die (path);
}

/* host.fs.overlay: the host's directory as the lower layer, a fresh
 * bounded tmpfs in the staging root for the upper one.  What the sandbox
 * writes stays in memory and goes with it; the host's files never change
 * (a poisoned build cache would run on the host later).  The lower layer is
 * named through a descriptor of the source, never a path the sandbox could
 * have swapped. */
/* entrun learn: the overlay whose upper layer pid 1 lists (see
 * entrun_mount_ctx_t), for the one run of entrun_setup_mounts. */
static const char *learn_upper_of;
static int *learn_upper;

static void
overlay_grant (const ent_mount_t *m, const char *dst)
{
  cleanup_close int sfd = open_target (OLDROOT, m);
  cleanup_free char *lower = fd_path (sfd);
  cleanup_free char *dir = pool_area (0700), *opts = NULL;

  if (asprintf (&opts, "lowerdir=%s,upperdir=%s/upper,workdir=%s/work", lower, dir, dir) < 0)
    die ("out of memory");
  for (const char *sub = "/upper"; sub; sub = strcmp (sub, "/upper") == 0 ? "/work" : NULL)
    {
      cleanup_free char *d = under (dir, sub);
      if (mkdir (d, 0755) < 0)
        die_errno ("%s=%s: creating its layer", kind_names[m->kind], m->path);
    }
  /* user.* extended attributes, as an unprivileged overlay needs; kernels
   * before 5.11 know no "userxattr" and refuse the mount: say so. */
  if (mount ("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
    die_errno ("%s=%s: mounting the overlay (unprivileged overlayfs needs Linux 5.11)",
               kind_names[m->kind], m->path);
  if (learn_upper_of && learn_upper && *learn_upper < 0 && strcmp (m->path, learn_upper_of) == 0)
    {
      cleanup_free char *upper = under (dir, "/upper");
      if ((*learn_upper = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        die_errno ("learn: opening the upper layer of %s", m->path);
    }
}

static void
apply_grant (const ent_profile_t *p, const ent_mount_t *m)
{
  const char *what = kind_names[m->kind];
  /* Nothing to hide where nothing exists: a profile may list secrets that
   * this user happens not to have. */
  cleanup_close int dfd = -1;
  cleanup_free char *dst = NULL;
  cleanup_free char *src = NULL;
  struct stat st;

  make_mount_point (p, m);
  dfd = open_target_or_missing (NEWROOT, m,
                               m->kind == ENT_MOUNT_HIDE || m->kind == ENT_MOUNT_OVERLAY);
  if (dfd < 0)
    {
      verbose ("%s=%s: does not exist, nothing to hide", what, m->path);
      return;
    }
  dst = fd_path (dfd);
  if (fstat (dfd, &st) < 0)
    die_errno ("%s=%s", what, m->path);
  verbose ("%s=%s", what, m->path);
  switch (m->kind)
    {
    case ENT_MOUNT_BIND_RW:
    case ENT_MOUNT_BIND_RO:
      {
        cleanup_close int sfd = open_target (OLDROOT, m);
        /* Below a tmpfs the target is a fresh mount point; below an
         * overlay, the overlay's own inode of the source. */
        if (!under_private_tmpfs (p, m->path) && !under_mount_of (p, m->path, ENT_MOUNT_OVERLAY))
          check_same_object (m, dfd, sfd);
        src = fd_path (sfd);
        grant_mount (m, src, dst, NULL, MS_BIND | MS_REC, NULL);
        if (m->kind == ENT_MOUNT_BIND_RO)
          readonly_grant (m, sfd);
      }
      break;
    case ENT_MOUNT_HIDE:
      grant_mount (m, cover_source (S_ISDIR (st.st_mode)), dst, NULL, MS_BIND, NULL);
      break;
    case ENT_MOUNT_TMPFS:
      {
        cleanup_free char *area = NULL;
        if (!S_ISDIR (st.st_mode))
          die ("%s=%s: not a directory", what, m->path);
        /* The permissions of the directory it covers: 1777 for /tmp, 0700
         * for a runtime directory. */
        area = pool_area (st.st_mode & 07777);
        grant_mount (m, area, dst, NULL, MS_BIND, NULL);
      }
      break;
    case ENT_MOUNT_OVERLAY:
      if (!S_ISDIR (st.st_mode))
        die ("%s=%s: not a directory", what, m->path);
      overlay_grant (m, dst);
      break;
    default:
      die ("internal error: mount kind %d", (int)m->kind);
    }
}

/* ---- /dev, /proc, /sys --------------------------------------------------- */

/* A private /dev/shm, from the pool. */
static void
private_shm (void)
{
  cleanup_free char *area = pool_area (01777);

  xmount (area, NEWROOT "/dev/shm", NULL, MS_BIND, NULL);
}

static void
minimal_dev (void)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const links[][2] = {
    { "pts/ptmx", "ptmx" },          { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },  { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  const char *dev = NEWROOT "/dev";
  char path[128], src[128];

  /* Only nodes, links and mount points live here: a small tmpfs, made
   * read-only below once it is built. */
  xmount ("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k,nr_inodes=64");
  for (size_t i = 0; i < N_ELEMENTS (nodes); i++)
    {
      cleanup_close int fd = -1;
      snprintf (path, sizeof (path), "%s/%s", dev, nodes[i]);
      snprintf (src, sizeof (src), OLDROOT "/dev/%s", nodes[i]);
      fd = open (path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
      if (fd < 0)
        die_errno ("creating /dev/%s", nodes[i]);
      xmount (src, path, NULL, MS_BIND, NULL);
    }
  for (size_t i = 0; i < N_ELEMENTS (links); i++)
    {
      snprintf (path, sizeof (path), "%s/%s", dev, links[i][1]);
      if (symlink (links[i][0], path) < 0)
        die_errno ("creating /dev/%s", links[i][1]);
    }
  if (mkdir (NEWROOT "/dev/pts", 0755) < 0 || mkdir (NEWROOT "/dev/shm", 01777) < 0)
    die_errno ("creating /dev/pts and /dev/shm");
  xmount ("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
          "newinstance,ptmxmode=0666,mode=620");
  private_shm ();
  readonly_top_or_die (dev);
}

static void
setup_dev (const ent_profile_t *p)
{
  switch (p->fs.dev)
    {
    case ENT_DEV_MINIMAL:
      minimal_dev ();
      break;
    case ENT_DEV_HOST_RO:
      /* The host's nodes to look at; the user's terminals (the host's
       * devpts) and shared memory out of reach: a private devpts and
       * /dev/shm over them.  A read-only bind does not stop writes to a
       * device node: the payload's Landlock rules do (landlock.c). */
      xmount (OLDROOT "/dev", NEWROOT "/dev", NULL, MS_BIND | MS_REC, NULL);
      readonly_or_die (NEWROOT "/dev");
      xmount ("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=620");
      xmount (NEWROOT "/dev/pts/ptmx", NEWROOT "/dev/ptmx", NULL, MS_BIND, NULL);
      private_shm ();
      break;
    case ENT_DEV_HOST_RW:
      /* A fresh bind, so security.fs-read-only does not reach /dev. */
      xmount (OLDROOT "/dev", NEWROOT "/dev", NULL, MS_BIND | MS_REC, NULL);
      break;
    default:
      die ("internal error: /dev mode %d", (int)p->fs.dev);
    }
}

static void
setup_proc (const ent_profile_t *p)
{
  if (p->fs.proc == ENT_PROC_FRESH)
    {
      if (!p->ns.create[ENT_NS_PID])
        die ("a fresh /proc needs a private PID namespace");
      xmount ("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    }
  else
    {
      /* The host's processes to look at, not to change: their
       * /proc/PID/{oom_score_adj,autogroup,clear_refs,...} check the file's
       * owner only, which is the user, so the whole of it is read-only
       * (the sandbox's own /proc/self files too). */
      xmount (OLDROOT "/proc", NEWROOT "/proc", NULL, MS_BIND | MS_REC, NULL);
      readonly_or_die (NEWROOT "/proc");
    }
}

/* Does @path exist?  Any answer but yes or "no such file" is an error. */
static bool
exists (const char *path, struct stat *st)
{
  if (stat (path, st) == 0)
    return true;
  if (errno != ENOENT)
    die_errno ("%s", path);
  return false;
}

/* Cover the directories of the host's /sys that name its network
 * interfaces: /sys/class/net and each interface's device directory's
 * "net" (/sys/devices/.../net, which /sys/bus/.../net leads to as well). */
static void
cover_host_interfaces (void)
{
  cleanup_dir DIR *d = opendir (OLDROOT "/sys/class/net");
  struct dirent *de;

  if (d == NULL)
    {
      if (errno == ENOENT)
        return;
      die_errno ("listing /sys/class/net");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      char link[PATH_MAX], target[PATH_MAX];
      cleanup_free char *dir = NULL;
      struct stat st;
      if (de->d_name[0] == '.')
        continue;
      snprintf (link, sizeof (link), OLDROOT "/sys/class/net/%s", de->d_name);
      if (realpath (link, target) == NULL)
        die_errno ("resolving /sys/class/net/%s", de->d_name);
      /* .../net/NAME: cover .../net */
      *strrchr (target, '/') = '\0';
      if (strncmp (target, OLDROOT "/sys/", strlen (OLDROOT "/sys/")) != 0)
        die ("/sys/class/net/%s leads out of /sys", de->d_name);
      dir = under (NEWROOT, target + strlen (OLDROOT));
      if (lstat (dir, &st) < 0)
        die_errno ("hiding the host's interfaces: %s", dir + strlen (NEWROOT));
      if (S_ISDIR (st.st_mode))
        cover (dir, true);
    }
  if (errno != 0)
    die_errno ("listing /sys/class/net");
  cover (NEWROOT "/sys/class/net", true);
}

/* A private network namespace gets a /sys of its own: a fresh sysfs,
 * mounted in the sandbox's namespace, shows only its interfaces (lo, tap0),
 * with the host's cgroup tree bound back in.  Where the kernel refuses a
 * new sysfs (a /sys partly covered, as in some containers), or where the
 * namespace comes only later (locked mounts), the host's /sys stays, with
 * every directory naming a host interface covered. */
static void
private_sysfs (const ent_profile_t *p)
{
  unsigned long ro = p->fs.sys == ENT_SYS_RO ? MS_RDONLY : 0;
  struct stat st;

  if (!p->ns.create[ENT_NS_NET])
    return;
  if (entrun_needs_locked_mounts (p)
      || mount ("sysfs", NEWROOT "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | ro, NULL) < 0)
    {
      if (!entrun_needs_locked_mounts (p) && errno != EPERM && errno != EACCES)
        die_errno ("mounting a fresh /sys for the sandbox's network namespace");
      cover_host_interfaces ();
      return;
    }
  if (exists (OLDROOT "/sys/fs/cgroup", &st) && exists (NEWROOT "/sys/fs/cgroup", &st))
    {
      xmount (OLDROOT "/sys/fs/cgroup", NEWROOT "/sys/fs/cgroup", NULL, MS_BIND | MS_REC, NULL);
      if (ro)
        readonly_or_die (NEWROOT "/sys/fs/cgroup");
    }
}

static void
setup_sys (const ent_profile_t *p)
{
  if (p->fs.sys == ENT_SYS_RO)
    readonly_or_die (NEWROOT "/sys");
  else if (p->fs.read_only || p->host_boundary)
    /* host.devices.admin: /sys as on the host, under a read-only root. */
    xmount (OLDROOT "/sys", NEWROOT "/sys", NULL, MS_BIND | MS_REC, NULL);
  private_sysfs (p);
}

/* Hide or make read-only the profile's /proc and /sys paths that exist. */
static void
mask_paths (const ent_profile_t *p)
{
  for (size_t i = 0; p->fs.masked && p->fs.masked[i]; i++)
    {
      cleanup_free char *path = under (NEWROOT, p->fs.masked[i]);
      struct stat st;
      if (lstat (path, &st) < 0)
        {
          if (errno == ENOENT)
            continue;
          die_errno ("masking %s", p->fs.masked[i]);
        }
      cover (path, S_ISDIR (st.st_mode));
    }
  for (size_t i = 0; p->fs.readonly && p->fs.readonly[i]; i++)
    {
      cleanup_free char *path = under (NEWROOT, p->fs.readonly[i]);
      if (access (path, F_OK) < 0)
        {
          if (errno == ENOENT)
            continue;
          die_errno ("making %s read-only", p->fs.readonly[i]);
        }
      xmount (path, path, NULL, MS_BIND | MS_REC, NULL);
      readonly_or_die (path);
    }
}

/* network.user: /etc/resolv.conf inside names the NAT's DNS forwarder.  A
 * generated file is bound over it; the host's file is never edited.  A
 * resolv.conf that is a symlink (systemd-resolved) is followed, inside the
 * new root only. */
static void
bind_resolv_conf (const ent_profile_t *p)
{
  struct open_how how
      = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  const char *content = netsetup_resolv_conf ();
  cleanup_close int rootfd = -1, dst = -1, src = -1;
  cleanup_free char *dst_path = NULL;

  if (!p->ns.create[ENT_NS_NET] || p->net.mode != ENT_NET_USER)
    return;
  src = open ("/resolv.conf", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  if (src < 0 || write_all (src, content, strlen (content)) < 0)
    die_errno ("writing the sandbox's resolv.conf");
  rootfd = open (NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    die_errno ("open %s", NEWROOT);
  dst = openat2_in (rootfd, "etc/resolv.conf", &how, sizeof (how));
  if (dst < 0 && errno == ENOSYS)
    dst = openat (rootfd, "etc/resolv.conf", O_PATH | O_CLOEXEC);
  if (dst < 0 && errno != ENOENT)
    die_errno ("/etc/resolv.conf");
  if (dst < 0)
    {
      warn ("no /etc/resolv.conf to point at the NAT's DNS (%s)", strerror (errno));
      return;
    }
  /* Made read-only first: the bind below copies that flag. */
  xmount ("/resolv.conf", "/resolv.conf", NULL, MS_BIND, NULL);
  if (remount_ro ("/resolv.conf", false) < 0)
    die_errno ("making the sandbox's resolv.conf read-only");
  dst_path = fd_path (dst);
  xmount ("/resolv.conf", dst_path, NULL, MS_BIND, NULL);
}


/* The directories entrun reads its profiles from are read-only in every
 * sandbox, whatever the grants: a sandbox must never be able to change its
 * own policy or the next one's (firejail's CVE-2019-12589).  Each ancestor
 * the caller could rename is bound onto itself too: a mount point cannot be
 * renamed or removed (EBUSY), so the sandbox cannot move ~/.config aside and
 * make a new ~/.config/entrun.  Under security.admin the payload's mounts
 * are locked (see lock_mounts in payload.c).  A directory a grant hid is
 * unreachable anyway. */
static void
pin_ancestors (const char *path)
{
  cleanup_free char *dir = strdup (path);
  char *slash;

  if (dir == NULL)
    die ("out of memory");
  while ((slash = strrchr (dir, '/')) && slash > dir + strlen (NEWROOT))
    {
      *slash = '\0';
      cleanup_free char *parent = strdup (dir);
      char *pslash = parent ? strrchr (parent, '/') : NULL;
      if (pslash == NULL)
        die ("out of memory");
      *(pslash == parent ? pslash + 1 : pslash) = '\0';
      /* Renaming @dir needs write access to its parent. */
      if (access (parent, W_OK) == 0)
        xmount (dir, dir, NULL, MS_BIND | MS_REC, NULL);
      else if (errno != EACCES && errno != EROFS)
        die_errno ("protecting %s", dir + strlen (NEWROOT));
    }
}

/* Does a host.fs.rw grant name @path itself?  Then the caller asked for
 * it to be writable (host.fs.rw=.git/hooks). */
static bool
granted_writable (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind == ENT_MOUNT_BIND_RW && !p->fs.mounts[i].implicit
        && strcmp (p->fs.mounts[i].path, path) == 0)
      return true;
  return false;
}

/* Each of @paths (a directory or a file), where the payload can see it, is
 * bound onto itself read-only, and its ancestors are pinned so that it
 * cannot be moved aside and replaced: entrun's binary and profiles, git
 * hooks and config.  What a grant hid needs nothing. */
static void
protect_paths (const ent_profile_t *p, char *const *paths, bool grants_win)
{
  for (size_t i = 0; paths && paths[i]; i++)
    {
      cleanup_free char *path = under (NEWROOT, paths[i]);
      struct stat st;
      if (grants_win && granted_writable (p, paths[i]))
        continue;
      if (lstat (path, &st) < 0)
        {
          /* Missing, or out of our reach and so of the payload's. */
          if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
            continue;
          die_errno ("protecting %s", paths[i]);
        }
      if (!S_ISDIR (st.st_mode) && !S_ISREG (st.st_mode))
        continue;
      pin_ancestors (path);
      xmount (path, path, NULL, MS_BIND | MS_REC, NULL);
      /* Where grants win, a grant below keeps its own flags: only this
       * mount becomes read-only (host.fs.rw=.git/hooks). */
      if (grants_win)
        readonly_top_or_die (path);
      else
        readonly_or_die (path);
    }
}

/* ---- host sockets -------------------------------------------------------- */

/* Is the socket @path granted by name: a host.fs.rw/ro grant of the socket
 * itself, or an allowed API's path at or above it? */
static bool
socket_granted (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    {
      const ent_mount_t *m = &p->fs.mounts[i];
      if ((m->kind == ENT_MOUNT_BIND_RW || m->kind == ENT_MOUNT_BIND_RO) && !m->implicit
          && strcmp (m->path, path) == 0)
        return true;
    }
  for (int i = 0; i < ENT_API_COUNT; i++)
    for (size_t j = 0; p->api[i].allow && p->api[i].paths && p->api[i].paths[j]; j++)
      if (path_is_below (path, p->api[i].paths[j]))
        return true;
  return false;
}

/* A read-only mount does not stop connect(): every unix socket bound on the
 * host when entrun started (the host's /proc/net/unix, read by entrun) that
 * the payload could reach is covered with /dev/null, wherever it lives (a
 * tmux or ssh-agent socket in a granted directory, /run, the home).  Those
 * below the private /tmp and runtime directory are not there to cover. */
static const struct open_how socket_how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                                             .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

/* Cover @path (absolute, as on the host) if it is a socket the payload can
 * reach and no grant names. */
static void
cover_socket (const ent_profile_t *p, int rootfd, const char *path)
{
  cleanup_close int fd = -1;
  cleanup_free char *dst = NULL;
  struct stat st;

  /* Below a private tmpfs or a hide: not there to cover.  (Decided from
   * the plan, not by a look: the other users' sockets in /tmp must not
   * change what entrun does.) */
  if (socket_granted (p, path) || ent_profile_covered_by (p, path))
    return;
  fd = openat2_in (rootfd, path + 1, &socket_how, sizeof (socket_how));
  if (fd < 0 && errno == ENOSYS)
    fd = openat (rootfd, path + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      /* Not visible inside: below a private tmpfs or a hide. */
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == ELOOP)
        return;
      die_errno ("covering the host socket %s", path);
    }
  if (fstat (fd, &st) < 0)
    die_errno ("covering the host socket %s", path);
  if (!S_ISSOCK (st.st_mode))
    return;
  dst = fd_path (fd);
  if (mount (cover_source (false), dst, NULL, MS_BIND, NULL) < 0)
    die_errno ("covering the host socket %s", path);
  verbose ("covered the host socket %s", path);
  /* In a directory the sandbox may write, the directory holding it could
   * be renamed: the cover moves along, and the next run would find the
   * socket under a name the host's list does not know. */
  {
    cleanup_free char *inside = under (NEWROOT, path);
    pin_ancestors (inside);
  }
}

/* A directory with more sockets than this is covered whole, where that
 * hides nothing the sandbox was given: one mount instead of thousands
 * (anybody may fill a directory with socket files). */
#define SOCKET_DIR_COVER 8
/* ... and where it cannot be (the working directory, a grant), at most
 * this many are covered one by one. */
#define SOCKET_DIR_MAX 512

/* May @dir be covered whole: not '/', nor the working directory or a
 * grant, nor above one of them? */
static bool
dir_cover_allowed (const ent_profile_t *p, const char *dir)
{
  if (strcmp (dir, "/") == 0 || (p->cwd && path_is_below (p->cwd, dir)))
    return false;
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (!p->fs.mounts[i].implicit && path_is_below (p->fs.mounts[i].path, dir))
      return false;
  return true;
}

static bool
is_socket_entry (int dfd, const struct dirent *e)
{
  struct stat st;

  if (e->d_type == DT_SOCK)
    return true;
  return e->d_type == DT_UNKNOWN && fstatat (dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
         && S_ISSOCK (st.st_mode);
}

/* Every socket file in the directory @dir: a socket is listed under the
 * name it was bound at, and a daemon that bound a temporary name and then
 * link()ed or renamed it into place (ssh's ControlMaster) serves the same
 * socket under another name, in the same directory. */
static void
cover_socket_dir (const ent_profile_t *p, int rootfd, const char *dir)
{
  struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  cleanup_dir DIR *d = NULL;
  int fd = openat2_in (rootfd, dir[1] ? dir + 1 : ".", &how, sizeof (how));
  struct dirent *e;
  size_t count = 0;

  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == ELOOP
          || errno == ENOSYS || errno == ENAMETOOLONG)
        return;
      die_errno ("looking for host sockets in %s", dir);
    }
  if ((d = fdopendir (fd)) == NULL)
    {
      close (fd);
      die_errno ("looking for host sockets in %s", dir);
    }
  while ((errno = 0, e = readdir (d)) != NULL)
    count += is_socket_entry (dirfd (d), e);
  if (errno != 0)
    die_errno ("looking for host sockets in %s", dir);
  if (count > SOCKET_DIR_COVER && dir_cover_allowed (p, dir))
    {
      cleanup_free char *dst = NULL;
      if ((fd = openat2_in (rootfd, dir[1] ? dir + 1 : ".", &socket_how,
                         sizeof (socket_how)))
          < 0)
        die_errno ("covering %s, which holds host sockets", dir);
      dst = fd_path (fd);
      if (mount (cover_source (true), dst, NULL, MS_BIND, NULL) < 0)
        die_errno ("covering %s, which holds host sockets", dir);
      close (fd);
      verbose ("covered %s, which holds %zu host sockets", dir, count);
      return;
    }
  if (count > SOCKET_DIR_MAX)
    die ("%s holds %zu sockets, too many to cover one by one, and it is or holds the working "
         "directory or a grant",
         dir, count);
  rewinddir (d);
  while ((errno = 0, e = readdir (d)) != NULL)
    if (is_socket_entry (dirfd (d), e))
      {
        cleanup_free char *path = NULL;
        if (asprintf (&path, "%s/%s", strcmp (dir, "/") ? dir : "", e->d_name) < 0)
          die ("out of memory");
        cover_socket (p, rootfd, path);
      }
  if (errno != 0)
    die_errno ("looking for host sockets in %s", dir);
}

static void
cover_sockets (const ent_profile_t *p, char *const *sockets)
{
  cleanup_close int rootfd = -1;
  cleanup_free char *last = NULL;

  if (sockets == NULL || sockets[0] == NULL)
    return;
  if ((rootfd = open (NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno ("open %s", NEWROOT);
  for (size_t i = 0; sockets[i]; i++)
    {
      cleanup_free char *dir = strdup (sockets[i]);
      char *slash = dir ? strrchr (dir, '/') : NULL;
      if (slash == NULL)
        die ("out of memory");
      *(slash == dir ? slash + 1 : slash) = '\0';
      /* The list is sorted: one directory's sockets mostly come together.
       * Its directory first: it may be covered whole. */
      if ((last == NULL || strcmp (last, dir) != 0) && !ent_profile_covered_by (p, sockets[i]))
        {
          cover_socket_dir (p, rootfd, dir);
          free (last);
          last = steal_pointer (&dir);
        }
      cover_socket (p, rootfd, sockets[i]);
    }
}

/* ---- the order of the grants --------------------------------------------- */

/* The mount plan is applied in the order of the paths the grants resolve
 * to, not of their spelling: a hide of /run/user/1000/bus must come after
 * host.fs.ro=/var/run/user/1000, which lands on /run/user/1000 and would
 * otherwise bring the socket back (a hide or read-only grant is never undone
 * by a parent bound later under another spelling).  At one path, hides come
 * last. */
typedef struct
{
  const ent_mount_t *m;
  char *resolved;
} planned_t;

static char *
resolve_in_oldroot (int rootfd, const char *path)
{
  struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  cleanup_close int fd = openat2_in (rootfd, path[1] ? path + 1 : ".", &how, sizeof (how));
  cleanup_free char *link = NULL;
  char buf[PATH_MAX];
  ssize_t n;

  if (fd < 0)
    {
      /* Missing: refused or skipped when applied.  Anything else would
       * leave the order to the spelling: fail closed. */
      if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
        die_errno ("resolving %s", path);
      return strdup (path);
    }
  link = fd_path (fd);
  if ((n = readlink (link, buf, sizeof (buf) - 1)) < 0)
    die_errno ("resolving %s", path);
  buf[n] = '\0';
  if (strncmp (buf, OLDROOT, strlen (OLDROOT)) != 0)
    return strdup (path);
  return strdup (buf[strlen (OLDROOT)] ? buf + strlen (OLDROOT) : "/");
}

static int
planned_cmp (const void *a, const void *b)
{
  const planned_t *x = a, *y = b;
  int c = strcmp (x->resolved, y->resolved);

  if (c != 0)
    return c;
  if ((x->m->kind == ENT_MOUNT_HIDE) != (y->m->kind == ENT_MOUNT_HIDE))
    return x->m->kind == ENT_MOUNT_HIDE ? 1 : -1;
  return strcmp (x->m->path, y->m->path);
}

/* The grants in the order they are applied (see planned_cmp). */
static planned_t *
plan_grants (const ent_profile_t *p)
{
  cleanup_close int rootfd = open (OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  planned_t *plan = calloc (p->fs.n_mounts + 1, sizeof (*plan));

  if (rootfd < 0)
    die_errno ("open %s", OLDROOT);
  if (plan == NULL)
    die ("out of memory");
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    {
      plan[i].m = &p->fs.mounts[i];
      if ((plan[i].resolved = resolve_in_oldroot (rootfd, p->fs.mounts[i].path)) == NULL)
        die ("out of memory");
    }
  qsort (plan, p->fs.n_mounts, sizeof (*plan), planned_cmp);
  return plan;
}

/* Does a grant on @path cover the sandbox's own /dev, /proc or /sys (a
 * grant of "/")?  Those are mounted after it, over it. */
static bool
covers_own_mounts (const char *path)
{
  static const char *const own[] = { "/dev", "/proc", "/sys" };

  for (size_t i = 0; i < N_ELEMENTS (own); i++)
    if (strcmp (path, own[i]) != 0 && ent_path_is_below (own[i], path))
      return true;
  return false;
}

/* The grants that cover the sandbox's own mounts (@covering), or the
 * rest, in order. */
static void
apply_grants (const ent_profile_t *p, planned_t *plan, bool covering)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (covers_own_mounts (plan[i].resolved) == covering)
      apply_grant (p, plan[i].m);
}

/* ---- what pid 1's memory watch reads ------------------------------------- */

#define WATCH_PROC "/watch"

/* resources.memory without a cgroup (see memwatch.h): the pool, and a
 * procfs of the sandbox's PID namespace that is pid 1's alone (the
 * sandbox's /proc may be the host's, or hidden).  Both stay in the
 * staging root, which enter_newroot() drops: the descriptors keep them. */
static void
open_memory_watch (entrun_mount_ctx_t *ctx)
{
  ctx->watch_proc = ctx->watch_pool = -1;
  if (!entrun_memwatch_wanted (ctx->profile))
    return;
  pool_mount ();
  if ((ctx->watch_pool = open (POOL, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno ("resources.memory: opening the tmpfs pool %s", POOL);
  if (mkdir (WATCH_PROC, 0700) < 0)
    die_errno ("resources.memory: mkdir %s", WATCH_PROC);
  /* Only the processes' directories (subset=pid) where the kernel knows
   * the option (Linux 5.8), else all of /proc. */
  if (mount ("proc", WATCH_PROC, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "subset=pid") < 0)
    {
      if (errno != EINVAL)
        die_errno ("mount proc on %s", WATCH_PROC);
      xmount ("proc", WATCH_PROC, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    }
  if ((ctx->watch_proc = open (WATCH_PROC, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno ("resources.memory: opening %s", WATCH_PROC);
}

/* ---- the whole plan ------------------------------------------------------ */

static void
enter_staging (void)
{
  /* Nothing we do may propagate back to the host. */
  xmount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
  /* Mount points only (the pool's, the overlays' lower layers'). */
  xmount ("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=1m");
  if (mkdir (BASE NEWROOT, 0755) < 0 || mkdir (BASE OLDROOT, 0755) < 0)
    die_errno ("creating the staging directories");
  if (syscall (SYS_pivot_root, BASE, BASE OLDROOT) < 0)
    die_errno ("pivot_root into the staging tmpfs");
  if (chdir ("/") < 0)
    die_errno ("chdir /");
}

static void
enter_newroot (void)
{
  if (chdir (NEWROOT) < 0)
    die_errno ("chdir %s", NEWROOT);
  /* pivot_root(".", ".") stacks the old root on top of the new one; the
   * detach below then drops the staging tmpfs and the whole host tree. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    die_errno ("pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    die_errno ("detaching the old root");
  if (chdir ("/") < 0)
    die_errno ("chdir /");
}

void
entrun_setup_mounts (entrun_mount_ctx_t *ctx)
{
  const ent_profile_t *p = ctx->profile;
  cleanup_free planned_t *plan = NULL;

  pool_profile = p;
  ctx->learn_upper = -1;
  learn_upper_of = ctx->learn_upper_of;
  learn_upper = &ctx->learn_upper;
  enter_staging ();
  xmount (OLDROOT, NEWROOT, NULL, MS_BIND | MS_REC, NULL);
  /* The host read-only; the working directory and /tmp come back
   * writable as (implicit) grants. */
  if (p->fs.read_only || p->host_boundary)
    readonly_or_die (NEWROOT);
  /* /sys, /proc and /dev between the grants: after those that cover
   * them (host.fs.rw=/ must not bring in the host's devpts, /proc and
   * writable sysfs), before the others (a host.fs.hide or tmpfs under
   * them must land on the sandbox's own sysfs, procfs and /dev, not under
   * them, where the command would see the path in plain view). */
  plan = plan_grants (p);
  apply_grants (p, plan, true);
  setup_sys (p);
  setup_proc (p);
  setup_dev (p);
  apply_grants (p, plan, false);
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    free (plan[i].resolved);
  bind_resolv_conf (p);
  mask_paths (p);
  cover_sockets (p, ctx->sockets);
  protect_paths (p, ctx->git, true);
  protect_paths (p, ctx->protect, false);
  open_memory_watch (ctx);
  enter_newroot ();
}
