/* entrun — loopback with libnl-route-3 (see netsetup.h). */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "netsetup.h"

static void
sock_freep (struct nl_sock **s)
{
  if (*s)
    nl_socket_free (*s);
}

static void
link_putp (struct rtnl_link **l)
{
  if (*l)
    rtnl_link_put (*l);
}

#define cleanup_nl_sock __attribute__ ((cleanup (sock_freep)))
#define cleanup_rtnl_link __attribute__ ((cleanup (link_putp)))

static int
nl_fail (ent_error_t **err, const char *step, int nlerr)
{
  return ent_error_set (err, EIO, "network setup: %s: %s", step, nl_geterror (nlerr));
}

int
netsetup_loopback_up (ent_error_t **err)
{
  cleanup_nl_sock struct nl_sock *sk = nl_socket_alloc ();
  cleanup_rtnl_link struct rtnl_link *lo = NULL;
  cleanup_rtnl_link struct rtnl_link *change = NULL;
  int ret;

  if (sk == NULL)
    return ent_error_set (err, ENOMEM, "network setup: out of memory");
  if ((ret = nl_connect (sk, NETLINK_ROUTE)) < 0)
    return nl_fail (err, "netlink connect", ret);
  /* In a new network namespace lo is always ifindex 1 (LOOPBACK_IFINDEX):
   * no need for a lookup round trip. */
  lo = rtnl_link_alloc ();
  change = rtnl_link_alloc ();
  if (lo == NULL || change == NULL)
    return ent_error_set (err, ENOMEM, "network setup: out of memory");
  rtnl_link_set_ifindex (lo, 1);
  rtnl_link_set_flags (change, IFF_UP);
  if ((ret = rtnl_link_change (sk, lo, change, 0)) < 0)
    return nl_fail (err, "bringing lo up", ret);
  return 0;
}

int
netsetup_inside (const ent_profile_t *p, ent_error_t **err)
{
  switch (p->net.mode)
    {
    case ENT_NET_HOST:
      return 0;
    case ENT_NET_NONE:
      return netsetup_loopback_up (err);
    case ENT_NET_USER:
    case ENT_NET_PROXY:
      return ent_error_set (err, ENOTSUP, "network mode '%s' is not available in this build",
                            ent_net_mode_name (p->net.mode));
    default:
      return ent_error_set (err, EINVAL, "unknown network mode %d", (int) p->net.mode);
    }
}
