#!/usr/bin/env bash
# Debian packages the tests need: Jupyter clients, the conformance suite, Chromium.
# Installs them when running as root and they are missing; otherwise says what to install.
set -euo pipefail
pkgs=(jupyter-client python3-nbclient python3-nbformat jupyter-notebook python3-jupyter-kernel-test chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "symtune: the tests need these Debian packages: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
