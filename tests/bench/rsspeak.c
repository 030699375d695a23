/* rsspeak RUNS WARMUP ERRLOG PAYLOAD LABEL CMD ARGS... ";" LABEL CMD ARGS... ";" ...
 * The peak-memory helper of tests/bench/startup.sh: what a launcher's own
 * processes hold while the command it sandboxes runs.  Each round runs every
 * command once, the starting one rotating, WARMUP discarded rounds then RUNS
 * measured ones; stdin and stdout are /dev/null, stderr goes to ERRLOG.
 * While a run goes on, every POLL_MS ms, it scans /proc for the processes
 * descending from the one it started (that one included) and reads VmHWM
 * from the /proc/PID/status of each, keeping the largest per process (reset
 * when its name changes: an execve, a new address space).  Processes named
 * PAYLOAD (the command, once it has exec'd) are not counted.  A run's value
 * is the sum over the processes alive at the last scan that saw PAYLOAD
 * alive: the launcher's tree just before the command exits.  Prints "LABEL
 * median p10 p90 procs" per command, KiB (procs: the median number of
 * processes summed); fails, naming the command, if a run does not exit 0
 * or PAYLOAD was never seen running. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
extern char **environ;
enum { POLL_MS = 2, MAXP = 4096, MAXT = 64 };
struct cmd { char *label; char **argv; double *kib, *np; };
struct proc { int pid, ppid; char state, name[64]; };
struct peak { int pid; long kib; char name[64]; };
static int cmpd (const void *a, const void *b)
{ double x = *(const double *) a, y = *(const double *) b; return (x > y) - (x < y); }
static double pct (const double *s, int n, double p) /* linear interpolation */
{ double r = p * (n - 1); int i = (int) r; return i + 1 < n ? s[i] + (r - i) * (s[i + 1] - s[i]) : s[i]; }

static int read_stat (int pid, struct proc *p) /* 0 when it could be read */
{
  char path[64], buf[1024], *lp, *rp;
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  if ((lp = strchr (buf, '(')) == NULL || (rp = strrchr (buf, ')')) == NULL) return -1;
  size_t len = (size_t) (rp - lp - 1) < sizeof p->name ? (size_t) (rp - lp - 1) : sizeof p->name - 1;
  memcpy (p->name, lp + 1, len);
  p->name[len] = '\0';
  p->pid = pid;
  return sscanf (rp + 1, " %c %d", &p->state, &p->ppid) == 2 ? 0 : -1;
}

static long read_hwm (int pid) /* VmHWM in KiB; -1 when gone or a zombie */
{
  char path[64], line[256];
  long kib = -1;
  snprintf (path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen (path, "re");
  if (f == NULL) return -1;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, "VmHWM:", 6) == 0) { kib = strtol (line + 6, NULL, 10); break; }
  fclose (f);
  return kib;
}

static struct proc all[MAXP];
/* One scan: the tree under root into tree[] (at most MAXT); returns its size. */
static int scan (int root, struct proc *tree)
{
  int n = 0, t = 0;
  DIR *d = opendir ("/proc");
  struct dirent *e;
  if (d == NULL) { perror ("rsspeak: /proc"); exit (1); }
  while ((e = readdir (d)) != NULL && n < MAXP)
    if (isdigit ((unsigned char) e->d_name[0]) && read_stat (atoi (e->d_name), &all[n]) == 0) n++;
  closedir (d);
  for (int i = 0; i < n; i++)
    if (all[i].pid == root) tree[t++] = all[i];
  for (int grew = 1; grew && t < MAXT;) { /* add children of the tree until none is left */
    grew = 0;
    for (int i = 0; i < n && t < MAXT; i++) {
      int in = 0, parent = 0;
      for (int j = 0; j < t; j++) {
        if (tree[j].pid == all[i].pid) in = 1;
        if (tree[j].pid == all[i].ppid) parent = 1;
      }
      if (!in && parent) { tree[t++] = all[i]; grew = 1; }
    }
  }
  return t;
}

int main (int argc, char **argv)
{
  if (argc < 7) { fprintf (stderr, "usage: rsspeak RUNS WARMUP ERRLOG PAYLOAD LABEL CMD... [; LABEL CMD...]\n"); return 2; }
  int runs = atoi (argv[1]), warm = atoi (argv[2]), k = 0;
  const char *payload = argv[4];
  struct cmd c[16];
  for (int i = 5; i < argc && k < 16; k++) {
    c[k].label = argv[i]; c[k].argv = &argv[i + 1];
    while (i < argc && strcmp (argv[i], ";") != 0) i++;
    if (i < argc) argv[i++] = NULL;
    c[k].kib = calloc (runs, sizeof (double));
    c[k].np = calloc (runs, sizeof (double));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 2, argv[3], O_WRONLY | O_APPEND | O_CREAT, 0644);
  static struct proc tree[MAXT];
  static struct peak pk[MAXT * 4];
  for (int r = 0; r < warm + runs; r++)
    for (int j = 0; j < k; j++) {
      struct cmd *x = &c[(r + j) % k];
      pid_t pid;
      int st, npk = 0, seen = 0, w;
      long sum = 0, nprocs = 0;
      if (posix_spawn (&pid, x->argv[0], &fa, NULL, x->argv, environ) != 0) {
        fprintf (stderr, "rsspeak: cannot run %s (%s)\n", x->label, x->argv[0]); return 1;
      }
      while ((w = waitpid (pid, &st, WNOHANG)) == 0) {
        int t = scan (pid, tree), alive = 0;
        long s = 0, np = 0;
        for (int i = 0; i < t; i++) {
          if (tree[i].state == 'Z' || tree[i].state == 'X') continue;
          if (strcmp (tree[i].name, payload) == 0) { alive = 1; continue; }
          long kib = read_hwm (tree[i].pid);
          if (kib < 0) continue;
          int q = 0;
          while (q < npk && pk[q].pid != tree[i].pid) q++;
          if (q == npk) {
            if (npk == MAXT * 4) continue;
            pk[npk].pid = tree[i].pid; pk[npk].kib = 0; pk[npk].name[0] = '\0'; npk++;
          }
          if (strcmp (pk[q].name, tree[i].name) != 0) { /* new, or exec'd since */
            strcpy (pk[q].name, tree[i].name); pk[q].kib = 0;
          }
          if (kib > pk[q].kib) pk[q].kib = kib;
          s += pk[q].kib; np++;
        }
        if (alive) { seen = 1; sum = s; nprocs = np; }
        struct timespec ts = { 0, POLL_MS * 1000000L };
        nanosleep (&ts, NULL);
      }
      if (w < 0) { perror ("rsspeak: waitpid"); return 1; }
      if (!WIFEXITED (st) || WEXITSTATUS (st) != 0 || !seen) {
        if (!seen && WIFEXITED (st) && WEXITSTATUS (st) == 0)
          fprintf (stderr, "rsspeak: %s: never saw %s running in round %d:", x->label, payload, r + 1);
        else
          fprintf (stderr, "rsspeak: %s failed (%s %d) in round %d:", x->label,
                   WIFEXITED (st) ? "exit" : "signal", WIFEXITED (st) ? WEXITSTATUS (st) : WTERMSIG (st), r + 1);
        for (char **p = x->argv; *p; p++) fprintf (stderr, " %s", *p);
        fputc ('\n', stderr); return 1;
      }
      if (r >= warm) { x->kib[r - warm] = sum; x->np[r - warm] = nprocs; }
    }
  for (int j = 0; j < k; j++) {
    qsort (c[j].kib, runs, sizeof (double), cmpd);
    qsort (c[j].np, runs, sizeof (double), cmpd);
    printf ("%s %.0f %.0f %.0f %.0f\n", c[j].label, pct (c[j].kib, runs, .5),
            pct (c[j].kib, runs, .1), pct (c[j].kib, runs, .9), pct (c[j].np, runs, .5));
  }
  return 0;
}
