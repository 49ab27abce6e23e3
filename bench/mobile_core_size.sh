#!/usr/bin/env bash
# Size of the mobile core as a phone would ship it (issue 7 target: <= 3 MB stripped, SQLite
# included, protobuf-lite). Usage: bench/mobile_core_size.sh BUILD_DIR (a configured build that
# has built liaison_mobile_core; measure a Release one). Prints:
#  1. libliaison_mobile_core.so stripped, alone (SQLite, protobuf-lite, libsodium, zstd and
#     libcurl linked shared);
#  2. that plus Debian's whole shared libsqlite3, libprotobuf-lite, libsodium and libzstd: an
#     upper bound (libcurl and its TLS library not counted: see 3);
#  3. the realistic figure, for the build's configuration (the shipped one by default: zstd
#     decoding of pull pages, plain uploads): the same objects linked statically with
#     --gc-sections into a non-PIE probe (Debian's static archives are not PIC, so a static .so
#     cannot be linked here), keeping every exported liaison_* symbol, stripped. Excludes libc,
#     the C++ runtime and libcurl with its TLS library (linked shared here: on a phone, the
#     platform's or the app's; an app with its own HTTP stack uses
#     liaison_sync_build_request/apply_response instead). Then two variants of it:
#       + upload compression: ZSTD_compress and ZSTD_compressBound kept as well, what
#         LIAISON_MOBILE_ZSTD_UPLOAD=ON links in (all but the few hundred bytes that call it);
#       without zstd: the ZSTD_* functions stubbed, what LIAISON_MOBILE_ZSTD=OFF gives.
# Static archives are linked per object: Debian's libzstd.a is not built with -ffunction-sections,
# so referencing one function of an object brings the whole object. Decoding references only
# zstd_decompress.o and what it needs (the block decoder, Huffman/FSE tables, xxhash and the
# v0.5-v0.7 legacy decoders it calls); no compressor object (check: add -Wl,--trace-symbol=SYM).
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
lib=/usr/lib/x86_64-linux-gnu
target=3000000

cache_bool() {  # the build's value of a CMake option (ON/OFF), or "?" when it is not cached
  local v
  v=$(sed -n "s/^$1:BOOL=//p" "$build/CMakeCache.txt" 2>/dev/null | head -n1)
  case "${v^^}" in ON | TRUE | 1 | YES) echo ON ;; OFF | FALSE | 0 | NO) echo OFF ;; *) echo '?' ;; esac
}
zstd_decode=$(cache_bool LIAISON_MOBILE_ZSTD)
zstd_upload=$(cache_bool LIAISON_MOBILE_ZSTD_UPLOAD)
[[ $zstd_upload == '?' ]] && zstd_upload=OFF  # a build configured before the option existed

strip --strip-all -o "$tmp/core.so" "$build/mobile-core/libliaison_mobile_core.so"
core=$(stat -c %s "$tmp/core.so")
deps=0
for l in libsqlite3.so.0 libprotobuf-lite.so.32 libsodium.so.23 libzstd.so.1; do
  strip --strip-all -o "$tmp/$l" "$(readlink -f "$lib/$l")"
  deps=$((deps + $(stat -c %s "$tmp/$l")))
done

echo 'int main(void) { return 0; }' > "$tmp/main.c"
cc -c -O2 "$tmp/main.c" -o "$tmp/main.o"
keep=()
while read -r sym; do keep+=("-Wl,-u,$sym"); done < <(grep -E '^[a-z_0-9]+$' "$root/mobile-core/exports.txt")

# probe OUT [EXTRA_OBJECTS_OR_FLAGS...] -- [STATIC_LIBS...]: the static link, stripped.
probe() {
  local out="$1"
  shift
  local extra=()
  while [[ $# -gt 0 && $1 != -- ]]; do extra+=("$1"); shift; done
  shift
  c++ -no-pie -o "$tmp/$out" "$tmp/main.o" "${extra[@]}" -Wl,--gc-sections "${keep[@]}" \
    -Wl,--whole-archive "$build/mobile-core/libliaison_mobile_core_internal.a" -Wl,--no-whole-archive \
    "$build/mobile-core/proto/libliaison_mobile_views.a" "$build/sync/libliaison_sync.a" \
    "$build/proto/libliaison_proto.a" \
    -Wl,-Bstatic -lprotobuf-lite -lsqlite3 -lsodium "$@" -Wl,-Bdynamic -lcurl -lpthread -lm -ldl
  strip --strip-all "$tmp/$out"
  stat -c %s "$tmp/$out"
}

shipped=$(probe probe -- -lzstd)
with_upload=$(probe probe-upload -Wl,-u,ZSTD_compress -Wl,-u,ZSTD_compressBound -- -lzstd)
# Without zstd: every function the core may call, stubbed (no -lzstd).
cat > "$tmp/nozstd.c" <<'STUB'
#include <stddef.h>
size_t ZSTD_compressBound(size_t n) { return n + 64; }
size_t ZSTD_compress(void* d, size_t dc, const void* s, size_t n, int l) {
  (void)d; (void)dc; (void)s; (void)n; (void)l; return (size_t)-1; }
unsigned ZSTD_isError(size_t r) { return r == (size_t)-1; }
unsigned long long ZSTD_getFrameContentSize(const void* s, size_t n) {
  (void)s; (void)n; return 0ULL - 2; }
size_t ZSTD_decompress(void* d, size_t dc, const void* s, size_t n) {
  (void)d; (void)dc; (void)s; (void)n; return (size_t)-1; }
STUB
cc -c -O2 "$tmp/nozstd.c" -o "$tmp/nozstd.o"
no_zstd=$(probe probe-nozstd "$tmp/nozstd.o" --)
exported=$(nm -D "$build/mobile-core/libliaison_mobile_core.so" --defined-only | grep -c ' T liaison_')
verdict() { if (($1 <= target)); then echo "<= 3 MB: met"; else echo "<= 3 MB: MISSED"; fi; }

printf 'build: %s (LIAISON_MOBILE_ZSTD=%s, LIAISON_MOBILE_ZSTD_UPLOAD=%s)\n' \
  "$build" "$zstd_decode" "$zstd_upload"
printf 'liaison_mobile_core.so stripped, alone:               %9d bytes (%d exports)\n' "$core" "$exported"
printf '  + whole shared SQLite, protobuf-lite, sodium, zstd:   %9d bytes (upper bound)\n' "$((core + deps))"
printf 'static, --gc-sections, stripped, as configured:       %9d bytes (%s; libcurl + TLS not included)\n' \
  "$shipped" "$(verdict "$shipped")"
if [[ $zstd_decode == OFF ]]; then
  printf '  (no zstd in this build: plain bodies both ways; configure LIAISON_MOBILE_ZSTD=ON to\n'
  printf '   see what decoding and upload compression cost)\n'
  exit 0
fi
if [[ $zstd_upload == ON ]]; then
  printf '  (upload compression is in the figure above: LIAISON_MOBILE_ZSTD_UPLOAD=ON)\n'
else
  printf '  + zstd upload compression (LIAISON_MOBILE_ZSTD_UPLOAD=ON): %6d bytes (+%d; %s)\n' \
    "$with_upload" "$((with_upload - shipped))" "$(verdict "$with_upload")"
fi
printf '  without zstd (LIAISON_MOBILE_ZSTD=OFF, plain both ways):  %6d bytes (%+d)\n' \
  "$no_zstd" "$((no_zstd - shipped))"
