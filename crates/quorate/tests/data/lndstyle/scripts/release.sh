#!/usr/bin/env bash
# The release recipe of this test project, written for quorate's tests in
# the style of lnd's scripts/release.sh: `go build` flags in a loop, GNU
# tar fed by `find | sort -r`, `gzip -9n`, Info-ZIP `zip -o -X -r -@` for
# Windows, `go mod vendor` packed as vendor.tar.gz, `git archive` repacked
# as the source tarball, and a `sha256sum | sort -k2` manifest.
#
# Usage: scripts/release.sh TAG "TARGETS" "TAGS" "LDFLAGS"
# (run at the repository root, with the tag checked out).
set -euo pipefail

PKG=example.com/lndstyle
PACKAGE=lndstyle
BUILD_DATE="2020-01-01 00:00:00"
BUILD_DATE_STAMP="202001010000.00"
export TZ=UTC

pack_tar_gz() {
  local dir=$1
  find "${dir}" -print0 | LC_ALL=C sort -r -z | tar \
    "--mtime=${BUILD_DATE}" --no-recursion --null --mode=u+rw,go+r-w,a+X \
    --owner=0 --group=0 --numeric-owner -c -T - | gzip -9n >"${dir}.tar.gz"
  rm -r "${dir}"
}

pack_zip() {
  local dir=$1
  chmod -R 0755 "${dir}"
  touch -t "${BUILD_DATE_STAMP}" "${dir}"
  find "${dir}" -print0 | LC_ALL=C sort -r -z | xargs -0r touch -t "${BUILD_DATE_STAMP}"
  find "${dir}" | LC_ALL=C sort -r | zip -q -o -X -r -@ "${dir}.zip"
  rm -r "${dir}"
}

tag=$1
targets=$2
buildtags=$3
ldflags=$4

go mod vendor
pack_tar_gz vendor

maindir=${PACKAGE}-${tag}
mkdir -p "${maindir}"
mv vendor.tar.gz "${maindir}/"

source_dir=${PACKAGE}-source
git archive -o "${maindir}/${source_dir}.tar" HEAD
cd "${maindir}"
mkdir -p "${source_dir}"
tar -xf "${source_dir}.tar" -C "${source_dir}"
rm "${source_dir}.tar"
pack_tar_gz "${source_dir}"
mv "${source_dir}.tar.gz" "${source_dir}-${tag}.tar.gz"

for i in ${targets}; do
  os=${i%%-*}
  arch=${i#*-}
  dir=${PACKAGE}-${i}-${tag}
  mkdir "${dir}"
  pushd "${dir}" >/dev/null
  env CGO_ENABLED=0 GOOS="${os}" GOARCH="${arch}" go build -trimpath -ldflags="${ldflags}" -tags="${buildtags}" "${PKG}/cmd/lndstyled"
  env CGO_ENABLED=0 GOOS="${os}" GOARCH="${arch}" go build -trimpath -ldflags="${ldflags}" -tags="${buildtags}" "${PKG}/cmd/lndstylecli"
  popd >/dev/null
  sha256sum "${dir}/"* >>"manifest-${tag}.txt"
  if [[ ${os} == windows ]]; then
    pack_zip "${dir}"
  else
    pack_tar_gz "${dir}"
  fi
done

sha256sum ${PACKAGE}-* vendor* >>"manifest-${tag}.txt"
LC_ALL=C sort -k2 -o "manifest-${tag}.txt" "manifest-${tag}.txt"
