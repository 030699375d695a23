/* ptyrig -- the terminal rig of tests/bench/tty.sh.  Each measured command
 * runs on a fresh pty of its own (posix_openpt, a 50x160 window, the slave
 * its controlling terminal and its fds 0-2, in a new session); the rig
 * plays the terminal on the master side.
 *
 *   ptyrig gen FILE MIB
 *       write MIB MiB of printable ASCII (0x20-0x7e, pseudo-random, so no
 *       '\n' for ONLCR to expand and no ESC for a filter to act on).
 *   ptyrig verify FILE LABEL CMD ARGS... ";" LABEL CMD ARGS... ...
 *       run each command once; what reaches the terminal must be FILE,
 *       byte for byte, and the command must exit 0.
 *   ptyrig throughput ROUNDS WARMUP FILE LABEL CMD ARGS... ";" ...
 *       WARMUP discarded rounds then ROUNDS measured ones, each running
 *       every command once, the starting one rotating.  The rig reads the
 *       master as fast as it can until EIO (every slave fd closed) and
 *       reaps the command; the time is spawn .. that exit.  The byte count
 *       must equal FILE's size.  Prints "LABEL median p10 p90 CPU" in
 *       seconds, CPU the median of the machine's busy CPU time during a
 *       run: the command, a relay, the kernel's pty work, the rig -- and
 *       whatever else runs then.
 *   ptyrig latency SAMPLES WARMUP LABEL CMD ARGS... ";" ...
 *       the slave in raw mode; starts every command (an echoer: `ptyrig
 *       echo`, possibly in a sandbox or behind a relay) at once, waits for
 *       each to say it is ready, then per round sends one byte to each
 *       (the starting one rotating) and times until that byte comes back:
 *       the input path plus the output path.  ^D ends each echoer, which
 *       must exit 0.  Prints "LABEL median p10 p90 relayed|direct" in
 *       microseconds; direct when the echoer ran on the rig's own pty.
 *   ptyrig echo
 *       the echoer: puts its terminal in raw mode, writes READY (naming
 *       that terminal, so that the rig can tell a relay's pty from its
 *       own), then copies stdin to stdout (cat's loop, unbuffered) until
 *       ^D or EOF.
 *
 * Any failure -- a command that does not start, a short or long output, a
 * wrong echo, a non-zero exit, nothing for TIMEOUT seconds -- names the
 * command and exits 1. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define READY "<ptyrig-ready " /* then DEV:INO of its terminal and ">" */
#define TIMEOUT 600            /* seconds without an end: a hung command */
#define MAXCMD 16

struct cmd
{
  char *label;
  char **argv;
  double *v;   /* per run: wall time (throughput), round trip (latency) */
  double *cpu; /* per run: the whole machine's busy CPU time (us) */
  pid_t pid;
  int master;
  struct stat slave; /* the rig's pty, to tell whether a relay came between */
  int relayed;
};

static volatile pid_t running[MAXCMD];
static const char *volatile current = "a command"; /* for the timeout message */

static void die (const char *fmt, ...) __attribute__ ((format (printf, 1, 2), noreturn));
static void
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("ptyrig: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  for (int i = 0; i < MAXCMD; i++)
    if (running[i] > 0)
      kill (running[i], SIGKILL);
  exit (1);
}

static void
on_alarm (int sig)
{
  static const char msg[] = "ptyrig: timed out: ", hangs[] = " hangs\n";
  (void)sig;
  (void)!write (2, msg, sizeof msg - 1);
  (void)!write (2, current, strlen (current));
  (void)!write (2, hangs, sizeof hangs - 1);
  for (int i = 0; i < MAXCMD; i++)
    if (running[i] > 0)
      kill (running[i], SIGKILL);
  _exit (1);
}

static double
now_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int
cmpd (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
pct (const double *s, int n, double p) /* linear interpolation, s sorted */
{
  double r = p * (n - 1);
  int i = (int)r;
  return i + 1 < n ? s[i] + (r - i) * (s[i + 1] - s[i]) : s[i];
}

static long
number (const char *s, const char *what)
{
  char *end;
  long n = strtol (s, &end, 10);
  if (*s == '\0' || *end != '\0' || n < 0)
    die ("%s must be a number, got '%s'", what, s);
  return n;
}

/* LABEL CMD ARGS... ";" LABEL CMD ARGS... from argv[i]; returns the count. */
static int
parse_cmds (int argc, char **argv, int i, struct cmd *c, int nvalues)
{
  int k = 0;
  for (; i < argc; k++)
    {
      if (k == MAXCMD)
        die ("more than %d commands", MAXCMD);
      c[k].label = argv[i++];
      c[k].argv = &argv[i];
      while (i < argc && strcmp (argv[i], ";") != 0)
        i++;
      if (i < argc)
        argv[i++] = NULL;
      if (c[k].argv[0] == NULL)
        die ("%s: no command", c[k].label);
      c[k].v = calloc (nvalues > 0 ? nvalues : 1, sizeof (double));
      c[k].cpu = calloc (nvalues > 0 ? nvalues : 1, sizeof (double));
      c[k].pid = -1;
      c[k].master = -1;
    }
  if (k == 0)
    die ("no command to run");
  return k;
}

/* Start @x on a new pty: the slave as its controlling terminal and fds 0-2
 * (raw when @raw, else a new pty's cooked defaults: OPOST|ONLCR, ICANON,
 * ECHO -- what a terminal emulator hands a shell).  The rig keeps only the
 * master, so that its reads fail with EIO once the command's side is all
 * closed. */
static void
spawn_pty (struct cmd *x, int slot, int raw)
{
  struct winsize ws = { .ws_row = 50, .ws_col = 160 };
  struct termios t;
  int m, s;
  char *name;

  if ((m = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || grantpt (m) < 0 || unlockpt (m) < 0
      || (name = ptsname (m)) == NULL)
    die ("%s: cannot open a pty: %s", x->label, strerror (errno));
  if (ioctl (m, TIOCSWINSZ, &ws) < 0)
    die ("%s: TIOCSWINSZ: %s", x->label, strerror (errno));
  if ((s = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || fstat (s, &x->slave) < 0)
    die ("%s: cannot open %s: %s", x->label, name, strerror (errno));
  if (raw)
    {
      if (tcgetattr (s, &t) < 0)
        die ("%s: tcgetattr: %s", x->label, strerror (errno));
      cfmakeraw (&t);
      if (tcsetattr (s, TCSANOW, &t) < 0)
        die ("%s: tcsetattr: %s", x->label, strerror (errno));
    }
  fflush (NULL);
  current = x->label;
  x->pid = fork ();
  if (x->pid < 0)
    die ("fork: %s", strerror (errno));
  if (x->pid == 0)
    {
      signal (SIGALRM, SIG_DFL);
      if (setsid () < 0 || ioctl (s, TIOCSCTTY, 0) < 0 || dup2 (s, 0) < 0 || dup2 (s, 1) < 0
          || dup2 (s, 2) < 0)
        _exit (126);
      execvp (x->argv[0], x->argv);
      dprintf (2, "ptyrig: cannot run %s: %s\r\n", x->argv[0], strerror (errno));
      _exit (127);
    }
  running[slot] = x->pid;
  close (s);
  x->master = m;
}

static void
show_cmd (struct cmd *x)
{
  for (char **p = x->argv; *p; p++)
    fprintf (stderr, " %s", *p);
  fputc ('\n', stderr);
}

/* Reap @x; dies unless it exited 0. */
static void
reap (struct cmd *x, int slot, const char *when)
{
  int st;
  while (waitpid (x->pid, &st, 0) < 0)
    if (errno != EINTR)
      die ("waitpid: %s", strerror (errno));
  running[slot] = 0;
  if (!WIFEXITED (st) || WEXITSTATUS (st) != 0)
    {
      fprintf (stderr, "ptyrig: %s failed (%s %d) %s:", x->label,
               WIFEXITED (st) ? "exit" : "signal",
               WIFEXITED (st) ? WEXITSTATUS (st) : WTERMSIG (st), when);
      show_cmd (x);
      die ("benchmark aborted");
    }
}

/* The machine's busy CPU time so far, in us, from /proc/stat: user, nice,
 * system, irq and softirq of all CPUs (not idle, iowait nor steal).  The
 * command's own rusage would not do: a sandbox need not reap its payload
 * (entrun's pid 1 dies with it), and a pty's kernel work runs in
 * kworkers. */
static double
busy_us (void)
{
  unsigned long long v[7] = { 0 };
  FILE *f = fopen ("/proc/stat", "re");
  if (f == NULL
      || fscanf (f, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                 &v[5], &v[6])
             != 7)
    die ("cannot read /proc/stat");
  fclose (f);
  return (double)(v[0] + v[1] + v[2] + v[5] + v[6]) * 1e6 / sysconf (_SC_CLK_TCK);
}

/* read(2) on a master: 0 (never seen) or EIO once every slave fd is closed
 * and what the command wrote has been read. */
static ssize_t
read_master (int m, char *buf, size_t len)
{
  ssize_t n;
  while ((n = read (m, buf, len)) < 0 && errno == EINTR)
    ;
  if (n < 0 && errno != EIO)
    die ("reading a pty master: %s", strerror (errno));
  return n < 0 ? 0 : n;
}

/* A printable, escaped copy of @n bytes at @p, for error messages. */
static const char *
quote (const char *p, size_t n)
{
  static char out[4][1024];
  static int which;
  char *o = out[which++ % 4], *e = o + sizeof out[0] - 8;
  for (size_t i = 0; i < n && o < e; i++)
    {
      unsigned char ch = (unsigned char)p[i];
      if (ch >= 0x20 && ch < 0x7f && ch != '\\')
        *o++ = ch;
      else
        o += sprintf (o, "\\x%02x", ch);
    }
  *o = '\0';
  return out[(which - 1) % 4];
}

static char *
map_file (const char *path, size_t *size)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    die ("%s: %s", path, strerror (errno));
  *size = st.st_size;
  char *p = mmap (NULL, *size ? *size : 1, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED)
    die ("mmap %s: %s", path, strerror (errno));
  close (fd);
  return p;
}

/* ---- gen --------------------------------------------------------------------- */

static int
gen (const char *path, long mib)
{
  static unsigned char buf[1 << 20];
  uint64_t x = 0x9e3779b97f4a7c15u;
  FILE *f = fopen (path, "we");
  if (f == NULL)
    die ("%s: %s", path, strerror (errno));
  for (long b = 0; b < mib; b++)
    {
      for (size_t i = 0; i < sizeof buf; i += 8)
        {
          x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
          for (int j = 0; j < 8; j++)
            buf[i + j] = 0x20 + (((x >> (8 * j)) & 0xff) * 95 >> 8);
        }
      if (fwrite (buf, 1, sizeof buf, f) != sizeof buf)
        die ("writing %s: %s", path, strerror (errno));
    }
  if (fflush (f) != 0 || fsync (fileno (f)) < 0 || fclose (f) != 0)
    die ("writing %s: %s", path, strerror (errno));
  return 0;
}

/* ---- verify ------------------------------------------------------------------ */

static int
verify (int argc, char **argv)
{
  struct cmd c[MAXCMD];
  size_t size, got;
  char *want = map_file (argv[2], &size);
  char *buf = malloc (size + 65536);
  int k = parse_cmds (argc, argv, 3, c, 0);

  for (int j = 0; j < k; j++)
    {
      ssize_t n;
      alarm (TIMEOUT);
      spawn_pty (&c[j], j, 0);
      for (got = 0; (n = read_master (c[j].master, buf + got, size + 65536 - got)) > 0;)
        if ((got += n) == size + 65536)
          break;
      if (got != size || memcmp (buf, want, size) != 0)
        {
          size_t i = 0;
          while (i < got && i < size && buf[i] == want[i])
            i++;
          fprintf (stderr,
                   "ptyrig: %s: the terminal got %zu bytes, not the file's %zu; they differ from "
                   "byte %zu:\n  got:  \"%s\"\n  want: \"%s\"\n  command:",
                   c[j].label, got, size, i, quote (buf + i, got - i < 200 ? got - i : 200),
                   quote (want + i, size - i < 60 ? size - i : 60));
          show_cmd (&c[j]);
          die ("benchmark aborted");
        }
      close (c[j].master);
      reap (&c[j], j, "while checking its output");
      alarm (0);
    }
  return 0;
}

/* ---- throughput -------------------------------------------------------------- */

/* One run: spawn, read everything, reap; returns the wall time in us and
 * the machine's busy CPU time meanwhile in @cpu. */
static double
throughput_run (struct cmd *x, int slot, size_t size, char *buf, size_t len, int round, double *cpu)
{
  size_t got = 0;
  ssize_t n;
  char when[64];
  double c0 = busy_us (), t0 = now_us (), t1;

  alarm (TIMEOUT);
  spawn_pty (x, slot, 0);
  while ((n = read_master (x->master, buf, len)) > 0)
    got += n;
  snprintf (when, sizeof when, "in round %d", round);
  reap (x, slot, when);
  t1 = now_us ();
  *cpu = busy_us () - c0;
  alarm (0);
  close (x->master);
  if (got != size)
    {
      fprintf (stderr, "ptyrig: %s: the terminal got %zu bytes, not the file's %zu, %s:", x->label,
               got, size, when);
      show_cmd (x);
      die ("benchmark aborted");
    }
  return t1 - t0;
}

static int
throughput (int argc, char **argv)
{
  static char buf[1 << 16];
  struct cmd c[MAXCMD];
  struct stat st;
  long runs = number (argv[2], "ROUNDS"), warm = number (argv[3], "WARMUP");
  if (runs < 1)
    die ("ROUNDS must be at least 1");
  if (stat (argv[4], &st) < 0)
    die ("%s: %s", argv[4], strerror (errno));
  int k = parse_cmds (argc, argv, 5, c, runs);

  for (int r = 0; r < warm + runs; r++)
    for (int j = 0; j < k; j++)
      {
        int i = (r + j) % k;
        double cpu, us = throughput_run (&c[i], i, st.st_size, buf, sizeof buf, r + 1, &cpu);
        if (r >= warm)
          c[i].v[r - warm] = us, c[i].cpu[r - warm] = cpu;
      }
  for (int j = 0; j < k; j++)
    {
      qsort (c[j].v, runs, sizeof (double), cmpd);
      qsort (c[j].cpu, runs, sizeof (double), cmpd);
      printf ("%s %.4f %.4f %.4f %.4f\n", c[j].label, pct (c[j].v, runs, .5) / 1e6,
              pct (c[j].v, runs, .1) / 1e6, pct (c[j].v, runs, .9) / 1e6,
              pct (c[j].cpu, runs, .5) / 1e6);
    }
  return 0;
}

/* ---- latency ----------------------------------------------------------------- */

/* Wait (at most 60 s) for @x's READY; anything it prints before is shown.
 * The terminal it names tells whether it runs on the rig's pty (direct) or
 * on one of a relay's. */
static void
wait_ready (struct cmd *x)
{
  char buf[4096];
  size_t got = 0;
  double deadline = now_us () + 60e6;

  for (;;)
    {
      struct pollfd p = { .fd = x->master, .events = POLLIN };
      int left = (int)((deadline - now_us ()) / 1e3);
      ssize_t n;
      if (left <= 0 || poll (&p, 1, left) == 0)
        break;
      if ((n = read_master (x->master, buf + got, sizeof buf - 1 - got)) <= 0)
        break;
      got += n;
      buf[got] = '\0';
      char *at = strstr (buf, READY), *end = at ? strchr (at, '>') : NULL;
      unsigned long dev, ino;
      if (end != NULL)
        {
          if (sscanf (at + strlen (READY), "%lu:%lu>", &dev, &ino) != 2)
            die ("%s: a garbled READY: \"%s\"", x->label, quote (at, end + 1 - at));
          if (at != buf)
            fprintf (stderr, "ptyrig: note: %s printed before it was ready: \"%s\"\n", x->label,
                     quote (buf, at - buf));
          if (end + 1 != buf + got)
            die ("%s: unexpected output after it was ready: \"%s\"", x->label,
                 quote (end + 1, buf + got - end - 1));
          x->relayed
              = dev != (unsigned long)x->slave.st_dev || ino != (unsigned long)x->slave.st_ino;
          return;
        }
      if (got == sizeof buf - 1)
        break;
    }
  fprintf (stderr,
           "ptyrig: %s did not get ready within 60 s; it printed \"%s\"; command:", x->label,
           quote (buf, got));
  show_cmd (x);
  die ("benchmark aborted");
}

/* One keystroke to @x and its echo back; returns the round trip in us. */
static double
keystroke (struct cmd *x, char b)
{
  char got[64];
  ssize_t n;
  double t0 = now_us (), t1;

  current = x->label;
  if (write (x->master, &b, 1) != 1)
    die ("%s: writing to the pty: %s", x->label, strerror (errno));
  n = read_master (x->master, got, sizeof got);
  t1 = now_us ();
  if (n != 1 || got[0] != b)
    die ("%s: sent \"%s\", the terminal got \"%s\"%s", x->label, quote (&b, 1), quote (got, n),
         n == 0 ? " (the command's side closed)" : "");
  return t1 - t0;
}

static int
latency (int argc, char **argv)
{
  struct cmd c[MAXCMD];
  long runs = number (argv[2], "SAMPLES"), warm = number (argv[3], "WARMUP");
  if (runs < 1)
    die ("SAMPLES must be at least 1");
  int k = parse_cmds (argc, argv, 4, c, runs);

  for (int j = 0; j < k; j++)
    {
      spawn_pty (&c[j], j, 1);
      wait_ready (&c[j]);
    }
  for (long r = 0; r < warm + runs; r++)
    {
      alarm (60);
      for (int j = 0; j < k; j++)
        {
          int i = (r + j) % k;
          double us = keystroke (&c[i], 'a' + r % 26);
          if (r >= warm)
            c[i].v[r - warm] = us;
        }
    }
  alarm (60);
  for (int j = 0; j < k; j++)
    {
      char buf[256];
      ssize_t n;
      if (write (c[j].master, "\004", 1) != 1)
        die ("%s: writing to the pty: %s", c[j].label, strerror (errno));
      if ((n = read_master (c[j].master, buf, sizeof buf)) > 0)
        die ("%s: unexpected output after ^D: \"%s\"", c[j].label, quote (buf, n));
      reap (&c[j], j, "after ^D");
      close (c[j].master);
    }
  alarm (0);
  for (int j = 0; j < k; j++)
    {
      qsort (c[j].v, runs, sizeof (double), cmpd);
      printf ("%s %.2f %.2f %.2f %s\n", c[j].label, pct (c[j].v, runs, .5), pct (c[j].v, runs, .1),
              pct (c[j].v, runs, .9), c[j].relayed ? "relayed" : "direct");
    }
  return 0;
}

/* ---- echo -------------------------------------------------------------------- */

static int
echo (void)
{
  char buf[4096];
  struct termios t;
  struct stat st;
  ssize_t n;
  int len;

  /* Raw on whatever terminal it got -- the rig's, or a relay's own pty that
   * may have started cooked: no line buffering, no echo by the kernel. */
  if (isatty (0))
    {
      if (tcgetattr (0, &t) < 0)
        return perror ("echo: tcgetattr"), 1;
      cfmakeraw (&t);
      if (tcsetattr (0, TCSANOW, &t) < 0)
        return perror ("echo: tcsetattr"), 1;
    }
  if (fstat (0, &st) < 0)
    return perror ("echo: fstat"), 1;
  len = snprintf (buf, sizeof buf, READY "%lu:%lu>", (unsigned long)st.st_dev,
                  (unsigned long)st.st_ino);
  if (write (1, buf, len) != len)
    return 1;
  for (;;)
    {
      while ((n = read (0, buf, sizeof buf)) < 0 && errno == EINTR)
        ;
      if (n <= 0)
        return n < 0;
      char *eot = memchr (buf, '\004', n);
      size_t end = eot ? (size_t)(eot - buf) : (size_t)n;
      for (size_t off = 0; off < end;)
        {
          ssize_t w = write (1, buf + off, end - off);
          if (w < 0 && errno != EINTR)
            return 1;
          off += w > 0 ? (size_t)w : 0;
        }
      if (eot)
        return 0;
    }
}

int
main (int argc, char **argv)
{
  struct sigaction sa = { .sa_handler = on_alarm };
  const char *mode = argc > 1 ? argv[1] : "";

  sigaction (SIGALRM, &sa, NULL);
  if (strcmp (mode, "echo") == 0 && argc == 2)
    return echo ();
  if (strcmp (mode, "gen") == 0 && argc == 4)
    return gen (argv[2], number (argv[3], "MIB"));
  if (strcmp (mode, "verify") == 0 && argc > 4)
    return verify (argc, argv);
  if (strcmp (mode, "throughput") == 0 && argc > 6)
    return throughput (argc, argv);
  if (strcmp (mode, "latency") == 0 && argc > 5)
    return latency (argc, argv);
  fprintf (stderr, "usage: ptyrig gen FILE MIB\n"
                   "       ptyrig verify FILE LABEL CMD... [\";\" LABEL CMD...]...\n"
                   "       ptyrig throughput ROUNDS WARMUP FILE LABEL CMD... [\";\" ...]...\n"
                   "       ptyrig latency SAMPLES WARMUP LABEL CMD... [\";\" ...]...\n"
                   "       ptyrig echo\n");
  return 2;
}
