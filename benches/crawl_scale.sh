#!/usr/bin/env bash
# Crawl-at-scale benchmark: a full `gongkai audit` of a large synthetic 政府信息公开 site, against
# `wget2 --recursive` mirroring the same site, both on 127.0.0.1 with politeness off.
#
#   benches/crawl_scale.sh [N ...]        (default: 10000 100000)
#
# For each N (HTML pages) it:
#   1. generates the site with benches/synth_site.py into $BENCH_DIR/site-N (reused when the
#      manifest there says the same N, seed and generator version);
#   2. serves it with `gongkai serve` on a free port;
#   3. runs `gongkai audit` (--delay-ms 0 --per-host 16) under /usr/bin/time -v;
#   4. runs `wget2 --recursive` (16 threads, no wait) under /usr/bin/time -v;
#   5. prints a markdown table: wall time, pages/s, user+sys CPU, peak RSS, and the server's CPU.
#
# Environment:
#   BENCH_DIR       work directory (default: ${TMPDIR:-/tmp}/crawl-scale); sites are kept there
#   SEED            generator seed (default: 1)
#   BENCH_TIMEOUT   seconds allowed per run before it is killed (default: 1800)
#   GONGKAI_BIN     use this binary instead of running `cargo build --release`
#   GONGKAI_REV     build this committed revision (e.g. HEAD) in $BENCH_DIR instead of the work
#                   tree, for when the work tree is mid-edit
#   SKIP_WGET2=1    measure gongkai only
#   WGET2_DIR       where wget2 writes its mirror (default: /dev/shm when it is a tmpfs with room,
#                   else $BENCH_DIR), deleted after each run
#
# Give a size several times (benches/crawl_scale.sh 10000 10000 10000) to repeat it.
#
# Installs nothing except wget2 and GNU time (the `time` package) with apt-get when missing.
# Times are printed, never asserted. Exit status: 0 when every audit completed (exit 0 or 1) and
# every wget2 run finished, 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/crawl-scale}"
SEED="${SEED:-1}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-1800}"
CONC=16
AS_OF=2026-11-26
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)

log() { printf '[crawl_scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# apt-get install PACKAGE, running apt-get update first only if the plain install fails.
apt_install() {
    local pkg="$1"
    if [ "$(id -u)" != 0 ]; then
        log "$pkg is missing and we are not root: install it (apt-get install $pkg) and rerun"
        exit 1
    fi
    log "installing $pkg"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >/dev/null 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >/dev/null; }
}

[ -x /usr/bin/time ] || apt_install time
if [ "${SKIP_WGET2:-0}" != 1 ] && ! command -v wget2 >/dev/null; then apt_install wget2; fi
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }

mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"

# A private copy of the binary, so a concurrent `cargo build` cannot swap it mid-run. It is named
# gk-scale so that a `pkill gongkai` elsewhere (test clean-up) does not end the benchmark.
REV="$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)"
if [ -n "${GONGKAI_BIN:-}" ]; then
    SRC_BIN="$GONGKAI_BIN"
    REV="binary $GONGKAI_BIN"
elif [ -n "${GONGKAI_REV:-}" ]; then
    # Build a committed revision in a private tree, untouched by edits in the work tree.
    COMMIT="$(cd "$ROOT" && git rev-parse --verify "${GONGKAI_REV}^{commit}")"
    SRC="$BENCH_DIR/src-${COMMIT:0:12}"
    if [ ! -f "$SRC/Cargo.toml" ]; then
        rm -rf "$SRC.partial" && mkdir -p "$SRC.partial"
        (cd "$ROOT" && git archive "$COMMIT") | tar -x -C "$SRC.partial"
        mv "$SRC.partial" "$SRC"
    fi
    log "cargo build --release of ${COMMIT:0:12} in $SRC"
    (cd "$SRC" && CARGO_TARGET_DIR="$BENCH_DIR/target" cargo build --release --quiet)
    SRC_BIN="$BENCH_DIR/target/release/gongkai"
    REV="${COMMIT:0:7}"
else
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet) ||
        { log "the work tree does not build; GONGKAI_REV=HEAD builds the last commit instead"; exit 1; }
    SRC_BIN="$ROOT/target/release/gongkai"
fi
BIN="$BENCH_DIR/gk-scale"
cp "$SRC_BIN" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"

SERVER_PID=""
WGET_OUT=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill -INT "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$WGET_OUT" ]; then rm -rf "$WGET_OUT"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CLK_TCK="$(getconf CLK_TCK)"
# CPU seconds (user+sys) used so far by process $1.
proc_cpu() {
    awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}

# Fields of a `/usr/bin/time -v` report: wall seconds, user+sys seconds, max RSS in MB.
time_fields() {
    python3 - "$1" <<'EOF'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
def num(label):
    m = re.search(re.escape(label) + r":\s*([0-9.:]+)", t)
    return m.group(1) if m else None
w = num("Elapsed (wall clock) time (h:mm:ss or m:ss)")
wall = 0.0
if w:
    for part in w.split(":"):
        wall = wall * 60 + float(part)
cpu = float(num("User time (seconds)") or 0) + float(num("System time (seconds)") or 0)
rss = float(num("Maximum resident set size (kbytes)") or 0) / 1024
print(f"{wall:.2f} {cpu:.2f} {rss:.1f}")
EOF
}

manifest_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

RESULTS="$BENCH_DIR/results.md"
ROWS=()
NOTES=()
STATUS=0

for N in "${SIZES[@]}"; do
    case "$N" in ''|*[!0-9]*) log "not a page count: $N"; exit 2;; esac
    SITE="$BENCH_DIR/site-$N"
    WORK="$BENCH_DIR/run-$N"
    mkdir -p "$WORK"
    M="$SITE/synth-manifest.json"
    if [ -f "$M" ] && python3 - "$M" "$N" "$SEED" "$ROOT/benches/synth_site.py" <<'EOF'
import json, re, sys
m = json.load(open(sys.argv[1]))
v = int(re.search(r"^GENERATOR_VERSION = (\d+)", open(sys.argv[4]).read(), re.M).group(1))
sys.exit(0 if (m["pages"], m["seed"], m["version"]) == (int(sys.argv[2]), int(sys.argv[3]), v) else 1)
EOF
    then
        log "reusing $SITE"
    else
        log "generating $N pages into $SITE"
        python3 "$ROOT/benches/synth_site.py" "$SITE" --pages "$N" --seed "$SEED" --force >/dev/null
    fi
    MAXD="$(manifest_get "$M" max_depth)"
    DEPTH=$((MAXD + 1))              # +1 so dead links off the deepest articles are checked too
    MAXPAGES=$((N * 2 + 1000))       # never the limit: the site has N pages plus a few dead links
    MAXCHECKS=$((N / 5 + 1000))      # nor this: about 1 article in 20 links an attachment
    ATTACH="$(manifest_get "$M" attachments)"
    DEAD="$(manifest_get "$M" dead_links)"
    SITE_MB="$(du -sm "$SITE" | cut -f1)"
    # Warm the page cache so neither tool pays for the disk.
    find "$SITE" -type f -print0 | xargs -0 cat >/dev/null

    "$BIN" serve "$SITE" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
    SERVER_PID=$!
    URL=""
    for _ in $(seq 100); do
        URL="$(grep -m1 -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.out" || true)"
        [ -n "$URL" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$URL" ]; then
        log "gongkai serve did not start: $(tail -5 "$WORK/serve.err")"
        exit 1
    fi
    URL="$URL/"
    log "N=$N: serving $SITE at $URL (max_depth $MAXD, $ATTACH attachments, $DEAD dead links, $SITE_MB MB)"

    # ---- gongkai audit ----------------------------------------------------------------------
    S0="$(proc_cpu "$SERVER_PID")"
    LOAD="$(cut -d' ' -f1 /proc/loadavg)"
    log "N=$N: load average $LOAD; gongkai audit (--per-host $CONC --delay-ms 0 --max-depth $DEPTH --max-pages $MAXPAGES --max-checks $MAXCHECKS)"
    set +e
    /usr/bin/time -v -o "$WORK/audit.time" timeout "$BENCH_TIMEOUT" \
        "$BIN" audit "$URL" --full --rules cn-edu-county --as-of "$AS_OF" --delay-ms 0 \
        --per-host "$CONC" --max-pages "$MAXPAGES" --max-checks "$MAXCHECKS" --max-depth "$DEPTH" \
        --format json -o "$WORK/audit.json" --force >"$WORK/audit.stdout" 2>"$WORK/audit.stderr"
    RC=$?
    set -e
    S1="$(proc_cpu "$SERVER_PID")"
    read -r WALL CPU RSS < <(time_fields "$WORK/audit.time")
    read -r PAGES REQS CRAWL_MS SCORE FOUND SKIPPED < <(python3 - "$WORK/audit.json" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("- - - - - -"); sys.exit()
c = r.get("crawl", {})
score = r.get("score", {})
s = f'{score.get("points", "-")}/{score.get("gaps", "-")}' if isinstance(score, dict) else "-"
o = c.get("outcome_counts", {})
skipped = sum(v for k, v in o.items() if k not in ("ok", "dead", "out_of_scope"))
print(c.get("pages_fetched", "-"), c.get("requests", "-"), c.get("elapsed_ms", "-"), s, o.get("dead", 0), skipped)
EOF
)
    SRV="$(awk -v a="$S0" -v b="$S1" 'BEGIN { printf "%.2f", b - a }')"
    RATE="$(awk -v p="$PAGES" -v w="$WALL" 'BEGIN { if (p ~ /^[0-9]+$/ && w > 0) printf "%.0f", p / w; else print "-" }')"
    log "N=$N: gongkai exit $RC, $PAGES pages, $REQS requests, ${WALL}s wall (crawl ${CRAWL_MS} ms), ${CPU}s CPU, ${RSS} MB peak, score/gaps $SCORE"
    NOTES+=("N=$N: gongkai exit $RC, crawl.elapsed_ms $CRAWL_MS, score/gaps $SCORE, dead links found $FOUND of $DEAD planted, $SKIPPED URLs not fetched or checked (site: $ATTACH attachments, max depth $MAXD, audit --max-depth $DEPTH)")
    if [ "$SKIPPED" != 0 ] || [ "$FOUND" != "$DEAD" ]; then
        NOTES+=("N=$N: see crawl.outcome_counts in $WORK/audit.json: $(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["crawl"]["outcome_counts"]))' "$WORK/audit.json" 2>/dev/null)")
    fi
    GK_WALL="$WALL"
    ROWS+=("| $N | gongkai audit | --per-host $CONC, --delay-ms 0 | $PAGES | $REQS | $WALL | $RATE | $CPU | $SRV | $RSS | $RC | $LOAD |")
    if [ "$RC" != 0 ] && [ "$RC" != 1 ]; then
        STATUS=1
        NOTES+=("N=$N: gongkai audit exited $RC (124 = killed by the ${BENCH_TIMEOUT}s timeout). stderr tail:")
        while IFS= read -r l; do NOTES+=("    $l"); done < <(tail -n 8 "$WORK/audit.stderr")
    fi
    if [[ "$PAGES" =~ ^[0-9]+$ ]] && [ "$PAGES" -lt $((N * 99 / 100)) ]; then
        STATUS=1
        NOTES+=("N=$N: gongkai fetched only $PAGES of $N pages")
    fi
    LIMIT=$([ "$N" -le 10000 ] && echo 64 || echo 256)
    NOTES+=("N=$N: gongkai peak RSS $RSS MB against a target of < $LIMIT MB: $(awk -v r="$RSS" -v l="$LIMIT" 'BEGIN { print (r < l) ? "met" : "MISSED" }')")

    # ---- the default audit (an inspection), against the full one ------------------------------
    log "N=$N: gongkai audit as an inspector (default plan and budget; --per-host $CONC --delay-ms 0)"
    set +e
    /usr/bin/time -v -o "$WORK/inspect.time" timeout "$BENCH_TIMEOUT" \
        "$BIN" audit "$URL" --rules cn-edu-county --as-of "$AS_OF" --delay-ms 0 --per-host "$CONC" \
        --format json -o "$WORK/inspect.json" --force >"$WORK/inspect.stdout" 2>"$WORK/inspect.stderr"
    IRC=$?
    set -e
    read -r IWALL ICPU IRSS < <(time_fields "$WORK/inspect.time")
    read -r IPAGES IREQS ISAME < <(python3 - "$WORK/inspect.json" "$WORK/audit.json" <<'EOF'
import json, sys
try:
    a, b = (json.load(open(p)) for p in sys.argv[1:3])
except Exception:
    print("- - -"); sys.exit()
va = {f["rule_id"]: (f["status"], f.get("reason")) for f in a["findings"]}
vb = {f["rule_id"]: (f["status"], f.get("reason")) for f in b["findings"]}
# Dead links are counted on a sample by an inspection: their verdict may differ.
differ = [k for k in vb if not k.startswith("INSP-DEAD-LINKS") and va.get(k) != vb[k]]
print(a["crawl"]["pages_fetched"], a["crawl"]["requests"], "yes" if not differ else "NO:" + ",".join(differ))
EOF
)
    ROWS+=("| $N | gongkai audit (inspection) | --per-host $CONC, --delay-ms 0 | $IPAGES | $IREQS | $IWALL | - | $ICPU | - | $IRSS | $IRC | $LOAD |")
    NOTES+=("N=$N: the default audit made $IREQS requests (exit $IRC) and judged every rule as the full crawl did, dead links aside: $ISAME")
    if [ "$ISAME" != yes ] || { [ "$IRC" != 0 ] && [ "$IRC" != 1 ]; }; then
        STATUS=1
    fi

    # ---- wget2 --recursive ------------------------------------------------------------------
    if [ "${SKIP_WGET2:-0}" != 1 ]; then
        WBASE="${WGET2_DIR:-}"
        if [ -z "$WBASE" ]; then
            # A tmpfs keeps the disk (and its write-back and discard) out of wget2's figures.
            WBASE="$WORK"
            if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
               [ "$(df -Pm /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((SITE_MB * 2 + 256)) ]; then
                WBASE=/dev/shm
            fi
        fi
        WGET_OUT="$WBASE/crawl-scale-wget2-$N"
        rm -rf "$WGET_OUT"
        S0="$(proc_cpu "$SERVER_PID")"
        WLOAD="$(cut -d' ' -f1 /proc/loadavg)"
        log "N=$N: load average $WLOAD; wget2 --recursive --max-threads=$CONC"
        set +e
        /usr/bin/time -v -o "$WORK/wget2.time" timeout "$BENCH_TIMEOUT" \
            wget2 --recursive --level=inf --no-parent --no-verbose --max-threads="$CONC" \
            --wait=0 --random-wait=off --waitretry=0 --tries=1 \
            --stats-site="csv:$WORK/wget2-stats.csv" \
            --directory-prefix="$WGET_OUT" "$URL" >"$WORK/wget2.log" 2>&1
        WRC=$?
        set -e
        S1="$(proc_cpu "$SERVER_PID")"
        read -r WALL CPU RSS < <(time_fields "$WORK/wget2.time")
        WFILES="$(find "$WGET_OUT" -type f | wc -l)"
        # From --stats-site: every request, and the HTML pages among the 200 answers.
        read -r WREQS WPAGES WERR < <(python3 - "$WORK/wget2-stats.csv" <<'EOF'
import csv, sys
try:
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", errors="replace")))
except OSError:
    print("- - -"); sys.exit()
ok = [r for r in rows if r["Status"] == "200"]
pages = [r for r in ok if not r["URL"].lower().endswith((".pdf", ".txt"))]
print(len(rows), len(pages), sum(1 for r in rows if r["Status"] != "200"))
EOF
)
        SRV="$(awk -v a="$S0" -v b="$S1" 'BEGIN { printf "%.2f", b - a }')"
        RATE="$(awk -v p="$WPAGES" -v w="$WALL" 'BEGIN { if (w > 0) printf "%.0f", p / w; else print "-" }')"
        log "N=$N: wget2 exit $WRC, $WPAGES pages, $WREQS requests ($WERR not 200), $WFILES files saved, ${WALL}s wall, ${CPU}s CPU, ${RSS} MB peak"
        ROWS+=("| $N | wget2 --recursive | --max-threads=$CONC, --wait=0, mirror in $WBASE | $WPAGES | $WREQS | $WALL | $RATE | $CPU | $SRV | $RSS | $WRC | $WLOAD |")
        # wget2 exits 8 when the server answered an error (the site's dead links): expected.
        if [ "$WRC" != 0 ] && [ "$WRC" != 8 ]; then
            STATUS=1
            NOTES+=("N=$N: wget2 exited $WRC; log tail:")
            while IFS= read -r l; do NOTES+=("    $l"); done < <(tail -n 5 "$WORK/wget2.log")
        fi
        NOTES+=("N=$N: gongkai ${GK_WALL}s vs wget2 ${WALL}s wall: $(awk -v g="$GK_WALL" -v w="$WALL" 'BEGIN { if (g <= w) print "gongkai at least as fast"; else printf "gongkai %.2fx slower\n", g / w }')")
        rm -rf "$WGET_OUT"
        WGET_OUT=""
    fi

    kill -INT "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
done

{
    echo
    echo "## crawl_scale.sh $(date -u +%Y-%m-%dT%H:%MZ), gongkai $REV, $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo
    echo "| pages (N) | tool | concurrency | HTML pages fetched | requests | wall s | pages/s | CPU s (user+sys) | server CPU s | peak RSS MB | exit | load before |"
    echo "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    printf -- '- %s\n' "${NOTES[@]}"
} | tee -a "$RESULTS"
log "appended to $RESULTS; per-run files in $BENCH_DIR/run-N/"
exit "$STATUS"
