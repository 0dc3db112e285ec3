#!/bin/sh
# Install the Debian packages ngramcount needs to build, test and benchmark.
# As root: apt-get installs whatever is missing. Otherwise: print the line to run.
set -eu

PKGS="build-essential pkg-config liburing-dev zlib1g-dev libcurl4-openssl-dev uthash-dev libutf8proc-dev libisal-dev isal libxxhash-dev gzip mawk time python3 bsdutils valgrind strace clang libclang-rt-14-dev python3-aiofiles python3-distributed gnuplot-nox"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
else
	echo "install-deps: missing:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
