#!/usr/bin/env bash
# redis_baseline.sh: the same workloads as `compare/` (and the memory of
# anchor datasets c, e, f2, h1, h2, i), run inside a local redis-server,
# for the Redis column of docs/performance.md.
#
# Starts redis-server (Debian's 7.0.15; `apt-get install -y redis-server`)
# on a free loopback port with no config file (compiled-in defaults: the
# encodings embedis mirrors), no persistence, in a private directory; stops
# it by PID on exit.
#
#   In-server speed: one EVAL per workload builds its inputs in Lua tables
#   (fixed seed), then times the loop of redis.call()s with TIME inside the
#   script: no network, no parsing, but each call pays Lua's dispatch
#   (about 0.2 us; the `lua_floor` line measures it).
#   Memory: INFO used_memory before and after a build, after FLUSHALL
#   (jemalloc size classes and the keyspace dict included; Lua's own heap
#   is not in used_memory).
#   redis-benchmark: GET and SET over loopback, -P 1 and -P 64.
#
# Usage:  scripts/redis_baseline.sh [--quick] [OUT.tsv]
#   Writes `key<TAB>value` lines (`<workload id>:<unit>`, as compare/
#   names them) to OUT (default target/perf/redis.tsv) and a markdown
#   summary of the redis-benchmark and floor figures to stdout.
# Env:    ROUNDS (3; 1 with --quick): rounds of each timed loop (median).
set -euo pipefail

QUICK=0
if [ "${1:-}" = "--quick" ]; then QUICK=1; shift; fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/perf/redis.tsv}
mkdir -p "$(dirname "$OUT")"
if [ "$QUICK" = 1 ]; then
    N=100000 SMALL=10000 HLLS=10 RB_N=50000 ROUNDS=${ROUNDS:-1}
else
    N=1000000 SMALL=100000 HLLS=1000 RB_N=200000 ROUNDS=${ROUNDS:-3}
fi
HASHES_C=$((SMALL / 10)) SETBITS=$((N * 10))

command -v redis-server >/dev/null || { echo "redis-server not installed (apt-get install -y redis-server)" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/embedis-redis-baseline.XXXXXX)
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$DIR/redis.pid" --dir "$DIR" --logfile "$DIR/redis.log"
stop() {
    if [ -s "$DIR/redis.pid" ]; then kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true; fi
    sleep 0.2
    rm -rf "$DIR"
}
trap stop EXIT
CLI=(redis-cli -h 127.0.0.1 -p "$PORT")
for _ in $(seq 50); do "${CLI[@]}" PING >/dev/null 2>&1 && break; sleep 0.1; done
VERSION=$("${CLI[@]}" INFO server | tr -d '\r' | awk -F: '$1=="redis_version"{print $2}')
echo "redis_baseline: redis-server $VERSION on port $PORT, N=$N SMALL=$SMALL rounds=$ROUNDS" >&2
printf '# redis_baseline.sh %s: redis-server %s, N=%s\nversion\t%s\n' \
    "$(date -u +%FT%TZ)" "$VERSION" "$N" "$VERSION" > "$OUT"

mem() { "${CLI[@]}" INFO memory | tr -d '\r' | awk -F: '$1=="used_memory"{print $2}'; }
put() { printf '%s\t%s\n' "$1" "$2" >> "$OUT"; echo "  $1 = $2" >&2; }
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

# Every timed script ends with this: elapsed microseconds and op count.
T0="local t0 = redis.call('TIME')"
T1="local t1 = redis.call('TIME') return {(t1[1]-t0[1])*1000000 + (t1[2]-t0[2]), done}"

# eval_ns SCRIPT ARGS...: runs the script, prints ns per op.
eval_ns() {
    local script=$1; shift
    "${CLI[@]}" EVAL "$script" 0 "$@" | tr -d '\r' | paste -sd' ' |
        awk '{printf "%.1f\n", $1 * 1000 / $2}'
}

# ------------------------------------------------------------------ builds
# Each builds one key from nothing, timed and measured.
declare -A BUILD=(
  [set]="local n = tonumber(ARGV[1]) local k, v = {}, {}
    for i = 0, n - 1 do k[i + 1] = 'key:' .. i v[i + 1] = string.format('v%015d', i) end
    local done = n $T0 for i = 1, n do redis.call('SET', k[i], v[i]) end $T1"
  [hset_small]="local s = tonumber(ARGV[2]) local h, f, v = {}, {}, {}
    for i = 0, s * 10 - 1 do local j, n = math.floor(i / s), i % s
      h[i + 1] = 'h:' .. n f[i + 1] = 'f' .. j v[i + 1] = string.char(97 + j) .. string.format('%07d', n) end
    local done = #h $T0 for i = 1, done do redis.call('HSET', h[i], f[i], v[i]) end $T1"
  [hset_big]="local n = tonumber(ARGV[1]) local f, v = {}, {}
    for i = 0, n - 1 do f[i + 1] = 'f:' .. i v[i + 1] = string.format('v%07d', i) end
    local done = n $T0 for i = 1, n do redis.call('HSET', 'hbig', f[i], v[i]) end $T1"
  [zadd]="math.randomseed(21) local n = tonumber(ARGV[1]) local s, m = {}, {}
    for i = 0, n - 1 do s[i + 1] = math.random() * 1000000 m[i + 1] = 'm:' .. i end
    local done = n $T0 for i = 1, n do redis.call('ZADD', 'zbig', s[i], m[i]) end $T1"
  [zadd_small]="math.randomseed(41) local s = tonumber(ARGV[2]) local k, m, sc = {}, {}, {}
    for i = 0, s * 10 - 1 do
      k[i + 1] = 'zs:' .. math.floor(i / 10) m[i + 1] = 'm:' .. (i % 10) sc[i + 1] = math.random() * 1000000 end
    local done = #k $T0 for i = 1, done do redis.call('ZADD', k[i], sc[i], m[i]) end $T1"
  [sadd]="local n = tonumber(ARGV[1]) local m = {}
    for i = 0, n - 1 do m[i + 1] = tostring(i) end
    local done = n $T0 for i = 1, n do redis.call('SADD', 'sbig', m[i]) end $T1"
  [rpush]="local n = tonumber(ARGV[1]) local v = {}
    for i = 0, n - 1 do v[i + 1] = string.format('e%015d', i) end
    local done = n $T0 for i = 1, n do redis.call('RPUSH', 'lbig', v[i]) end $T1"
  [pfadd]="local n = tonumber(ARGV[1]) local e = {}
    for i = 0, n - 1 do e[i + 1] = 'e:' .. i end
    local done = n $T0 for i = 1, n do redis.call('PFADD', 'hll', e[i]) end $T1"
  [setbit]="math.randomseed(31) local n = tonumber(ARGV[1]) local o = {}
    for i = 1, n do o[i] = math.random(0, 99999999) end
    local done = n $T0 for i = 1, n do redis.call('SETBIT', 'bm', o[i], 1) end $T1"
  [xadd]="local n = tonumber(ARGV[1]) local id, a, b = {}, {}, {}
    for i = 0, n - 1 do id[i + 1] = (1700000000000 + math.floor(i / 4)) .. '-' .. (i % 4)
      a[i + 1] = string.format('a%07d', i) b[i + 1] = string.format('b%07d', i) end
    local done = n $T0 for i = 1, n do redis.call('XADD', 'st', id[i], 'f1', a[i], 'f2', b[i]) end $T1"
)
# id -> "unit divisor" for the memory figure of each build.
declare -A BUILD_UNIT=(
  [set]="B/key $N" [hset_small]="B/field $((SMALL * 10))" [hset_big]="B/field $N"
  [zadd]="B/member $N" [zadd_small]="" [sadd]="B/member $N" [rpush]="B/elem $N" [xadd]="B/entry $N"
  [pfadd]="" [setbit]=""
)

# build ID: ROUNDS timed builds from an empty server; the last one stays.
build() {
    local id=$1 times=() before after
    for _ in $(seq "$ROUNDS"); do
        "${CLI[@]}" FLUSHALL SYNC >/dev/null
        sleep 0.5
        before=$(mem)
        times+=("$(eval_ns "${BUILD[$id]}" "$N" "$SMALL")")
    done
    sleep 1
    after=$(mem)
    put "$id:ns/op" "$(printf '%s\n' "${times[@]}" | median)"
    if [ -n "${BUILD_UNIT[$id]}" ]; then
        read -r unit div <<<"${BUILD_UNIT[$id]}"
        put "$id:$unit" "$(awk -v a="$after" -v b="$before" -v d="$div" 'BEGIN{printf "%.1f", (a-b)/d}')"
    fi
}

# ------------------------------------------------------------------- reads
# Each runs against what a build left; ARGV: n, count, seed.
declare -A READ=(
  [get_hit]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p = {}
    for i = 1, tonumber(ARGV[2]) do p[i] = 'key:' .. math.random(0, n - 1) end
    local done = #p $T0 for i = 1, done do redis.call('GET', p[i]) end $T1"
  [get_miss]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p = {}
    for i = 1, tonumber(ARGV[2]) do p[i] = 'nokey:' .. math.random(0, n - 1) end
    local done = #p $T0 for i = 1, done do redis.call('GET', p[i]) end $T1"
  [incr]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p = {}
    for i = 1, tonumber(ARGV[2]) do p[i] = 'ctr:' .. math.random(0, n - 1) end
    local done = #p $T0 for i = 1, done do redis.call('INCR', p[i]) end $T1"
  [zrank]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p = {}
    for i = 1, tonumber(ARGV[2]) do p[i] = 'm:' .. math.random(0, n - 1) end
    local done = #p $T0 for i = 1, done do redis.call('ZRANK', 'zbig', p[i]) end $T1"
  [zscore]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p = {}
    for i = 1, tonumber(ARGV[2]) do p[i] = 'm:' .. math.random(0, n - 1) end
    local done = #p $T0 for i = 1, done do redis.call('ZSCORE', 'zbig', p[i]) end $T1"
  [zadd_update]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p, s = {}, {}
    local base = tonumber(ARGV[3]) * 1000000
    for i = 1, tonumber(ARGV[2]) do p[i] = 'm:' .. math.random(0, n - 1) s[i] = base + math.random() * 1000000 end
    local done = #p $T0 for i = 1, done do redis.call('ZADD', 'zbig', s[i], p[i]) end $T1"
  [zrange_top]="local done = tonumber(ARGV[2])
    $T0 for i = 1, done do redis.call('ZREVRANGE', 'zbig', 0, 99, 'WITHSCORES') end $T1"
  [pfcount]="local done = tonumber(ARGV[2])
    $T0 for i = 1, done do redis.call('PFCOUNT', 'hll') end $T1"
  [bitcount]="local done = tonumber(ARGV[2])
    $T0 for i = 1, done do redis.call('BITCOUNT', 'bm') end $T1"
  [xreadgroup]="local done = tonumber(ARGV[2])
    $T0 for i = 1, done do
      local r = redis.call('XREADGROUP', 'GROUP', 'g', 'worker', 'COUNT', 10, 'STREAMS', 'st', '>')
      local ids = {} for j, e in ipairs(r[1][2]) do ids[j] = e[1] end
      redis.call('XACK', 'st', 'g', unpack(ids))
    end $T1"
  [lrange_mid]="math.randomseed(tonumber(ARGV[3])) local n = tonumber(ARGV[1]) local p = {}
    for i = 1, tonumber(ARGV[2]) do p[i] = math.random(0, n - 100) end
    local done = #p $T0 for i = 1, done do redis.call('LRANGE', 'lbig', p[i], p[i] + 99) end $T1"
  [lrange_head]="local done = tonumber(ARGV[2])
    $T0 for i = 1, done do redis.call('LRANGE', 'lbig', 0, 99) end $T1"
  [lpop]="local n = tonumber(ARGV[1]) redis.call('DEL', 'lpop')
    for i = 0, n - 1 do redis.call('RPUSH', 'lpop', string.format('e%015d', i)) end
    local done = n $T0 for i = 1, n do redis.call('LPOP', 'lpop') end $T1"
  [lua_floor]="local done = tonumber(ARGV[2])
    $T0 for i = 1, done do redis.call('EXISTS', 'nokey') end $T1"
)

# read ID COUNT: ROUNDS timed runs of COUNT ops, median.
read_ns() {
    local id=$1 count=$2 times=() r
    for r in $(seq "$ROUNDS"); do
        times+=("$(eval_ns "${READ[$id]}" "$N" "$count" "$((10 + r))")")
    done
    put "$id:ns/op" "$(printf '%s\n' "${times[@]}" | median)"
}

untimed() { "${CLI[@]}" EVAL "$1" 0 "$N" >/dev/null; }

echo "== in-server loops" >&2
read_ns lua_floor "$N"
build set;  read_ns get_hit "$N"; read_ns get_miss "$N"
"${CLI[@]}" FLUSHALL SYNC >/dev/null
untimed "for i = 0, tonumber(ARGV[1]) - 1 do redis.call('INCR', 'ctr:' .. i) end"
read_ns incr "$N"
build hset_small; build hset_big
build zadd_small
build zadd; read_ns zscore "$N"; read_ns zrank "$N"; read_ns zrange_top "$((N / 100))"
read_ns zadd_update "$N"
build sadd; build rpush; read_ns lrange_mid "$((N / 10))"; read_ns lrange_head "$((N / 10))"
read_ns lpop "$N"
build pfadd; read_ns pfcount "$((N / 10))"
build setbit; read_ns bitcount 20
build xadd
"${CLI[@]}" XGROUP CREATE st g 0 >/dev/null
read_ns xreadgroup "$((N / 10 / ROUNDS))"

# ---------------------------------------------------------------- datasets
# Memory only: ARGV: keys.
declare -A DATASET=(
  [ds_c]="for n = 0, tonumber(ARGV[1]) - 1 do for j = 0, 999 do
      redis.call('HSET', 'H:' .. n, 'f' .. j, string.format('x%07d', (n * 1000 + j) % 10000000)) end end"
  [ds_e]="math.randomseed(41) for n = 0, tonumber(ARGV[1]) - 1 do for j = 0, 9 do
      redis.call('ZADD', 'zs:' .. n, math.random() * 1000000, 'm:' .. j) end end"
  [ds_f2]="for n = 0, tonumber(ARGV[1]) - 1 do local m = {}
      for j = 0, 9 do m[j + 1] = n * 10 + j end redis.call('SADD', 'si:' .. n, unpack(m)) end"
  [ds_h1]="for n = 0, tonumber(ARGV[1]) - 1 do for b = 0, 99 do local e = {}
      for i = 0, 999 do e[i + 1] = 'e:' .. (n * 100000 + b * 1000 + i) end
      redis.call('PFADD', 'hd:' .. n, unpack(e)) end end"
  [ds_h2]="for n = 0, tonumber(ARGV[1]) - 1 do local e = {}
      for j = 0, 9 do e[j + 1] = 'e:' .. (n * 10 + j) end redis.call('PFADD', 'hs:' .. n, unpack(e)) end"
  [ds_i]="math.randomseed(51) for i = 1, tonumber(ARGV[1]) do
      redis.call('SETBIT', 'bm', math.random(0, 99999999), 1) end"
)

# dataset ID KEYS ELEMENTS UNIT: used_memory delta per element (UNIT) and per key.
dataset() {
    local id=$1 keys=$2 elems=$3 unit=$4 before after
    "${CLI[@]}" FLUSHALL SYNC >/dev/null
    sleep 0.5
    before=$(mem)
    "${CLI[@]}" EVAL "${DATASET[$id]}" 0 "$keys" >/dev/null
    sleep 1
    after=$(mem)
    if [ -n "$unit" ]; then
        put "$id:$unit" "$(awk -v a="$after" -v b="$before" -v d="$elems" 'BEGIN{printf "%.2f", (a-b)/d}')"
    fi
    if [ "$id" != ds_i ]; then
        put "$id:B/key" "$(awk -v a="$after" -v b="$before" -v d="$keys" 'BEGIN{printf "%.1f", (a-b)/d}')"
    fi
}

echo "== dataset memory" >&2
dataset ds_c "$HASHES_C" "$((HASHES_C * 1000))" B/field
dataset ds_e "$SMALL" "$((SMALL * 10))" B/member
dataset ds_f2 "$SMALL" "$((SMALL * 10))" B/member
dataset ds_h1 "$HLLS" "$HLLS" ""
dataset ds_h2 "$SMALL" "$SMALL" ""
dataset ds_i "$SETBITS" "$SETBITS" B/SETBIT

# ---------------------------------------------------------- redis-benchmark
echo "== redis-benchmark" >&2
"${CLI[@]}" FLUSHALL SYNC >/dev/null
for P in 1 64; do
    # SET first, so GET hits the keys SET wrote (-r draws from the same range).
    redis-benchmark -h 127.0.0.1 -p "$PORT" -c 50 -r "$N" -n "$RB_N" -P "$P" -t set,get --csv |
        tr -d '"' | awk -F, 'NR > 1 {print $1, $2}' |
        while read -r test rps; do put "rb_$(echo "$test" | tr 'A-Z' 'a-z')_p$P:ops/s" "$rps"; done
done

# --------------------------------------------------------------- summary
fig() { awk -F'\t' -v k="$1" '$1==k{print $2}' "$OUT"; }
cat <<MD
Redis $VERSION over loopback with \`redis-benchmark -c 50 -r $N -n $RB_N\` (client and
server share the machine's cores), and the in-server floor: one \`redis.call('EXISTS')\`
of a missing key in a Lua loop costs $(fig lua_floor:ns/op) ns, included in every Redis ns/op
figure of the table.

| redis-benchmark | -P 1 (ops/s) | -P 64 (ops/s) |
|---|---:|---:|
| SET | $(fig rb_set_p1:ops/s) | $(fig rb_set_p64:ops/s) |
| GET | $(fig rb_get_p1:ops/s) | $(fig rb_get_p64:ops/s) |
MD
echo "redis_baseline: figures in $OUT" >&2
