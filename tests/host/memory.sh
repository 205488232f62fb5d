#!/bin/bash
# tests/host/memory.sh - the memory probe on this machine: every figure is a
# demonstration that is verified with its notes or skipped with its reason,
# and the facts it shows hold exactly: mmap hands out whole pages, a hole
# too small is not used while one that fits is, /proc/buddyinfo was read.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab

"$ML" run --quick --json memory >"$tmp/run.json" 2>"$tmp/run.err"
check "run --json memory exits 0" test $? -eq 0
check "run --json memory parses as JSON" jqok . "$tmp/run.json"
check "every figure is the memory probe's, none failed" \
	jqok '(.figures | length > 0) and ([.figures[] | .probe == "memory" and .failed != true] | all)' \
	"$tmp/run.json"
check "every figure skipped with a reason, or verified with notes" \
	jqok '[.figures[] | if .skipped then (.skip_reason | type == "string" and length > 0)
		else .verified == true and (.notes | length > 0) end] | all' "$tmp/run.json"

unless_skipped internal-fragmentation-mmap "mmap of 1, 100 and 4096 bytes maps one page, 4097 two" \
	jqok '.figures[] | select(.figure == "internal-fragmentation-mmap") | .extra
		| .vma_bytes_for_1 == .page_size and .vma_bytes_for_100 == .page_size
		  and .vma_bytes_for_4096 == .page_size and .vma_bytes_for_4097 == 2 * .page_size' \
	"$tmp/run.json"
unless_skipped internal-fragmentation-mmap "writing 1 mapped byte makes one page resident" \
	jqok '.figures[] | select(.figure == "internal-fragmentation-mmap") | .extra
		| .rss_before_bytes == 0 and .rss_delta_bytes == .page_size' "$tmp/run.json"
unless_skipped external-fragmentation-heap "a request no hole fits grows the heap; one that fits uses a hole" \
	jqok '.figures[] | select(.figure == "external-fragmentation-heap") | .extra
		| .big_in_hole == 0 and .small_in_hole == 1 and .heap_growth_bytes >= .request_bytes' \
	"$tmp/run.json"
unless_skipped buddyinfo "/proc/buddyinfo read: zones, orders and free memory" \
	jqok '.figures[] | select(.figure == "buddyinfo") | .extra
		| .zones >= 1 and .orders >= 1 and .free_kib > 0' "$tmp/run.json"

summary
