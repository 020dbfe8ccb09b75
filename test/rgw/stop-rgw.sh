#!/usr/bin/env bash
# Stop the cluster test/rgw/start-rgw.sh started in DIR (by the pids it recorded) and
# remove DIR (or, with a second argument, keep its logs).
set -uo pipefail
dir=${1:?usage: stop-rgw.sh DIR}
for f in "$dir"/run/*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null
done
for f in "$dir"/run/*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null
done
if [ $# -ge 2 ]; then rm -rf "$dir"/{mon,osd,rgw}; else rm -rf "$dir"; fi
