# Sourced by the scripts (setup.sh, ci-sanitize.sh, package.sh), not run on its own.
#
# installMissingPackages WHO PACKAGE...
#   Installs those of the Debian packages that are not installed yet, with apt-get (through sudo
#   when not root), and says so under the name WHO; installs and prints nothing when all are
#   there, so the scripts stay idempotent.
installMissingPackages() {
  local who="$1" p
  shift
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "$who: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
