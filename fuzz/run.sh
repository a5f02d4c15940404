#!/usr/bin/env bash
# Runs every fuzz target for a while, one after the other, and collects what they find.
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
#
#   SECONDS  how long to fuzz each target (default 60)
#   TARGET   the targets to run (default: lex parse_and_render compile_and_verify load_and_run
#            repl_session manifest_and_log load_pmc)
#
# Works from any directory. For each target it runs
#
#   cargo fuzz run <target> <work corpus> fuzz/corpus/<target> -- -max_total_time=SECONDS ...
#
# on the stable toolchain: cargo-fuzz needs nightly-only flags (`-Zsanitizer=address`,
# `-Cpasses=sancov-module`), which stable rustc accepts when RUSTC_BOOTSTRAP=1 is set, so
# this script exports it. If `cargo fuzz` is missing it installs cargo-fuzz (a pinned
# version) with `cargo install --locked`.
#
# The committed seed corpus, fuzz/corpus/<target>/, is only read. New interesting inputs
# go to a work corpus that is kept between runs and not committed,
# $FUZZ_WORK_DIR/<target>/ (default: fuzz/target/corpus/<target>/).
#
# Crashes, timeouts and out-of-memory inputs land in fuzz/artifacts/<target>/ (cargo-fuzz's
# default); the ones found by this run are copied to tests/fuzz-failures/<target>/, where
# `cargo test` (tests/fuzz_replay.rs) replays them. The script exits non-zero if any
# target failed.
#
# Environment:
#   CARGO_TARGET_DIR  where the fuzz binaries are built (default: fuzz/target)
#   FUZZ_WORK_DIR     the work corpus directory (default: fuzz/target/corpus)
#   FUZZ_TIMEOUT      seconds one input may take before it counts as a hang (default 20)
#   FUZZ_ARGS         extra libFuzzer arguments, e.g. "-max_len=8192 -dict=my.dict"
set -uo pipefail

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(lex parse_and_render compile_and_verify load_and_run repl_session manifest_and_log load_pmc)

seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")

case $seconds in
    '' | *[!0-9]*)
        echo "usage: $0 [SECONDS] [TARGET...]" >&2
        exit 2
        ;;
esac

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$fuzz_dir")
work=${FUZZ_WORK_DIR:-$fuzz_dir/target/corpus}
timeout=${FUZZ_TIMEOUT:-20}
read -r -a extra <<<"${FUZZ_ARGS:-}"

export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
    cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked || exit 1
fi

cd "$root" || exit 1

echo "==> building the fuzz targets" >&2
cargo fuzz build --fuzz-dir "$fuzz_dir" || exit 1

failed=()
for target in "${targets[@]}"; do
    if [ ! -f "$fuzz_dir/fuzz_targets/$target.rs" ]; then
        echo "no such fuzz target: $target" >&2
        failed+=("$target")
        continue
    fi
    mkdir -p "$work/$target" "$fuzz_dir/corpus/$target" "$fuzz_dir/artifacts/$target"
    stamp=$(mktemp)
    echo "==> fuzzing $target for ${seconds}s" >&2
    cargo fuzz run --fuzz-dir "$fuzz_dir" "$target" "$work/$target" "$fuzz_dir/corpus/$target" -- \
        -max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 "${extra[@]}"
    status=$?

    found=0
    while IFS= read -r -d '' artifact; do
        mkdir -p "$root/tests/fuzz-failures/$target"
        cp "$artifact" "$root/tests/fuzz-failures/$target/"
        echo "==> $target: saved tests/fuzz-failures/$target/$(basename "$artifact")" >&2
        found=1
    done < <(find "$fuzz_dir/artifacts/$target" -type f -newer "$stamp" \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) -print0)
    rm -f "$stamp"

    if [ $status -ne 0 ] || [ $found -ne 0 ]; then
        echo "==> $target: FAILED (exit status $status)" >&2
        failed+=("$target")
    else
        echo "==> $target: no failures in ${seconds}s" >&2
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "==> failing targets: ${failed[*]}" >&2
    exit 1
fi
echo "==> all targets ran ${seconds}s without failures" >&2
