#!/usr/bin/env bash
# Fuzz with libFuzzer on the stable toolchain (cargo-fuzz needs nightly only for its sanitizers;
# coverage instrumentation itself is stable):
#
#   fuzz/run.sh [SECONDS] [extra libFuzzer flags...]     (default: 60 seconds)
#
# FUZZ_TARGET picks the target: `extract` (the default: the extractor on one body) or `audit`
# (bodies cut into a small site's pages, audited with every built-in pack, scored and reported).
# The corpus lives in fuzz/corpus/TARGET (seeded from fixtures/sites on first run); crashes are
# written to fuzz/artifacts/TARGET. Exit status is libFuzzer's: non-zero when it found a crash.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
SECS="${1:-60}"
BIN="${FUZZ_TARGET:-extract}"
shift || true
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation off build scripts and proc macros.
TARGET="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --bin "$BIN" --target "$TARGET"
mkdir -p "corpus/$BIN" "artifacts/$BIN"
if [ -z "$(ls -A "corpus/$BIN")" ]; then
    # Seed with the pages of the bundled fixture sites: for `extract` one page per input (first
    # byte 0: no declared charset); for `audit` each site's pages joined by NUL bytes (after two
    # bytes of as-of day: 13478 days after 1990-01-01, 2026-11-26).
    if [ "$BIN" = audit ]; then
        for site in ../fixtures/sites/*/; do
            { printf '\xa6\x34'; find "$site" -name '*.html' | sort | head -n 6 | while read -r f; do
                cat "$f"; printf '\0'; done; } >"corpus/audit/$(basename "$site")"
        done
    else
        find ../fixtures/sites -name '*.html' -print0 | while IFS= read -r -d '' f; do
            { printf '\0'; cat "$f"; } >"corpus/extract/$(sha1sum "$f" | cut -c1-16)"
        done
    fi
fi
exec "target/$TARGET/release/$BIN" "corpus/$BIN" -artifact_prefix="artifacts/$BIN/" \
    -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=1024 "$@"
