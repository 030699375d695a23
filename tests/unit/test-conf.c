/* Unit tests of conf/: INI profiles parsed from memory, every key and every
 * error with its line; profile lookup over a temporary directory tree;
 * custom entitlements registered and granted through the manager; and the
 * corpus of malformed profiles under tests/conf/bad/. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "test-util.h"

#define FILENAME "test.ini"

static int
parse (const char *text, entrun_conf_t *c, ent_error_t **err)
{
  return entrun_conf_parse_buffer (text, strlen (text), FILENAME, c, err);
}

/* Parse @text, failing the test with the message if it is refused. */
static void
parse_ok (const char *text, entrun_conf_t *c)
{
  ent_error_t *err = NULL;
  int ret = parse (text, c, &err);

  ck_assert_msg (ret == 0, "parse failed (%d): %s", ret, ent_error_message (err));
  ck_assert_ptr_null (err);
}

/* The message must start with "test.ini:LINE: " and contain @needle. */
static void
check_message (const ent_error_t *err, int line, const char *needle)
{
  char prefix[64];

  ck_assert_ptr_nonnull (err);
  snprintf (prefix, sizeof (prefix), "%s:%d: ", FILENAME, line);
  ck_assert_msg (strncmp (err->msg, prefix, strlen (prefix)) == 0,
                 "\"%s\" does not start with \"%s\"", err->msg, prefix);
  ck_assert_msg (strstr (err->msg, needle) != NULL, "\"%s\" lacks \"%s\"", err->msg, needle);
}

static void
parse_fails (const char *text, size_t len, int line, const char *needle)
{
  entrun_conf_t c;
  ent_error_t *err = NULL;
  int ret = entrun_conf_parse_buffer (text, len, FILENAME, &c, &err);

  ck_assert_msg (ret < 0, "accepted: %s", text);
  check_message (err, line, needle);
  ck_assert_int_eq (-ret, err->code);
  /* Refused means empty, not half-filled. */
  ck_assert_uint_eq (c.n_requests + c.n_customs + c.n_env, 0);
  ck_assert_ptr_null (c.hostname);
  ent_error_free (err);
}

/* ---- every key ------------------------------------------------------------ */

static const char full_profile[] = "; a profile with every key\n"                        /* 1 */
                                   "[sandbox]\n"                                         /* 2 */
                                   "entitlements = network.user security.fs-read-only\n" /* 3 */
                                   "hostname = box\n"                                    /* 4 */
                                   "chdir = ~/project\n"                                 /* 5 */
                                   "\n"                                                  /* 6 */
                                   "[filesystem]\n"                                      /* 7 */
                                   "rw = .\n"                                            /* 8 */
                                   "ro = /usr/share\n"                                   /* 9 */
                                   "hide = ~/.ssh\n"                                     /* 10 */
                                   "tmpfs = /tmp\n"                                      /* 11 */
                                   "[environment]\n"                                     /* 12 */
                                   "clear = true\n"                                      /* 13 */
                                   "keep = PATH HOME\n"                                  /* 14 */
                                   "set = GREETING=hello = world\n"                      /* 15 */
                                   "unset = DISPLAY\n"                                   /* 16 */
                                   "[resources]\n"                                       /* 17 */
                                   "pids = 100\n"                                        /* 18 */
                                   "memory = 1G\n"                                       /* 19 */
                                   "cpu-time = 60\n"                                     /* 20 */
                                   "files = 256\n"                                       /* 21 */
                                   "file-size = 100M\n"                                  /* 22 */
                                   "timeout = 30\n"                                      /* 23 */
                                   "[entitlement tools.gdb]\n"                           /* 24 */
                                   "description = debug with gdb\n"                      /* 25 */
                                   "caps = CAP_SYS_PTRACE net_raw\n"                     /* 26 */
                                   "allow-syscalls = ptrace process_vm_readv\n"          /* 27 */
                                   "deny-syscalls = chmod\n"                             /* 28 */
                                   "rw = ~/src\n"                                        /* 29 */
                                   "ro = /usr/share\n"                                   /* 30 */
                                   "hide = secret\n"                                     /* 31 */
                                   "tmpfs = /scratch\n";                                 /* 32 */

static void
check_request (const entrun_conf_t *c, size_t i, const char *request, int line)
{
  char source[64];

  snprintf (source, sizeof (source), "%s:%d", FILENAME, line);
  ck_assert_uint_lt (i, c->n_requests);
  ck_assert_str_eq (c->requests[i].request, request);
  ck_assert_str_eq (c->requests[i].source, source);
}

START_TEST (every_key_of_sandbox_filesystem_resources)
{
  entrun_conf_t c;

  parse_ok (full_profile, &c);
  ck_assert_uint_eq (c.n_requests, 12);
  check_request (&c, 0, "network.user", 3);
  check_request (&c, 1, "security.fs-read-only", 3);
  check_request (&c, 2, "host.fs.rw=.", 8);
  check_request (&c, 3, "host.fs.ro=/usr/share", 9);
  check_request (&c, 4, "host.fs.hide=~/.ssh", 10);
  check_request (&c, 5, "host.fs.tmpfs=/tmp", 11);
  check_request (&c, 6, "resources.pids=100", 18);
  check_request (&c, 7, "resources.memory=1G", 19);
  check_request (&c, 8, "resources.cpu-time=60", 20);
  check_request (&c, 9, "resources.files=256", 21);
  check_request (&c, 10, "resources.file-size=100M", 22);
  check_request (&c, 11, "resources.timeout=30", 23);
  ck_assert_str_eq (c.hostname, "box");
  ck_assert_str_eq (c.hostname_source, "test.ini:4");
  ck_assert_str_eq (c.chdir, "~/project");
  ck_assert_str_eq (c.chdir_source, "test.ini:5");
  entrun_conf_clear (&c);
  ck_assert_uint_eq (c.n_requests, 0);
  ck_assert_ptr_null (c.requests);
}
END_TEST

START_TEST (every_key_of_environment)
{
  entrun_conf_t c;

  parse_ok (full_profile, &c);
  ck_assert (c.clearenv);
  ck_assert_str_eq (c.clearenv_source, "test.ini:13");
  ck_assert_uint_eq (c.n_env, 4);
  ck_assert_int_eq (c.env[0].op, ENT_ENV_KEEP);
  ck_assert_str_eq (c.env[0].name, "PATH");
  ck_assert_ptr_null (c.env[0].value);
  ck_assert_int_eq (c.env[1].op, ENT_ENV_KEEP);
  ck_assert_str_eq (c.env[1].name, "HOME");
  ck_assert_int_eq (c.env[2].op, ENT_ENV_SET);
  ck_assert_str_eq (c.env[2].name, "GREETING");
  ck_assert_str_eq (c.env[2].value, "hello = world");
  ck_assert_int_eq (c.env[3].op, ENT_ENV_UNSET);
  ck_assert_str_eq (c.env[3].name, "DISPLAY");
  ck_assert_str_eq (c.env_sources[0], "test.ini:14");
  ck_assert_str_eq (c.env_sources[2], "test.ini:15");
  ck_assert_str_eq (c.env_sources[3], "test.ini:16");
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (every_key_of_a_custom_entitlement)
{
  entrun_conf_t c;
  const entrun_conf_custom_t *cu;

  parse_ok (full_profile, &c);
  ck_assert_uint_eq (c.n_customs, 1);
  cu = &c.customs[0];
  ck_assert_str_eq (cu->name, "tools.gdb");
  ck_assert_str_eq (cu->description, "debug with gdb");
  ck_assert_str_eq (cu->source, "test.ini:24");
  ck_assert_uint_eq (cu->caps, ENT_CAP_BIT (ent_cap_from_name ("CAP_SYS_PTRACE"))
                                   | ENT_CAP_BIT (ent_cap_from_name ("CAP_NET_RAW")));
  ck_assert_str_eq (cu->allow[0], "ptrace");
  ck_assert_str_eq (cu->allow[1], "process_vm_readv");
  ck_assert_ptr_null (cu->allow[2]);
  ck_assert_str_eq (cu->deny[0], "chmod");
  ck_assert_ptr_null (cu->deny[1]);
  ck_assert_uint_eq (cu->n_mounts, 4);
  ck_assert_int_eq (cu->mount_kinds[0], ENT_MOUNT_BIND_RW);
  ck_assert_str_eq (cu->mount_paths[0], "~/src");
  ck_assert_int_eq (cu->mount_kinds[1], ENT_MOUNT_BIND_RO);
  ck_assert_str_eq (cu->mount_paths[1], "/usr/share");
  ck_assert_int_eq (cu->mount_kinds[2], ENT_MOUNT_HIDE);
  ck_assert_str_eq (cu->mount_paths[2], "secret");
  ck_assert_int_eq (cu->mount_kinds[3], ENT_MOUNT_TMPFS);
  ck_assert_str_eq (cu->mount_paths[3], "/scratch");
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (repeatable_keys_accumulate_in_order)
{
  entrun_conf_t c;

  parse_ok ("[filesystem]\n"
            "ro = /b\n"
            "rw = /a\n"
            "ro = /c\n"
            "[sandbox]\n"
            "entitlements = network.none\n"
            "entitlements = host.fs.ro=/x  debug.ptrace\n"
            "[environment]\n"
            "set = A=1\n"
            "unset = B C\n"
            "set = A=2\n"
            "keep = D\n"
            "[entitlement tools.x]\n"
            "caps = CAP_CHOWN\n"
            "caps = CAP_KILL CAP_CHOWN\n"
            "allow-syscalls = ptrace\n"
            "allow-syscalls = kcmp ptrace\n"
            "hide = /b\n"
            "hide = /a\n",
            &c);
  ck_assert_uint_eq (c.n_requests, 6);
  check_request (&c, 0, "host.fs.ro=/b", 2);
  check_request (&c, 1, "host.fs.rw=/a", 3);
  check_request (&c, 2, "host.fs.ro=/c", 4);
  check_request (&c, 3, "network.none", 6);
  check_request (&c, 4, "host.fs.ro=/x", 7);
  check_request (&c, 5, "debug.ptrace", 7);
  ck_assert_uint_eq (c.n_env, 5);
  ck_assert_str_eq (c.env[0].value, "1");
  ck_assert_str_eq (c.env[1].name, "B");
  ck_assert_str_eq (c.env[2].name, "C");
  ck_assert_str_eq (c.env[3].value, "2");
  ck_assert_int_eq (c.env[4].op, ENT_ENV_KEEP);
  ck_assert_ptr_null (c.clearenv_source); /* 'clear' not given */
  ck_assert_uint_eq (c.customs[0].caps, ENT_CAP_BIT (ent_cap_from_name ("CAP_CHOWN"))
                                            | ENT_CAP_BIT (ent_cap_from_name ("CAP_KILL")));
  ck_assert_str_eq (c.customs[0].allow[0], "ptrace");
  ck_assert_str_eq (c.customs[0].allow[1], "kcmp");
  ck_assert_ptr_null (c.customs[0].allow[2]);
  ck_assert_str_eq (c.customs[0].mount_paths[0], "/b");
  ck_assert_str_eq (c.customs[0].mount_paths[1], "/a");
  entrun_conf_clear (&c);
}
END_TEST

/* ---- lexical rules ----------------------------------------------------------- */

START_TEST (comments_blanks_and_line_endings)
{
  entrun_conf_t c;

  parse_ok ("\xef\xbb\xbf; byte order mark, then a comment\r\n"
            "# hash comment\r\n"
            "   ; indented comment\n"
            "\t\n"
            "[sandbox] ; header comment\n"
            "  hostname = box ; inline comment\n"
            "    entitlements = network.none\n"
            "[filesystem]\n"
            "rw = /a#b\n"
            "ro = /c;d\n"
            "[ environment ]\n"
            "set=X=a ;b\n"
            "set = Y=\n"
            "[entitlement tools.a-b]",
            &c);
  ck_assert_str_eq (c.hostname, "box");
  ck_assert_str_eq (c.hostname_source, "test.ini:6");
  /* An indented line is a key of its own, not a continuation. */
  check_request (&c, 0, "network.none", 7);
  /* '#' is no inline comment, nor ';' without a blank before it. */
  check_request (&c, 1, "host.fs.rw=/a#b", 9);
  check_request (&c, 2, "host.fs.ro=/c;d", 10);
  ck_assert_str_eq (c.env[0].name, "X");
  ck_assert_str_eq (c.env[0].value, "a");
  ck_assert_str_eq (c.env[1].name, "Y");
  ck_assert_str_eq (c.env[1].value, "");
  ck_assert_uint_eq (c.n_customs, 1);
  ck_assert_str_eq (c.customs[0].name, "tools.a-b");
  ck_assert_ptr_null (c.customs[0].description);
  ck_assert_ptr_null (c.customs[0].allow);
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (empty_input_is_an_empty_profile)
{
  entrun_conf_t c;
  ent_error_t *err = NULL;

  ck_assert_int_eq (entrun_conf_parse_buffer ("", 0, FILENAME, &c, &err), 0);
  ck_assert_uint_eq (c.n_requests + c.n_customs + c.n_env, 0);
  ck_assert_int_eq (entrun_conf_parse_buffer (NULL, 0, NULL, &c, &err), 0);
  parse_ok ("[sandbox]\n[filesystem]\n[environment]\n[resources]\n", &c);
  ck_assert_uint_eq (c.n_requests + c.n_customs + c.n_env, 0);
  ck_assert_ptr_null (c.hostname);
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (long_lines_are_refused_not_split)
{
  char text[512];
  char path[ENTRUN_CONF_MAX_LINE + 2];
  entrun_conf_t c;
  size_t room;

  /* The longest line accepted... */
  room = ENTRUN_CONF_MAX_LINE - strlen ("rw = /");
  memset (path, 'a', room);
  path[room] = '\0';
  snprintf (text, sizeof (text), "[filesystem]\nrw = /%s\n", path);
  parse_ok (text, &c);
  ck_assert_uint_eq (strlen (c.requests[0].request), strlen ("host.fs.rw=/") + room);
  entrun_conf_clear (&c);
  /* ... and one more: inih would parse the tail as a line of its own. */
  snprintf (text, sizeof (text), "[filesystem]\nrw = /%sa\n", path);
  parse_fails (text, strlen (text), 2, "line too long (198 characters, at most 197)");
  /* The tail past inih's 199 bytes would have read "hide=/etc". */
  memset (path, 'x', 193);
  path[193] = '\0';
  snprintf (text, sizeof (text), "[filesystem]\nrw = /%shide=/etc\n", path);
  parse_fails (text, strlen (text), 2, "line too long (208 characters");
}
END_TEST

START_TEST (nul_and_control_bytes_are_refused)
{
  static const char nul[] = "[sandbox]\nhostname = a\0b\n";
  static const char esc[] = "[sandbox]\nhostname = a\x1b[0mb\n";

  parse_fails (nul, sizeof (nul) - 1, 2, "NUL byte");
  parse_fails (esc, strlen (esc), 2, "control character 0x1b");
  parse_fails ("[sandbox]\r\r\n", 12, 1, "control character 0x0d");
  /* UTF-8's C1 controls (CSI U+009B) and bytes that are not UTF-8. */
  parse_fails ("[sandbox]\nhostname = a\xc2\x9b"
               "2Jb\n",
               28, 2, "byte 0xc2 in line is not printable UTF-8");
  parse_fails ("[sandbox]\n; caf\xe9\n", 17, 2, "byte 0xe9 in line is not printable UTF-8");
  parse_fails ("[sandbox]\nhostname = a\xe2\x82", 24, 2, "byte 0xe2 in line");
}
END_TEST

/* Printable UTF-8 is text, in comments and values alike. */
START_TEST (utf8_text_is_accepted)
{
  entrun_conf_t c;

  parse_ok ("; caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n[filesystem]\nro = /caf\xc3\xa9\n", &c);
  entrun_conf_clear (&c);
}
END_TEST

/* ---- every error, with its line -------------------------------------------------- */

static const struct
{
  const char *text;
  int line;
  const char *needle; /* quotes the offending text */
} bad[] = {
  /* structure */
  { "hostname = x\n", 1, "text outside any section: 'hostname = x'" },
  { "; c\n\nentitlements = network.none\n", 3,
    "text outside any section: 'entitlements = network.none'" },
  { "[bogus]\n", 1, "unknown section '[bogus]'" },
  { "[Sandbox]\n", 1, "unknown section '[Sandbox]'" },
  { "[sandbox extra]\n", 1, "unknown section '[sandbox extra]'" },
  { "[]\n", 1, "unknown section '[]'" },
  { "[sandbox]\nhostname = a\n\n[sandbox]\n", 4,
    "duplicate section '[sandbox]' (first at line 1)" },
  { "[resources]\n[filesystem]\n[resources]\n", 3,
    "duplicate section '[resources]' (first at line 1)" },
  { "[sandbox\n", 1, "unterminated section header '[sandbox'" },
  { "[sandbox] junk\n", 1, "unexpected text after section header: '[sandbox] junk'" },
  { "[sandbox]\nhostname\n", 2, "missing '=' in 'hostname'" },
  { "[sandbox]\nhostname: box\n", 2, "missing '=' in 'hostname: box'" },
  { "[sandbox]\n = box\n", 2, "missing key before '=' in '= box'" },
  { "[sandbox]\nhost:name = box\n", 2, "invalid key 'host:name'" },
  { "[sandbox]\nhost name = box\n", 2, "invalid key 'host name'" },
  { "[sandbox]\nfoo = 1\n", 2, "unknown key 'foo' in [sandbox]" },
  { "[sandbox]\nHostname = box\n", 2, "unknown key 'Hostname' in [sandbox]" },
  { "[filesystem]\nmount = /x\n", 2, "unknown key 'mount' in [filesystem]" },
  { "[environment]\npath = /x\n", 2, "unknown key 'path' in [environment]" },
  { "[resources]\ncpu = 1\n", 2, "unknown key 'cpu' in [resources]" },
  { "[entitlement tools.x]\nname = y\n", 2, "unknown key 'name' in [entitlement tools.x]" },
  /* empty values */
  { "[sandbox]\nentitlements =\n", 2, "missing value for 'entitlements' in [sandbox]" },
  { "[sandbox]\nhostname = ; comment\n", 2, "missing value for 'hostname'" },
  { "[filesystem]\nrw =   \n", 2, "missing value for 'rw' in [filesystem]" },
  { "[entitlement tools.x]\ncaps =\n", 2, "missing value for 'caps' in [entitlement tools.x]" },
  /* non-repeatable keys */
  { "[sandbox]\nhostname = a\nhostname = b\n", 3,
    "'hostname' given twice in [sandbox] (first at line 2)" },
  { "[sandbox]\nchdir = /a\n\nchdir = /b\n", 4,
    "'chdir' given twice in [sandbox] (first at line 2)" },
  { "[environment]\nclear = true\nclear = true\n", 3, "'clear' given twice" },
  { "[resources]\npids = 1\nmemory = 1\npids = 2\n", 4,
    "'pids' given twice in [resources] (first at line 2)" },
  { "[resources]\ntimeout = 1\ntimeout = 1\n", 3, "'timeout' given twice" },
  { "[entitlement tools.x]\ndescription = a\ndescription = b\n", 3,
    "'description' given twice in [entitlement tools.x] (first at line 2)" },
  /* [sandbox] values */
  { "[sandbox]\nentitlements = network.user Bad.Name\n", 2, "'Bad.Name'" },
  { "[sandbox]\nentitlements = network\n", 2, "'network': expected DOMAIN.IDENTIFIER" },
  { "[sandbox]\nentitlements = network.proxy=\n", 2, "'network.proxy=': empty value" },
  { "[sandbox]\nentitlements = net..user\n", 2, "'net..user'" },
  { "[sandbox]\nhostname = a b\n", 2, "invalid hostname 'a b'" },
  { "[sandbox]\nhostname = a/b\n", 2, "invalid hostname 'a/b'" },
  { "[sandbox]\nchdir = ~bob/src\n", 2, "'~bob/src'" },
  /* [filesystem] values */
  { "[filesystem]\nrw = ~root\n", 2, "'~root'" },
  { "[filesystem]\n\nhide = ~x/.ssh\n", 3, "'~x/.ssh'" },
  { "[filesystem]\ntmpfs = /a\tb\n", 2, "'host.fs.tmpfs=/a\tb': control character 0x09" },
  /* [environment] values */
  { "[environment]\nclear = yes\n", 2, "invalid value 'yes' for 'clear' (expected true or false)" },
  { "[environment]\nclear = True\n", 2, "invalid value 'True'" },
  { "[environment]\nset = NOVALUE\n", 2, "expected NAME=VALUE, not 'NOVALUE'" },
  { "[environment]\nset = =x\n", 2, "empty variable name in '=x'" },
  { "[environment]\nset = A B=x\n", 2, "invalid variable name 'A B' in 'A B=x'" },
  { "[environment]\nkeep = PATH A=B\n", 2, "invalid variable name 'A=B'" },
  { "[environment]\nunset = =\n", 2, "invalid variable name '='" },
  { "[environment]\nkeep = PATH\nclear = false\n", 2,
    "'keep' has no effect with 'clear = false' (test.ini:3)" },
  /* [resources] values */
  { "[resources]\npids = ten\n", 2, "invalid integer 'ten'" },
  { "[resources]\npids = 10K\n", 2, "invalid integer '10K': trailing characters" },
  { "[resources]\nmemory = 1Q\n", 2, "invalid size '1Q'" },
  { "[resources]\nfile-size = 1GB\n", 2, "invalid size '1GB'" },
  { "[resources]\ntimeout = 0\n", 2, "'timeout' must be positive, not '0'" },
  { "[resources]\nfiles = -5\n", 2, "'files' must be positive, not '-5'" },
  { "[resources]\ncpu-time = 99999999999999999999\n", 2, "'99999999999999999999': out of range" },
  { "[resources]\nmemory = 9000000000000T\n", 2, "'9000000000000T': out of range" },
  /* [entitlement NAME] */
  { "[entitlement]\n", 1, "missing entitlement name in section '[entitlement]'" },
  { "[entitlement network.evil]\n", 1,
    "custom entitlement 'network.evil': domain 'network' is reserved" },
  { "[entitlement host.fs.x]\n", 1, "domain 'host.fs' is reserved" },
  { "[entitlement resources.gpu]\n", 1, "domain 'resources' is reserved" },
  /* Below a built-in domain, and host.clipboard's "host", too. */
  { "[entitlement security.fs-read-only.x]\n", 1, "domain 'security.fs-read-only' is reserved" },
  { "[entitlement network.none.x]\n", 1, "domain 'network.none' is reserved" },
  { "[entitlement host.clipboard]\n", 1, "domain 'host' is reserved" },
  { "[entitlement Tools.gdb]\n", 1, "'Tools.gdb'" },
  { "[entitlement tools.gdb extra]\n", 1, "'tools.gdb extra'" },
  { "[entitlement gdb]\n", 1, "'gdb': expected DOMAIN.IDENTIFIER" },
  { "[entitlement tools.gdb=1]\n", 1, "'tools.gdb=1': unexpected '='" },
  { "[entitlement tools.gdb]\n[entitlement tools.gdb]\n", 2,
    "custom entitlement 'tools.gdb' is defined twice (first at test.ini:1)" },
  { "[entitlement tools.x]\ncaps = CAP_CHOWN CAP_NOPE\n", 2, "unknown capability 'CAP_NOPE'" },
  { "[entitlement tools.x]\nallow-syscalls = read notacall\n", 2, "unknown syscall 'notacall'" },
  { "[entitlement tools.x]\ndeny-syscalls = PTRACE\n", 2, "unknown syscall 'PTRACE'" },
  { "[entitlement tools.x]\nallow-syscalls = ptrace\ndeny-syscalls = kcmp ptrace\n", 3,
    "syscall 'ptrace' is both allowed and denied in [entitlement tools.x]" },
  { "[entitlement tools.x]\ndeny-syscalls = ptrace\nallow-syscalls = ptrace\n", 3,
    "syscall 'ptrace' is both allowed and denied" },
  { "[entitlement tools.x]\nro = ~u/x\n", 2, "'~u/x'" },
};

START_TEST (errors_name_file_line_and_text)
{
  parse_fails (bad[_i].text, strlen (bad[_i].text), bad[_i].line, bad[_i].needle);
}
END_TEST

START_TEST (first_error_wins)
{
  static const char text[] = "[sandbox]\nhostname = a b\nfoo = 1\n[bogus]\n";

  parse_fails (text, strlen (text), 2, "invalid hostname");
}
END_TEST

START_TEST (parse_file_reads_a_stream)
{
  static char text[] = "[sandbox]\nentitlements = network.none\n";
  FILE *f = fmemopen (text, strlen (text), "r");
  entrun_conf_t c;
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (entrun_conf_parse_file (f, "dev.ini", &c, &err), 0);
  fclose (f);
  ck_assert_uint_eq (c.n_requests, 1);
  ck_assert_str_eq (c.requests[0].request, "network.none");
  ck_assert_str_eq (c.requests[0].source, "dev.ini:2");
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (parse_file_refuses_huge_files)
{
  FILE *f = tmpfile ();
  entrun_conf_t c;
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (fseek (f, ENTRUN_CONF_MAX_SIZE, SEEK_SET), 0);
  ck_assert_int_eq (fputc ('\n', f), '\n');
  rewind (f);
  test_assert_error (entrun_conf_parse_file (f, "big.ini", &c, &err), err, EFBIG,
                     "big.ini: larger");
  fclose (f);
  ent_error_free (err);
}
END_TEST

/* ---- lookup ------------------------------------------------------------------------ */

static char tree[] = "/tmp/test-conf-XXXXXX";
static char dir_xdg[64], dir_etc[64], dir_builtin[64];

static void
write_file (const char *dir, const char *name, const char *text)
{
  char path[128];
  FILE *f;

  snprintf (path, sizeof (path), "%s/%s", dir, name);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  ck_assert_int_eq (fclose (f), 0);
}

/* Unchecked fixture: runs in the parent, so the tree goes away even when a
 * test (in its forked child) fails. */
static void
tree_setup (void)
{
  char odd[96];

  ck_assert_ptr_nonnull (mkdtemp (tree));
  snprintf (dir_xdg, sizeof (dir_xdg), "%s/xdg", tree);
  snprintf (dir_etc, sizeof (dir_etc), "%s/etc", tree);
  snprintf (dir_builtin, sizeof (dir_builtin), "%s/builtin", tree);
  ck_assert_int_eq (mkdir (dir_xdg, 0700), 0);
  ck_assert_int_eq (mkdir (dir_etc, 0700), 0);
  ck_assert_int_eq (mkdir (dir_builtin, 0700), 0);
  write_file (dir_xdg, "dev.ini", "[sandbox]\n");
  write_file (dir_etc, "dev.ini", "[sandbox]\n");
  write_file (dir_builtin, "dev.ini", "[sandbox]\n");
  write_file (dir_etc, "offline.ini", "[sandbox]\n");
  write_file (dir_builtin, "offline.ini", "[sandbox]\n");
  write_file (dir_builtin, "untrusted.ini", "[sandbox]\n");
  snprintf (odd, sizeof (odd), "%s/odd.ini", dir_xdg);
  ck_assert_int_eq (mkdir (odd, 0700), 0);
  write_file (dir_builtin, "odd.ini", "[sandbox]\n");
}

static void
remove_tree (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;

  if (d == NULL)
    return;
  while ((de = readdir (d)))
    {
      struct stat st;
      char *path = NULL;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0
          || asprintf (&path, "%s/%s", dir, de->d_name) < 0)
        continue;
      if (lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
        remove_tree (path);
      else
        unlink (path);
      free (path);
    }
  closedir (d);
  rmdir (dir);
}

static void
tree_teardown (void)
{
  remove_tree (tree);
}

static void
find_ok (const char *name, const char *dir, const char *file)
{
  const char *const dirs[] = { dir_xdg, dir_etc, dir_builtin, NULL };
  char expected[128];
  char *path = NULL;
  ent_error_t *err = NULL;
  int ret = entrun_conf_find (name, dirs, &path, &err);

  ck_assert_msg (ret == 0, "finding %s: %s", name, ent_error_message (err));
  snprintf (expected, sizeof (expected), "%s/%s", dir, file);
  ck_assert_str_eq (path, expected);
  free (path);
}

START_TEST (lookup_order_xdg_etc_builtin)
{
  find_ok ("dev", dir_xdg, "dev.ini");
  find_ok ("offline", dir_etc, "offline.ini");
  find_ok ("untrusted", dir_builtin, "untrusted.ini");
}
END_TEST

START_TEST (lookup_path_form_is_used_as_is)
{
  char path[128];
  char *found = NULL;
  ent_error_t *err = NULL;

  snprintf (path, sizeof (path), "%s/dev.ini", dir_builtin);
  ck_assert_int_eq (entrun_conf_find (path, NULL, &found, &err), 0);
  ck_assert_str_eq (found, path);
  free (found);
  snprintf (path, sizeof (path), "%s/nope.ini", dir_builtin);
  test_assert_error (entrun_conf_find (path, NULL, &found, &err), err, ENOENT, path);
  ck_assert_ptr_null (found);
  ent_error_free (err);
}
END_TEST

START_TEST (lookup_not_found_lists_the_dirs)
{
  const char *const dirs[] = { dir_xdg, dir_etc, dir_builtin, NULL };
  char needle[256];
  char *found = NULL;
  ent_error_t *err = NULL;

  snprintf (needle, sizeof (needle), "profile 'nope' not found (looked for nope.ini in %s, %s, %s)",
            dir_xdg, dir_etc, dir_builtin);
  test_assert_error (entrun_conf_find ("nope", dirs, &found, &err), err, ENOENT, needle);
  ck_assert_ptr_null (found);
  ent_error_free (err);
  err = NULL;
  test_assert_error (entrun_conf_find ("", dirs, &found, &err), err, EINVAL, "empty profile name");
  ent_error_free (err);
}
END_TEST

START_TEST (lookup_does_not_skip_a_shadowing_non_file)
{
  const char *const dirs[] = { dir_xdg, dir_etc, dir_builtin, NULL };
  char *found = NULL;
  ent_error_t *err = NULL;

  test_assert_error (entrun_conf_find ("odd", dirs, &found, &err), err, EINVAL,
                     "odd.ini': not a regular file");
  ck_assert_ptr_null (found);
  ent_error_free (err);
}
END_TEST

/* ---- custom entitlements through the manager ---------------------------------------- */

/* The kind of @p's mount at @path; -1 when there is none. */
static int
mount_kind (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, path) == 0)
      return (int) p->fs.mounts[i].kind;
  return -1;
}

/* Grant @request from @cat at profile precedence, as the launcher will. */
static int
grant_from_profile (ent_manager_t *m, const ent_catalogue_t *cat, const char *request,
                    const char *source, ent_error_t **err)
{
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, request, err);

  if (e == NULL)
    return -(*err)->code;
  ck_assert_int_eq (ent_entitlement_set_source (e, source, ENT_PRECEDENCE_PROFILE), 0);
  return ent_manager_add_all (m, &e, 1, err);
}

START_TEST (custom_entitlement_grants_caps_syscalls_mounts)
{
  entrun_conf_t c;
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  const ent_definition_t *def;
  const ent_profile_t *p;
  int ptrace_cap = ent_cap_from_name ("CAP_SYS_PTRACE");

  parse_ok (full_profile, &c);
  ck_assert_int_eq (ent_profile_syscall_allowed (ent_manager_profile (m), "ptrace"), 0);
  ck_assert_int_eq (entrun_conf_register_customs (&c, cat, &err), 0);
  def = ent_catalogue_lookup (cat, "tools.gdb");
  ck_assert_ptr_nonnull (def);
  ck_assert_int_eq (def->type, ENT_TYPE_VOID);
  ck_assert_int_eq (def->order, ENT_ORDER_CUSTOM);
  ck_assert_str_eq (def->description, "debug with gdb");

  ck_assert_int_eq (grant_from_profile (m, cat, "tools.gdb", "test.ini:3", &err), 0);
  p = ent_manager_profile (m);
  for (int set = 0; set < ENT_CAPSET_COUNT; set++)
    ck_assert (p->caps[set] & ENT_CAP_BIT (ptrace_cap));
  ck_assert (p->caps[ENT_CAPSET_EFFECTIVE] & ENT_CAP_BIT (ent_cap_from_name ("CAP_NET_RAW")));
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ptrace"), 2);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "process_vm_readv"), 2);
  ck_assert_uint_eq (test_count_rules (p, "chmod", ENT_SECCOMP_ERRNO), 1);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "chmod"), 0);
  ck_assert_int_eq (mount_kind (p, TEST_HOME "/src"), ENT_MOUNT_BIND_RW);
  ck_assert_int_eq (mount_kind (p, "/usr/share"), ENT_MOUNT_BIND_RO);
  ck_assert_int_eq (mount_kind (p, TEST_CWD "/secret"), ENT_MOUNT_HIDE);
  ck_assert_int_eq (mount_kind (p, "/scratch"), ENT_MOUNT_TMPFS);

  ent_manager_free (m);
  ent_catalogue_free (cat);
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (profile_requests_instantiate_after_registration)
{
  entrun_conf_t c;
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  parse_ok ("[sandbox]\nentitlements = network.none tools.kill\n"
            "[filesystem]\nro = /opt\n"
            "[entitlement tools.kill]\ncaps = CAP_KILL\n",
            &c);
  ck_assert_int_eq (entrun_conf_register_customs (&c, cat, &err), 0);
  for (size_t i = 0; i < c.n_requests; i++)
    {
      int ret = grant_from_profile (m, cat, c.requests[i].request, c.requests[i].source, &err);
      ck_assert_msg (ret == 0, "%s: %s", c.requests[i].request, ent_error_message (err));
    }
  ck_assert (ent_manager_profile (m)->caps[ENT_CAPSET_AMBIENT]
             & ENT_CAP_BIT (ent_cap_from_name ("CAP_KILL")));
  ck_assert_int_eq (mount_kind (ent_manager_profile (m), "/opt"), ENT_MOUNT_BIND_RO);
  ent_manager_free (m);
  ent_catalogue_free (cat);
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (custom_registered_twice_is_refused_whole)
{
  entrun_conf_t c;
  ent_catalogue_t *cat = test_catalogue ();
  ent_error_t *err = NULL;
  size_t size;

  parse_ok ("[entitlement tools.a]\n[entitlement tools.b]\n", &c);
  ck_assert_int_eq (entrun_conf_register_customs (&c, cat, &err), 0);
  size = ent_catalogue_size (cat);
  test_assert_error (entrun_conf_register_customs (&c, cat, &err), err, EEXIST,
                     "test.ini:1: entitlement 'tools.a' is already defined");
  ck_assert_uint_eq (ent_catalogue_size (cat), size);
  /* No description: --list shows where it was defined. */
  ck_assert_str_eq (ent_catalogue_lookup (cat, "tools.b")->description, "test.ini:2");
  ent_error_free (err);
  ent_catalogue_free (cat);
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (reserved_custom_name_is_refused)
{
  static const char *const names[]
      = { "network.raw",        "security.unconfined", "host.devices.gpu",
          "host.processes.all", "debug.bpf",           "api.any" };
  entrun_conf_t c;
  char text[96];

  for (size_t i = 0; i < TEST_N (names); i++)
    {
      snprintf (text, sizeof (text), "[sandbox]\n[entitlement %s]\ncaps = CAP_SYS_ADMIN\n",
                names[i]);
      parse_fails (text, strlen (text), 2, "is reserved for built-ins");
    }
  /* A sub-domain of a built-in one is not reserved, as for
   * ent_catalogue_register() (the seed's "security.custom.cap-sys-admin"). */
  parse_ok ("[entitlement security.custom.cap-sys-admin]\ncaps = CAP_SYS_ADMIN\n", &c);
  entrun_conf_clear (&c);
}
END_TEST

START_TEST (custom_failing_at_grant_changes_nothing)
{
  entrun_conf_t c;
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
  ent_error_t *err = NULL;

  parse_ok ("[entitlement tools.bad]\ncaps = CAP_KILL\nhide = sub\nhide = ../..\n", &c);
  ck_assert_int_eq (entrun_conf_register_customs (&c, cat, &err), 0);
  test_assert_error (grant_from_profile (m, cat, "tools.bad", "test.ini:1", &err), err, EINVAL,
                     "refusing to cover '/' ('../..')");
  test_assert_profile_equal (ent_manager_profile (m), before);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
  entrun_conf_clear (&c);
}
END_TEST

/* ---- the corpus of malformed profiles --------------------------------------------------- */

/* "# expect: LINE: substring" on the first line. */
static void
check_corpus_file (const char *dir, const char *name)
{
  char *path = NULL;
  char first[256];
  char *needle;
  int line = 0;
  FILE *f;
  entrun_conf_t c;
  ent_error_t *err = NULL;
  int ret;

  ck_assert_int_ge (asprintf (&path, "%s/%s", dir, name), 0);
  f = fopen (path, "r");
  ck_assert_msg (f != NULL, "%s: %s", path, strerror (errno));
  free (path);
  ck_assert_msg (fgets (first, sizeof (first), f) != NULL, "%s: empty", name);
  first[strcspn (first, "\n")] = '\0';
  ck_assert_msg (sscanf (first, "# expect: %d:", &line) == 1 && line > 1, "%s: bad expect line",
                 name);
  needle = strchr (strchr (first, ':') + 1, ':') + 1;
  needle += strspn (needle, " ");
  rewind (f);
  ret = entrun_conf_parse_file (f, name, &c, &err);
  fclose (f);
  ck_assert_msg (ret < 0, "%s: accepted", name);
  snprintf (first, sizeof (first), "%s:%d: ", name, line);
  ck_assert_msg (strncmp (err->msg, first, strlen (first)) == 0, "%s: \"%s\" is not at line %d",
                 name, err->msg, line);
  ck_assert_msg (strstr (err->msg, needle), "%s: \"%s\" lacks \"%s\"", name, err->msg, needle);
  ent_error_free (err);
}

START_TEST (malformed_corpus)
{
  const char *top = getenv ("top_srcdir");
  char dir[512];
  DIR *d;
  struct dirent *de;
  size_t n = 0;

  snprintf (dir, sizeof (dir), "%s/tests/conf/bad", top ? top : ".");
  d = opendir (dir);
  ck_assert_msg (d != NULL, "%s: %s (set top_srcdir)", dir, strerror (errno));
  while ((de = readdir (d)))
    {
      size_t len = strlen (de->d_name);
      if (len > 4 && strcmp (de->d_name + len - 4, ".ini") == 0)
        {
          check_corpus_file (dir, de->d_name);
          n++;
        }
    }
  closedir (d);
  ck_assert_uint_ge (n, 30);
}
END_TEST

/* ---- main ---------------------------------------------------------------------------------- */

static Suite *
conf_suite (void)
{
  Suite *s = suite_create ("conf");
  TCase *parse_tc = tcase_create ("parse");
  TCase *find_tc = tcase_create ("find");
  TCase *custom_tc = tcase_create ("custom");

  tcase_add_test (parse_tc, every_key_of_sandbox_filesystem_resources);
  tcase_add_test (parse_tc, every_key_of_environment);
  tcase_add_test (parse_tc, every_key_of_a_custom_entitlement);
  tcase_add_test (parse_tc, repeatable_keys_accumulate_in_order);
  tcase_add_test (parse_tc, comments_blanks_and_line_endings);
  tcase_add_test (parse_tc, empty_input_is_an_empty_profile);
  tcase_add_test (parse_tc, long_lines_are_refused_not_split);
  tcase_add_test (parse_tc, nul_and_control_bytes_are_refused);
  tcase_add_test (parse_tc, utf8_text_is_accepted);
  tcase_add_loop_test (parse_tc, errors_name_file_line_and_text, 0, (int) TEST_N (bad));
  tcase_add_test (parse_tc, first_error_wins);
  tcase_add_test (parse_tc, parse_file_reads_a_stream);
  tcase_add_test (parse_tc, parse_file_refuses_huge_files);
  tcase_add_test (parse_tc, malformed_corpus);
  suite_add_tcase (s, parse_tc);

  tcase_add_unchecked_fixture (find_tc, tree_setup, tree_teardown);
  tcase_add_test (find_tc, lookup_order_xdg_etc_builtin);
  tcase_add_test (find_tc, lookup_path_form_is_used_as_is);
  tcase_add_test (find_tc, lookup_not_found_lists_the_dirs);
  tcase_add_test (find_tc, lookup_does_not_skip_a_shadowing_non_file);
  suite_add_tcase (s, find_tc);

  tcase_add_test (custom_tc, custom_entitlement_grants_caps_syscalls_mounts);
  tcase_add_test (custom_tc, profile_requests_instantiate_after_registration);
  tcase_add_test (custom_tc, custom_registered_twice_is_refused_whole);
  tcase_add_test (custom_tc, reserved_custom_name_is_refused);
  tcase_add_test (custom_tc, custom_failing_at_grant_changes_nothing);
  suite_add_tcase (s, custom_tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (conf_suite ());
  int failed;

  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
