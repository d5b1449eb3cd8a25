#!/usr/bin/env bash
# minimal-path.sh DIR: fills DIR with symlinks to exactly what the smoke run may rely on on a fresh CI machine
# (Debian with a JDK 17 and Maven, no root assumed, nothing installed for us), so that
#   PATH=DIR bench/run.sh --smoke        or        mvn verify -Dbench.smoke.path=minimal   (BenchSmokeIT)
# proves the harness needs nothing else. The list:
#   bash; GNU coreutils (every program of it found here); grep and sed (both Essential in Debian);
#   java, javac, jar of the JDK that `java` resolves to; mvn;
#   setpriv (util-linux, Essential in Debian) only when run as root: PostgreSQL refuses to run as root.
# Not in it, on purpose: curl, jq, ss, awk, ps, tar, xz, git, wrk, nginx, redis-server, redis-cli, redis-benchmark,
# hyperfine, psql, initdb. (git, when present, only names the commit in the results.)
set -euo pipefail
dir=${1:?usage: minimal-path.sh DIR}
rm -rf "$dir"; mkdir -p "$dir"

link() { # NAME [PATH]: a symlink DIR/NAME → PATH (default: NAME's own resolved location on the current PATH)
  local target=${2:-$(command -v "$1" 2>/dev/null || true)}
  [[ -n $target ]] || { echo "missing: $1" >&2; return 1; }
  ln -s "$(readlink -f "$target")" "$dir/$1"
}

coreutils="[ b2sum base32 base64 basename basenc cat chcon chgrp chmod chown chroot cksum comm cp csplit cut date dd df
dir dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname
ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd
readlink realpath rm rmdir runcon seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat
stdbuf stty sum sync tac tail tee test timeout touch tr true truncate tsort tty uname unexpand uniq users vdir wc who
whoami yes"
for tool in $coreutils; do command -v "$tool" >/dev/null 2>&1 && link "$tool"; done
for tool in bash grep sed mvn; do link "$tool"; done
java_bin=$(dirname "$(readlink -f "$(command -v java)")")
for tool in java javac jar; do link "$tool" "$java_bin/$tool"; done
[[ $(id -u) -ne 0 ]] || link setpriv
# what the harness cannot do without, checked here rather than half-way through a run
for tool in bash date mktemp sleep seq head tail tr base64 timeout sort readlink dirname id nproc uname env grep sed \
            java javac jar; do
  [[ -x $dir/$tool ]] || { echo "missing: $tool" >&2; exit 1; }
done
ls "$dir" | tr '\n' ' '; echo
