/* Build-time generator of launcher/seccomp-precompiled.c.
 *
 * Generating a multi-ABI filter with libseccomp costs ~12 ms per sandbox;
 * loading a ready BPF program costs ~0.3 ms.  So the filters of the common
 * profiles are compiled here, at build time, and embedded in the entrun
 * binary's read-only data.  A sandbox cannot tamper with them: they are not
 * a cache file but part of the executable, which entrun binds read-only
 * into every sandbox.  At run time entrun uses an entry only when the
 * profile's seccomp rules equal the stored ones exactly. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "seccomp-policy.h"

/* Placeholders so filter.c links into this generator. */
const entrun_precompiled_t entrun_precompiled[]
    = { { 0, 0, NULL, 0, NULL, 0, NULL, NULL, 0, NULL, NULL, 0 } };
const size_t entrun_precompiled_count = 0;
const entrun_prog_t entrun_nethelper_precompiled[2] = { { NULL, 0 }, { NULL, 0 } };
const entrun_prog_t entrun_pid1_precompiled = { NULL, 0 };
const entrun_prog_t entrun_relay_precompiled = { NULL, 0 };

/* The grant sets whose filters are embedded: one per security level, with
 * the defaults of every other domain. */
static const char *const grant_sets[][2] = {
  { NULL, NULL },
  { "security.view", NULL },
  { "security.admin", NULL },
  { "host.processes.view", NULL },
  { "host.processes.admin", NULL },
  { "network.admin", NULL },
};

static void
emit_prog (FILE *out, const char *name, size_t idx, const struct sock_fprog *prog)
{
  fprintf (out, "static const struct sock_filter %s_%zu[] = {\n", name, idx);
  for (unsigned i = 0; i < prog->len; i++)
    fprintf (out, "  { 0x%04x, %u, %u, 0x%08x },\n", prog->filter[i].code, prog->filter[i].jt,
             prog->filter[i].jf, prog->filter[i].k);
  if (prog->len == 0)
    fputs ("  { 0, 0, 0, 0 },\n", out);
  fputs ("};\n", out);
}

/* One of entrun's own filters, compiled with result @ret: emitted as
 * NAME_IDX and freed, its length in *@len; false (said why) if it failed. */
static bool
emit_compiled (FILE *out, const char *name, size_t idx, int ret, struct sock_fprog *prog,
               ent_error_t *err, unsigned *len)
{
  if (ret < 0)
    {
      fprintf (stderr, "seccomp-gen: %s\n", ent_error_message (err));
      return false;
    }
  emit_prog (out, name, idx, prog);
  *len = prog->len;
  free (prog->filter);
  return true;
}

/* A hint's return in a marked program (see filter.h): its number in
 * *@mark. */
static bool
hint_return (const struct sock_filter *f, unsigned *mark)
{
  if (f->code != (BPF_RET | BPF_K) || (f->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
    return false;
  *mark = f->k & SECCOMP_RET_DATA;
  return true;
}

static unsigned
hint_returns (const struct sock_fprog *marked)
{
  unsigned n = 0, mark;

  for (unsigned i = 0; i < marked->len; i++)
    n += hint_return (&marked->filter[i], &mark);
  return n;
}

/* Where @marked's hint returns are, and their numbers, as hint_at_IDX
 * and hint_mark_IDX. */
static void
emit_hint_returns (FILE *out, size_t idx, const struct sock_fprog *marked)
{
  unsigned mark;

  fprintf (out, "static const unsigned short hint_at_%zu[] = {", idx);
  for (unsigned i = 0; i < marked->len; i++)
    if (hint_return (&marked->filter[i], &mark))
      fprintf (out, " %u,", i);
  fprintf (out, " 0 };\nstatic const unsigned char hint_mark_%zu[] = {", idx);
  for (unsigned i = 0; i < marked->len; i++)
    if (hint_return (&marked->filter[i], &mark))
      fprintf (out, " %u,", mark);
  fputs (" 0 };\n", out);
}

static void
emit_rules (FILE *out, size_t idx, const ent_seccomp_t *s)
{
  unsigned args_at = 0;

  fprintf (out, "static const entrun_precompiled_rule_t rules_%zu[] = {\n", idx);
  for (size_t i = 0; i < s->n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &s->rules[i];
      fprintf (out, "  { \"%s\", %d, %d, %u, %u },\n", r->syscall, r->errnum, (int)r->action,
               r->n_args, args_at);
      args_at += r->n_args;
    }
  fprintf (out, "};\nstatic const ent_arg_cond_t args_%zu[] = {\n", idx);
  for (size_t i = 0; i < s->n_rules; i++)
    for (unsigned a = 0; a < s->rules[i].n_args; a++)
      {
        const ent_arg_cond_t *c = &s->rules[i].args[a];
        fprintf (out, "  { %u, %d, UINT64_C (0x%" PRIx64 "), UINT64_C (0x%" PRIx64 ") },\n",
                 c->index, (int)c->op, c->mask, c->value);
      }
  fputs (args_at ? "};\n" : "  { 0, 0, 0, 0 },\n};\n", out);
}

static ent_manager_t *
manager_for (const ent_catalogue_t *cat, const char *const *grants)
{
  ent_error_t *err = NULL;
  ent_manager_t *m = ent_manager_new (NULL, cat, NULL);

  for (size_t i = 0; m && i < 2 && grants[i]; i++)
    if (ent_manager_add_request (m, cat, grants[i], "build", ENT_PRECEDENCE_CLI, &err) < 0)
      {
        fprintf (stderr, "seccomp-gen: %s\n", ent_error_message (err));
        exit (1);
      }
  return m;
}

/* Per grant set, the filters for each hint mask it may meet at run time:
 * all its hints, and without the mlock family's (entrun_filter_hints drops
 * them where RLIMIT_MEMLOCK's soft limit is its hard one). */
#define N_SETS (sizeof (grant_sets) / sizeof (grant_sets[0]))

int
main (void)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  int default_errno[N_SETS], unknown_errno[N_SETS];
  size_t n_rules[N_SETS], n = 0;
  struct
  {
    size_t set;
    uint64_t hints;
    entrun_filter_t filter;
  } entries[2 * N_SETS];
  unsigned helper_len[2];
  FILE *out = stdout;

  fputs ("/* Generated by launcher/seccomp-gen at build time.  Do not edit. */\n"
         "#include \"config.h\"\n#include \"filter.h\"\n\n",
         out);
  for (size_t i = 0; i < N_SETS; i++)
    {
      ent_error_t *err = NULL;
      ent_manager_t *m = manager_for (cat, grant_sets[i]);
      const ent_profile_t *p = m ? ent_manager_profile (m) : NULL;
      uint64_t all;
      if (p == NULL)
        return 1;
      all = ent_policy_hints_apply (p);
      for (int v = 0; v < 2; v++)
        {
          uint64_t hints = v == 0 ? all : all & ~entrun_filter_memlock_hints ();
          if (v == 1 && hints == all)
            break;
          entries[n].set = i;
          entries[n].hints = hints;
          if (entrun_filter_compile_with (p, hints, &entries[n].filter, &err) < 0)
            {
              fprintf (stderr, "seccomp-gen: %s\n", ent_error_message (err));
              return 1;
            }
          emit_prog (out, "filter", n, &entries[n].filter.prog);
          if (entries[n].filter.marked.len)
            {
              emit_prog (out, "marked", n, &entries[n].filter.marked);
              emit_hint_returns (out, n, &entries[n].filter.marked);
            }
          n++;
        }
      for (size_t r = 0; r < p->seccomp.n_rules; r++)
        if (strlen (p->seccomp.rules[r].syscall)
            >= sizeof (((entrun_precompiled_rule_t *)0)->syscall))
          {
            fprintf (stderr, "seccomp-gen: syscall name too long: %s\n",
                     p->seccomp.rules[r].syscall);
            return 1;
          }
      emit_rules (out, i, &p->seccomp);
      default_errno[i] = p->seccomp.default_errno;
      unknown_errno[i] = p->seccomp.unknown_errno;
      n_rules[i] = p->seccomp.n_rules;
      ent_manager_free (m);
    }
  fputs ("\nconst entrun_precompiled_t entrun_precompiled[] = {\n", out);
  for (size_t e = 0; e < n; e++)
    {
      size_t i = entries[e].set;
      char marked[32] = "NULL", at[32] = "NULL", mark[32] = "NULL";
      if (entries[e].filter.marked.len)
        {
          snprintf (marked, sizeof (marked), "marked_%zu", e);
          snprintf (at, sizeof (at), "hint_at_%zu", e);
          snprintf (mark, sizeof (mark), "hint_mark_%zu", e);
        }
      fprintf (out,
               "  { %d, %d, rules_%zu, %zu, args_%zu, UINT64_C (0x%" PRIx64
               "), filter_%zu, %s, %u, %s, %s, %u },\n",
               default_errno[i], unknown_errno[i], i, n_rules[i], i, entries[e].hints, e, marked,
               entries[e].filter.prog.len, at, mark,
               entries[e].filter.marked.len ? hint_returns (&entries[e].filter.marked) : 0);
      entrun_filter_clear (&entries[e].filter);
    }
  fprintf (out, "};\n\nconst size_t entrun_precompiled_count = %zu;\n", n);
  /* The network helper's two filters and pid 1's, as they would compile
   * them. */
  for (size_t i = 0; i < 2; i++)
    {
      struct sock_fprog prog;
      ent_error_t *err = NULL;
      int ret = entrun_nethelper_filter_compile (i == 1, &prog, &err);
      if (!emit_compiled (out, "nethelper", i, ret, &prog, err, &helper_len[i]))
        return 1;
    }
  fprintf (out,
           "\nconst entrun_prog_t entrun_nethelper_precompiled[2] = {\n"
           "  { nethelper_0, %u },\n  { nethelper_1, %u },\n};\n",
           helper_len[0], helper_len[1]);
  {
    struct sock_fprog prog;
    ent_error_t *err = NULL;
    unsigned pid1_len;
    int ret = entrun_pid1_filter_compile (&prog, &err);
    if (!emit_compiled (out, "pid1", 0, ret, &prog, err, &pid1_len))
      return 1;
    fprintf (out, "\nconst entrun_prog_t entrun_pid1_precompiled = { pid1_0, %u };\n", pid1_len);
  }
  {
    struct sock_fprog prog;
    ent_error_t *err = NULL;
    unsigned relay_len;
    int ret = entrun_relay_filter_compile (&prog, &err);
    if (!emit_compiled (out, "relay", 0, ret, &prog, err, &relay_len))
      return 1;
    fprintf (out, "\nconst entrun_prog_t entrun_relay_precompiled = { relay_0, %u };\n",
             relay_len);
  }
  ent_catalogue_free (cat);
  return fflush (out) == 0 ? 0 : 1;
}
