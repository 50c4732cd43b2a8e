#!/usr/bin/env bash
# Re-vendor GOV.UK Frontend's precompiled files into static/govuk/ (see docs/adr: vendoring).
# Usage: scripts/vendor-govuk-frontend.sh [VERSION]   (needs npm; the app itself does not)
set -euo pipefail
version="${1:-5.14.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack "govuk-frontend@$version" >/dev/null
tar xzf "govuk-frontend-$version.tgz"
rm -rf "$root/static/govuk"
mkdir -p "$root/static/govuk"
cp package/dist/govuk/govuk-frontend.min.css package/dist/govuk/govuk-frontend.min.js "$root/static/govuk/"
cp -r package/dist/govuk/assets "$root/static/govuk/"
cp package/LICENSE.txt "$root/static/govuk/LICENSE.txt" 2>/dev/null || true
# The precompiled CSS points at /assets/; make it relative so it works under STATIC_URL.
sed -i 's#url(/assets/#url(assets/#g' "$root/static/govuk/govuk-frontend.min.css"
# The source maps are not vendored (they serve only to debug GOV.UK Frontend itself), so drop the
# references to them: WhiteNoise's manifest storage (collectstatic in production) refuses a reference to a missing
# file (docs/adr/0010-production-deployment.md).
sed -i '/sourceMappingURL=/d' "$root/static/govuk/govuk-frontend.min.css"
sed -i 's#//\# sourceMappingURL=.*$##' "$root/static/govuk/govuk-frontend.min.js"
echo "$version" > "$root/static/govuk/VERSION"
