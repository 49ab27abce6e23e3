#!/usr/bin/env bash
# Size of the mobile core as a phone would ship it (issue 7 target: <= 3 MB stripped, SQLite
# included, protobuf-lite). Usage: bench/mobile_core_size.sh BUILD_DIR (a configured build that
# has built liaison_mobile_core). Prints three figures:
#  1. libliaison_mobile_core.so stripped, alone (SQLite, protobuf-lite, libsodium, zstd and
#     libcurl linked shared);
#  2. that plus Debian's whole shared libsqlite3, libprotobuf-lite, libsodium and libzstd: an
#     upper bound (libcurl and its TLS library not counted: see 3);
#  3. the realistic figure: the same objects linked statically with --gc-sections into a non-PIE
#     probe (Debian's static archives are not PIC, so a static .so cannot be linked here),
#     keeping every exported liaison_* symbol, stripped. Excludes libc, the C++ runtime and
#     libcurl with its TLS library (linked shared here: on a phone, the platform's or the app's;
#     an app with its own HTTP stack uses liaison_sync_build_request/apply_response instead).
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
lib=/usr/lib/x86_64-linux-gnu

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
c++ -no-pie -o "$tmp/probe" "$tmp/main.o" -Wl,--gc-sections "${keep[@]}" \
  -Wl,--whole-archive "$build/mobile-core/libliaison_mobile_core_internal.a" -Wl,--no-whole-archive \
  "$build/mobile-core/proto/libliaison_mobile_views.a" "$build/sync/libliaison_sync.a" \
  "$build/proto/libliaison_proto.a" \
  -Wl,-Bstatic -lprotobuf-lite -lsqlite3 -lsodium -lzstd -Wl,-Bdynamic -lcurl -lpthread -lm -ldl
strip --strip-all "$tmp/probe"
# The same without zstd (the five functions the core calls, stubbed): what zstd costs. Debian's
# libzstd.a carries every compression strategy and the legacy-format decoders; a phone build of
# zstd can leave the legacy decoders out (ZSTD_LEGACY_SUPPORT=0).
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
c++ -no-pie -o "$tmp/probe-nozstd" "$tmp/main.o" "$tmp/nozstd.o" -Wl,--gc-sections "${keep[@]}" \
  -Wl,--whole-archive "$build/mobile-core/libliaison_mobile_core_internal.a" -Wl,--no-whole-archive \
  "$build/mobile-core/proto/libliaison_mobile_views.a" "$build/sync/libliaison_sync.a" \
  "$build/proto/libliaison_proto.a" \
  -Wl,-Bstatic -lprotobuf-lite -lsqlite3 -lsodium -Wl,-Bdynamic -lcurl -lpthread -lm -ldl
strip --strip-all "$tmp/probe-nozstd"
probe_nozstd=$(stat -c %s "$tmp/probe-nozstd")
exported=$(nm -D "$build/mobile-core/libliaison_mobile_core.so" --defined-only | grep -c ' T liaison_')
probe=$(stat -c %s "$tmp/probe")

printf 'liaison_mobile_core.so stripped, alone:             %9d bytes (%d exports)\n' "$core" "$exported"
printf '  + whole shared SQLite, protobuf-lite, sodium, zstd: %8d bytes (upper bound)\n' "$((core + deps))"
printf 'static, --gc-sections, stripped (SQLite included):  %9d bytes (libcurl + TLS not included)\n' "$probe"
printf '  the same without zstd:                            %9d bytes\n' "$probe_nozstd"
