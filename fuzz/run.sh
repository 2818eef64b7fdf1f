#!/usr/bin/env bash
# Fuzz the extractor with libFuzzer on the stable toolchain (cargo-fuzz needs nightly only for
# its sanitizers; coverage instrumentation itself is stable):
#
#   fuzz/run.sh [SECONDS] [extra libFuzzer flags...]     (default: 60 seconds)
#
# The corpus lives in fuzz/corpus/extract (seeded from fixtures/sites on first run); crashes are
# written to fuzz/artifacts/extract. Exit status is libFuzzer's: non-zero when it found a crash.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
SECS="${1:-60}"
shift || true
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation off build scripts and proc macros.
TARGET="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --bin extract --target "$TARGET"
mkdir -p corpus/extract artifacts/extract
if [ -z "$(ls -A corpus/extract)" ]; then
    # Seed with every page of the bundled fixture sites (first byte 0: no declared charset).
    find ../fixtures/sites -name '*.html' -print0 | while IFS= read -r -d '' f; do
        { printf '\0'; cat "$f"; } >"corpus/extract/$(sha1sum "$f" | cut -c1-16)"
    done
fi
exec "target/$TARGET/release/extract" corpus/extract -artifact_prefix=artifacts/extract/ \
    -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=1024 "$@"
