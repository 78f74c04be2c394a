#!/usr/bin/env bash
# Start-up of the workbench, against a bare eframe window.
#
# Starts `sorot` on a copy of the sample project and the bare window
# (`examples/bare_window.rs`, same eframe features and window size), in
# turns, RUNS times each (15 by default), and polls every 10 ms until the
# process's window is mapped and visible. Prints each median in
# milliseconds and their ratio; the goal is a ratio of at most 1.2.
#
# Needs an X display (under Xvfb: `Xvfb :99 -screen 0 1400x900x24 &` and
# DISPLAY=:99) and xdotool. Run from anywhere:
#   DISPLAY=:99 crates/sorot-gui/benches/startup.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${RUNS:-15}
[ -n "${DISPLAY:-}" ] || { echo "startup.sh: no DISPLAY; start Xvfb and set DISPLAY" >&2; exit 1; }
command -v xdotool >/dev/null || { echo "startup.sh: xdotool is missing" >&2; exit 1; }

cargo build --quiet --release -p sorot
cargo build --quiet --release -p sorot-gui --example bare_window
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project" "$work/home"
cp -r seeds sorot.ron "$work/project/"

# Milliseconds from the start of the command to its first visible window.
time_to_window() {
    local start now pid
    start=$(date +%s%N)
    HOME="$work/home" "$@" >/dev/null 2>&1 &
    pid=$!
    until xdotool search --onlyvisible --pid "$pid" >/dev/null 2>&1; do
        sleep 0.01
    done
    now=$(date +%s%N)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo $(((now - start) / 1000000))
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bare=() sorot=()
for _ in $(seq "$runs"); do
    bare+=("$(time_to_window "$target/release/examples/bare_window")")
    sorot+=("$(time_to_window "$target/release/sorot" --annotator bench "$work/project")")
done
bare_median=$(printf '%s\n' "${bare[@]}" | median)
sorot_median=$(printf '%s\n' "${sorot[@]}" | median)
echo "bare window: ${bare[*]} ms; median ${bare_median} ms"
echo "sorot:       ${sorot[*]} ms; median ${sorot_median} ms"
awk -v s="$sorot_median" -v b="$bare_median" 'BEGIN { printf "ratio: %.2f (goal: at most 1.2)\n", s / b }'
