/* entrun — classic BPF, run the way the kernel runs a seccomp filter (see
 * filter.h, entrun_bpf_run).  Pure: pid 1 runs it on what the kernel says
 * a sandboxed process asked for (a hint's notification), and the tests on
 * every call they try. */
#include "config.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <string.h>

#include "filter.h"

/* An instruction the kernel would have refused, a load outside the data or
 * a program that runs off its end: the verdict of a filter that failed. */
#define BROKEN SECCOMP_RET_KILL_PROCESS

uint32_t
entrun_bpf_run (const struct sock_fprog *prog, const struct seccomp_data *d)
{
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

  for (unsigned pc = 0; pc < prog->len; pc++)
    {
      const struct sock_filter *f = &prog->filter[pc];
      uint32_t src = BPF_SRC (f->code) == BPF_X ? x : f->k;
      switch (BPF_CLASS (f->code))
        {
        case BPF_LD:
          if (BPF_MODE (f->code) == BPF_ABS)
            {
              if (BPF_SIZE (f->code) != BPF_W || f->k % 4 != 0 || f->k > sizeof (*d) - 4)
                return BROKEN;
              memcpy (&a, (const char *)d + f->k, 4);
            }
          else if (BPF_MODE (f->code) == BPF_IMM)
            a = f->k;
          else if (BPF_MODE (f->code) == BPF_MEM && f->k < BPF_MEMWORDS)
            a = mem[f->k];
          else if (BPF_MODE (f->code) == BPF_LEN)
            a = sizeof (*d);
          else
            return BROKEN;
          break;
        case BPF_LDX:
          if (BPF_MODE (f->code) == BPF_MEM && f->k < BPF_MEMWORDS)
            x = mem[f->k];
          else if (BPF_MODE (f->code) == BPF_LEN)
            x = sizeof (*d);
          else if (BPF_MODE (f->code) == BPF_IMM)
            x = f->k;
          else
            return BROKEN;
          break;
        case BPF_ST:
        case BPF_STX:
          if (f->k >= BPF_MEMWORDS)
            return BROKEN;
          mem[f->k] = BPF_CLASS (f->code) == BPF_ST ? a : x;
          break;
        case BPF_ALU:
          switch (BPF_OP (f->code))
            {
            case BPF_ADD:
              a += src;
              break;
            case BPF_SUB:
              a -= src;
              break;
            case BPF_MUL:
              a *= src;
              break;
            case BPF_DIV:
              if (src == 0)
                return BROKEN;
              a /= src;
              break;
            case BPF_MOD:
              if (src == 0)
                return BROKEN;
              a %= src;
              break;
            case BPF_OR:
              a |= src;
              break;
            case BPF_AND:
              a &= src;
              break;
            case BPF_LSH:
              a = src < 32 ? a << src : 0;
              break;
            case BPF_RSH:
              a = src < 32 ? a >> src : 0;
              break;
            case BPF_NEG:
              a = -a;
              break;
            case BPF_XOR:
              a ^= src;
              break;
            default:
              return BROKEN;
            }
          break;
        case BPF_JMP:
          if (BPF_OP (f->code) == BPF_JA)
            pc += f->k;
          else
            {
              bool t;
              switch (BPF_OP (f->code))
                {
                case BPF_JEQ:
                  t = a == src;
                  break;
                case BPF_JGT:
                  t = a > src;
                  break;
                case BPF_JGE:
                  t = a >= src;
                  break;
                case BPF_JSET:
                  t = (a & src) != 0;
                  break;
                default:
                  return BROKEN;
                }
              pc += t ? f->jt : f->jf;
            }
          break;
        case BPF_RET:
          return BPF_RVAL (f->code) == BPF_A ? a : f->k;
        case BPF_MISC:
          if (BPF_MISCOP (f->code) == BPF_TAX)
            x = a;
          else
            a = x;
          break;
        default:
          return BROKEN;
        }
    }
  return BROKEN;
}
