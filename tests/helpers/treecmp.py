#!/usr/bin/env python3
"""Compare two root file systems path by path; print every difference and
exit 1 if there is any (0 when identical, 2 on usage errors).

Usage: treecmp.py [--no-mtime] [--no-owner] A B

Compared for every path below (and including) the roots, never following
symlinks: the type; the permission bits incl. setuid/setgid/sticky; uid and
gid; the mtime in nanoseconds (directories too; --no-mtime skips it);
regular files: size and content (sha256); symlinks: the target; devices:
major and minor; all xattrs (names and values); and which paths are hard
links of one another (the groups of paths sharing an inode)."""

import hashlib
import os
import stat
import sys


def xattrs(path):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return {}
    out = {}
    for n in sorted(names):
        try:
            out[n] = os.getxattr(path, n, follow_symlinks=False)
        except OSError as e:
            out[n] = "<%s>" % e.strerror
    return out


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def kind(mode):
    for test, name in ((stat.S_ISDIR, "directory"), (stat.S_ISREG, "file"), (stat.S_ISLNK, "symlink"),
                       (stat.S_ISCHR, "char device"), (stat.S_ISBLK, "block device"), (stat.S_ISFIFO, "fifo"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "unknown"


def describe(root, opts):
    """{relative path: {field: value}} and the hard link groups."""
    tree = {}
    inodes = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        names = [os.path.join(dirpath, n) for n in sorted(dirnames + filenames)]
        if dirpath == root:
            names.insert(0, root)
        for p in names:
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            d = {"type": kind(st.st_mode), "mode": "%04o" % stat.S_IMODE(st.st_mode)}
            if not opts["no_owner"]:
                d["owner"] = "%d:%d" % (st.st_uid, st.st_gid)
            if not opts["no_mtime"]:
                d["mtime"] = st.st_mtime_ns
            if stat.S_ISREG(st.st_mode):
                d["size"] = st.st_size
                d["content"] = digest(p)
                if st.st_nlink > 1:
                    inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
            elif stat.S_ISLNK(st.st_mode):
                d["target"] = os.readlink(p)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                d["rdev"] = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
            d["xattrs"] = xattrs(p)
            tree[rel] = d
    links = {}
    for group in inodes.values():
        for rel in group:
            links[rel] = sorted(g for g in group if g != rel)
    for rel, d in tree.items():
        if d["type"] == "file":
            d["hardlinks"] = links.get(rel, [])
    return tree


def main(argv):
    opts = {"no_mtime": False, "no_owner": False}
    args = []
    for a in argv:
        if a == "--no-mtime":
            opts["no_mtime"] = True
        elif a == "--no-owner":
            opts["no_owner"] = True
        else:
            args.append(a)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    a, b = (describe(r, opts) for r in args)
    diffs = 0
    for rel in sorted(set(a) | set(b)):
        if rel not in b:
            print("only in %s: %s (%s)" % (args[0], rel, a[rel]["type"]))
        elif rel not in a:
            print("only in %s: %s (%s)" % (args[1], rel, b[rel]["type"]))
        else:
            for field in sorted(set(a[rel]) | set(b[rel])):
                va, vb = a[rel].get(field), b[rel].get(field)
                if va != vb:
                    print("%s: %s differs: %r != %r" % (rel, field, va, vb))
                    diffs += 1
            continue
        diffs += 1
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
