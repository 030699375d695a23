/* libentitlement — the built-in seccomp policy.
 *
 * WHY THE ALLOWLIST IS WHAT IT IS
 *
 * ent_policy_default_allow is Docker's default seccomp profile (moby,
 * profiles/seccomp/default.json): the names it allows unconditionally to a
 * container with no extra capability, plus the x86 arch-only name it
 * allows (arch_prctl).  Docker's list is exercised by a huge number of real
 * programs and years of bug reports have shaped it, so what runs under
 * `docker run` should run here too.
 *
 * From it we remove what DESIGN.md ("Seccomp policy") denies unless an
 * entitlement grants it and that Docker still allows, and a few calls we
 * judge differently:
 *
 *   - adjtimex, clock_adjtime, clock_adjtime64: "clock setting".  Docker
 *     relies on the kernel refusing the write modes without CAP_SYS_TIME;
 *     we deny the calls outright.  Reading the time needs none of them;
 *     only NTP status queries (ntp_gettime, adjtimex with modes 0) now get
 *     EPERM;
 *   - io_uring_setup, io_uring_enter, io_uring_register: a ring performs
 *     its operations without passing through the filter at all.  Docker
 *     removed them too in later releases (moby#46762);
 *   - modify_ldt: installs segment descriptors in the caller's local
 *     descriptor table.  Only 16-bit and segmented code needs that (DOSEMU,
 *     Wine running 16-bit programs), while the 16-bit segments it sets up
 *     have been the lever of kernel exploits (CVE-2015-3290) and its own
 *     code the site of others (CVE-2017-17053); hardened kernels drop it
 *     altogether (CONFIG_MODIFY_LDT_SYSCALL);
 *   - memfd_secret: memory removed from the kernel's direct map.  Its only
 *     purpose is to hide memory from the kernel itself, each such mapping
 *     splits the host's direct map (a cost to the whole machine), and no
 *     ordinary program uses it; the kernel itself had it off by default
 *     until Linux 6.5 (secretmem.enable);
 *   - socketcall (i386 only): see confine_socket below;
 *   - ioctl: allowed below, minus TIOCSTI and TIOCLINUX.
 *
 * and we add the mlock family (mlock, mlock2, mlockall, munlock,
 * munlockall), which Docker allows too.  The kernel bounds them by
 * RLIMIT_MEMLOCK (8 MiB by default since Linux 5.16) for a caller without
 * CAP_IPC_LOCK in the initial user namespace, which a sandbox never has:
 * locking more fails with the kernel's own ENOMEM.  gpg, ssh-agent,
 * password managers and databases lock small buffers so that secrets
 * never reach swap, and complain ("using insecure memory") or fail when
 * they cannot.  security.memory-lock still raises RLIMIT_MEMLOCK to its
 * hard limit and grants CAP_IPC_LOCK.
 *
 * personality and socket are argument-filtered in Docker's profile as well,
 * and so they are here (below); clone and clone3 likewise.
 *
 * Everything else on DESIGN's deny list (the mount family, unshare, setns,
 * keyctl, bpf, ptrace, kexec, modules, reboot, swap, acct, syslog, iopl,
 * userfaultfd, open_by_handle_at, ...) is not in Docker's unconditional list
 * in the first place: Docker grants those only with a capability, we only
 * with an entitlement (the groups further down).
 *
 * SYSCALLS NEWER THAN THE POLICY
 *
 * A syscall the policy has never heard of fails with ENOSYS, the answer of
 * a kernel that lacks it, so that libc falls back on the older call it
 * replaces (glibc's fchmodat tries fchmodat2 first; tar failed on EPERM
 * there under older container profiles).  A syscall the policy knows and
 * does not allow keeps EPERM, as DESIGN says.  "Knows" means: in the
 * syscall tables of the kernel syscall-abi.h names (ENT_POLICY_KERNEL), on
 * the ABI the call comes in through, or named by any rule.  The launcher
 * builds that boundary from those tables (ent_syscall_known_ranges), per
 * ABI; see launcher/filter-abi.c for why a bare "above the highest number"
 * is not right on x86.  When the kernel grows a syscall, it stays ENOSYS
 * here until someone adds it to syscall-abi.c and decides on it below.
 *
 * The recent additions, each decided with a reason:
 *
 *   allowed (Docker's default profile allows them too):
 *   - cachestat: page-cache statistics of a file the caller has open,
 *     what mincore() tells for a mapping; reads nothing it could not read;
 *   - fchmodat2: fchmodat with a flags argument (AT_SYMLINK_NOFOLLOW);
 *     the same permission checks as chmod; glibc 2.39+ calls it first;
 *   - map_shadow_stack: allocates a CET shadow stack for the caller's own
 *     use; glibc calls it (makecontext) when shadow stacks are on;
 *   - futex_wake, futex_wait, futex_requeue: the futex2 interface, the same
 *     operations on the caller's own memory as futex, which is allowed;
 *   - statmount, listmount: mount information of the caller's own mount
 *     namespace, what /proc/self/mountinfo already shows it;
 *   - mseal: forbids later changes to the caller's own mappings; it can
 *     only take abilities away from the caller;
 *   - setxattrat, getxattrat, listxattrat, removexattrat: the *at forms of
 *     setxattr and friends, which are allowed, with the same checks;
 *
 *   allowed (our own call):
 *   - file_getattr, file_setattr: the path-based form of the
 *     FS_IOC_FSGETXATTR/FSSETXATTR ioctls the sandbox may already issue on
 *     any file it can open; the same owner and capability checks;
 *   - uretprobe, uprobe (x86 64-bit only): the kernel's uprobe
 *     trampolines call them when a host-side tool (bpftrace, perf) probes
 *     a function in a sandboxed process; denying uretprobe crashed the
 *     probed process (the reason later kernels let both bypass seccomp);
 *     called from anywhere else the kernel kills the caller with SIGILL
 *     or fails the call with ENXIO;
 *
 *   denied (EPERM):
 *   - lsm_get_self_attr, lsm_set_self_attr, lsm_list_modules: the
 *     caller's LSM attributes, which libraries read from /proc/self/attr;
 *     Docker does not allow them either;
 *   - open_tree_attr: the mount API (open_tree with mount_setattr's
 *     attributes), in ent_policy_mount_family with its siblings.
 *
 * The list keeps 32-bit and multiplexed names (ipc, _llseek, the *32 and
 * *_time64 calls, ...): the launcher adds the rules for x86_64, x86 and
 * x32 alike, so a 32-bit payload or `int 0x80` from a 64-bit one meets the
 * same policy and still works.  Every name here is known to libseccomp
 * 2.5.4 on at least one of those three, or listed in syscall-abi.c.
 */
#include <errno.h>
#include <linux/sched.h> /* CLONE_NEW*: <sched.h> has them only with _GNU_SOURCE */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "ent-util.h"
#include "seccomp-policy.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

/* Sorted in strcmp order ('_' before the letters). */
const char *const ent_policy_default_allow[] = {
  "_llseek",
  "_newselect",
  "accept",
  "accept4",
  "access",
  "alarm",
  "arch_prctl",
  "bind",
  "brk",
  "cachestat",
  "capget",
  "capset",
  "chdir",
  "chmod",
  "chown",
  "chown32",
  "clock_getres",
  "clock_getres_time64",
  "clock_gettime",
  "clock_gettime64",
  "clock_nanosleep",
  "clock_nanosleep_time64",
  "close",
  "close_range",
  "connect",
  "copy_file_range",
  "creat",
  "dup",
  "dup2",
  "dup3",
  "epoll_create",
  "epoll_create1",
  "epoll_ctl",
  "epoll_ctl_old",
  "epoll_pwait",
  "epoll_pwait2",
  "epoll_wait",
  "epoll_wait_old",
  "eventfd",
  "eventfd2",
  "execve",
  "execveat",
  "exit",
  "exit_group",
  "faccessat",
  "faccessat2",
  "fadvise64",
  "fadvise64_64",
  "fallocate",
  "fanotify_mark",
  "fchdir",
  "fchmod",
  "fchmodat",
  "fchmodat2",
  "fchown",
  "fchown32",
  "fchownat",
  "fcntl",
  "fcntl64",
  "fdatasync",
  "fgetxattr",
  "file_getattr",
  "file_setattr",
  "flistxattr",
  "flock",
  "fork",
  "fremovexattr",
  "fsetxattr",
  "fstat",
  "fstat64",
  "fstatat64",
  "fstatfs",
  "fstatfs64",
  "fsync",
  "ftruncate",
  "ftruncate64",
  "futex",
  "futex_requeue",
  "futex_time64",
  "futex_wait",
  "futex_waitv",
  "futex_wake",
  "futimesat",
  "get_robust_list",
  "get_thread_area",
  "getcpu",
  "getcwd",
  "getdents",
  "getdents64",
  "getegid",
  "getegid32",
  "geteuid",
  "geteuid32",
  "getgid",
  "getgid32",
  "getgroups",
  "getgroups32",
  "getitimer",
  "getpeername",
  "getpgid",
  "getpgrp",
  "getpid",
  "getppid",
  "getpriority",
  "getrandom",
  "getresgid",
  "getresgid32",
  "getresuid",
  "getresuid32",
  "getrlimit",
  "getrusage",
  "getsid",
  "getsockname",
  "getsockopt",
  "gettid",
  "gettimeofday",
  "getuid",
  "getuid32",
  "getxattr",
  "getxattrat",
  "inotify_add_watch",
  "inotify_init",
  "inotify_init1",
  "inotify_rm_watch",
  "io_cancel",
  "io_destroy",
  "io_getevents",
  "io_pgetevents",
  "io_pgetevents_time64",
  "io_setup",
  "io_submit",
  "ioprio_get",
  "ioprio_set",
  "ipc",
  "kill",
  "landlock_add_rule",
  "landlock_create_ruleset",
  "landlock_restrict_self",
  "lchown",
  "lchown32",
  "lgetxattr",
  "link",
  "linkat",
  "listen",
  "listmount",
  "listxattr",
  "listxattrat",
  "llistxattr",
  "lremovexattr",
  "lseek",
  "lsetxattr",
  "lstat",
  "lstat64",
  "madvise",
  "map_shadow_stack",
  "membarrier",
  "memfd_create",
  "mincore",
  "mkdir",
  "mkdirat",
  "mknod",
  "mknodat",
  "mlock",
  "mlock2",
  "mlockall",
  "mmap",
  "mmap2",
  "mprotect",
  "mq_getsetattr",
  "mq_notify",
  "mq_open",
  "mq_timedreceive",
  "mq_timedreceive_time64",
  "mq_timedsend",
  "mq_timedsend_time64",
  "mq_unlink",
  "mremap",
  "mseal",
  "msgctl",
  "msgget",
  "msgrcv",
  "msgsnd",
  "msync",
  "munlock",
  "munlockall",
  "munmap",
  "name_to_handle_at",
  "nanosleep",
  "newfstatat",
  "open",
  "openat",
  "openat2",
  "pause",
  "pidfd_open",
  "pidfd_send_signal",
  "pipe",
  "pipe2",
  "pkey_alloc",
  "pkey_free",
  "pkey_mprotect",
  "poll",
  "ppoll",
  "ppoll_time64",
  "prctl",
  "pread64",
  "preadv",
  "preadv2",
  "prlimit64",
  "process_mrelease",
  "pselect6",
  "pselect6_time64",
  "pwrite64",
  "pwritev",
  "pwritev2",
  "read",
  "readahead",
  "readlink",
  "readlinkat",
  "readv",
  "recv",
  "recvfrom",
  "recvmmsg",
  "recvmmsg_time64",
  "recvmsg",
  "remap_file_pages",
  "removexattr",
  "removexattrat",
  "rename",
  "renameat",
  "renameat2",
  "restart_syscall",
  "rmdir",
  "rseq",
  "rt_sigaction",
  "rt_sigpending",
  "rt_sigprocmask",
  "rt_sigqueueinfo",
  "rt_sigreturn",
  "rt_sigsuspend",
  "rt_sigtimedwait",
  "rt_sigtimedwait_time64",
  "rt_tgsigqueueinfo",
  "sched_get_priority_max",
  "sched_get_priority_min",
  "sched_getaffinity",
  "sched_getattr",
  "sched_getparam",
  "sched_getscheduler",
  "sched_rr_get_interval",
  "sched_rr_get_interval_time64",
  "sched_setaffinity",
  "sched_setattr",
  "sched_setparam",
  "sched_setscheduler",
  "sched_yield",
  "seccomp",
  "select",
  "semctl",
  "semget",
  "semop",
  "semtimedop",
  "semtimedop_time64",
  "send",
  "sendfile",
  "sendfile64",
  "sendmmsg",
  "sendmsg",
  "sendto",
  "set_robust_list",
  "set_thread_area",
  "set_tid_address",
  "setfsgid",
  "setfsgid32",
  "setfsuid",
  "setfsuid32",
  "setgid",
  "setgid32",
  "setgroups",
  "setgroups32",
  "setitimer",
  "setpgid",
  "setpriority",
  "setregid",
  "setregid32",
  "setresgid",
  "setresgid32",
  "setresuid",
  "setresuid32",
  "setreuid",
  "setreuid32",
  "setrlimit",
  "setsid",
  "setsockopt",
  "setuid",
  "setuid32",
  "setxattr",
  "setxattrat",
  "shmat",
  "shmctl",
  "shmdt",
  "shmget",
  "shutdown",
  "sigaltstack",
  "signalfd",
  "signalfd4",
  "sigprocmask",
  "sigreturn",
  "splice",
  "stat",
  "stat64",
  "statfs",
  "statfs64",
  "statmount",
  "statx",
  "symlink",
  "symlinkat",
  "sync",
  "sync_file_range",
  "syncfs",
  "sysinfo",
  "tee",
  "tgkill",
  "time",
  "timer_create",
  "timer_delete",
  "timer_getoverrun",
  "timer_gettime",
  "timer_gettime64",
  "timer_settime",
  "timer_settime64",
  "timerfd_create",
  "timerfd_gettime",
  "timerfd_gettime64",
  "timerfd_settime",
  "timerfd_settime64",
  "times",
  "tkill",
  "truncate",
  "truncate64",
  "ugetrlimit",
  "umask",
  "uname",
  "unlink",
  "unlinkat",
  "uprobe",
  "uretprobe",
  "utime",
  "utimensat",
  "utimensat_time64",
  "utimes",
  "vfork",
  "vmsplice",
  "wait4",
  "waitid",
  "waitpid",
  "write",
  "writev",
  NULL,
};

/* ---- groups opened by entitlements -------------------------------------- */

/* Old and new mount API, and pivot_root: security.admin. */
const char *const ent_policy_mount_family[] = {
  "fsconfig",      "fsmount",    "fsopen",    "fspick",         "mount",
  "mount_setattr", "move_mount", "open_tree", "open_tree_attr", "pivot_root",
  "umount",        "umount2",    NULL,
};

/* Namespace-creating clone flags are handled by the clone rule. */
const char *const ent_policy_namespace_family[] = { "setns", "unshare", NULL };

const char *const ent_policy_keyring_family[] = {
  "add_key",
  "keyctl",
  "request_key",
  NULL,
};

/* Everything that needs ptrace access to another process
 * (PTRACE_MODE_ATTACH): besides ptrace, process_vm_* and kcmp, Docker gates
 * pidfd_getfd (steal a file descriptor) and process_madvise behind
 * CAP_SYS_PTRACE with them, so they come and go together.  Granted by
 * host.processes.admin, debug.ptrace and security.admin. */
const char *const ent_policy_ptrace_family[] = {
  "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace", NULL,
};

const char *const ent_policy_perf_family[] = { "perf_event_open", NULL };

/* security.view: calls that only read kernel or process state.  Reading the
 * kernel log with syslog still obeys kernel.dmesg_restrict, and clearing it
 * needs CAP_SYSLOG in the initial namespace, which a sandbox never has; kcmp
 * needs ptrace read access to both processes; lookup_dcookie needs
 * CAP_SYS_ADMIN in the initial namespace (and is gone since Linux 6.8). */
const char *const ent_policy_introspection_family[] = {
  "kcmp",
  "lookup_dcookie",
  "syslog",
  NULL,
};

/* security.admin, beyond the families above.  Docker gates these behind
 * CAP_SYS_ADMIN or CAP_SYS_CHROOT; inside our own user namespace the kernel
 * checks that capability against the namespace that owns the resource, so
 * they reach only the sandbox: chroot changes the caller's own root,
 * sethostname/setdomainname work only on a UTS namespace the sandbox owns
 * (on a shared one they fail with EPERM).  bpf, quotactl, fanotify_init,
 * open_by_handle_at, ... stay denied: they act on the host's kernel or
 * filesystems, not on anything the user namespace owns. */
const char *const ent_policy_admin_extra[] = {
  "chroot",
  "setdomainname",
  "sethostname",
  NULL,
};

/* ---- rules --------------------------------------------------------------- */

/* Namespace flags a confined clone() may not carry.  CLONE_NEWTIME (0x80)
 * lies inside the exit-signal byte of clone()'s flags, so clone() itself
 * cannot ask for a time namespace (only clone3 and unshare can, and both are
 * refused); masking it costs nothing, as no valid signal number has bit 7
 * set, and keeps the mask complete should that ever change. */
#define NS_CLONE_FLAGS                                                                             \
  (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET         \
   | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* personality() values any payload may set: Docker's set.  PER_LINUX32 and
 * UNAME26 only change what uname reports; 0xffffffff queries. */
static const uint64_t personality_confined[] = {
  PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, 0xffffffff,
};

/* debug.ptrace: what gdb and `setarch -R` set to turn ASLR off. */
static const uint64_t personality_no_aslr[] = {
  ADDR_NO_RANDOMIZE,
  ADDR_NO_RANDOMIZE | PER_LINUX32,
};

/* One rule for @name with a single argument condition.  The profile copies
 * the name, so casting away const only fits the struct's field type. */
static int
add_cond_rule (ent_profile_t *p, const char *name, ent_seccomp_action_t action, int errnum,
               ent_arg_cond_t cond, ent_error_t **err)
{
  ent_seccomp_rule_t rule = {
    .syscall = (char *)(uintptr_t)name,
    .action = action,
    .errnum = errnum,
    .n_args = 1,
  };

  rule.args[0] = cond;
  return ent_profile_add_rule (p, &rule, err);
}

static int
allow_personalities (ent_profile_t *p, const uint64_t *values, size_t n, ent_error_t **err)
{
  for (size_t i = 0; i < n; i++)
    {
      ent_arg_cond_t cond = { .index = 0, .op = ENT_ARG_EQ, .value = values[i] };
      int ret = add_cond_rule (p, "personality", ENT_SECCOMP_ALLOW, 0, cond, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

/* clone() only without namespace flags (Docker's rule, arg0 on x86; s390
 * swaps the first two arguments, which entrun does not target).  clone3
 * passes its flags in memory a filter cannot read, so it fails with ENOSYS:
 * libc then falls back to clone(). */
static int
confine_clone (ent_profile_t *p, ent_error_t **err)
{
  ent_arg_cond_t no_ns
      = { .index = 0, .op = ENT_ARG_MASKED_EQ, .mask = NS_CLONE_FLAGS, .value = 0 };
  int ret;

  ret = add_cond_rule (p, "clone", ENT_SECCOMP_ALLOW, 0, no_ns, err);
  if (ret < 0)
    return ret;
  return ent_profile_deny_syscall (p, "clone3", ENOSYS, err);
}

/* TIOCSTI pushes bytes into a terminal's input queue and TIOCLINUX can
 * paste a virtual console's selection: either lets the payload type commands
 * into the caller's shell once it exits.  new_session already makes TIOCSTI
 * fail (the tty must be the caller's controlling terminal); the filter is a
 * second wall and also covers TIOCLINUX.  The kernel reads the request as a
 * 32-bit unsigned int, so compare only the low 32 bits: with a plain 64-bit
 * EQ, TIOCSTI | (1 << 32) would slip past the filter and still be TIOCSTI
 * to the kernel (CVE-2019-10063). */
static int
confine_ioctl (ent_profile_t *p, ent_error_t **err)
{
  static const uint64_t denied[] = { TIOCSTI, TIOCLINUX };
  int ret;

  ret = ent_profile_allow_syscall (p, "ioctl", err);
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (denied); i++)
    {
      ent_arg_cond_t cond
          = { .index = 1, .op = ENT_ARG_MASKED_EQ, .mask = 0xffffffff, .value = denied[i] };
      ret = add_cond_rule (p, "ioctl", ENT_SECCOMP_ERRNO, EPERM, cond, err);
    }
  return ret;
}

/* pid 1 of the sandbox is entrun's: same uid as the payload, so without
 * these rules the payload could set its scheduling to SCHED_IDLE or its
 * nice value to 19 (and then starve it, and with it the timeout and the
 * sandbox's end, with a few busy loops), or lower its RLIMIT_CPU until the
 * kernel kills it.  Denied: the calls that change another process's
 * scheduling or limits when they name pid 1, and the ones that reach it by
 * group or by user (setpriority's PRIO_PGRP and PRIO_USER, ioprio_set's
 * IOPRIO_WHO_PGRP and IOPRIO_WHO_USER).  A process changing its own
 * scheduling or a child's (pid 0, a tid, another pid) is untouched.  The
 * kernel reads these arguments as 32-bit ints: compare the low 32 bits. */
static int
protect_pid1 (ent_profile_t *p, ent_error_t **err)
{
  static const char *const by_pid[] = {
    "prlimit64", "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
  };
  /* setpriority: PRIO_PROCESS 0, PRIO_PGRP 1, PRIO_USER 2; ioprio_set:
   * IOPRIO_WHO_PROCESS 1, IOPRIO_WHO_PGRP 2, IOPRIO_WHO_USER 3. */
  static const struct
  {
    const char *name;
    uint64_t process, group, user;
  } by_which[] = { { "setpriority", 0, 1, 2 }, { "ioprio_set", 1, 2, 3 } };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (by_pid); i++)
    {
      ent_arg_cond_t pid1 = { .index = 0, .op = ENT_ARG_MASKED_EQ, .mask = 0xffffffff, .value = 1 };
      ret = add_cond_rule (p, by_pid[i], ENT_SECCOMP_ERRNO, EPERM, pid1, err);
    }
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (by_which); i++)
    {
      ent_seccomp_rule_t rule = {
        .syscall = (char *)(uintptr_t)by_which[i].name,
        .action = ENT_SECCOMP_ERRNO,
        .errnum = EPERM,
        .n_args = 2,
        .args = { { .index = 0, .op = ENT_ARG_MASKED_EQ, .mask = 0xffffffff,
                    .value = by_which[i].process },
                  { .index = 1, .op = ENT_ARG_MASKED_EQ, .mask = 0xffffffff, .value = 1 } },
      };
      ent_arg_cond_t group
          = { .index = 0, .op = ENT_ARG_MASKED_EQ, .mask = 0xffffffff, .value = by_which[i].group };
      ent_arg_cond_t user
          = { .index = 0, .op = ENT_ARG_MASKED_EQ, .mask = 0xffffffff, .value = by_which[i].user };
      ret = ent_profile_add_rule (p, &rule, err);
      if (ret == 0)
        ret = add_cond_rule (p, by_which[i].name, ENT_SECCOMP_ERRNO, EPERM, group, err);
      if (ret == 0)
        ret = add_cond_rule (p, by_which[i].name, ENT_SECCOMP_ERRNO, EPERM, user, err);
    }
  return ret;
}

/* ---- socket families ------------------------------------------------------
 *
 * socket() and socketpair() take an allowlist of address families; every
 * other family fails with EAFNOSUPPORT, which is what the kernel answers
 * for a family it was built without, so a program falls back (to IPv4, to
 * no Bluetooth, ...) exactly as on such a kernel.  A family's code only
 * runs once a socket of it exists: each family kept out is kernel code the
 * sandbox never reaches.  Most of it is reachable by any user on a stock
 * kernel (modules load on demand) and it has been the way in for many
 * local privilege escalations: AF_ALG (CVE-2013-7421's family, blocked by
 * Docker since 2026), TIPC (CVE-2021-43267), RDS (CVE-2010-3904), CAN BCM
 * (CVE-2021-3609), Bluetooth, X.25, AF_KEY, vsock (CVE-2021-26708) and
 * AF_PACKET (CVE-2017-7308, CVE-2020-14386).  vsock is not
 * network-namespaced either: on a VM guest it reaches the hypervisor and
 * other VMs whatever network.* level is in force.
 *
 * The allowlist: AF_UNIX (local IPC), AF_INET and AF_INET6 (the network
 * the network.* level gives), AF_NETLINK for the protocols below, and
 * AF_PACKET with network.admin only (raw frames: tcpdump, dhclient,
 * arping), which also needs the CAP_NET_RAW that network.admin grants.
 * security.admin does not widen it: the network.* levels decide what the
 * network stack offers.
 *
 * Netlink protocols (the kernel answers EPROTONOSUPPORT for one it lacks,
 * and so does the filter for the others):
 *   - NETLINK_ROUTE: interfaces, addresses, routes.  glibc's getaddrinfo
 *     (AI_ADDRCONFIG) and getifaddrs, ip, and every network library read it;
 *   - NETLINK_SOCK_DIAG: socket listings for ss; it shows the sandbox's own
 *     network namespace, what /proc/net/tcp and friends show;
 * and with network.admin, whose NET_ADMIN they need to do anything:
 *   - NETLINK_GENERIC: ethtool, wg, iw, `ip mptcp`/`ip tcp_metrics`;
 *   - NETLINK_NETFILTER: iptables-nft, nft, conntrack;
 *   - NETLINK_XFRM: `ip xfrm` (IPsec).
 * Kept out of every other sandbox, with the reason:
 *   - NETLINK_GENERIC multiplexes dozens of subsystems (nl80211, ethtool,
 *     devlink, TIPC, openvswitch, MPTCP, taskstats, ...), some with
 *     unprivileged operations and a history of bugs, none of them needed in
 *     a private namespace that has no hardware; under network.host it would
 *     read the host's Wi-Fi scan results (nearby access points: a location);
 *   - NETLINK_NETFILTER is nf_tables, whose CAP_NET_ADMIN-in-a-user-
 *     namespace surface gave a long line of privilege escalations
 *     (CVE-2022-1015, CVE-2023-32233, CVE-2024-1086): security.admin has
 *     that capability, and still does not get nf_tables without
 *     network.admin;
 *   - NETLINK_KOBJECT_UEVENT (device hotplug, libudev's monitor): in a
 *     private network namespace the kernel delivers only the events of the
 *     namespace's own devices, so there is nothing to hear; under
 *     network.host it would hear which devices the user plugs in.  libudev
 *     goes on without a monitor;
 *   - NETLINK_AUDIT: the kernel refuses every audit request from outside
 *     the initial user namespace, so the socket is only attack surface;
 *     libaudit's callers (useradd, sudo, login) treat EPROTONOSUPPORT as "a
 *     kernel without audit" and go on, while other errors make some abort;
 *   - the rest (connector, crypto, SELinux, iSCSI, RDMA, ...): kernel
 *     interfaces no program in a sandbox has a use for.
 *
 * How the rules are built.  The kernel reads the family and the protocol
 * as ints but seccomp compares all 64 bits of the register: a rule "deny
 * family 38" would miss 38 | (1 << 32), which the kernel still takes for
 * AF_ALG (the CVE-2019-10063 trick; Docker's "arg0 != AF_VSOCK" rule had
 * that hole).  So the filter compares all 64 bits and treats any value it
 * does not allow, high bits included, as an unlisted family: ALLOW rules
 * for exact values, and ERRNO rules (evaluated first) for the complement
 * of the allowlist over the whole 64-bit range, written as aligned blocks
 * (a masked compare each) and a final "greater than the largest" rule.  A
 * value with high bits set is never equal to a listed one and always
 * above the largest, so it fails with EAFNOSUPPORT.
 *
 * socketcall (i386 only) multiplexes every socket call, with the real
 * arguments in memory the filter cannot read: through it, socket() would
 * reach any family.  It is denied, with EAFNOSUPPORT, whatever its first
 * argument.  Filtering it by that argument (letting connect, send, ...
 * through and stopping only SYS_SOCKET and SYS_SOCKETPAIR) would be safe,
 * since a socket's family is fixed when it is created, but it would buy
 * nothing: a 32-bit program that cannot create a socket has none to use.
 * The cost, on a host with IA32 emulation: glibc as distributions build it
 * (for kernels from 3.2 on) makes socket() and most other socket calls on
 * i386 through socketcall, with no fallback to the direct calls of Linux
 * 4.3, so 32-bit glibc programs have no sockets in the sandbox (musl, 1.2.4
 * at least, tries the direct calls first and works).  64-bit programs
 * never use socketcall.
 * libseccomp also turns an argument rule on socket() into a rule on
 * socketcall(SYS_SOCKET) that cannot check the family; the launcher makes
 * the unconditional socketcall rule win over those (filter.c). */

#define AF_NETLINK_ 16
#define AF_PACKET_ 17
#define NETLINK_ROUTE_ 0
#define NETLINK_SOCK_DIAG_ 4
#define NETLINK_XFRM_ 6
#define NETLINK_NETFILTER_ 12
#define NETLINK_GENERIC_ 16

/* Each sorted ascending. */
static const uint64_t families_default[]
    = { 1 /* AF_UNIX */, 2 /* AF_INET */, 10 /* AF_INET6 */, AF_NETLINK_ };
static const uint64_t families_admin[] = { 1, 2, 10, AF_NETLINK_, AF_PACKET_ };
static const uint64_t netlink_default[] = { NETLINK_ROUTE_, NETLINK_SOCK_DIAG_ };
static const uint64_t netlink_admin[]
    = { NETLINK_ROUTE_, NETLINK_SOCK_DIAG_, NETLINK_XFRM_, NETLINK_NETFILTER_, NETLINK_GENERIC_ };

static const char *const socket_calls[] = { "socket", "socketpair" };

/* A rule for @name with up to two conditions (@c2 unused when its op is
 * -1). */
static int
add_rule2 (ent_profile_t *p, const char *name, ent_seccomp_action_t action, int errnum,
           ent_arg_cond_t c1, const ent_arg_cond_t *c2, ent_error_t **err)
{
  ent_seccomp_rule_t rule = {
    .syscall = (char *)(uintptr_t)name,
    .action = action,
    .errnum = errnum,
    .n_args = c2 ? 2 : 1,
  };

  rule.args[0] = c1;
  if (c2)
    rule.args[1] = *c2;
  return ent_profile_add_rule (p, &rule, err);
}

/* ERRNO rules on argument @index for every 64-bit value outside the sorted
 * set @allowed, each with @extra as a second condition when not NULL:
 * the gaps below and between the values as aligned power-of-two blocks,
 * the rest as "greater than the largest". */
static int
deny_complement (ent_profile_t *p, const char *name, unsigned index, const uint64_t *allowed,
                 size_t n, int errnum, const ent_arg_cond_t *extra, ent_error_t **err)
{
  uint64_t from = 0;
  int ret = 0;

  for (size_t i = 0; ret == 0 && i <= n; i++)
    {
      uint64_t to = i < n ? allowed[i] : from; /* [from, to) is a gap */
      while (ret == 0 && from < to)
        {
          uint64_t size = from ? from & -from : UINT64_C (1) << 63;
          while (size > to - from)
            size >>= 1;
          ent_arg_cond_t c
              = { .index = index, .op = ENT_ARG_MASKED_EQ, .mask = ~(size - 1), .value = from };
          if (size == 1)
            c = (ent_arg_cond_t){ .index = index, .op = ENT_ARG_EQ, .value = from };
          ret = extra ? add_rule2 (p, name, ENT_SECCOMP_ERRNO, errnum, *extra, &c, err)
                      : add_rule2 (p, name, ENT_SECCOMP_ERRNO, errnum, c, NULL, err);
          from += size;
        }
      if (i < n)
        from = allowed[i] + 1;
    }
  if (ret == 0)
    {
      ent_arg_cond_t above = { .index = index, .op = ENT_ARG_GT, .value = allowed[n - 1] };
      ret = extra ? add_rule2 (p, name, ENT_SECCOMP_ERRNO, errnum, *extra, &above, err)
                  : add_rule2 (p, name, ENT_SECCOMP_ERRNO, errnum, above, NULL, err);
    }
  return ret;
}

/* The rules of one socket-creating call (socket or socketpair: family in
 * argument 0, protocol in argument 2). */
static int
confine_family (ent_profile_t *p, const char *name, bool admin, ent_error_t **err)
{
  const uint64_t *fam = admin ? families_admin : families_default;
  size_t n_fam = admin ? N_ELEMENTS (families_admin) : N_ELEMENTS (families_default);
  const uint64_t *nl = admin ? netlink_admin : netlink_default;
  size_t n_nl = admin ? N_ELEMENTS (netlink_admin) : N_ELEMENTS (netlink_default);
  ent_arg_cond_t netlink = { .index = 0, .op = ENT_ARG_EQ, .value = AF_NETLINK_ };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < n_fam; i++)
    if (fam[i] != AF_NETLINK_)
      ret = add_rule2 (p, name, ENT_SECCOMP_ALLOW, 0,
                       (ent_arg_cond_t){ .index = 0, .op = ENT_ARG_EQ, .value = fam[i] }, NULL,
                       err);
  for (size_t i = 0; ret == 0 && i < n_nl; i++)
    {
      ent_arg_cond_t proto = { .index = 2, .op = ENT_ARG_EQ, .value = nl[i] };
      ret = add_rule2 (p, name, ENT_SECCOMP_ALLOW, 0, netlink, &proto, err);
    }
  if (ret == 0)
    ret = deny_complement (p, name, 0, fam, n_fam, EAFNOSUPPORT, NULL, err);
  if (ret == 0)
    ret = deny_complement (p, name, 2, nl, n_nl, EPROTONOSUPPORT, &netlink, err);
  return ret;
}

int
ent_policy_socket_families (ent_profile_t *p, bool admin, ent_error_t **err)
{
  int ret = 0;

  for (size_t i = 0; i < N_ELEMENTS (socket_calls); i++)
    ent_profile_forget_syscall (p, socket_calls[i]);
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (socket_calls); i++)
    ret = confine_family (p, socket_calls[i], admin, err);
  if (ret == 0)
    ret = ent_profile_deny_syscall (p, "socketcall", EAFNOSUPPORT, err);
  return ret;
}

/* ---- entry points -------------------------------------------------------- */

int
ent_policy_allow_group (ent_profile_t *p, const char *const *group, ent_error_t **err)
{
  for (const char *const *name = group; *name; name++)
    {
      int ret = ent_profile_allow_syscall (p, *name, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

int
ent_policy_apply_confined (ent_profile_t *p, ent_error_t **err)
{
  int ret;

  p->seccomp.enabled = true;
  p->seccomp.default_errno = EPERM;
  p->seccomp.unknown_errno = ENOSYS;

  ret = ent_policy_allow_group (p, ent_policy_default_allow, err);
  if (ret == 0)
    ret = confine_clone (p, err);
  if (ret == 0)
    ret = confine_ioctl (p, err);
  if (ret == 0)
    ret = protect_pid1 (p, err);
  if (ret == 0)
    ret = allow_personalities (p, personality_confined, N_ELEMENTS (personality_confined), err);
  if (ret == 0)
    ret = ent_policy_socket_families (p, false, err);
  return ret;
}

/* security.admin may create namespaces, so clone loses its flag filter and
 * clone3 its ENOSYS (glibc 2.34+ prefers clone3 for threads and posix_spawn),
 * as Docker does for CAP_SYS_ADMIN.  forget first: an ERRNO rule would win
 * over the new ALLOW, and allow_syscall keeps ERRNO rules. */
int
ent_policy_apply_admin (ent_profile_t *p, ent_error_t **err)
{
  static const char *const *const groups[] = {
    ent_policy_mount_family,  ent_policy_namespace_family, ent_policy_keyring_family,
    ent_policy_ptrace_family, ent_policy_admin_extra,
  };
  static const char *const unfiltered[] = { "clone", "clone3" };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (groups); i++)
    ret = ent_policy_allow_group (p, groups[i], err);
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (unfiltered); i++)
    {
      ent_profile_forget_syscall (p, unfiltered[i]);
      ret = ent_profile_allow_syscall (p, unfiltered[i], err);
    }
  return ret;
}

int
ent_policy_allow_personality_no_aslr (ent_profile_t *p, ent_error_t **err)
{
  return allow_personalities (p, personality_no_aslr, N_ELEMENTS (personality_no_aslr), err);
}

/* ---- hints (see seccomp-policy.h) ----------------------------------------- */

/* security.memory-lock sets the soft limit (to the hard one); so does a
 * profile that sets it itself. */
static bool
memlock_set (const ent_profile_t *p)
{
  return p->rlimits[ENT_RLIMIT_MEMLOCK].soft != ENT_RLIM_UNSET;
}

/* network.user (or admin, or the host's network) lets connect(2) reach
 * beyond lo. */
static bool
reaches_out (const ent_profile_t *p)
{
  return !p->ns.create[ENT_NS_NET] || p->net.mode == ENT_NET_USER || p->net.mode == ENT_NET_HOST;
}

/* network.admin's CAP_NET_BIND_SERVICE binds the ports below 1024 (in the
 * sandbox's own network namespace; in the host's, no grant does). */
static bool
binds_low_ports (const ent_profile_t *p)
{
  const uint64_t bit = UINT64_C (1) << 10; /* CAP_NET_BIND_SERVICE */

  return !p->ns.create[ENT_NS_NET] || p->net.mode == ENT_NET_HOST
         || (p->caps[ENT_CAPSET_EFFECTIVE] & bit) || (p->caps[ENT_CAPSET_AMBIENT] & bit);
}

#define DENIED(name, grant_)                                                                       \
  {                                                                                                \
    .syscall = name, .kind = ENT_HINT_DENIED, .what = name, .grant = grant_                        \
  }
#define DENIED_ARG(name, op_, mask_, value_, what_, grant_)                                        \
  {                                                                                                \
    .syscall = name, .kind = ENT_HINT_DENIED, .n_args = 1,                                         \
    .arg = { .index = 0, .op = op_, .mask = mask_, .value = value_ }, .what = what_,               \
    .grant = grant_                                                                                \
  }
#define CLONE_NS(flag)                                                                             \
  DENIED_ARG ("clone", ENT_ARG_MASKED_EQ, flag, flag, "clone with namespace flags",                \
              "security.admin")
#define WATCHED(name, what_, granted_)                                                             \
  {                                                                                                \
    .syscall = name, .kind = ENT_HINT_WATCHED, .what = what_, .grant = "security.memory-lock",     \
    .granted = granted_                                                                            \
  }
/* A socket call whose address length (argument 2) is an IPv4 or IPv6
 * one: pid 1 reads the address to judge (AF_UNIX's lengths vary with the
 * path, and so rarely land here). */
#define WATCHED_INET(name, len, what_, grant_, granted_)                                           \
  {                                                                                                \
    .syscall = name, .kind = ENT_HINT_WATCHED, .n_args = 1,                                        \
    .arg = { .index = 2, .op = ENT_ARG_EQ, .value = len }, .what = what_, .grant = grant_,         \
    .granted = granted_                                                                            \
  }

/* Every call a group above holds back, with the grant that opens it (the
 * narrowest: ptrace is debug.ptrace's, not security.admin's), sorted by
 * syscall name (strcmp: ent_policy_hints_apply looks them up by it, and
 * tests/unit/test-filter.c checks the order).  At most 64 entries (the launcher keeps them in a
 * 64-bit mask).  Entries with the same what and grant are one hint to the launcher's filter (one
 * number for all), which libseccomp needs where their conditions overlap (clone with two namespace
 * flags): give them words that fit each. */
const ent_policy_hint_t ent_policy_hints[] = {
  DENIED ("add_key", "security.admin"),
  WATCHED_INET ("bind", 16, "bind", "network.admin", binds_low_ports),
  WATCHED_INET ("bind", 28, "bind", "network.admin", binds_low_ports),
  DENIED ("chroot", "security.admin"),
  CLONE_NS (CLONE_NEWNS),
  CLONE_NS (CLONE_NEWUTS),
  CLONE_NS (CLONE_NEWIPC),
  CLONE_NS (CLONE_NEWUSER),
  CLONE_NS (CLONE_NEWPID),
  CLONE_NS (CLONE_NEWNET),
  CLONE_NS (CLONE_NEWCGROUP),
  WATCHED_INET ("connect", 16, "connect", "network.user", reaches_out),
  WATCHED_INET ("connect", 28, "connect", "network.user", reaches_out),
  DENIED ("fsconfig", "security.admin"),
  DENIED ("fsmount", "security.admin"),
  DENIED ("fsopen", "security.admin"),
  DENIED ("fspick", "security.admin"),
  DENIED ("kcmp", "debug.ptrace"),
  DENIED ("keyctl", "security.admin"),
  WATCHED ("mlock", "mlock beyond RLIMIT_MEMLOCK", memlock_set),
  WATCHED ("mlock2", "mlock beyond RLIMIT_MEMLOCK", memlock_set),
  WATCHED ("mlockall", "mlockall beyond RLIMIT_MEMLOCK", memlock_set),
  DENIED ("mount", "security.admin"),
  DENIED ("mount_setattr", "security.admin"),
  DENIED ("move_mount", "security.admin"),
  DENIED ("open_tree", "security.admin"),
  DENIED ("open_tree_attr", "security.admin"),
  DENIED ("perf_event_open", "debug.perf"),
  DENIED_ARG ("personality", ENT_ARG_EQ, 0, ADDR_NO_RANDOMIZE,
              "personality(ADDR_NO_RANDOMIZE), turning address randomisation off", "debug.ptrace"),
  DENIED_ARG ("personality", ENT_ARG_EQ, 0, ADDR_NO_RANDOMIZE | PER_LINUX32,
              "personality(ADDR_NO_RANDOMIZE), turning address randomisation off", "debug.ptrace"),
  DENIED ("pidfd_getfd", "debug.ptrace"),
  DENIED ("pivot_root", "security.admin"),
  DENIED ("process_madvise", "debug.ptrace"),
  DENIED ("process_vm_readv", "debug.ptrace"),
  DENIED ("process_vm_writev", "debug.ptrace"),
  DENIED ("ptrace", "debug.ptrace"),
  DENIED ("request_key", "security.admin"),
  DENIED ("setdomainname", "security.admin"),
  DENIED ("sethostname", "security.admin"),
  DENIED ("setns", "security.admin"),
  DENIED ("umount", "security.admin"),
  DENIED ("umount2", "security.admin"),
  DENIED ("unshare", "security.admin"),
};
const size_t ent_policy_n_hints = N_ELEMENTS (ent_policy_hints);

/* Calls a grant allows that get no hint, because the kernel may refuse
 * them all the same: syslog under kernel.dmesg_restrict (Debian's
 * default) whatever security.view allows, lookup_dcookie gone since Linux
 * 6.8.  A hint would name a grant that does not help. */
const char *const ent_policy_unhinted[] = { "lookup_dcookie", "syslog", NULL };

/* Can no argument satisfy both @h and @c (same argument)?  Only the shapes
 * the policy uses are worked out; any other is taken to overlap. */
static bool
conds_disjoint (const ent_arg_cond_t *h, const ent_arg_cond_t *c)
{
  uint64_t hm = h->op == ENT_ARG_EQ ? UINT64_MAX : h->mask;
  uint64_t cm = c->op == ENT_ARG_EQ ? UINT64_MAX : c->mask;

  if (h->index != c->index || (h->op != ENT_ARG_EQ && h->op != ENT_ARG_MASKED_EQ)
      || (c->op != ENT_ARG_EQ && c->op != ENT_ARG_MASKED_EQ))
    return false;
  /* Both fix the bits of their masks: they clash on a bit both fix. */
  return ((h->value ^ c->value) & hm & cm) != 0;
}

/* The hints on @syscall: [*lo, *hi) of the table, by binary search. */
static void
hints_on (const char *syscall, size_t *lo, size_t *hi)
{
  size_t a = 0, b = ent_policy_n_hints;

  while (a < b)
    {
      size_t mid = a + (b - a) / 2;
      if (strcmp (ent_policy_hints[mid].syscall, syscall) < 0)
        a = mid + 1;
      else
        b = mid;
    }
  *lo = a;
  while (b < ent_policy_n_hints && strcmp (ent_policy_hints[b].syscall, syscall) == 0)
    b++;
  *hi = b < a ? a : b;
}

uint64_t
ent_policy_hints_apply (const ent_profile_t *p)
{
  /* Per hint: an unconditional ALLOW rule on its call; an ALLOW rule
   * that may overlap it. */
  bool uncond[64] = { false }, overlap[64] = { false };
  uint64_t mask = 0;

  _Static_assert(N_ELEMENTS (ent_policy_hints) <= 64, "at most 64 hints");
  if (!p->seccomp.enabled)
    return 0;
  /* One pass over the rules, whatever their order: a profile's callback
   * may have written them. */
  for (size_t r = 0; r < p->seccomp.n_rules; r++)
    {
      const ent_seccomp_rule_t *rule = &p->seccomp.rules[r];
      size_t lo, hi;
      if (rule->action != ENT_SECCOMP_ALLOW)
        continue;
      hints_on (rule->syscall, &lo, &hi);
      for (size_t i = lo; i < hi; i++)
        {
          const ent_policy_hint_t *h = &ent_policy_hints[i];
          bool disjoint = false;
          if (rule->n_args == 0)
            {
              uncond[i] = true;
              continue;
            }
          for (unsigned a = 0;
               h->kind == ENT_HINT_DENIED && h->n_args == 1 && a < rule->n_args && !disjoint; a++)
            disjoint = conds_disjoint (&h->arg, &rule->args[a]);
          overlap[i] = overlap[i] || !disjoint;
        }
    }
  for (size_t i = 0; i < ent_policy_n_hints; i++)
    {
      const ent_policy_hint_t *h = &ent_policy_hints[i];
      bool applies = h->kind == ENT_HINT_WATCHED ? uncond[i] && !overlap[i] && !h->granted (p)
                                                 : !uncond[i] && !overlap[i];
      if (applies)
        mask |= UINT64_C (1) << i;
    }
  return mask;
}
