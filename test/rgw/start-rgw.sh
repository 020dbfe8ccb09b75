#!/usr/bin/env bash
# A throwaway single-node Ceph cluster with a RADOS Gateway, for dvd's RGW tests:
# one monitor, one OSD on memstore (RAM, nothing on disk but logs), radosgw's beast
# frontend on 127.0.0.1, no cephx (loopback only), and one S3 user. Starts in ~10 s.
#
#   test/rgw/start-rgw.sh DIR    -> prints {"endpoint":..,"accessKey":..,"secretKey":..} on stdout
#   test/rgw/stop-rgw.sh DIR     -> stops the daemons and removes DIR
#
# Needs Debian's ceph-mon, ceph-osd and radosgw (apt-get install -y ceph-mon ceph-osd radosgw).
set -euo pipefail
dir=${1:?usage: start-rgw.sh DIR}
mkdir -p "$dir"/{mon,osd,run,log}
dir=$(cd "$dir" && pwd)
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
mon_port=$(free_port)
rgw_port=$(free_port)
fsid=$(cat /proc/sys/kernel/random/uuid)
conf=$dir/ceph.conf
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
# A new OSD places itself in the CRUSH map with a command it may send before it knows
# the cluster's fsid (a race in a brand-new cluster: "wrong fsid", the OSD exits). The
# script places it instead.
osd crush update on start = false
osd class update on start = false
osd objectstore = memstore
memstore device bytes = 1073741824
mon data = $dir/mon/\$name
osd data = $dir/osd/\$name
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw dns name = localhost
EOF
log() { echo "start-rgw: $*" >&2; }
# A half-started cluster must not outlive a failed start (a stray monitor confuses the
# next cluster's OSD: "wrong fsid").
trap 'log "failed; stopping what was started (logs: $dir/log)"; "$(dirname "$0")/stop-rgw.sh" "$dir" keep-logs' ERR
monmaptool --create --add a "v1:127.0.0.1:$mon_port" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" 2>>"$dir/log/setup.log"
ceph-mon -c "$conf" -i a
# A brand-new monitor refuses a client's command sent before the client has the cluster's
# fsid ("Error EPERM: problem getting command descriptions from mon."; the monitor logs
# "handle_command on fsid 00000000-... != ..."): 1 start in 4 failed so on a loaded
# machine. Such a command did nothing, so it is sent again; both commands are idempotent
# (the OSD is created by its uuid).
ceph_cmd() {
  for _ in $(seq 1 20); do
    if timeout 30 ceph -c "$conf" "$@" 2>>"$dir/log/setup.log"; then return 0; fi
    sleep 0.5
  done
  return 1
}
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd=$(ceph_cmd osd create "$osd_uuid")
ceph_cmd osd crush add "osd.$osd" 1.0 root=default >/dev/null
mkdir -p "$dir/osd/osd.$osd"
ceph-osd -c "$conf" -i "$osd" --osd-uuid "$osd_uuid" --mkfs 2>>"$dir/log/setup.log" >/dev/null
ceph-osd -c "$conf" -i "$osd" 2>>"$dir/log/setup.log"
log "mon and osd.$osd up; starting radosgw on 127.0.0.1:$rgw_port"
radosgw -c "$conf" -n client.rgw --rgw-data="$dir/rgw" 2>>"$dir/log/setup.log"
# radosgw creates its pools before it listens.
for _ in $(seq 1 240); do
  if curl -s -o /dev/null "http://127.0.0.1:$rgw_port/"; then break; fi
  sleep 0.25
done
curl -s -o /dev/null "http://127.0.0.1:$rgw_port/" || { log "radosgw did not start"; false; }
radosgw-admin -c "$conf" user create --uid=dvd --display-name=dvd --access-key=DVDRGWKEY --secret-key=DVDRGWSECRET >/dev/null 2>>"$dir/log/setup.log"
printf '{"endpoint":"http://127.0.0.1:%s","accessKey":"DVDRGWKEY","secretKey":"DVDRGWSECRET"}\n' "$rgw_port"
