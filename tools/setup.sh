#!/usr/bin/env bash
# Pecan setup: installs the Debian packages the build needs and fetches the Debian packages
# pinned in tools/deps.lock into the git-ignored cache, checking their sha256: source
# packages (unpacked with Debian's patches) and binary packages the build takes files from
# (the .deb unpacked, never installed). Idempotent: a re-run with everything in place does
# nothing. See docs/dependencies.md.
#
#   tools/setup.sh                      install/fetch whatever is missing
#   tools/setup.sh --check              report what is missing (exit 1), change nothing
#   tools/setup.sh --update-lock P=V..  re-pin package P to version V in tools/deps.lock
#                                       (--binary before the specs: new ones are .debs)
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
    sed -n -e '8,10s/^#   /usage: /p' -e '11s/^#   /       /p' "${BASH_SOURCE[0]}" >&2
    exit "${1:-2}"
}

mode=setup
update_specs=()
update_binary=0
while (($#)); do
    case $1 in
        --check) mode=check ;;
        --update-lock) mode=update-lock ;;
        --binary) [[ $mode == update-lock ]] || usage; update_binary=1 ;;
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
# lock_pkgs: package names in lock order; lock_ver[P]; lock_lines[P] (the stamp text).
# A package whose one pinned file is a .deb is a binary package, used as data (its files,
# never installed); any other is a source package (.dsc, .orig.tar.*, .debian.tar.*).
declare -a lock_pkgs=()
declare -A lock_ver=() lock_lines=() lock_kind=()
read_lock() {
    [[ -f $lock ]] || die "lock file $lock not found"
    local pkg ver file sum extra n=0
    declare -A debs=() files=()
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
        files[$pkg]=$((${files[$pkg]:-0} + 1))
        [[ $file == *.deb ]] && debs[$pkg]=1
    done <"$lock"
    ((${#lock_pkgs[@]})) || die "$lock pins no packages"
    for pkg in "${lock_pkgs[@]}"; do
        lock_kind[$pkg]=source
        [[ -n ${debs[$pkg]:-} ]] || continue
        ((${files[$pkg]} == 1)) || die "$lock: binary package $pkg must pin exactly one .deb"
        lock_kind[$pkg]=binary
    done
}

# Source packages download into deb-src/, binary ones into deb/; both unpack into
# src/<package>, the one place the build looks.
dl_dir() {
    if [[ ${lock_kind[$1]} == binary ]]; then echo "$cache/deb/$1_${lock_ver[$1]}"
    else echo "$cache/deb-src/$1_${lock_ver[$1]}"; fi
}
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

package_ok() {
    local pkg=$1 st
    st=$(stamp "$pkg")
    [[ -f $st && "$(<"$st")"$'\n' == "${lock_lines[$pkg]}" ]] || return 1
    [[ -z $(bad_files "$pkg") ]]
}

# available P V KIND: does apt know the source or binary package P at version V?
# grep reads all of apt-cache's output (no -q): under pipefail, an apt-cache ended early by
# SIGPIPE would make a package that is there look missing.
available() {
    if [[ $3 == binary ]]; then
        apt-cache show --no-all-versions "$1=$2" 2>/dev/null | grep -x "Version: $2" >/dev/null
    else
        apt-cache showsrc --only-source "$1" 2>/dev/null | grep -x "Version: $2" >/dev/null
    fi
}

# download P V KIND DIR: the source package's files (apt-get source) or the .deb
# (apt-get download) into DIR.
download() {
    local pkg=$1 ver=$2 kind=$3 dir=$4
    if [[ $kind == binary ]]; then
        (cd "$dir" && apt-get "${apt_src_opts[@]}" download "$pkg=$ver")
    else
        (cd "$dir" && apt-get "${apt_src_opts[@]}" source --only-source --download-only "$pkg=$ver")
    fi
}

fetch_package() {
    local pkg=$1 ver=${lock_ver[$1]} kind=${lock_kind[$1]} dir log bad file exp act
    dir=$(dl_dir "$pkg")
    mkdir -p "$dir"
    # Drop downloads that do not match the lock (corrupt or partial); keep good ones.
    while read -r file exp act; do
        [[ -n $file && $act != missing ]] || continue
        say "$pkg: $file does not match the lock (sha256 $act), fetching it again"
        rm -f -- "$dir/$file"
    done < <(bad_files "$pkg")
    if [[ -n $(bad_files "$pkg") ]]; then
        if ! available "$pkg" "$ver" "$kind"; then
            can_be_root || die "$pkg $ver: $kind package not known to apt; run as root: apt-get update"
            apt_update_once
            available "$pkg" "$ver" "$kind" ||
                die "$pkg $ver: $kind package version not available from the configured apt entries"
        fi
        say "fetching $kind package $pkg $ver"
        log=$(mktemp)
        if ! download "$pkg" "$ver" "$kind" "$dir" >"$log" 2>&1; then
            cat "$log" >&2; rm -f "$log"
            die "$pkg $ver: fetching the $kind package failed"
        fi
        rm -f "$log"
    fi
    bad=$(bad_files "$pkg")
    if [[ -n $bad ]]; then
        while read -r file exp act; do
            echo "setup: error: $pkg $ver: $file: sha256 expected $exp, actual $act" >&2
        done <<<"$bad"
        die "$pkg $ver: downloaded files do not match $lock (left in $dir)"
    fi
}

# unpack P DIR: a source package with Debian's patches applied, or the files of a .deb.
unpack() {
    local pkg=$1 out=$2 dir dsc
    dir=$(dl_dir "$pkg")
    if [[ ${lock_kind[$pkg]} == binary ]]; then
        # Only the data archive: no maintainer script runs, nothing is installed.
        dpkg-deb -x "$dir/$(awk '{print $3; exit}' <<<"${lock_lines[$pkg]}")" "$out"
        return
    fi
    dsc=$(awk '$3 ~ /\.dsc$/ {print $3; exit}' <<<"${lock_lines[$pkg]}")
    [[ -n $dsc ]] || { echo "$pkg: no .dsc pinned in $lock"; return 1; }
    # --no-check: the archive keys may be absent; the sha256 pin of the .dsc is our check, and
    # dpkg-source checks every other file against the checksums listed in the .dsc.
    dpkg-source --no-check -x "$dir/$dsc" "$out"
}

extract_package() {
    local pkg=$1 ver=${lock_ver[$1]} out scratch tmp log
    out=$(src_dir "$pkg")
    mkdir -p "$cache/src"
    # dpkg-source leaves links to the orig tarballs next to its output: use a scratch parent.
    scratch=$(mktemp -d "$cache/src/.$pkg.XXXXXX")
    tmp="$scratch/$pkg"
    log=$(mktemp)
    if ! unpack "$pkg" "$tmp" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; rm -rf -- "$scratch"
        die "$pkg $ver: unpacking the ${lock_kind[$pkg]} package failed"
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
    local spec pkg ver tmp new f kind
    new=$(mktemp)
    cp -- "$lock" "$new"
    for spec in "${update_specs[@]}"; do
        pkg=${spec%%=*}; ver=${spec#*=}
        [[ -n $pkg && -n $ver ]] || die "bad spec '$spec' (want <package>=<version>)"
        # A pinned package keeps its kind; a new one is a source package unless --binary.
        kind=source
        if ((update_binary)) || awk -v p="$pkg" '$1 == p {print $3}' "$lock" | grep -q '\.deb$'; then
            kind=binary
        fi
        if ! available "$pkg" "$ver" "$kind"; then
            can_be_root && apt_update_once
            available "$pkg" "$ver" "$kind" || die "$pkg $ver: $kind package version not available"
        fi
        tmp=$(mktemp -d)
        download "$pkg" "$ver" "$kind" "$tmp" >/dev/null 2>&1 ||
            die "$pkg $ver: fetching the $kind package failed"
        # Keep other packages' lines (and comments) in place; append the new pins.
        awk -v p="$pkg" '$1 != p' "$new" >"$new.tmp" && mv "$new.tmp" "$new"
        for f in $(cd "$tmp" && ls); do
            echo "$pkg $ver $f $(sha256sum <"$tmp/$f" | cut -d' ' -f1)" >>"$new"
        done
        rm -rf -- "$tmp"
        say "pinned $kind package $pkg $ver"
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
for pkg in "${lock_pkgs[@]}"; do package_ok "$pkg" || stale+=("$pkg"); done

if ((${#missing[@]} == 0 && need_debsrc == 0 && ${#stale[@]} == 0)); then
    say "all dependencies present"
    exit 0
fi

if [[ $mode == check ]]; then
    ((${#missing[@]})) && say "missing packages: ${missing[*]}"
    ((need_debsrc)) && say "missing: a deb-src entry in $apt_etc (would create $debsrc_file)"
    for pkg in "${stale[@]}"; do
        say "missing or out of date: ${lock_kind[$pkg]} package $pkg ${lock_ver[$pkg]} in $(src_dir "$pkg")"
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
    fetch_package "$pkg"
    extract_package "$pkg"
    # Old versions of this package's downloads are no longer pinned.
    for d in "$cache/deb-src/${pkg}_"* "$cache/deb/${pkg}_"*; do
        [[ -d $d && $d != "$(dl_dir "$pkg")" ]] && rm -rf -- "$d"
    done
done
say "done"
