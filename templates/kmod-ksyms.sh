#!/bin/sh
# dudforge-ksyms.sh: rpmbuild dependency generator for the kmod built by this spec; it writes
# what dudforge writes natively (src/kmod/requires.ts), so rebuilt and native kmods agree.
#   --provides                 kmod(<file>.ko) for each module in the file list on stdin
#   --requires SYMVERS on|off  kernel(<sym>) = 0x<crc> for symbols the kernel's Module.symvers
#                              exports, ksym(<sym>) = 0x<crc> for others; the CRC is the one in
#                              the module's __versions (Module.symvers as fallback); symbols that
#                              a module of this package exports are skipped.
# Needs modprobe (kmod) and nm (binutils). Plain POSIX sh and awk (mawk or gawk).
mode=$1
mods=$(grep '\.ko$' || :)
[ -n "$mods" ] || exit 0
case "$mode" in
--provides)
    for m in $mods; do echo "kmod(${m##*/})"; done | LC_ALL=C sort -u
    ;;
--requires)
    symvers=$2
    [ "$3" = on ] || exit 0
    [ -r "$symvers" ] || symvers=/dev/null
    for m in $mods; do
        modprobe --dump-modversions "$m" | awk '{ print "V\t" $1 "\t" $2 }'
        nm -u "$m" | awk '{ print "U\t" $2 }'
        nm "$m" | sed -n 's/^.* __ksymtab_/E\t/p'
    done | awk -F '\t' -v symvers="$symvers" '
        BEGIN { while ((getline line < symvers) > 0) { split(line, col, "\t"); if (col[1] ~ /^0x/) kcrc[col[2]] = tolower(col[1]) } }
        $1 == "V" { if (!($3 in crc)) crc[$3] = tolower($2); used[$3] = 1 }
        $1 == "U" { used[$2] = 1 }
        $1 == "E" { own[$2] = 1 }
        END {
            for (s in used) {
                if (s in own) continue
                name = (s in kcrc) ? "kernel(" s ")" : "ksym(" s ")"
                c = (s in crc) ? crc[s] : ((s in kcrc) ? kcrc[s] : "")
                if (c != "") { sub(/^0x/, "", c); while (length(c) < 8) c = "0" c; print name " = 0x" c }
                else print name
            }
        }' | LC_ALL=C sort
    ;;
esac
exit 0
