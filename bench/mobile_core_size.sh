#!/usr/bin/env bash
# Size of the mobile core as a phone would ship it (issue 7 target: <= 3 MB stripped, SQLite
# included, protobuf-lite). Usage: bench/mobile_core_size.sh BUILD_DIR (a configured build that
# has built liaison_mobile_core). Prints three figures:
#  1. libliaison_mobile_core.so stripped, alone (SQLite, protobuf-lite, libsodium linked shared);
#  2. that plus Debian's whole shared libsqlite3, libprotobuf-lite and libsodium: an upper bound;
#  3. the realistic figure: the same objects linked statically with --gc-sections into a non-PIE
#     probe (Debian's static archives are not PIC, so a static .so cannot be linked here),
#     keeping every exported liaison_* symbol, stripped. Excludes libc and the C++ runtime.
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
lib=/usr/lib/x86_64-linux-gnu

strip --strip-all -o "$tmp/core.so" "$build/mobile-core/libliaison_mobile_core.so"
core=$(stat -c %s "$tmp/core.so")
deps=0
for l in libsqlite3.so.0 libprotobuf-lite.so.32 libsodium.so.23; do
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
  -Wl,-Bstatic -lprotobuf-lite -lsqlite3 -lsodium -Wl,-Bdynamic -lpthread -lm -ldl
strip --strip-all "$tmp/probe"
exported=$(nm -D "$build/mobile-core/libliaison_mobile_core.so" --defined-only | grep -c ' T liaison_')
probe=$(stat -c %s "$tmp/probe")

printf 'liaison_mobile_core.so stripped, alone:             %9d bytes (%d exports)\n' "$core" "$exported"
printf '  + whole shared SQLite, protobuf-lite, libsodium:  %9d bytes (upper bound)\n' "$((core + deps))"
printf 'static, --gc-sections, stripped (SQLite included):  %9d bytes\n' "$probe"
