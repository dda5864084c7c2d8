#!/usr/bin/env bash
# The browser end-to-end suite, as CI runs it: Debian's Chromium (installed when missing; no
# browser is ever downloaded by playwright), then `npm run test:e2e`.
set -euo pipefail
cd "$(dirname "$0")/../.."

# A CJK font too, or the screenshots show boxes where the Chinese text is.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
fi

npm run test:e2e
