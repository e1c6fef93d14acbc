#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ (all, or those named) for FUZZ_SECONDS each, from the
# committed seeds, and prints per target the executions, executions per second and peak RSS.
# Exits non-zero if any target crashed, timed out or ran out of memory; the input that did
# is left in fuzz/artifacts/<target>/.
#
# Stable Rust: `--sanitizer none` needs no nightly flag. Coverage still comes from
# SanitizerCoverage, and a panic aborts, which libFuzzer reports as a crash.
#
# Usage: scripts/fuzz.sh [target...]   (FUZZ_SECONDS, default 300; CARGO_FUZZ, the binary)
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-300}
# cargo finds `cargo-fuzz` on PATH; the Makefile installs it into .tools.
export PATH="$PWD/.tools/cargo-fuzz/bin:$PATH"
ALL=(ceql scim_filter formsonfire_xml formsonfire_json httpsig_header ssh_key)
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
    [[ " ${ALL[*]} " == *" $t "* ]] || { echo "unknown target: $t (targets: ${ALL[*]})" >&2; exit 2; }
done

# Inputs up to 16 KiB; one input may take 10 s and 1 GiB before it counts as a finding.
LIBFUZZER_OPTS=(-max_len=16384 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1)

cargo fuzz build --sanitizer none

# libFuzzer's final stats: `stat::<name>: <value>`.
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }

LOGS=fuzz/target/fuzz-logs
mkdir -p "$LOGS"
summary=()
failed=0
for t in "${TARGETS[@]}"; do
    # The live corpus grows in fuzz/corpus/<target> (not committed); the seeds are read too.
    corpus=fuzz/corpus/$t
    mkdir -p "$corpus"
    log=$LOGS/$t.log
    echo "== $t: ${SECONDS_EACH}s"
    status=0
    cargo fuzz run --sanitizer none "$t" "$corpus" "fuzz/seeds/$t" -- \
        "${LIBFUZZER_OPTS[@]}" -max_total_time="$SECONDS_EACH" >"$log" 2>&1 || status=$?
    execs=$(stat number_of_executed_units)
    rate=$(stat average_exec_per_sec)
    rss=$(stat peak_rss_mb)
    if [[ $status -eq 0 ]]; then
        result=ok
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
        result=timeout
    elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
        result=oom
    else
        result="crash (exit $status)"
    fi
    [[ $result == ok ]] || { failed=1; tail -n 40 "$log"; }
    line=$(printf '%-18s %6ss %12s execs %8s exec/s %6s MB  %s' \
        "$t" "$SECONDS_EACH" "${execs:-?}" "${rate:-?}" "${rss:-?}" "$result")
    echo "$line"
    summary+=("$line")
done

echo
echo "== summary (logs in $LOGS)"
printf '%s\n' "${summary[@]}"
exit $failed
