#!/usr/bin/env bash
# asm_compare.sh - what each C11 atomic operation and ordering compiles to on
# x86-64, ARMv7 and AArch64 (ARMv8.0 and ARMv8.1 with LSE atomics), at -O2:
# compiles asm_ops.c with each cross compiler the kit knows (make print-env
# ARCH=...) and prints one row per operation with its instructions (ch. 6
# section 12; the book describes the x86-vs-ARM difference in prose only).
#
#   ./asm_compare.sh            the table (Markdown)
#   ./asm_compare.sh --raw      TARGET OP INSTRUCTIONS lines, for tests
# A target whose compiler is missing shows "n/a".  AArch64 is built with
# -mno-outline-atomics so the instructions appear inline (gcc's default on
# AArch64 calls libgcc helpers that pick LSE or LL/SC at run time).
# The assembly stays next to `make asm`'s, for reading:
# build/<arch>/06-atomics/asm/asm_ops.O2.s (AArch64+LSE: asm_ops.lse.O2.s).
set -u
cd "$(dirname "$0")" || exit 1
case "${1:-}" in
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    ""|--raw) ;;
    *) echo "asm_compare.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
OPS="xchg_acq_rel store_release load_relaxed load_acquire cas_relaxed cas_release cas_acq_rel store_seq_cst load_seq_cst fetch_add_relaxed fetch_add_acq_rel fence_seq_cst"
TARGETS="x86_64 armv7 aarch64 aarch64-lse"

# asm_file TARGET: where its assembly goes (make asm's folder for that ARCH).
asm_file() {
    local env top lab
    env=$(make -s --no-print-directory print-env ARCH="${1%-lse}" 2>/dev/null)
    top=$(printf '%s\n' "$env" | sed -n "s/.*KIT_TOP='\([^']*\)'.*/\1/p")
    lab=$(printf '%s\n' "$env" | sed -n "s/.*KIT_LAB='\([^']*\)'.*/\1/p")
    case $1 in *-lse) echo "$top/build/${1%-lse}/$lab/asm/asm_ops.lse.O2.s" ;; *) echo "$top/build/$1/$lab/asm/asm_ops.O2.s" ;; esac
}

cc_for() { # TARGET -> compiler and flags
    local arch=${1%-lse} cc
    cc=$(make -s --no-print-directory print-env ARCH="$arch" 2>/dev/null | sed -n "s/.*KIT_CC='\([^']*\)'.*/\1/p")
    [ -n "$cc" ] && command -v "${cc%% *}" >/dev/null 2>&1 || return 1
    case $1 in
        aarch64) echo "$cc -march=armv8-a -mno-outline-atomics" ;;
        aarch64-lse) echo "$cc -march=armv8.1-a -mno-outline-atomics" ;;
        armv7) echo "$cc -march=armv7-a+fp -marm" ;;
        *) echo "$cc" ;;
    esac
}

for t in $TARGETS; do
    s=$(asm_file "$t")
    if cc=$(cc_for "$t") && mkdir -p "${s%/*}" &&
        $cc -std=c11 -O2 -S -fno-asynchronous-unwind-tables -o "$s" asm_ops.c 2>"$TMP/$t.err"; then
        # instructions of each function: lines between "op:" and the next .size,
        # without labels, directives and the return
        awk -v T="$t" '
            /^[a-z_0-9]+:$/ { fn = substr($0, 1, length($0) - 1); next }
            /^\t\.size/ { fn = ""; next }
            fn != "" && /^\t[a-z]/ && !/^\t\./ {
                ins = $1
                if (ins ~ /^(ret|bx|retq|adrp|movw|movt)$/) next
                if ($0 ~ /:lo12:|\.LANCHOR|\.LC[0-9]|\.L[0-9]+\+/) next   # address arithmetic
                if (ins == "add" && $0 ~ /, (x[0-9]+|r[0-9]+), #?[0-9]+$/) next     # field offset
                if (ins == "ldr" && $0 ~ /, \.L[0-9]+$/) next                        # ARMv7 literal pool
                if (ins == "add" && $0 ~ /, pc, /) next                               # ARMv7 PIC
                sub(/[ \t]*@.*$/, "")
                line = $0; sub(/^\t/, "", line); gsub(/\t/, " ", line)
                out[fn] = out[fn] (out[fn] == "" ? "" : "; ") line
            }
            END { for (f in out) print T "\t" f "\t" out[f] }' "$s" >>"$TMP/raw"
    else
        for op in $OPS; do printf '%s\t%s\tn/a\n' "$t" "$op" >>"$TMP/raw"; done
    fi
done
if [ "${1:-}" = --raw ]; then sort "$TMP/raw"; exit 0; fi

echo "C11 atomics at -O2 (asm_ops.c): what each operation and ordering becomes"
echo
echo "| operation | x86-64 | ARMv7 | AArch64 (v8.0) | AArch64 + LSE (v8.1) |"
echo "|---|---|---|---|---|"
for op in $OPS; do
    row="| \`$op\`"
    for t in $TARGETS; do
        cell=$(awk -F'\t' -v T="$t" -v O="$op" '$1 == T && $2 == O { print $3 }' "$TMP/raw")
        row="$row | ${cell:-(nothing)}"
    done
    echo "$row |"
done
echo
echo "x86: every load is a plain mov and only the seq_cst store (xchg, or mov + mfence) and the"
echo "read-modify-writes (lock-prefixed) cost anything; relaxed and release CAS are the same code."
echo "ARM: each ordering is a different instruction (ldar/stlr, ldaxr/stlxr, swpal/casal) or barrier (dmb ish)."
