/* libentitlement — a seccomp policy for one filter (ent_seccomp_flatten).
 *
 * WHY
 *
 * A profile's ERRNO rules win over its ALLOW rules: entrun's launcher runs
 * them first, as a second filter would (ent_profile_syscall_verdict says
 * what each call gets).  A runtime that builds one libseccomp filter from a
 * rule list, as runc does from an OCI config, loses that: libseccomp lets a
 * syscall's unconditional rule win over its conditional ones whatever their
 * actions (ioctl's unconditional ALLOW over the ERRNO rule for TIOCSTI),
 * refuses (EEXIST) or orders as it likes conditional rules that overlap with
 * different actions, refuses (EACCES) a rule whose action is the default
 * one, and OCI reads two conditions on the same argument as "either".  So we
 * rewrite the rules until no order matters: for one syscall, rules of
 * different actions never match the same call.
 *
 * HOW
 *
 * A set of argument vectors is a union of terms.  A term is a product of one
 * masked cube per argument, (arg_i & mask_i) == value_i with value_i inside
 * mask_i (mask 0: any value): exactly one rule with at most one condition per
 * argument, EQ (full mask) or MASKED_EQ.  Every condition is a union of such
 * cubes: EQ and MASKED_EQ one (none if the value has bits outside the mask),
 * LT, LE, GT, GE the aligned power-of-two blocks of their range, NE those of
 * the two ranges around its value.
 *
 * The difference C \ D of two terms that meet is C with one of the bits D
 * fixes and C leaves free set the other way: one term per such bit, so at
 * most 64 per argument, and nothing when C lies inside D.  The pieces
 * overlap, which costs nothing: rules of the same action may overlap in one
 * filter.  After each difference the region is tidied (a term inside another
 * one dropped, two that differ in one bit merged), which keeps "all but
 * these two ioctl requests" at 35 terms.  Every step is exact; a region
 * that grows past REGION_MAX terms is an error, never an approximation.
 *
 * A rule is rewritten only when it must be: an ERRNO rule that a later ERRNO
 * rule with another errno overlaps (the later one wins, as in
 * ent_profile_syscall_verdict), an ALLOW rule that an ERRNO rule overlaps,
 * or a rule with two conditions on one argument.  Any other rule is copied
 * as it is, ops and all, and an ERRNO rule with default_errno is dropped (the
 * default answers those calls, and libseccomp refuses such a rule).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ent-profile.h"
#include "ent-util.h"

/* Cubes one argument's conditions in one rule may come to: a range is at
 * most 128 blocks. */
#define ARG_CUBES_MAX 256
/* Terms of one rewritten rule, on the way and at the end: far above what
 * the default policy needs (63, setpriority), and a filter of this many
 * rules would not fit in BPF's 4096 instructions anyway. */
#define REGION_MAX 4096
/* Rules of one syscall (the catalogue's most: 30, socket's). */
#define GROUP_MAX 256

/* (arg & mask) == value, value inside mask; mask 0 holds any value. */
typedef struct cube
{
  uint64_t mask, value;
} cube_t;

typedef struct cubes
{
  cube_t c[ARG_CUBES_MAX];
  size_t n;
} cubes_t;

/* A product: every argument in its cube. */
typedef struct term
{
  cube_t arg[ENT_SECCOMP_MAX_ARGS];
} term_t;

/* What one rule matches: a product of unions, one per argument (a rule
 * is a conjunction).  Empty when one argument's union is. */
typedef struct box
{
  cubes_t arg[ENT_SECCOMP_MAX_ARGS];
} box_t;

/* A union of terms, which may overlap. */
typedef struct region
{
  term_t *t;
  size_t n, cap;
} region_t;

/* The output list, grown geometrically. */
typedef struct rule_list
{
  ent_seccomp_t *s;
  size_t cap;
} rule_list_t;

static void
region_free (region_t *r)
{
  free (r->t);
  memset (r, 0, sizeof (*r));
}
#define cleanup_region __attribute__ ((cleanup (region_free)))

/* *@dst = *@src, which is left empty. */
static void
region_move (region_t *dst, region_t *src)
{
  region_free (dst);
  *dst = *src;
  memset (src, 0, sizeof (*src));
}

static int
region_push (region_t *r, const term_t *t)
{
  if (r->n == REGION_MAX)
    return -E2BIG;
  if (r->n == r->cap)
    {
      size_t cap = r->cap ? r->cap * 2 : 16;
      term_t *grown = realloc (r->t, cap * sizeof (*grown));
      if (grown == NULL)
        return -ENOMEM;
      r->t = grown;
      r->cap = cap;
    }
  r->t[r->n++] = *t;
  return 0;
}

/* ---- cubes and terms ------------------------------------------------------ */

static uint64_t
low_ones (unsigned n)
{
  return n >= 64 ? UINT64_MAX : (UINT64_C (1) << n) - 1;
}

static bool
cube_meet (cube_t a, cube_t b, cube_t *out)
{
  if ((a.value ^ b.value) & a.mask & b.mask)
    return false;
  out->mask = a.mask | b.mask;
  out->value = a.value | b.value;
  return true;
}

static bool
term_meets (const term_t *a, const term_t *b)
{
  cube_t dummy;

  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    if (!cube_meet (a->arg[i], b->arg[i], &dummy))
      return false;
  return true;
}

/* Is @t inside @u: does @u fix only bits @t fixes, the same way? */
static bool
term_within (const term_t *t, const term_t *u)
{
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    if ((u->arg[i].mask & ~t->arg[i].mask)
        || ((u->arg[i].value ^ t->arg[i].value) & u->arg[i].mask))
      return false;
  return true;
}

static bool
box_empty (const box_t *b)
{
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    if (b->arg[i].n == 0)
      return true;
  return false;
}

/* Is argument @i of @b unconstrained? */
static bool
box_any (const box_t *b, unsigned i)
{
  return b->arg[i].n == 1 && b->arg[i].c[0].mask == 0;
}

/* How many arguments @b constrains. */
static unsigned
box_width (const box_t *b)
{
  unsigned n = 0;

  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    n += !box_any (b, i);
  return n;
}

static bool
term_meets_box (const term_t *t, const box_t *b)
{
  cube_t dummy;

  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      bool meets = false;
      for (size_t k = 0; !meets && k < b->arg[i].n; k++)
        meets = cube_meet (t->arg[i], b->arg[i].c[k], &dummy);
      if (!meets)
        return false;
    }
  return true;
}

static bool
box_meets_box (const box_t *a, const box_t *b)
{
  cube_t dummy;

  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      bool meets = false;
      for (size_t x = 0; !meets && x < a->arg[i].n; x++)
        for (size_t y = 0; !meets && y < b->arg[i].n; y++)
          meets = cube_meet (a->arg[i].c[x], b->arg[i].c[y], &dummy);
      if (!meets)
        return false;
    }
  return true;
}

static bool
region_meets_box (const region_t *r, const box_t *b)
{
  for (size_t i = 0; i < r->n; i++)
    if (term_meets_box (&r->t[i], b))
      return true;
  return false;
}

/* ---- conditions as cubes -------------------------------------------------- */

/* The aligned power-of-two blocks of [lo, hi], lo <= hi: at most 128. */
static void
range_cubes (uint64_t lo, uint64_t hi, cubes_t *out)
{
  for (;;)
    {
      unsigned k = 0;
      /* Grow the block at lo while lo stays aligned to it and it ends by hi. */
      while (k < 64 && !((lo >> k) & 1) && (lo | low_ones (k + 1)) <= hi)
        k++;
      out->c[out->n++] = (cube_t){ .mask = ~low_ones (k), .value = lo };
      if ((lo | low_ones (k)) == hi)
        return;
      lo = (lo | low_ones (k)) + 1;
    }
}

/* The values that satisfy @c, as disjoint cubes. */
static void
cond_cubes (const ent_arg_cond_t *c, cubes_t *out)
{
  uint64_t v = c->value;

  out->n = 0;
  switch (c->op)
    {
    case ENT_ARG_EQ:
      out->c[out->n++] = (cube_t){ .mask = UINT64_MAX, .value = v };
      break;
    case ENT_ARG_MASKED_EQ:
      if ((v & ~c->mask) == 0)
        out->c[out->n++] = (cube_t){ .mask = c->mask, .value = v };
      break;
    case ENT_ARG_NE:
    case ENT_ARG_LT:
      if (v > 0)
        range_cubes (0, v - 1, out);
      if (c->op == ENT_ARG_NE && v < UINT64_MAX)
        range_cubes (v + 1, UINT64_MAX, out);
      break;
    case ENT_ARG_LE:
      range_cubes (0, v, out);
      break;
    case ENT_ARG_GT:
      if (v < UINT64_MAX)
        range_cubes (v + 1, UINT64_MAX, out);
      break;
    case ENT_ARG_GE:
      range_cubes (v, UINT64_MAX, out);
      break;
    default:
      break; /* refused by check_rule */
    }
}

/* What @r's conditions on argument @idx allow, as cubes: the meet of each
 * condition's.  Each list is disjoint, so the meet is too. */
static int
arg_cubes (const ent_seccomp_rule_t *r, unsigned idx, cubes_t *out)
{
  cubes_t cond, met;

  out->n = 1;
  out->c[0] = (cube_t){ 0, 0 };
  for (unsigned k = 0; k < r->n_args; k++)
    {
      if (r->args[k].index != idx)
        continue;
      cond_cubes (&r->args[k], &cond);
      met.n = 0;
      for (size_t i = 0; i < out->n; i++)
        for (size_t j = 0; j < cond.n; j++)
          {
            if (met.n == ARG_CUBES_MAX)
              return -E2BIG;
            if (cube_meet (out->c[i], cond.c[j], &met.c[met.n]))
              met.n++;
          }
      *out = met;
    }
  return 0;
}

/* What @r matches, argument by argument. */
static int
rule_box (const ent_seccomp_rule_t *r, box_t *b)
{
  int ret = 0;

  for (unsigned idx = 0; ret == 0 && idx < ENT_SECCOMP_MAX_ARGS; idx++)
    ret = arg_cubes (r, idx, &b->arg[idx]);
  return ret;
}

/* @b as a region, the product of its unions, over the arguments in
 * @which only (the others left free). */
static int
box_region (const box_t *b, unsigned which, region_t *out)
{
  static const term_t any;
  int ret = region_push (out, &any);

  for (unsigned idx = 0; ret == 0 && idx < ENT_SECCOMP_MAX_ARGS; idx++)
    {
      cleanup_region region_t product = { 0 };
      if (!(which & (1u << idx)))
        continue;
      for (size_t i = 0; ret == 0 && i < out->n; i++)
        for (size_t j = 0; ret == 0 && j < b->arg[idx].n; j++)
          {
            term_t t = out->t[i];
            t.arg[idx] = b->arg[idx].c[j];
            ret = region_push (&product, &t);
          }
      region_move (out, &product);
    }
  return ret;
}

/* ---- difference and tidying ----------------------------------------------- */

/* Append @c \ @d to @out (see the top of the file). */
static int
term_minus (const term_t *c, const term_t *d, region_t *out)
{
  int ret = 0;

  if (!term_meets (c, d))
    return region_push (out, c);
  for (unsigned i = 0; ret == 0 && i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      uint64_t free_bits = d->arg[i].mask & ~c->arg[i].mask;
      for (unsigned b = 0; ret == 0 && b < 64; b++)
        {
          uint64_t bit = UINT64_C (1) << b;
          term_t piece = *c;
          if (!(free_bits & bit))
            continue;
          piece.arg[i].mask |= bit;
          piece.arg[i].value |= ~d->arg[i].value & bit;
          ret = region_push (out, &piece);
        }
    }
  return ret;
}

/* Two terms equal but for one bit of one argument, fixed both ways: their
 * union is one term without that bit. */
static bool
term_merge (const term_t *a, const term_t *b, term_t *out)
{
  int differ = -1;

  for (int i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      if (a->arg[i].mask == b->arg[i].mask && a->arg[i].value == b->arg[i].value)
        continue;
      if (differ >= 0 || a->arg[i].mask != b->arg[i].mask)
        return false;
      differ = i;
    }
  if (differ < 0)
    return false;
  uint64_t bit = a->arg[differ].value ^ b->arg[differ].value;
  if (bit & (bit - 1))
    return false;
  *out = *a;
  out->arg[differ].mask &= ~bit;
  out->arg[differ].value &= ~bit;
  return true;
}

/* One pass: drop each term that lies inside another (of two equal ones,
 * the later), merge pairs term_merge() can.  Returns whether anything
 * changed. */
static bool
region_tidy_pass (region_t *r)
{
  size_t out = 0;
  bool changed = false;

  for (size_t i = 0; i < r->n; i++)
    {
      bool drop = false;
      for (size_t j = 0; !drop && j < r->n; j++)
        drop = j != i && term_within (&r->t[i], &r->t[j])
               && (j < i || !term_within (&r->t[j], &r->t[i]));
      if (drop)
        changed = true;
      else
        r->t[out++] = r->t[i];
    }
  r->n = out;
  for (size_t i = 0; i < r->n; i++)
    for (size_t j = i + 1; j < r->n; j++)
      if (term_merge (&r->t[i], &r->t[j], &r->t[i]))
        {
          r->t[j--] = r->t[--r->n];
          changed = true;
        }
  return changed;
}

static void
region_tidy (region_t *r)
{
  while (region_tidy_pass (r))
    ;
}

/* @r \= @d. */
static int
region_minus_term (region_t *r, const term_t *d)
{
  cleanup_region region_t rest = { 0 };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < r->n; i++)
    ret = term_minus (&r->t[i], d, &rest);
  region_tidy (&rest);
  region_move (r, &rest);
  return ret;
}

/* One argument's cube @c less the union @u, as terms that constrain
 * argument 0 only. */
static int
arg_minus (cube_t c, const cubes_t *u, region_t *out)
{
  term_t t = { .arg = { c } };
  int ret = region_push (out, &t);

  for (size_t k = 0; ret == 0 && k < u->n; k++)
    {
      term_t d = { .arg = { u->c[k] } };
      ret = region_minus_term (out, &d);
    }
  return ret;
}

/* Append @c \ @b to @out: the union over the arguments i that @b
 * constrains of @c with argument i less @b's union there.  Taking one
 * argument at a time keeps a deny rule of ranges on two arguments from
 * multiplying their blocks. */
static int
term_minus_box (const term_t *c, const box_t *b, region_t *out)
{
  int ret = 0;

  if (!term_meets_box (c, b))
    return region_push (out, c);
  for (unsigned i = 0; ret == 0 && i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      cleanup_region region_t rest = { 0 };
      if (box_any (b, i))
        continue;
      ret = arg_minus (c->arg[i], &b->arg[i], &rest);
      for (size_t k = 0; ret == 0 && k < rest.n; k++)
        {
          term_t piece = *c;
          piece.arg[i] = rest.t[k].arg[0];
          ret = region_push (out, &piece);
        }
    }
  return ret;
}

/* @r \= @b. */
static int
region_minus_box (region_t *r, const box_t *b)
{
  cleanup_region region_t rest = { 0 };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < r->n; i++)
    ret = term_minus_box (&r->t[i], b, &rest);
  region_tidy (&rest);
  region_move (r, &rest);
  return ret;
}

/* ---- output --------------------------------------------------------------- */

static int
list_push (rule_list_t *l, const ent_seccomp_rule_t *r)
{
  ent_seccomp_t *s = l->s;
  ent_seccomp_rule_t copy = *r;

  if (s->n_rules == l->cap)
    {
      size_t cap = l->cap ? l->cap * 2 : 64;
      ent_seccomp_rule_t *grown = realloc (s->rules, cap * sizeof (*grown));
      if (grown == NULL)
        return -ENOMEM;
      s->rules = grown;
      l->cap = cap;
    }
  if ((copy.syscall = strdup (r->syscall)) == NULL)
    return -ENOMEM;
  s->rules[s->n_rules++] = copy;
  return 0;
}

/* @t as a rule like @model: for each argument in @kept, @model's own
 * condition (if any) as it is; for the others, one EQ (full mask) or
 * MASKED_EQ condition if @t fixes bits of it. */
static int
emit_term (rule_list_t *l, const ent_seccomp_rule_t *model, unsigned kept, const term_t *t)
{
  ent_seccomp_rule_t r = { .syscall = model->syscall,
                           .action = model->action,
                           .errnum = model->action == ENT_SECCOMP_ERRNO ? model->errnum : 0 };

  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      cube_t c = t->arg[i];
      if (kept & (1u << i))
        {
          for (unsigned k = 0; k < model->n_args; k++)
            if (model->args[k].index == i)
              r.args[r.n_args++] = model->args[k];
          continue;
        }
      if (c.mask == 0)
        continue;
      r.args[r.n_args++] = (ent_arg_cond_t){
        .index = i,
        .op = c.mask == UINT64_MAX ? ENT_ARG_EQ : ENT_ARG_MASKED_EQ,
        .mask = c.mask == UINT64_MAX ? 0 : c.mask,
        .value = c.value,
      };
    }
  return list_push (l, &r);
}

static int
emit_region (rule_list_t *l, const ent_seccomp_rule_t *model, unsigned kept, const region_t *r)
{
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < r->n; i++)
    ret = emit_term (l, model, kept, &r->t[i]);
  return ret;
}

/* The arguments @r has two or more conditions on, as a bit set. */
static unsigned
args_repeated (const ent_seccomp_rule_t *r)
{
  unsigned seen = 0, twice = 0;

  for (unsigned k = 0; k < r->n_args; k++)
    {
      unsigned bit = 1u << r->args[k].index;
      twice |= seen & bit;
      seen |= bit;
    }
  return twice;
}

/* Unconditional rules first (see ent-profile.h), then by syscall, action,
 * errno and conditions: a fixed order, and duplicates side by side. */
static int
out_cmp (const void *pa, const void *pb)
{
  const ent_seccomp_rule_t *a = pa, *b = pb;
  int c = (a->n_args > 0) - (b->n_args > 0);

  if (c == 0)
    c = strcmp (a->syscall, b->syscall);
  if (c == 0)
    c = (a->action > b->action) - (a->action < b->action);
  if (c == 0)
    c = (a->errnum > b->errnum) - (a->errnum < b->errnum);
  if (c == 0)
    c = (a->n_args > b->n_args) - (a->n_args < b->n_args);
  for (unsigned i = 0; c == 0 && i < a->n_args; i++)
    {
      const ent_arg_cond_t *x = &a->args[i], *y = &b->args[i];
      c = (x->index > y->index) - (x->index < y->index);
      if (c == 0)
        c = (x->op > y->op) - (x->op < y->op);
      if (c == 0)
        c = (x->mask > y->mask) - (x->mask < y->mask);
      if (c == 0)
        c = (x->value > y->value) - (x->value < y->value);
    }
  return c;
}

static void
sort_unique (ent_seccomp_t *s)
{
  size_t out = 0;

  if (s->n_rules == 0)
    return;
  qsort (s->rules, s->n_rules, sizeof (*s->rules), out_cmp);
  for (size_t i = 0; i < s->n_rules; i++)
    if (out > 0 && out_cmp (&s->rules[out - 1], &s->rules[i]) == 0)
      free (s->rules[i].syscall);
    else
      s->rules[out++] = s->rules[i];
  s->n_rules = out;
}

/* ---- one syscall ---------------------------------------------------------- */

/* The rules of one syscall, in input order, with their regions. */
typedef struct group
{
  const ent_seccomp_rule_t **rule;
  box_t *box;
  size_t n;
  int default_errno;
} group_t;

/* Does rule @j of @g take calls away from rule @k (both matching them)? An
 * ERRNO rule takes them from every ALLOW rule, and from an earlier ERRNO
 * rule with another errno (the last match wins). */
static bool
overrides (const group_t *g, size_t j, size_t k)
{
  const ent_seccomp_rule_t *rj = g->rule[j], *rk = g->rule[k];

  if (rj->action != ENT_SECCOMP_ERRNO || j == k)
    return false;
  if (rk->action == ENT_SECCOMP_ALLOW)
    return true;
  return j > k && rj->errnum != rk->errnum;
}

/* The arguments on which the rules overriding rule @k of @g (and meeting
 * it) have conditions, as a bit set; *@any whether there is such a rule. */
static unsigned
args_carved (const group_t *g, size_t k, bool *any)
{
  unsigned args = 0;

  *any = false;
  for (size_t j = 0; j < g->n; j++)
    {
      if (!overrides (g, j, k) || !box_meets_box (&g->box[k], &g->box[j]))
        continue;
      *any = true;
      for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
        if (!box_any (&g->box[j], i))
          args |= 1u << i;
    }
  return args;
}

/* On a 32-bit ABI (i386, x32) an argument has no high word, and libseccomp
 * compares the low one only: a term that needs a high bit set matches no
 * real call there, but the low-word test it is compiled into matches
 * some.  For an ALLOW term that would let calls through that the profile
 * denies (the complement of "arg == X", written as a 64-bit EQ, is one
 * term per bit, high bits among them).  Exact or nothing: refused
 * (-EDOM, reported as EINVAL naming the syscall).  A term that needs high
 * bits clear is exact there (they are), and the catalogue's own rules
 * compare the low 32 bits (MASKED_EQ 0xffffffff): they never need this. */
static int
check_low_words (const region_t *r, unsigned taken)
{
  for (size_t i = 0; i < r->n; i++)
    for (unsigned a = 0; a < ENT_SECCOMP_MAX_ARGS; a++)
      if ((taken & (1u << a)) && (r->t[i].arg[a].value >> 32) != 0)
        return -EDOM;
  return 0;
}

/* The calls rule @k of @g decides, as rules in @l: the rule itself when
 * nothing overrides it and OCI reads it as we do, else its region less the
 * boxes of the rules that override it.  Only the arguments those rules test
 * (and those with two conditions) are taken apart: on the others the
 * difference leaves the rule as it is, so their conditions are kept. */
static int
flatten_rule (const group_t *g, size_t k, rule_list_t *l)
{
  const ent_seccomp_rule_t *r = g->rule[k];
  cleanup_region region_t rest = { 0 };
  unsigned taken, all = (1u << ENT_SECCOMP_MAX_ARGS) - 1;
  bool carved;
  int ret;

  if (r->action == ENT_SECCOMP_ERRNO && r->errnum == g->default_errno)
    return 0; /* the default answers these calls */
  if (box_empty (&g->box[k]))
    return 0; /* matches nothing */
  taken = args_carved (g, k, &carved) | args_repeated (r);
  if (!carved && taken == 0)
    return list_push (l, r);
  if ((ret = box_region (&g->box[k], taken, &rest)) < 0)
    return ret;
  /* The broadest boxes first: what they take away, a narrower box need
   * not cut into any more ("all but arg0 < 100", then "nor arg0 in
   * [90, 130] with arg1 == 7" cuts three blocks, not sixty). */
  for (unsigned width = 0; width <= ENT_SECCOMP_MAX_ARGS; width++)
    for (size_t j = 0; ret == 0 && j < g->n; j++)
      if (box_width (&g->box[j]) == width && overrides (g, j, k)
          && box_meets_box (&g->box[k], &g->box[j]) && region_meets_box (&rest, &g->box[j]))
        ret = region_minus_box (&rest, &g->box[j]);
  if (ret < 0)
    return ret;
  region_tidy (&rest);
  if (r->action == ENT_SECCOMP_ALLOW && (ret = check_low_words (&rest, taken)) < 0)
    return ret;
  return emit_region (l, r, all & ~taken, &rest);
}

static void
group_free (group_t *g)
{
  free (g->box);
  free (g->rule);
  memset (g, 0, sizeof (*g));
}
#define cleanup_group __attribute__ ((cleanup (group_free)))

/* The rules of @in for the syscall of @in->rules[@first], which no earlier
 * rule names. */
static int
group_collect (const ent_seccomp_t *in, size_t first, group_t *g)
{
  const char *name = in->rules[first].syscall;
  size_t count = 0;
  int ret = 0;

  for (size_t i = first; i < in->n_rules; i++)
    count += strcmp (in->rules[i].syscall, name) == 0;
  /* The overlap checks are quadratic in the rules of one syscall. */
  if (count > GROUP_MAX)
    return -E2BIG;
  g->default_errno = in->default_errno;
  g->rule = calloc (count, sizeof (*g->rule));
  g->box = calloc (count, sizeof (*g->box));
  if (g->rule == NULL || g->box == NULL)
    return -ENOMEM;
  for (size_t i = first; ret == 0 && i < in->n_rules; i++)
    if (strcmp (in->rules[i].syscall, name) == 0)
      {
        g->rule[g->n] = &in->rules[i];
        ret = rule_box (&in->rules[i], &g->box[g->n++]);
      }
  return ret;
}

static int
flatten_syscall (const ent_seccomp_t *in, size_t first, rule_list_t *l, ent_error_t **err)
{
  const char *name = in->rules[first].syscall;
  cleanup_group group_t g = { 0 };
  int ret = group_collect (in, first, &g);

  for (size_t k = 0; ret == 0 && k < g.n; k++)
    ret = flatten_rule (&g, k, l);
  if (ret == -E2BIG)
    return ent_error_set (err, E2BIG,
                          "seccomp: the rules for '%s' need more than %d terms in one filter", name,
                          REGION_MAX);
  if (ret == -EDOM)
    return ent_error_set (err, EINVAL,
                          "seccomp: the rules for '%s' would need a condition on the high 32 bits "
                          "of an argument, which 32-bit ABIs (i386, x32) do not have: compare the "
                          "low 32 bits (MASKED_EQ 0xffffffff) in its deny rules",
                          name);
  if (ret < 0)
    return ent_error_set (err, -ret, "seccomp: flattening the rules for '%s': %s", name,
                          strerror (-ret));
  return 0;
}

/* ---- entry points --------------------------------------------------------- */

/* What check_rule (ent-profile.c) refuses, but the name: a policy built by
 * hand may hold anything. */
static int
check_input_rule (const ent_seccomp_rule_t *r, ent_error_t **err)
{
  if (r->syscall == NULL || r->syscall[0] == '\0')
    return ent_error_set (err, EINVAL, "seccomp: a rule names no syscall");
  if (r->n_args > ENT_SECCOMP_MAX_ARGS)
    return ent_error_set (err, EINVAL, "seccomp: '%s': too many argument conditions", r->syscall);
  for (unsigned k = 0; k < r->n_args; k++)
    if (r->args[k].index >= ENT_SECCOMP_MAX_ARGS || r->args[k].op > ENT_ARG_MASKED_EQ)
      return ent_error_set (err, EINVAL, "seccomp: '%s': bad argument condition", r->syscall);
  if (r->action == ENT_SECCOMP_ERRNO && (r->errnum <= 0 || r->errnum > 4095))
    return ent_error_set (err, EINVAL, "seccomp: '%s': bad errno %d", r->syscall, r->errnum);
  if (r->action != ENT_SECCOMP_ALLOW && r->action != ENT_SECCOMP_ERRNO)
    return ent_error_set (err, EINVAL, "seccomp: '%s': bad action", r->syscall);
  return 0;
}

static bool
named_before (const ent_seccomp_t *in, size_t i)
{
  for (size_t j = i; j-- > 0;)
    if (strcmp (in->rules[j].syscall, in->rules[i].syscall) == 0)
      return true;
  return false;
}

int
ent_seccomp_flatten (const ent_seccomp_t *in, ent_seccomp_t *out, ent_error_t **err)
{
  rule_list_t l = { .s = out };
  int ret = 0;

  if (in == NULL || out == NULL)
    return ent_error_set (err, EINVAL, "seccomp: no policy to flatten, or nowhere to put it");
  if (in == out)
    return ent_error_set (err, EINVAL, "seccomp: flattening a policy into itself");
  memset (out, 0, sizeof (*out));
  for (size_t i = 0; ret == 0 && i < in->n_rules; i++)
    ret = check_input_rule (&in->rules[i], err);
  for (size_t i = 0; ret == 0 && i < in->n_rules; i++)
    if (!named_before (in, i))
      ret = flatten_syscall (in, i, &l, err);
  if (ret < 0)
    {
      ent_seccomp_clear (out);
      return ret;
    }
  sort_unique (out);
  out->enabled = in->enabled;
  out->default_errno = in->default_errno;
  out->unknown_errno = in->unknown_errno;
  return 0;
}

void
ent_seccomp_clear (ent_seccomp_t *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->n_rules; i++)
    free (s->rules[i].syscall);
  free (s->rules);
  memset (s, 0, sizeof (*s));
}
