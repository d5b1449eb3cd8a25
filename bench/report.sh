#!/usr/bin/env bash
# report.sh RESULTS.json: the Markdown table of one bench/run.sh results document (faults: Results.java faults-report).
set -euo pipefail
exec java "$(dirname "${BASH_SOURCE[0]}")/Results.java" report "$1"
