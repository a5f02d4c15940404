#!/usr/bin/env bash
# Cross-language benchmark: every program of benches/programs/*.pbs run by
# `prometeuc run`, next to the same algorithm in Lua (benches/compare/lua/)
# run by PUC Lua 5.4 and by the LuaJIT interpreter (`luajit -joff`).
#
#   usage: bash benches/compare.sh [RUNS]      (RUNS defaults to 5)
#
# 1. installs lua5.4 and hyperfine with apt-get when one is missing (luajit is
#    optional: without it the luajit column is left out);
# 2. builds the release binary (`cargo build --release`), unless PROMETEUC names
#    a prometeuc binary to measure instead;
# 3. checks that the three implementations print exactly the same output, and
#    that prometeuc's output matches the program's `.out` file (exit 1 otherwise);
# 4. times them with hyperfine (--warmup 1 --runs RUNS) and prints a markdown
#    table of the medians, the geometric means of the ratios (one over the
#    compute programs, one over the string-building programs `str*`) and a
#    startup line.
#
# Works from any directory. Progress goes to stderr, the report to stdout.
set -euo pipefail

RUNS="${1:-${RUNS:-5}}"
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS]   (RUNS must be a positive integer, got '$RUNS')" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "compare.sh: $*" >&2; }
die() { echo "compare.sh: error: $*" >&2; exit 1; }

# --- 1. tools -----------------------------------------------------------------
missing=()
command -v lua5.4 >/dev/null 2>&1 || missing+=(lua5.4)
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
if ((${#missing[@]} > 0)); then
    log "installing ${missing[*]} with apt-get"
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available; install them by hand"
    if [[ "$(id -u)" -eq 0 ]]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        die "missing ${missing[*]}; run as root or install them by hand"
    fi
    "${SUDO[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y "${missing[@]}"
fi
command -v python3 >/dev/null 2>&1 || die "python3 is needed to read hyperfine's JSON"
HAVE_JIT=0
if command -v luajit >/dev/null 2>&1; then
    HAVE_JIT=1
else
    log "luajit is not installed: its column is left out"
fi

# --- 2. build -----------------------------------------------------------------
if [[ -z "${PROMETEUC:-}" ]]; then
    log "building the release binary"
    cargo build --release
    TARGET_DIR="$(cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    PROMETEUC="$TARGET_DIR/release/prometeuc"
fi
[[ -x "$PROMETEUC" ]] || die "$PROMETEUC was not built"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# `-N` (no intermediate shell) exists from hyperfine 1.13 on.
HYPERFINE=(hyperfine)
if hyperfine --help 2>/dev/null | grep -qE -- '^[[:space:]]*-N([[:space:],]|$)'; then
    HYPERFINE+=(-N)
fi

# --- 3. same output everywhere --------------------------------------------------
PROGRAMS=()
for pbs in benches/programs/*.pbs; do
    PROGRAMS+=("$(basename "$pbs" .pbs)")
done
((${#PROGRAMS[@]} > 0)) || die "no programs in benches/programs"

# run LABEL OUTFILE CMD...: runs CMD, failing loudly on a non-zero exit.
run() {
    local label="$1" out="$2"
    shift 2
    if ! "$@" >"$out" 2>"$out.err"; then
        cat "$out.err" >&2
        die "$label failed: $*"
    fi
}

check_same() {
    local name="$1" pbs="$2" lua="$3" expected="$4"
    run "prometeuc ($name)" "$TMP/$name.prometeuc" "$PROMETEUC" run "$pbs"
    run "lua5.4 ($name)" "$TMP/$name.lua54" lua5.4 "$lua"
    if ((HAVE_JIT)); then
        run "luajit -joff ($name)" "$TMP/$name.luajit" luajit -joff "$lua"
    else
        cp "$TMP/$name.lua54" "$TMP/$name.luajit"
    fi
    local bad=0
    if [[ -n "$expected" ]] && ! cmp -s "$TMP/$name.prometeuc" "$expected"; then
        echo "MISMATCH in $name: prometeuc output differs from $expected" >&2
        diff "$expected" "$TMP/$name.prometeuc" >&2 || true
        bad=1
    fi
    if ! cmp -s "$TMP/$name.prometeuc" "$TMP/$name.lua54"; then
        echo "MISMATCH in $name: prometeuc vs lua5.4" >&2
        diff "$TMP/$name.prometeuc" "$TMP/$name.lua54" >&2 || true
        bad=1
    fi
    if ! cmp -s "$TMP/$name.prometeuc" "$TMP/$name.luajit"; then
        echo "MISMATCH in $name: prometeuc vs luajit -joff" >&2
        diff "$TMP/$name.prometeuc" "$TMP/$name.luajit" >&2 || true
        bad=1
    fi
    return $bad
}

log "checking outputs"
mismatches=0
for name in "${PROGRAMS[@]}"; do
    lua="benches/compare/lua/$name.lua"
    [[ -f "$lua" ]] || die "no Lua version of $name: expected $lua"
    expected="benches/programs/$name.out"
    [[ -f "$expected" ]] || expected=""
    check_same "$name" "benches/programs/$name.pbs" "$lua" "$expected" || mismatches=$((mismatches + 1))
done
[[ -f benches/compare/lua/hello.lua ]] || die "missing benches/compare/lua/hello.lua"
check_same hello examples/hello.pbs benches/compare/lua/hello.lua "" || mismatches=$((mismatches + 1))
if ((mismatches > 0)); then
    die "$mismatches program(s) printed different outputs; see above"
fi
log "all outputs agree (${#PROGRAMS[@]} programs + hello)"

# --- 4. timings -----------------------------------------------------------------
# jit FILE: the luajit command line for FILE, or nothing without luajit.
jit() {
    if ((HAVE_JIT)); then
        echo "luajit -joff $1"
    fi
}
for name in "${PROGRAMS[@]}"; do
    log "timing $name (warmup 1, $RUNS runs each)"
    commands=("$PROMETEUC run benches/programs/$name.pbs" "lua5.4 benches/compare/lua/$name.lua")
    ((HAVE_JIT)) && commands+=("$(jit "benches/compare/lua/$name.lua")")
    "${HYPERFINE[@]}" --style none --warmup 1 --runs "$RUNS" \
        --export-json "$TMP/$name.json" "${commands[@]}" >/dev/null
done

log "timing startup (hello)"
commands=("$PROMETEUC run examples/hello.pbs" "lua5.4 benches/compare/lua/hello.lua")
((HAVE_JIT)) && commands+=("$(jit benches/compare/lua/hello.lua)")
"${HYPERFINE[@]}" --style none --warmup 5 --runs 100 \
    --export-json "$TMP/startup.json" "${commands[@]}" >/dev/null

# --- 5. report ------------------------------------------------------------------
python3 - "$TMP" "$RUNS" "$HAVE_JIT" "${PROGRAMS[@]}" <<'PY'
import json, math, os, sys

tmp, runs, have_jit, names = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4:]

def results(path):
    with open(path) as f:
        rs = json.load(f)["results"]
    if not have_jit:
        rs.append({"median": float("nan"), "min": float("nan")})
    return rs

def medians(path):
    return [r["median"] for r in results(path)]

def minima(path):
    return [r["min"] for r in results(path)]

def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")

# The string-building programs (names starting with `str`) spend their time in the
# allocator and the string copies, not in the interpreter: they get their own mean.
def is_string(name):
    return name.startswith("str")

print(f"Medians of {runs} runs (hyperfine, warmup 1); wall-clock seconds, process start included.")
print()
print("| program | prometeuc median (s) | lua5.4 | luajit -joff | ratio prometeuc/lua | ratio prometeuc/luajit-interp |")
print("|---|---:|---:|---:|---:|---:|")
ratios = {}
for name in names:
    p, l, j = medians(os.path.join(tmp, name + ".json"))
    ratios[name] = (p / l, p / j)
    jt = f"{j:.3f}" if have_jit else "-"
    rj = f"{p / j:.2f}" if have_jit else "-"
    print(f"| {name} | {p:.3f} | {l:.3f} | {jt} | {p / l:.2f} | {rj} |")
print()
for label, group in (("compute", [n for n in names if not is_string(n)]),
                     ("string-building", [n for n in names if is_string(n)])):
    gl = geomean([ratios[n][0] for n in group])
    line = f"Geometric mean over the {len(group)} {label} programs: prometeuc/lua5.4 {gl:.2f}"
    if have_jit:
        line += f", prometeuc/luajit-interp {geomean([ratios[n][1] for n in group]):.2f}"
    print(line)
print()
# A few milliseconds per run: the median is at the mercy of the scheduler on a
# busy machine, so the minimum is shown next to it.
path = os.path.join(tmp, "startup.json")
(p, l, j), (pm, lm, jm) = medians(path), minima(path)
line = (f"Startup (100 runs, median / min): `prometeuc run examples/hello.pbs` {p * 1000:.1f} / {pm * 1000:.1f} ms"
        f" vs `lua5.4 benches/compare/lua/hello.lua` {l * 1000:.1f} / {lm * 1000:.1f} ms"
        f" (ratio {p / l:.2f} / {pm / lm:.2f})")
if have_jit:
    line += f"; `luajit -joff` {j * 1000:.1f} / {jm * 1000:.1f} ms"
print(line)
PY
