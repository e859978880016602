#!/usr/bin/env bash
# The systemd stage (issue 18), after `bun packaging/build.ts`: boot Debian bookworm with systemd as PID 1
# (systemd-nspawn, private network), install the amd64 package and check what an operator does with it,
# against the real init: every unit kind serves rdate on port 37 and reloads, --require-sync runs,
# restart and upgrade under load lose nothing, upgrade restarts and removal stops the rfc868@N
# instances, purge leaves no file. One line per check; exit 1 if any failed.
# With --suite, the test suite then runs inside too, as a service of the container's systemd that is
# refused what containers often refuse (ntp_adjtime, unshare --net): every test passes or skips saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=false
if [ "${1:-}" = --suite ]; then suite=true; fi
stage_start=$(date +%s)
trap 'echo "FAIL - .ci/systemd.sh line $LINENO: $BASH_COMMAND" >&2' ERR

if ! dpkg -s mmdebstrap systemd-container >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends mmdebstrap systemd-container >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends mmdebstrap systemd-container >/dev/null; }
fi

version=$(node -p 'require("./package.json").version')
deb="dist/rfc868_${version}_amd64.deb"
if [ ! -f "$deb" ]; then
  echo "systemd stage: no $deb (run npx bun run build first)" >&2
  exit 1
fi

# The root: Debian's archive only, built once per machine and kept in .ci/.cache (or $RFC868_SYSTEMD_CACHE);
# a change to the package list rebuilds it. rdate and python3 are the clients, iproute2 has ss.
ROOT_PACKAGES=systemd,systemd-sysv,dbus,rdate,python3,iproute2,procps,netbase
cache=${RFC868_SYSTEMD_CACHE:-$PWD/.ci/.cache/systemd}
root=$cache/bookworm
if [ "$(cat "$root.packages" 2>/dev/null)" != "$ROOT_PACKAGES" ]; then
  build_start=$(date +%s)
  rm -rf "$root" "$root.tmp"
  mkdir -p "$cache"
  mmdebstrap --quiet --variant=apt --include="$ROOT_PACKAGES" bookworm "$root.tmp" http://deb.debian.org/debian
  mv "$root.tmp" "$root"
  echo "$ROOT_PACKAGES" >"$root.packages"
  echo "root: built $root in $(($(date +%s) - build_start)) s"
else
  echo "root: cached $root"
fi

# Each run boots an overlay over the cached root, so nothing it installs reaches the cache.
work=$(mktemp -d)
mkdir "$work/upper" "$work/overlay-work" "$work/root"
# Where overlayfs is not available, a fresh copy (about 250 MB) does the same.
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/overlay-work" "$work/root" ||
  cp -a "$root/." "$work/root/"
ct_root=$work/root

nspawn_pid=
leader=
cleanup() {
  set +e
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    [ -n "$leader" ] && timeout 10 nsenter -t "$leader" -a systemctl poweroff >/dev/null 2>&1
    for _ in $(seq 300); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    # nspawn powers the container off on SIGTERM; SIGKILL only if that hangs as well.
    kill -TERM "$nspawn_pid" 2>/dev/null && sleep 3
    kill -KILL "$nspawn_pid" 2>/dev/null
    wait "$nspawn_pid" 2>/dev/null
  fi
  umount "$ct_root" 2>/dev/null
  rm -rf "$work"
  echo "systemd stage: $(($(date +%s) - stage_start)) s in all"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # through cleanup as well

# What boots on a host whose PID 1 is not systemd (plain `systemd-nspawn -b` fails to open the system bus):
# no machine registration, no scope of its own, commands inside through nsenter. The system call filter lets
# the container's services read the clock state (clock_adjtime, --require-sync); nspawn refuses it by default.
boot_start=$(date +%s%N)
setsid systemd-nspawn --register=no --keep-unit --private-network --console=pipe --quiet \
  --system-call-filter='adjtimex clock_adjtime' -b -D "$ct_root" </dev/null >"$work/boot.log" 2>&1 &
nspawn_pid=$!
# The leader is nspawn's child once it has exec'd systemd (before that, a child of nspawn's own).
for _ in $(seq 300); do
  leader=$(pgrep -P "$nspawn_pid" || true)
  [ -n "$leader" ] && [ "$(cat "/proc/$leader/comm" 2>/dev/null)" = systemd ] && break
  leader=
  sleep 0.1
done
if [ -z "$leader" ]; then
  echo "FAIL - boot: systemd-nspawn started no container" >&2
  cat "$work/boot.log" >&2
  exit 1
fi

# A command inside, as root with a clean environment. nsenter keeps the host's capabilities and no seccomp
# filter: what is checked runs as services of the container's systemd.
ct() { nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

failures=0
# check NAME COMMAND...: one line; COMMAND's last output line rides on the ok line, all of it follows a FAIL.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    echo "ok - $name${out:+: ${out##*$'\n'}}"
  else
    echo "FAIL - $name"
    sed 's/^/    /' <<<"$out"
    failures=$((failures + 1))
  fi
}

# systemctl cannot connect until systemd has opened its private socket: ask again until it answers.
for _ in $(seq 300); do
  state=$(timeout 90 nsenter -t "$leader" -a systemctl is-system-running --wait 2>&1 || true)
  [[ "$state" == *"Failed to connect"* ]] || break
  sleep 0.1
done
boot_ms=$((($(date +%s%N) - boot_start) / 1000000))
case $state in
  running) echo "ok - boot: systemd is PID 1 and the system is running ($boot_ms ms)" ;;
  degraded) echo "ok - boot: systemd is PID 1 and the system is degraded ($boot_ms ms); failed: $(ct systemctl list-units --failed --plain --no-legend | awk '{ print $1 }' | xargs)" ;;
  *)
    echo "FAIL - boot: systemctl is-system-running says '$state'"
    tail -n 30 "$work/boot.log"
    exit 1
    ;;
esac

# The clients inside: sequential TCP queries (each one 4 bytes and the close) until a stop file appears,
# with the running count in a status file; and one query's first-answer time.
cat >"$ct_root/root/probe.py" <<'EOF'
import os, socket, sys, time
def query(host, port):
    with socket.create_connection((host, port), timeout=5) as s:
        data = b""
        while chunk := s.recv(8):
            data += chunk
    if len(data) != 4:
        raise OSError(f"{len(data)} bytes")
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "first":
    start = time.perf_counter()
    query(host, port)
    print(f"{(time.perf_counter() - start) * 1000:.1f}")
else:
    stop, status = sys.argv[4], sys.argv[5]
    answered, lost, reasons = 0, 0, {}
    while not os.path.exists(stop):
        try:
            query(host, port)
            answered += 1
        except OSError as error:
            lost += 1
            reasons[str(error)] = reasons.get(str(error), 0) + 1
        with open(status + ".tmp", "w") as f:
            f.write(f"{answered} {lost}\n")
        os.replace(status + ".tmp", status)
    print(f"answered {answered} of {answered + lost}, lost {lost}" + (f" {reasons}" if reasons else ""))
    sys.exit(1 if lost else 0)
EOF

# The journal from a mark on: `mark` prints the cursor, `journal_since MARK UNIT...` the lines after it.
mark() { ct journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p'; }
journal_since() {
  local cursor=$1 units=()
  shift
  for unit in "$@"; do units+=(-u "$unit"); done
  ct journalctl -q --no-pager -o cat --after-cursor="$cursor" "${units[@]}"
}
# await_journal MARK REGEX UNIT...: poll (stdout reaches the journal asynchronously) until a line after the
# mark from any of the units matches.
await_journal() {
  local cursor=$1 regex=$2
  shift 2
  for _ in $(seq 100); do
    # grep reads it all (no -q): an early exit would fail journalctl with SIGPIPE, and the pipe with it.
    journal_since "$cursor" "$@" | grep -E "$regex" >/dev/null && return 0
    sleep 0.1
  done
  journal_since "$cursor" "$@"
  echo "no '$regex' in the journal of $*"
  return 1
}

serves_tcp() { ct timeout 10 rdate -p 127.0.0.1 && ct timeout 10 rdate -p ::1; }
serves_udp() { ct timeout 10 rdate -p -u 127.0.0.1; }
port_closed() {
  if ct timeout 10 rdate -p 127.0.0.1 2>&1; then echo "port 37 still answers"; return 1; fi
  [ -z "$(ct ss -Hltn 'sport = :37')" ] || { ct ss -Hltnp 'sport = :37'; return 1; }
  echo "nothing listens on port 37"
}

# reloads UNIT...: systemctl reload exits 0 and each server says it re-read the file.
reloads() {
  local cursor unit
  cursor=$(mark)
  ct systemctl reload "$@" || return 1
  for unit in "$@"; do await_journal "$cursor" 'reloaded /etc/rfc868/rfc868.toml' "$unit" || return 1; done
  echo "each server re-read /etc/rfc868/rfc868.toml"
}

config=/etc/rfc868/rfc868.toml
set_key() { ct sed -i "/^$1 = /d" "$config" && ct sh -c "echo '$1 = $2' >>$config"; }
drop_key() { ct sed -i "/^$1 = /d" "$config"; }

# runs_with_require_sync UNIT...: restarted with require-sync = true, each stays up, its clock read did not
# fail, and it answers a query exactly as the kernel's clock state says (refusing while unsynchronised).
runs_with_require_sync() {
  local cursor unit answer
  set_key require-sync true || return 1
  cursor=$(mark)
  ct systemctl restart "$@" || return 1
  for unit in "$@"; do await_journal "$cursor" '^listening on port' "$unit" || return 1; done
  if ct timeout 10 rdate -p 127.0.0.1 >/dev/null 2>&1; then answer=served; else answer=refused; fi
  for unit in "$@"; do
    ct systemctl is-active --quiet "$unit" || { ct systemctl status --no-pager "$unit"; return 1; }
  done
  if journal_since "$cursor" "$@" | grep -E 'cannot read the kernel clock state|Operation not permitted'; then return 1; fi
  if [ "$answer" = refused ]; then
    await_journal "$cursor" 'kernel reports the clock unsynchronised' "$@" || return 1
    echo "running; the kernel reports the clock unsynchronised here, so it sends no time, as it should"
  else
    echo "running and serving (the kernel reports the clock synchronised)"
  fi
}

# under_load COMMAND...: sequential queries before, during and after COMMAND; none may be lost.
under_load() {
  local status=/root/load.status stop=/root/load.stop before load_pid
  ct rm -f "$status" "$stop"
  ct python3 /root/probe.py load 127.0.0.1 37 "$stop" "$status" >"$work/load.out" 2>&1 &
  load_pid=$!
  # 100 answered before the change and 100 after it, so the change happens under load.
  for _ in $(seq 300); do [ "$(cut -d' ' -f1 "$ct_root$status" 2>/dev/null || echo 0)" -ge 100 ] && break; sleep 0.1; done
  "$@" >"$work/load-command.out" 2>&1 || { cat "$work/load-command.out"; ct touch "$stop"; wait "$load_pid"; return 1; }
  before=$(cut -d' ' -f1 "$ct_root$status")
  for _ in $(seq 300); do [ "$(cut -d' ' -f1 "$ct_root$status")" -ge $((before + 100)) ] && break; sleep 0.1; done
  ct touch "$stop"
  wait "$load_pid" && cat "$work/load.out" || { cat "$work/load.out"; return 1; }
}

# dpkg_does ARGS...: dpkg inside (its output only on failure), then the package's state.
dpkg_does() {
  ct dpkg "$@" >"$work/dpkg.out" 2>&1 || { cat "$work/dpkg.out"; return 1; }
  echo "rfc868: $(ct dpkg-query -W -f '${db:Status-Status} ${Version}' rfc868 2>/dev/null || echo 'not installed')"
}

socket_enabled_service_idle() {
  [ "$(ct systemctl is-enabled rfc868.socket)" = enabled ] && ct systemctl is-active --quiet rfc868.socket || return 1
  ! ct systemctl is-active --quiet rfc868.service || { echo "rfc868.service already runs"; return 1; }
}

# cold_start: 5 first answers with the service stopped and the socket listening, then 5 warm ones.
cold_start() {
  local times=() warm=() sorted
  for _ in 1 2 3 4 5; do
    ct systemctl stop rfc868.service || return 1
    times+=("$(ct python3 /root/probe.py first 127.0.0.1 37)") || return 1
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | xargs)
  for _ in 1 2 3 4 5; do warm+=("$(ct python3 /root/probe.py first 127.0.0.1 37)") || return 1; done
  echo "first answer ${sorted// / / } ms over 5 starts (median $(cut -d' ' -f3 <<<"$sorted") ms); warm: median $(printf '%s\n' "${warm[@]}" | sort -n | sed -n 3p) ms"
}

runs_as() {
  local user
  user=$(ct ps -o user= -p "$(ct systemctl show -P MainPID "$2")")
  echo "$2 runs as $user"
  [ "$user" = "$1" ]
}

none_active() {
  ct systemctl is-active "$@" | xargs
  ! ct systemctl is-active --quiet "$@"
}

# security_scores UNIT=LIMIT...: systemd-analyze security on the installed units, each at or under its limit
# (the scores the units' comments account for).
security_scores() {
  local pair unit limit score scores=() over=0
  for pair in "$@"; do
    unit=${pair%=*} limit=${pair#*=}
    score=$(ct systemd-analyze security --no-pager "$unit" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    scores+=("$unit $score")
    awk -v s="$score" -v l="$limit" 'BEGIN { exit !(s != "" && s <= l) }' || { echo "$unit: $score, above $limit"; over=1; }
  done
  printf '%s; ' "${scores[@]}" | sed 's/; $/\n/'
  return "$over"
}

# main_pids UNIT...: each unit's main pid, one line.
main_pids() { for unit in "$@"; do ct systemctl show -P MainPID "$unit"; done | xargs; }
# restarted OLD_PIDS UNIT...: each unit runs again, under a new pid, from the executable now on disk.
restarted() {
  local old=$1 unit pid
  shift
  for unit in "$@"; do
    pid=$(ct systemctl show -P MainPID "$unit")
    if [ "$pid" = 0 ] || [[ " $old " == *" $pid "* ]]; then echo "$unit was not restarted (pid $pid; before: $old)"; return 1; fi
    if [[ "$(ct readlink "/proc/$pid/exe")" == *"(deleted)"* ]]; then echo "$unit runs a deleted executable"; return 1; fi
  done
  echo "$# restarted: pids $old -> $(main_pids "$@"), none on a deleted executable"
}

# notify_status UNIT: Type=notify, and the status text the server sent (STATUS=) is its counters line.
notify_status() {
  local type status
  type=$(ct systemctl show -P Type "$1") status=$(ct systemctl show -P StatusText "$1")
  echo "$1: Type=$type, StatusText=$status"
  [ "$type" = notify ] && [[ "$status" == serving* ]]
}

# watchdog_restarts UNIT: with WatchdogSec=2s in a drop-in, a server whose loop stops (SIGSTOP) is aborted
# and started again by Restart=on-failure, and serves.
watchdog_restarts() {
  local unit=$1 dropin=/etc/systemd/system/$1.d pid new=0 start
  ct mkdir -p "$dropin" && ct sh -c "printf '[Service]\nWatchdogSec=2s\n' >$dropin/watchdog.conf" && ct systemctl daemon-reload || return 1
  ct systemctl restart "$unit" || return 1
  pid=$(ct systemctl show -P MainPID "$unit")
  ct kill -STOP "$pid" || return 1
  start=$(date +%s%N)
  for _ in $(seq 300); do
    new=$(ct systemctl show -P MainPID "$unit")
    [ "$new" != 0 ] && [ "$new" != "$pid" ] && ct systemctl is-active --quiet "$unit" && break
    sleep 0.1
  done
  ct rm -r "$dropin" && ct systemctl daemon-reload
  if [ "$new" = 0 ] || [ "$new" = "$pid" ]; then ct systemctl status --no-pager "$unit"; return 1; fi
  serves_tcp >/dev/null || return 1
  ct journalctl -q --no-pager -u "$unit" | grep -q 'Watchdog timeout' || { echo "no watchdog timeout in the journal"; return 1; }
  echo "pid $pid stopped; watchdog timeout, restarted as pid $new after $((($(date +%s%N) - start) / 1000000)) ms, serving"
}

# check_config: the installed executable's --check-config on the shipped file (ok, 0) and on a broken copy (2).
check_config() {
  local out status
  out=$(ct /usr/bin/rfc868 --check-config --config "$config") || { echo "$out"; return 1; }
  [ "$out" = ok ] || { echo "said '$out' for the shipped file"; return 1; }
  ct sh -c "cp $config /root/broken.toml && echo 'prot = 37' >>/root/broken.toml"
  out=$(ct /usr/bin/rfc868 --check-config --config /root/broken.toml 2>&1) && { echo "a broken file passed: $out"; return 1; }
  status=$?
  [ "$status" = 2 ] || { echo "exit $status for a broken file: $out"; return 1; }
  echo "ok, exit 0; broken: exit 2, '$out'"
}

# bad_reload UNIT: a broken file makes "systemctl reload" fail; the server keeps serving; the check's line is
# in the journal at priority warning or above, and `journalctl -p warning -u UNIT` lists it; then the file is
# mended. The broken key is new each time, so the line is found without a cursor: journalctl 252 combining
# --after-cursor with -p skips entries that -p alone lists.
bad_reload() {
  local unit=$1 pid key
  pid=$(ct systemctl show -P MainPID "$unit")
  key="prot_${RANDOM}${RANDOM}"
  ct cp "$config" /root/good.toml
  ct sh -c "echo '$key = 37' >>$config"
  if ct systemctl reload "$unit" 2>/dev/null; then ct cp /root/good.toml "$config"; echo "reload exited 0 with a broken file"; return 1; fi
  ct cp /root/good.toml "$config"
  serves_tcp >/dev/null || { echo "not serving after the refused reload"; return 1; }
  [ "$(ct systemctl show -P MainPID "$unit")" = "$pid" ] || { echo "the server was restarted"; return 1; }
  # The journal takes the check's line asynchronously: poll for it at priority warning, then read its priority.
  local line="" priority
  for _ in $(seq 50); do
    # grep reads it all (no -q): an early exit would fail journalctl with SIGPIPE, and the pipe with it.
    line=$(ct journalctl -q --no-pager -o cat -p warning -u "$unit" | grep -F "unknown key \"$key\"") && break
    sleep 0.1
  done
  [ -n "$line" ] || { ct journalctl -q --no-pager -n 20 -u "$unit"; echo "journalctl -p warning -u $unit does not list the refusal"; return 1; }
  priority=$(ct journalctl -q --no-pager -o json -u "$unit" | KEY=$key python3 -c '
import json, os, sys
wanted = "unknown key \"%s\"" % os.environ["KEY"]
for line in sys.stdin:
    entry = json.loads(line)
    if wanted in str(entry.get("MESSAGE", "")):
        print(entry.get("PRIORITY", ""))
')
  echo "reload exited non-zero, still serving; journalctl -p warning lists the check's line (priority $priority): $line"
}

# quiet_journal UNIT: over 3 idle seconds no "still waiting" reaches the journal, and at priority warning or
# above nothing per connection does (after a query).
quiet_journal() {
  local unit=$1 cursor
  cursor=$(mark)
  serves_tcp >/dev/null || return 1
  sleep 3 # the heartbeat would have written three lines by now
  if journal_since "$cursor" "$unit" | grep -q 'still waiting'; then echo "the heartbeat reached the journal"; return 1; fi
  journal_since "$cursor" "$unit" | grep -q 'connection from' || { echo "no connection line at all"; return 1; }
  # Since boot, not since the mark: see bad_reload on journalctl 252's --after-cursor with -p.
  if ct journalctl -q --no-pager -o cat -p warning -u "$unit" | grep 'connection from'; then return 1; fi
  echo "no heartbeat in 3 s; connection lines at priority info only"
}

# journal_drops UNIT: with systemd-journald stopped (SIGSTOP), a flood of UDP queries is answered in full while
# the connection lines it cannot take are dropped; once journald runs again, `journalctl -p warning -u UNIT`
# lists the server's notice of how many were dropped.
journal_drops() {
  local unit=$1 journald answered line=""
  journald=$(ct systemctl show -P MainPID systemd-journald.service)
  ct kill -STOP "$journald"
  answered=$(ct python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
answered = 0
for _ in range(30000):
    s.sendto(b"", ("127.0.0.1", 37))
    try:
        answered += len(s.recv(8)) == 4
    except socket.timeout:
        pass
print(answered)
')
  ct kill -CONT "$journald"
  [ "$answered" = 30000 ] || { echo "answered $answered of 30000 with journald stopped"; return 1; }
  # The notice comes with the server's next flush, once the journal reads again.
  for _ in $(seq 100); do
    line=$(ct journalctl -q --no-pager -o cat -p warning -u "$unit" | grep -E '^rfc868: [0-9]+ log lines dropped') && break
    sleep 0.1
  done
  [ -n "$line" ] || { echo "answered 30000 of 30000, but journalctl -p warning -u $unit lists no dropped-lines notice"; return 1; }
  echo "journald stopped: answered 30000 of 30000 UDP queries; journalctl -p warning: $line"
}

# bad_file_socket_survives: a broken file, then the service restarted (it fails) and 10 clients refused their
# time; rfc868.socket stays active, not failed, and the first client after the file is mended is served.
bad_file_socket_survives() {
  ct cp "$config" /root/good.toml
  ct sh -c "echo 'prot = 37' >>$config"
  ct systemctl restart rfc868.service 2>/dev/null
  for _ in $(seq 10); do ct timeout 5 rdate -p 127.0.0.1 >/dev/null 2>&1; done
  local state
  state=$(ct systemctl is-active rfc868.socket)
  ct cp /root/good.toml "$config"
  [ "$state" = active ] || { ct systemctl status --no-pager rfc868.socket; echo "rfc868.socket is $state"; return 1; }
  serves_tcp || return 1
  echo "rfc868.socket stayed $state through 11 failed starts"
}

# idle_exit: with --idle-exit 2 in a drop-in, the server exits by itself (no process), the socket keeps
# listening, and the next query starts it again and is answered; prints that first answer's time.
idle_exit() {
  local dropin=/etc/systemd/system/rfc868.service.d pid ms
  ct mkdir -p "$dropin"
  ct sh -c "printf '[Service]\nExecStart=\nExecStart=/usr/bin/rfc868 --config $config --idle-exit 2\n' >$dropin/idle.conf"
  ct systemctl daemon-reload
  ct systemctl restart rfc868.service
  serves_tcp >/dev/null || return 1
  for _ in $(seq 100); do ct systemctl is-active --quiet rfc868.service || break; sleep 0.1; done
  pid=$(ct systemctl show -P MainPID rfc868.service)
  if [ "$pid" != 0 ]; then echo "still running as pid $pid"; ct rm -r "$dropin"; ct systemctl daemon-reload; return 1; fi
  ct systemctl is-active --quiet rfc868.socket || { echo "the socket is gone"; return 1; }
  ms=$(ct python3 /root/probe.py first 127.0.0.1 37) || return 1
  ct rm -r "$dropin"
  ct systemctl daemon-reload
  ct systemctl restart rfc868.service
  echo "exited after 2 idle s, no process left; the next query started it again: first answer in $ms ms"
}

# Newer packages for the upgrades: the same files under a higher version, repacked.
repack=$work/repack
dpkg-deb -R "$deb" "$repack"
for n in 1 2; do
  sed -i "s/^Version: .*/Version: ${version}+ci$n/" "$repack/DEBIAN/control"
  dpkg-deb --root-owner-group -Znone --build "$repack" "$ct_root/root/rfc868_${version}+ci${n}_amd64.deb" >/dev/null
done
rm -rf "$repack"
cp "$deb" "$ct_root/root/"

# Everything a package may touch, except what changes by itself (logs, the journal, man-db's cache).
snapshot() {
  ct find /etc /usr /lib /opt /srv /var -xdev \( -path /var/log -o -path /var/cache/man -o -path /var/tmp \) -prune -o -print | sort
}
same_files() { diff "$1" "$2" && echo "$(wc -l <"$2") paths before and after"; }
snapshot >"$work/before"

echo "== rfc868.socket and rfc868.service (socket activation), as installed"
check "dpkg -i $(basename "$deb")" dpkg_does -i "/root/$(basename "$deb")"
check "rfc868.socket is enabled and listening, rfc868.service not started yet" socket_enabled_service_idle
check "systemd-analyze security (at or under 0.8, 2.3, 1.8)" security_scores rfc868.service=0.8 rfc868-standalone.service=2.3 rfc868@1.service=1.8
check "socket-activated cold start" cold_start
check "Type=notify: started on READY=1, the counters as its status" notify_status rfc868.service
check "the watchdog restarts a stalled server" watchdog_restarts rfc868.service

check "rdate -p on port 37 (IPv4 and IPv6)" serves_tcp
ct mkdir -p /etc/systemd/system/rfc868.socket.d
ct sh -c 'printf "[Socket]\nListenDatagram=37\n" >/etc/systemd/system/rfc868.socket.d/udp.conf'
ct systemctl daemon-reload
ct systemctl restart rfc868.socket
check "rdate -p -u on port 37, after ListenDatagram=37 in a drop-in" serves_udp
check "systemctl reload rfc868" reloads rfc868.service
check "rfc868 --check-config: 0 for the shipped file, 2 for a broken one" check_config
check "a broken file: systemctl reload fails, the server serves on, journalctl -p warning shows why" bad_reload rfc868.service
check "the journal: no idle heartbeat, nothing per connection at priority warning" quiet_journal rfc868.service
check "journald stopped: the time is served, the dropped lines are counted and told at priority warning" journal_drops rfc868.service
check "a broken file cannot take rfc868.socket down" bad_file_socket_survives
check "--idle-exit: no process when idle, the next query is answered" idle_exit
check "require-sync = true" runs_with_require_sync rfc868.service
drop_key require-sync
ct systemctl restart rfc868.service
check "systemctl restart rfc868 under load" under_load ct systemctl restart rfc868.service
old=$(main_pids rfc868.service)
check "dpkg -i ${version}+ci1 (upgrade) under load" under_load dpkg_does -i "/root/rfc868_${version}+ci1_amd64.deb"
check "the upgrade restarted rfc868.service" restarted "$old" rfc868.service
ct rm -r /etc/systemd/system/rfc868.socket.d
ct systemctl daemon-reload

echo "== rfc868-standalone.service"
# As docs/operations.md says: the socket off, the standalone unit on. UDP comes from the file there.
set_key udp true
ct systemctl disable --now rfc868.socket rfc868.service >/dev/null 2>&1
cursor=$(mark)
ct systemctl enable --now rfc868-standalone.service >/dev/null 2>&1
check "started" await_journal "$cursor" '^listening on port 37' rfc868-standalone.service
check "rdate -p on port 37 (IPv4 and IPv6)" serves_tcp
check "rdate -p -u on port 37 (udp = true)" serves_udp
check "the server has switched to user rfc868" runs_as rfc868 rfc868-standalone.service
check "Type=notify after the switch to user rfc868" notify_status rfc868-standalone.service
check "systemctl reload rfc868-standalone" reloads rfc868-standalone.service
check "a broken file: systemctl reload fails, the server serves on, journalctl -p warning shows why" bad_reload rfc868-standalone.service
check "require-sync = true" runs_with_require_sync rfc868-standalone.service
drop_key require-sync
ct systemctl disable --now rfc868-standalone.service >/dev/null 2>&1

echo "== rfc868@1.service and rfc868@2.service (instances sharing port 37)"
cursor=$(mark)
ct systemctl enable --now rfc868@1.service rfc868@2.service >/dev/null 2>&1
for unit in rfc868@1.service rfc868@2.service; do check "$unit started" await_journal "$cursor" '^listening on port 37' "$unit"; done
check "rdate -p on port 37 (IPv4 and IPv6)" serves_tcp
check "rdate -p -u on port 37 (udp = true)" serves_udp
check "systemctl reload rfc868@1 rfc868@2" reloads rfc868@1.service rfc868@2.service
check "a broken file: systemctl reload rfc868@1 fails, the instance serves on, journalctl -p warning shows why" bad_reload rfc868@1.service
check "require-sync = true" runs_with_require_sync rfc868@1.service rfc868@2.service
drop_key require-sync
ct systemctl restart rfc868@1.service rfc868@2.service
old=$(main_pids rfc868@1.service rfc868@2.service)
check "dpkg -i ${version}+ci2 (upgrade)" dpkg_does -i "/root/rfc868_${version}+ci2_amd64.deb"
check "the upgrade restarted every instance" restarted "$old" rfc868@1.service rfc868@2.service
check "rdate -p after the upgrade" serves_tcp
check "dpkg -r rfc868" dpkg_does -r rfc868
check "the removal stopped every instance" none_active rfc868@1.service rfc868@2.service
check "port 37 is closed after the removal" port_closed

echo "== purge"
check "dpkg -P rfc868" dpkg_does -P rfc868
snapshot >"$work/after"
check "purge leaves no file (the file lists before the install and after the purge)" same_files "$work/before" "$work/after"

if $suite; then
  echo "== the test suite inside, refused clock_adjtime and new network namespaces (EPERM)"
  # /opt and the checkout readable by all: a test runs the server as uid 65534.
  mkdir -p "$ct_root/opt/rfc868"
  tar -C . --exclude=./dist --exclude=./.git --exclude=./.ci/.cache -cf - . | tar -C "$ct_root/opt/rfc868" -xf -
  chmod 755 "$ct_root/opt" "$ct_root/opt/rfc868"
  suite_status=0
  ct systemd-run --wait --pipe --quiet -p WorkingDirectory=/opt/rfc868 -E PATH=/usr/sbin:/usr/bin:/sbin:/bin -E HOME=/root \
    -p "SystemCallFilter=~adjtimex clock_adjtime" -p SystemCallErrorNumber=EPERM -p RestrictNamespaces=~net \
    /opt/rfc868/node_modules/.bin/bun test >"$cache/suite.log" 2>&1 || suite_status=$?
  bash .ci/test-report.sh "tests in the container (the whole log: $cache/suite.log)" "$cache/suite.log"
  grep -E '^[a-z-]+\.test\.ts: skip' "$cache/suite.log" | sed 's/^/    /' || true
  if [ "$suite_status" -eq 0 ]; then echo "ok - the test suite inside"; else echo "FAIL - the test suite inside (exit $suite_status)"; failures=$((failures + 1)); fi
fi

echo "systemd stage: $failures check(s) failed"
[ "$failures" -eq 0 ] || exit 1
