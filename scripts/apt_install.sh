#!/bin/bash
# apt-get update and install of the packages named, as root, waiting for another apt to let go
# of its locks (a second checkout's setup, unattended upgrades) instead of failing at once with
# 'Could not get lock'. DPkg::Lock::Timeout covers dpkg's lock; this apt (2.6) does not apply it
# to the package lists' lock that `apt-get update` takes, so that one is retried here.
set -euo pipefail
wait_s=600
deadline=$((SECONDS + wait_s))
while true; do
  if err=$(apt-get -o DPkg::Lock::Timeout=$wait_s update -qq 2>&1 >/dev/null); then
    break
  fi
  if [[ $err != *"Could not get lock"* ]] || ((SECONDS >= deadline)); then
    printf '%s\n' "$err" >&2
    exit 100
  fi
  sleep 2
done
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$wait_s install -y -qq \
  --no-install-recommends "$@" >/dev/null
