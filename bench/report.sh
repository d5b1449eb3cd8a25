#!/usr/bin/env bash
# report.sh RESULTS.json: the Markdown table of one run, ratios to both ceilings on every HTTP row.
set -euo pipefail
jq -r '
  def r1: if . == null then "" else (. * 10 | round / 10 | tostring) end;
  def r2: if . == null then "" else (. * 100 | round / 100 | tostring) end;
  def ms: if . == null then "" else (if . < 10 then r2 else r1 end) end;
  (.rows | map(select(.step == "ceiling" and (.variant | startswith("nginx")))) | .[0].rps) as $nginx |
  (.rows | map(select(.step == "ceiling" and (.variant | contains("blocking")))) | .[0].rps) as $mn |
  "Run \(.date) · \(.command) · \(.machine.cores) cores, \(.machine.cpu) · \(.machine.jvm) · commit \(.machine.commit) · \(.elapsed_s) s",
  "",
  "Load: \(.load); broker JVM \(.broker_java_opts); response \(.response_bytes) bytes. Detected: Redis adapters \(.detected.redis_adapters), micronaut-security in the jar \(.detected.micronaut_security_in_jar).",
  "",
  "| step | variant | requests/s | p50 ms | p99 ms | p99.9 ms | failed | × nginx | × Micronaut constant | other |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  (.rows[] |
    if .status != "measured" then
      "| \(.step) | \(.variant) | \(.status) | | | | | | | \(.note) |"
    else
      ([ (if .upstream_calls != null then "upstream calls \(.upstream_calls)" else empty end),
         (if .distinct_tokens != null then "distinct tokens \(.distinct_tokens)" else empty end),
         (if .slowest_vs_one_upstream_call != null then "slowest caller \(.max_ms | r1) ms = \(.slowest_vs_one_upstream_call) × one upstream call" else empty end),
         (if .token_lifetimes_in_window != null then "\(.requests) requests, \(.token_lifetimes_in_window) serve windows of 2 s, max wait \(.max_ms | r1) ms" else empty end),
         (if .added_p50_ms != null then "added above the upstream: \(.added_p50_ms) ms at p50" else empty end),
         (if .rss_mib != null then "RSS \(.rss_mib) MiB; registered \(.registered_per_s | round)/s, first fetches \(.first_fetch_per_s | round)/s" else empty end),
         (if .mean_ms != null then "mean \(.mean_ms) ms (min \(.min_ms), max \(.max_ms), \(.runs) runs)" else empty end),
         (if .note != "" then .note else empty end)
       ] | join("; ")) as $other |
      "| \(.step) | \(.variant) | \(.rps | if . == null then "" else round end) | \(.p50_ms | ms) | \(.p99_ms | ms) | \(.p999_ms | ms) | \((.errors // .failed // 0)) | \(if .rps != null and $nginx != null and .p999_ms != null then (.rps / $nginx | r2) else "" end) | \(if .rps != null and $mn != null and .p999_ms != null then (.rps / $mn | r2) else "" end) | \($other) |"
    end)
' "$1"
