#!/usr/bin/env bash
# Pecan setup: installs the Debian packages the build needs and fetches the pinned Debian
# *source* packages (tools/deps.lock) into the git-ignored cache, checking their sha256.
# Idempotent: a re-run with everything in place does nothing. See docs/dependencies.md.
#
#   tools/setup.sh                      install/fetch whatever is missing
#   tools/setup.sh --check              report what is missing (exit 1), change nothing
#   tools/setup.sh --update-lock P=V..  re-pin source package P to version V in tools/deps.lock
#
# Environment: PECAN_CACHE_DIR (default <repo>/.cache).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lock="$repo/tools/deps.lock"
cache=${PECAN_CACHE_DIR:-$repo/.cache}
apt_etc=/etc/apt
debsrc_file="$apt_etc/sources.list.d/pecan-deb-src.sources"

packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm cmake ninja-build python3
          gcc libc6-dev libcmocka-dev dpkg-dev)

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

usage() {
    sed -n '6,8s/^#   /usage: /p' "${BASH_SOURCE[0]}" >&2
    exit "${1:-2}"
}

mode=setup
update_specs=()
while (($#)); do
    case $1 in
        --check) mode=check ;;
        --update-lock) mode=update-lock ;;
        -h|--help) usage 0 ;;
        *=*) [[ $mode == update-lock ]] || usage; update_specs+=("$1") ;;
        *) usage ;;
    esac
    shift
done

# ---------------------------------------------------------------- privileges and apt
sudo_cmd=()
can_be_root() {
    if ((EUID == 0)); then sudo_cmd=(); return 0; fi
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo_cmd=(sudo -n); return 0; fi
    return 1
}
as_root() { "${sudo_cmd[@]}" "$@"; }

# Running apt-get as root makes it drop to the _apt user, which cannot write into the cache.
apt_src_opts=()
((EUID == 0)) && apt_src_opts=(-o APT::Sandbox::User=root)

apt_updated=0
apt_update_once() {
    ((apt_updated)) && return 0
    say "apt-get update"
    as_root apt-get update -qq >/dev/null || die "apt-get update failed"
    apt_updated=1
}

# ---------------------------------------------------------------- host packages
missing_packages() {
    local -A ok=()
    local name status
    while read -r name status; do
        [[ $status == "install ok installed" ]] && ok[${name%%:*}]=1
    done < <(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
    for name in "${packages[@]}"; do
        [[ -n ${ok[$name]:-} ]] || echo "$name"
    done
}

have_debsrc() {
    local f
    shopt -s nullglob
    for f in "$apt_etc/sources.list" "$apt_etc"/sources.list.d/*.list; do
        [[ -f $f ]] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in "$apt_etc"/sources.list.d/*.sources; do
        grep -Eiq '^[[:space:]]*Types:.*(^|[[:space:]])deb-src([[:space:]]|$)' "$f" && return 0
    done
    return 1
}

debsrc_entry='Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'

# ---------------------------------------------------------------- lock file
# lock_pkgs: source package names in lock order; lock_ver[P]; lock_lines[P] (the stamp text).
declare -a lock_pkgs=()
declare -A lock_ver=() lock_lines=()
read_lock() {
    [[ -f $lock ]] || die "lock file $lock not found"
    local pkg ver file sum extra n=0
    while read -r pkg ver file sum extra; do
        n=$((n + 1))
        [[ -z $pkg || $pkg == \#* ]] && continue
        [[ -n $sum && -z $extra && $sum =~ ^[0-9a-f]{64}$ ]] ||
            die "$lock:$n: expected '<package> <version> <filename> <sha256>'"
        if [[ -z ${lock_ver[$pkg]:-} ]]; then
            lock_pkgs+=("$pkg"); lock_ver[$pkg]=$ver
        elif [[ ${lock_ver[$pkg]} != "$ver" ]]; then
            die "$lock:$n: $pkg pinned to two versions (${lock_ver[$pkg]} and $ver)"
        fi
        lock_lines[$pkg]+="$pkg $ver $file $sum"$'\n'
    done <"$lock"
    ((${#lock_pkgs[@]})) || die "$lock pins no source packages"
}

dl_dir()  { echo "$cache/deb-src/$1_${lock_ver[$1]}"; }
src_dir() { echo "$cache/src/$1"; }
stamp()   { echo "$cache/src/$1/.pecan-stamp"; }

# bad_files P: prints "file expected actual" for each pinned file of P that is missing or wrong.
bad_files() {
    local pkg=$1 dir ver file sum actual
    dir=$(dl_dir "$pkg")
    local -A have=()
    local files=()
    while read -r _ _ file _; do
        [[ -n $file && -f $dir/$file ]] && files+=("$file")
    done <<<"${lock_lines[$pkg]}"
    if ((${#files[@]})); then
        while read -r actual file; do have[$file]=$actual; done < <(cd "$dir" && sha256sum -- "${files[@]}")
    fi
    while read -r _ ver file sum; do
        [[ -z $file ]] && continue
        actual=${have[$file]:-missing}
        [[ $actual == "$sum" ]] || echo "$file $sum $actual"
    done <<<"${lock_lines[$pkg]}"
}

source_ok() {
    local pkg=$1 st
    st=$(stamp "$pkg")
    [[ -f $st && "$(<"$st")"$'\n' == "${lock_lines[$pkg]}" ]] || return 1
    [[ -z $(bad_files "$pkg") ]]
}

# available P V: does apt know source package P at version V?
available() {
    apt-cache showsrc --only-source "$1" 2>/dev/null | grep -qx "Version: $2"
}

fetch_source() {
    local pkg=$1 ver=${lock_ver[$1]} dir log bad file exp act
    dir=$(dl_dir "$pkg")
    mkdir -p "$dir"
    # Drop downloads that do not match the lock (corrupt or partial); keep good ones.
    while read -r file exp act; do
        [[ -n $file && $act != missing ]] || continue
        say "$pkg: $file does not match the lock (sha256 $act), fetching it again"
        rm -f -- "$dir/$file"
    done < <(bad_files "$pkg")
    if [[ -n $(bad_files "$pkg") ]]; then
        if ! available "$pkg" "$ver"; then
            can_be_root || die "$pkg $ver: source not known to apt; run as root: apt-get update"
            apt_update_once
            available "$pkg" "$ver" || die "$pkg $ver: source package version not available from the configured deb-src entries"
        fi
        say "fetching $pkg $ver"
        log=$(mktemp)
        if ! (cd "$dir" && apt-get "${apt_src_opts[@]}" source --only-source --download-only "$pkg=$ver") >"$log" 2>&1; then
            cat "$log" >&2; rm -f "$log"
            die "$pkg $ver: apt-get source failed"
        fi
        rm -f "$log"
    fi
    bad=$(bad_files "$pkg")
    if [[ -n $bad ]]; then
        while read -r file exp act; do
            echo "setup: error: $pkg $ver: $file: sha256 expected $exp, actual $act" >&2
        done <<<"$bad"
        die "$pkg $ver: downloaded sources do not match $lock (left in $dir)"
    fi
}

extract_source() {
    local pkg=$1 ver=${lock_ver[$1]} dir dsc out scratch tmp log
    dir=$(dl_dir "$pkg")
    dsc=$(awk '$3 ~ /\.dsc$/ {print $3; exit}' <<<"${lock_lines[$pkg]}")
    [[ -n $dsc ]] || die "$pkg: no .dsc pinned in $lock"
    out=$(src_dir "$pkg")
    mkdir -p "$cache/src"
    # dpkg-source leaves links to the orig tarballs next to its output: use a scratch parent.
    scratch=$(mktemp -d "$cache/src/.$pkg.XXXXXX")
    tmp="$scratch/$pkg"
    log=$(mktemp)
    # --no-check: the archive keys may be absent; the sha256 pin of the .dsc is our check, and
    # dpkg-source checks every other file against the checksums listed in the .dsc.
    if ! dpkg-source --no-check -x "$dir/$dsc" "$tmp" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; rm -rf -- "$scratch"
        die "$pkg $ver: dpkg-source -x failed"
    fi
    rm -f "$log"
    printf '%s' "${lock_lines[$pkg]}" >"$tmp/.pecan-stamp"
    rm -rf -- "$out"
    mv -- "$tmp" "$out"
    rm -rf -- "$scratch"
    say "unpacked $pkg $ver into $out"
}

# ---------------------------------------------------------------- --update-lock
update_lock() {
    ((${#update_specs[@]})) || die "--update-lock needs <package>=<version> arguments"
    [[ -f $lock ]] || die "lock file $lock not found"
    local spec pkg ver tmp new f
    new=$(mktemp)
    cp -- "$lock" "$new"
    for spec in "${update_specs[@]}"; do
        pkg=${spec%%=*}; ver=${spec#*=}
        [[ -n $pkg && -n $ver ]] || die "bad spec '$spec' (want <package>=<version>)"
        if ! available "$pkg" "$ver"; then
            can_be_root && apt_update_once
            available "$pkg" "$ver" || die "$pkg $ver: source package version not available"
        fi
        tmp=$(mktemp -d)
        (cd "$tmp" && apt-get "${apt_src_opts[@]}" source --only-source --download-only "$pkg=$ver") >/dev/null ||
            die "$pkg $ver: apt-get source failed"
        # Keep other packages' lines (and comments) in place; append the new pins.
        awk -v p="$pkg" '$1 != p' "$new" >"$new.tmp" && mv "$new.tmp" "$new"
        for f in $(cd "$tmp" && ls); do
            echo "$pkg $ver $f $(sha256sum <"$tmp/$f" | cut -d' ' -f1)" >>"$new"
        done
        rm -rf -- "$tmp"
        say "pinned $pkg $ver"
    done
    diff -u "$lock" "$new" || true
    mv -- "$new" "$lock"
    say "updated $lock; run tools/setup.sh to fetch (and bump pkg/*/VERSION)"
}

# ---------------------------------------------------------------- main
if [[ $mode == update-lock ]]; then update_lock; exit 0; fi

read_lock
mapfile -t missing < <(missing_packages)
need_debsrc=0; have_debsrc || need_debsrc=1
stale=()
for pkg in "${lock_pkgs[@]}"; do source_ok "$pkg" || stale+=("$pkg"); done

if ((${#missing[@]} == 0 && need_debsrc == 0 && ${#stale[@]} == 0)); then
    say "all dependencies present"
    exit 0
fi

if [[ $mode == check ]]; then
    ((${#missing[@]})) && say "missing packages: ${missing[*]}"
    ((need_debsrc)) && say "missing: a deb-src entry in $apt_etc (would create $debsrc_file)"
    for pkg in "${stale[@]}"; do
        say "missing or out of date: source $pkg ${lock_ver[$pkg]} in $(src_dir "$pkg")"
        while read -r file exp act; do
            [[ -n $file ]] && say "  $file: ${act/#[0-9a-f]*/sha256 mismatch}"
        done < <(bad_files "$pkg")
    done
    exit 1
fi

if ((${#missing[@]} || need_debsrc)) && ! can_be_root; then
    ((${#missing[@]})) && echo "setup: error: missing packages: ${missing[*]}" >&2
    ((need_debsrc)) && echo "setup: error: no deb-src entry; create $debsrc_file containing:" >&2 &&
        echo "    ${debsrc_entry//$'\n'/$'\n'    }" >&2
    if ((${#missing[@]})); then
        die "not root and no password-less sudo; run as root:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    die "not root and no password-less sudo; create that file as root, then: apt-get update"
fi

if ((need_debsrc)); then
    say "adding deb-src entry $debsrc_file"
    echo "$debsrc_entry" | as_root tee "$debsrc_file" >/dev/null
    apt_update_once
fi

if ((${#missing[@]})); then
    apt_update_once
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi

for pkg in "${stale[@]}"; do
    fetch_source "$pkg"
    extract_source "$pkg"
    # Old versions of this package's downloads are no longer pinned.
    for d in "$cache/deb-src/${pkg}_"*; do
        [[ -d $d && $d != "$(dl_dir "$pkg")" ]] && rm -rf -- "$d"
    done
done
say "done"
