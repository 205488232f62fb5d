#!/bin/bash
# tests/host/view.sh - what a person sees: modelab plot and run --plot (one
# SVG and one PNG per picture), modelab report (one page, nothing fetched,
# shown by headless Chromium with its pictures), modelab compare (a run
# against itself, against its medians doubled, figures in one run only,
# JSON and CSV, runs pooled a side) and an exact error, exit 2, for every
# bad input.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab
export MODELAB_TMPDIR=$tmp/scratch
mkdir -p "$MODELAB_TMPDIR"

# the pictures a report makes: a figure with a median gets one; each probe
# with one gets its summary and, when a figure has a witness, witnesses-PROBE
pictures() {
	jq '[.figures[] | select(.median_ns != null)] as $t
		| ($t | length) + ($t | map(.probe) | unique | length)
		+ ($t | map(select([.rusage_minflt_per_op, .rusage_majflt_per_op,
			.rusage_nvcsw_per_op, .rusage_nivcsw_per_op,
			.kernel_syscalls_per_op, .kernel_faults_per_op,
			.kernel_signals_per_op, .irq_device_per_op, .irq_tlb_per_op,
			.irq_res_per_op] | any(. != null)) | .probe) | unique | length)' "$1"
}
timed() { jq '[.figures[] | select(.median_ns != null)] | length' "$1"; }
count() { find "$1" -name "*.$2" | wc -l; }
png_magic() {
	for f in "$1"/*.png; do
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
	done
}

# without gnuplot: compare only (plot, report and the page need it)
gnuplot=$(command -v gnuplot)
"$ML" run --quick --json ${gnuplot:+--plot "$tmp/runplots"} syscall fault \
	>"$tmp/run.json" 2>"$tmp/run.err"
check "run --json${gnuplot:+ --plot} exits 0" test $? -eq 0
if [ -z "$gnuplot" ]; then
	skip "plot, report, the page in Chromium" "gnuplot is not installed (Debian: gnuplot-nox; make deps)"
else
	n=$(pictures "$tmp/run.json")
	check "run --plot: $n SVG and $n PNG" \
		test "$(count "$tmp/runplots" svg) $(count "$tmp/runplots" png)" = "$n $n"
	# on stderr, before the run's summary line (stdout holds the JSON)
	check "run --plot says where, on stderr" \
		test "$(head -n 1 "$tmp/run.err")" = "modelab: $((2 * n)) pictures ($n SVG, $n PNG) in $tmp/runplots"
	check "run --plot: then the summary, the last line on stderr" \
		grep -qE "$SUMMARY_RE" <(tail -n 1 "$tmp/run.err")

	out=$("$ML" plot "$tmp/run.json" "$tmp/plots")
	check "plot exits 0 with its one line" \
		test "$out" = "modelab plot: $((2 * n)) pictures ($n SVG, $n PNG) in $tmp/plots"
	check "plot: $n SVG and $n PNG" \
		test "$(count "$tmp/plots" svg) $(count "$tmp/plots" png)" = "$n $n"
	check "plot: the pictures run --plot made, by name" \
		test "$(ls "$tmp/plots")" = "$(ls "$tmp/runplots")"
	check "plot: every PNG starts with the PNG signature" png_magic "$tmp/plots"
	check "plot: one per figure, a summary and witnesses per probe" \
		test -s "$tmp/plots/syscall-getppid-syscall.svg" -a -s "$tmp/plots/summary-fault.png" \
			-a -s "$tmp/plots/witnesses-fault.svg"
	check "plot: gnuplot drew the SVG (no hand-written one)" \
		grep -q 'Produced by GNUPLOT' "$tmp/plots/summary-syscall.svg"

	# ---- report -------------------------------------------------------------
	mkdir "$tmp/page"
	"$ML" report "$tmp/run.json" -o "$tmp/page/report.html" 2>"$tmp/report.err"
	check "report exits 0" test $? -eq 0
	check "report: one file written" test "$(ls "$tmp/page")" = report.html
	check "report: no http:// or https:// in it" \
		bash -c "! grep -qE 'https?://' '$tmp/page/report.html'"
	check "report: every PNG inline, as a data: URI" \
		test "$(grep -o '<img alt="[^"]*" src="data:image/png;base64,' "$tmp/page/report.html" | wc -l)" -eq "$n"
	check "report: every timed figure has its table row" \
		test "$(grep -c '^<tr><td>' "$tmp/page/report.html")" -ge "$(timed "$tmp/run.json")"
	claims=$(jq '[.figures[] | select(.paired.claim != null)] | length' "$tmp/run.json")
	check "report: every claim ($claims) with its outcome" \
		test "$(grep -cE '^<tr><td>[^<]*</td><td>costs (less|more)</td><td>[^<]*</td><td>[^<]*</td><td class="[a-z]*">(held|not held|undecided)' \
			"$tmp/page/report.html")" -eq "$claims"
	check "report: says what it wrote" \
		test "$(cat "$tmp/report.err")" = "modelab report: wrote $tmp/page/report.html ($n pictures inline)"
	check "report: its scratch files are gone" test -z "$(ls -A "$MODELAB_TMPDIR")"
	jq '(.figures[] | select(.figure == "getppid-syscall")) |=
		(.kernel_counted_in = "lab VM" | .kernel_syscalls_per_op = 1)' \
		"$tmp/run.json" >"$tmp/vm.json"
	"$ML" report "$tmp/vm.json" -o "$tmp/vm.html" 2>/dev/null
	check "report: the lab VM's counts when the report has them" \
		grep -q '^<tr><td>syscall/getppid-syscall</td><td>lab VM</td><td class="n">1</td>' "$tmp/vm.html"
	"$ML" report "$tmp/run.json" -o "$tmp/cmp.html" --compare "$tmp/run.json" 2>/dev/null
	check "report --compare: the comparison section" \
		grep -q '<h2 id="compare">' "$tmp/cmp.html"
fi

# ---- compare --------------------------------------------------------------
t=$(timed "$tmp/run.json")
"$ML" compare --json "$tmp/run.json" "$tmp/run.json" >"$tmp/self.json"
check "compare: a run against itself: 'no real difference' for all $t figures" \
	jqok --argjson t "$t" '.comparisons[0].figures | length == $t and
		all(.verdict == "no real difference")' "$tmp/self.json"
# intervals of 10% either way, then every median and interval doubled: the
# verdict is arithmetic, not the machine's
jq '.figures |= map(if .median_ns then .ci95_low_ns = .median_ns * 0.9 |
	.ci95_high_ns = .median_ns * 1.1 else . end)' "$tmp/run.json" >"$tmp/a.json"
jq '.figures |= map(if .median_ns then .median_ns *= 2 | .ci95_low_ns *= 2 |
	.ci95_high_ns *= 2 else . end)' "$tmp/a.json" >"$tmp/b.json"
"$ML" compare "$tmp/a.json" "$tmp/b.json" >"$tmp/double.txt"
check "compare: medians doubled: 'real difference' for all $t figures" \
	test "$(grep -c ' real difference$' "$tmp/double.txt") $(grep -c 'no real' "$tmp/double.txt")" = "$t 0"
check "compare: its closing line" \
	test "$(tail -n 1 "$tmp/double.txt")" = "compare: $t figures in both: $t real differences, 0 not; 0 only in A, 0 only in B"
jq 'del(.figures[] | select(.figure == "getppid-syscall"))' "$tmp/run.json" >"$tmp/less.json"
"$ML" compare --json "$tmp/run.json" "$tmp/less.json" "$tmp/b.json" >"$tmp/three.json"
check "compare: three reports, each against the first" \
	jqok '.comparisons | length == 2 and .[1].b == "'"$tmp/b.json"'"' "$tmp/three.json"
check "compare: a figure in one report only is listed so" \
	jqok '.comparisons[0].only_in_a == [{"probe": "syscall", "figure": "getppid-syscall"}]
		and .comparisons[0].only_in_b == []' "$tmp/three.json"
"$ML" compare --csv "$tmp/run.json" "$tmp/b.json" >"$tmp/cmp.csv"
check "compare --csv: a header and a row per figure, all as wide" \
	test "$(wc -l <"$tmp/cmp.csv") $(awk -F, '{ print NF }' "$tmp/cmp.csv" | sort -u)" = "$((t + 1)) 14"

# ---- compare, runs pooled: A1 A2 -- B1 B2 ---------------------------------
"$ML" compare --json "$tmp/a.json" -- "$tmp/b.json" >"$tmp/one-one.json"
"$ML" compare --json "$tmp/a.json" "$tmp/b.json" >"$tmp/plain.json"
check "compare A -- B: the same figures and verdicts as compare A B" \
	test "$(jq -c '.comparisons[0].figures' "$tmp/one-one.json")" = \
	"$(jq -c '.comparisons[0].figures' "$tmp/plain.json")"
"$ML" compare --json "$tmp/a.json" "$tmp/a.json" -- "$tmp/a.json" "$tmp/a.json" >"$tmp/pool-self.json"
check "compare: two runs a side, all the same: 'no real difference' for all $t figures" \
	jqok --argjson t "$t" '.comparisons | length == 1 and .[0].a_runs == 2 and .[0].b_runs == 2
		and (.[0].figures | length == $t and all(.verdict == "no real difference"))' "$tmp/pool-self.json"
"$ML" compare "$tmp/a.json" "$tmp/a.json" -- "$tmp/b.json" "$tmp/b.json" "$tmp/b.json" >"$tmp/pool.txt"
check "compare: two runs against three, medians doubled: 'real difference' for all $t figures" \
	test "$(grep -c ' real difference$' "$tmp/pool.txt") $(grep -c 'no real' "$tmp/pool.txt")" = "$t 0"
check "compare: the pooled sides are named, with their runs" \
	test "$(sed -n 2p "$tmp/pool.txt")" = "B: $tmp/b.json, $tmp/b.json, $tmp/b.json (3 runs pooled)"
try="try 'modelab help compare'"
refused "$try" "modelab compare: '--' goes once, between A's reports and B's" \
	"$ML" compare -- "$tmp/a.json" "$tmp/b.json"
refused "$try" "modelab compare: '--' goes once, between A's reports and B's" \
	"$ML" compare "$tmp/a.json" -- "$tmp/b.json" -- "$tmp/b.json"
refused "$try" "modelab compare: expected reports on both sides of '--', at most 64 a side" \
	"$ML" compare "$tmp/a.json" "$tmp/b.json" --

# ---- help, bad input: one line, where the help is, exit 2 -----------------
for c in plot report compare; do
	check "help $c is $c --help" test "$("$ML" help "$c")" = "$("$ML" "$c" --help)"
done
echo '{"schema": 2' >"$tmp/bad.json"
echo '{"figures": []}' >"$tmp/other.json"
jq '.schema = 9' "$tmp/run.json" >"$tmp/v9.json"
try="try 'modelab help compare'"
refused "$try" "modelab compare: $tmp/nosuch.json: cannot read: No such file or directory" \
	"$ML" compare "$tmp/run.json" "$tmp/nosuch.json"
refused "$try" "modelab compare: $tmp/bad.json: not valid JSON at byte 13: unexpected end of data" \
	"$ML" compare "$tmp/run.json" "$tmp/bad.json"
refused "$try" "modelab compare: $tmp/other.json: not a modelab report (no modelab_version, schema and figures)" \
	"$ML" compare "$tmp/other.json" "$tmp/run.json"
refused "$try" "modelab compare: $tmp/v9.json: schema 9, this modelab reads schema 2" \
	"$ML" compare "$tmp/run.json" "$tmp/v9.json"
refused "$try" "modelab compare: expected two reports or more, A.json B.json [C.json...]" \
	"$ML" compare "$tmp/run.json"
refused "$try" "modelab compare: --json and --csv exclude each other" \
	"$ML" compare --json --csv "$tmp/run.json" "$tmp/run.json"
refused "try 'modelab help plot'" "modelab plot: expected REPORT.json DIR" "$ML" plot "$tmp/run.json"
refused "try 'modelab help plot'" "modelab plot: $tmp/bad.json: not valid JSON at byte 13: unexpected end of data" \
	"$ML" plot "$tmp/bad.json" "$tmp/p2"
refused "try 'modelab help report'" "modelab report: expected REPORT.json -o FILE.html" \
	"$ML" report "$tmp/run.json"
refused "try 'modelab help report'" "modelab report: unknown option '--nope'" \
	"$ML" report --nope "$tmp/run.json"
refused "try 'modelab help report'" "modelab report: $tmp/v9.json: schema 9, this modelab reads schema 2" \
	"$ML" report "$tmp/run.json" -o "$tmp/x.html" --compare "$tmp/v9.json"
check "nothing written on bad input" test ! -e "$tmp/x.html" -a ! -e "$tmp/p2"

# ---- the page in a browser: no console error, the pictures on screen ------
if [ -z "$gnuplot" ]; then
	:	# no page to show: skipped above
elif ! command -v chromium >/dev/null; then
	skip "the page in headless Chromium" "chromium is not installed (Debian: chromium; make deps)"
elif ! cc -O2 -o "$tmp/pngink" tests/host/pngink.c -lpng 2>"$tmp/cc.err"; then
	skip "the page in headless Chromium" "cannot build tests/host/pngink.c: $(head -n 1 "$tmp/cc.err")"
else
	# shot HTML PNG: a 1200x3000 screenshot; Chromium's log in PNG.log
	shot() {
		HOME=$tmp timeout 60 chromium --headless --no-sandbox --disable-gpu \
			--user-data-dir="$tmp/chromium" --screenshot="$2" \
			--window-size=1200,3000 --enable-logging=stderr --v=0 \
			"file://$1" >/dev/null 2>"$2.log"
	}
	shot "$tmp/page/report.html" "$tmp/shot.png"
	check "chromium: took the screenshot" test -s "$tmp/shot.png"
	check "chromium: no console message" bash -c "! grep -q ':CONSOLE' '$tmp/shot.png.log'"
	# the same page without its pictures: the red the text alone has
	sed 's/<img [^>]*>//g' "$tmp/page/report.html" >"$tmp/text.html"
	shot "$tmp/text.html" "$tmp/text.png"
	read -r ink red < <("$tmp/pngink" "$tmp/shot.png")
	read -r _ text_red < <("$tmp/pngink" "$tmp/text.png")
	check "chromium: the screenshot is not blank ($ink pixels inked)" above "$ink" 100000
	check "chromium: it shows the plots ($red red pixels, $text_red without pictures)" \
		above "$red" "$((text_red + 500))"
fi

summary
