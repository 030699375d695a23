/* entrun — Landlock rules of the payload's (see landlock.c). */
#ifndef ENTRUN_LANDLOCK_H
#define ENTRUN_LANDLOCK_H

/* host.devices.view: from now on nothing beneath /dev but the harmless
 * nodes and the sandbox's private mounts is opened for writing, truncated
 * or sent an ioctl.  Needs no_new_privs.  0, or -errno with *@step naming
 * what failed (Landlock missing from the kernel is an error: the command
 * must not run with the host's devices writable). */
int entrun_landlock_devices_read_only (const char **step);

#endif
