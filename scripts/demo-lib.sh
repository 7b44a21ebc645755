# Shared by scripts/demo and scripts/demo-ha (sourced, not run): the demo's addresses, the
# processes it starts (each stopped by its PID at exit, unless --keep), and the helpers that
# start a node and show what clients see. The caller sets KEEP and STOP_FIRST (the names to
# stop before the rest) and has cd'ed to the source tree.
DNSD=$PWD/build/dnsd/dnsd
SENTINEL=$PWD/build/sentinel/sentinel
UCONF=$PWD/conf/demo/unbound.conf
DEMO=/tmp/dnsgtm-demo
RESOLVER=127.0.0.2
ZONE=api.example.test

rm -rf "$DEMO"   # start from the zone files, a fresh sentinel state and token
mkdir -p "$DEMO/logs" "$DEMO/sentinel"
declare -A PIDS=()

stop_proc() {  # name [signal]
  local pid=${PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  kill -"${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PIDS[$1]"
} 2>/dev/null   # quiet: no "Killed" job notices
cleanup() {
  [ "$KEEP" = 1 ] && return
  for n in $STOP_FIRST "${!PIDS[@]}"; do stop_proc "$n"; done
}
trap cleanup EXIT

wait_for() {  # what, command...: poll up to 10 s
  local what=$1; shift
  for _ in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "demo: $what did not come up; logs in $DEMO/logs" >&2; exit 1
}
start_dnsd() {  # name
  local log=$DEMO/logs/$1.log before=0
  [ -f "$log" ] && before=$(grep -c "dnsd ready" "$log" || true)
  "$DNSD" -c "conf/demo/$1.toml" >>"$log" 2>&1 &
  PIDS[$1]=$!
  wait_for "$1" bash -c "[ \$(grep -c 'dnsd ready' '$log') -gt $before ]"
}
start_tunnel() {  # lbN
  local n=${1#lb}
  scripts/tunnel-standin --listen "127.0.0.1$n:8443" --secret-file conf/demo/keys/tunnel.key \
    --node "$1" --log "$DEMO/logs/$1-tunnel.jsonl" >>"$DEMO/logs/$1-tunnel.log" 2>&1 &
  PIDS[$1-tunnel]=$!
  wait_for "$1's tunnel stand-in" bash -c "exec 3<>/dev/tcp/127.0.0.1$n/8443"
}
start_nodes_and_resolver() {  # the parent zone, lb1..lb3 (dnsd + tunnel stand-in), Unbound
  for n in parent lb1 lb2 lb3; do start_dnsd $n; done
  for n in lb1 lb2 lb3; do start_tunnel $n; done
  unbound -d -c "$UCONF" >"$DEMO/logs/unbound.log" 2>&1 &
  PIDS[unbound]=$!
  wait_for "unbound" dig +short +tries=1 +time=1 @$RESOLVER $ZONE SOA
}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" || true; }
flush() { unbound-control -c "$UCONF" flush_zone "$ZONE" >/dev/null 2>&1 || true; }
via_resolver() {  # name type: through Unbound, cache flushed first
  flush
  dig +short @$RESOLVER "$1" "$2"
}
tunnel_calls() {  # lbN: the driver calls its stand-in accepted
  [ -f "$DEMO/logs/$1-tunnel.jsonl" ] && \
    python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if "event" in e: print("    %s: %s epoch=%s master=%s%s" % (sys.argv[2], e["event"], e["epoch"], e["master"], " (repeat)" if e.get("repeated") else ""))' \
      "$DEMO/logs/$1-tunnel.jsonl" "$1" || true
}
