#!/usr/bin/env bash
# Scheduler benchmarks (issue #2): release build, synthetic clusters from vigil-bench.
# Prints a Markdown section for docs/benchmarks.md.
#   lab/bench-scheduler.sh > /tmp/scheduler-bench.md
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product vigil >&2
swift build -c release --product vigil-bench >&2
BIN=.build/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "### Scheduler (\`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`, $(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "Command: \`lab/bench-scheduler.sh\` (release build; synthetic clusters from \`vigil-bench\`: 45% primitives,"
echo "30% in groups of three, 15% clones, 10% promotables, one constraint per two resources, one node lost,"
echo "2% of primitives failed)."
echo
echo "| resources | nodes | constraints | actions | plan p50 | plan max | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for size in "1000 16 30" "2500 64 10" "5000 64 5" "10000 64 5"; do
  set -- $size
  line=$("$BIN/vigil-bench" plan --resources "$1" --nodes "$2" --iterations "$3" | tr '\n' ' ')
  constraints=$(sed -E 's/.*constraints=([0-9]+).*/\1/' <<<"$line")
  actions=$(sed -E 's/.*actions=([0-9]+).*/\1/' <<<"$line")
  p50=$(sed -E 's/.*p50=([0-9.]+).*/\1/' <<<"$line")
  max=$(sed -E 's/.* max=([0-9.]+).*/\1/' <<<"$line")
  rss=$(sed -E 's/.*max_rss_mib=([0-9.]+).*/\1/' <<<"$line")
  echo "| $1 | $2 | $constraints | $actions | $p50 ms | $max ms | $rss MiB |"
done
echo
"$BIN/vigil-bench" generate --resources 1000 --nodes 16 --out "$work" >/dev/null
# End to end: process start, YAML parse and validation, plan, JSON out.
runs=20
for i in $(seq $runs); do
  s=$(date +%s%N)
  "$BIN/vigil" simulate --config "$work/config.yaml" --state "$work/state.yaml" --json > "$work/out.json"
  e=$(date +%s%N)
  echo $(( (e - s) / 1000 ))
done | sort -n > "$work/times"
p50=$(awk -v n=$runs 'NR==int(n/2)+1{printf "%.0f", $1/1000}' "$work/times")
max=$(tail -1 "$work/times" | awk '{printf "%.0f", $1/1000}')
echo "\`vigil simulate --json\` end to end on the 1,000-resource cluster ($runs runs): p50 ${p50} ms, max ${max} ms."
