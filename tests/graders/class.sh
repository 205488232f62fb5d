#!/bin/bash
# tests/graders/class.sh - a class, end to end (not part of make test: it
# takes minutes, and builds modelab in a student tree):
#
#   1. a clone of this tree, then `make student-tree` of it: the handout;
#   2. in the student tree, as a student: labs 1, 4, 6 and 7 done from the
#      handouts (lab 1: the real run and Chinese answers of
#      tests/graders/lab1-measure; lab 4, 6: tests/graders/class/'s own
#      profile.json, ring.c, counter.c; lab 7: its regions filled from the
#      handout's recipe), each graded there: full marks;
#   3. grep of the student tree for the reference solutions: nothing;
#   4. ten hand-ins packed with `make handin` (four of the above, five of
#      the cheat suite, one whose grade.txt, grade.json and MANIFEST were
#      edited to full marks), `make regrade` of the folder: one CSV.
#
#   bash tests/graders/class.sh [DIR]      (default build/class)
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
D=${1:-$TOP/build/class}
G=$TOP/tests/graders
rm -rf "$D"
mkdir -p "$D/in" "$D/cheats"
fill() {
	cat > "$1.text"
	awk -v n="$2" -v tf="$1.text" '{ print } /(\/\*|#|<!--)[ \t]*TODO( lab[0-9]+-[a-z0-9-]+)?:/ { if (++k == n) while ((getline l < tf) > 0) print l }' "$1" > "$1.fill" &&
		cat "$1.fill" > "$1" && rm -f "$1.fill" "$1.text"
}
export -f fill

# 1. the handout
git clone -q "$TOP" "$D/clone" && make -s -C "$D/clone" student-tree DEST="$D/class" || exit 1
# 2. the labs, done in the student tree
S=$D/class
H=$D/home
for lab in lab1-measure lab4-allowlist lab6-ring lab7-daemon; do
	make -s -C "$S" starter LAB=$lab DEST="$H" > /dev/null || exit 1
done
cp "$G"/lab1-measure/real-run/lab1.json "$G"/lab1-measure/real-run/lab1-vm.txt \
	"$G"/lab1-measure/chinese-answers/files/answers.md "$H/lab1-measure/"
cp "$G/class/profile.json" "$H/lab4-allowlist/"
cp "$G/class/ring.c" "$G/class/counter.c" "$H/lab6-ring/"
(
	cd "$H/lab7-daemon" && CHEAT_DIR=$G/lab7-daemon/x
	. "$G/lab7-daemon/right-close.inc"
	. "$G/lab7-daemon/right-daemonize.inc"
	. "$G/lab7-daemon/right-sigterm.inc"
	. "$G/lab7-daemon/right-reaper.inc"
)
[ -x "$S/bin/modelab" ] || make -s -C "$S" -j2 > "$D/build.log" 2>&1
for lab in lab1-measure lab4-allowlist lab6-ring lab7-daemon; do
	make -s -C "$S" grade LAB=$lab WORK="$H/$lab" > "$D/$lab.txt" 2>&1
	echo "student tree, $lab done from the handout: $(grep '^Score:' "$D/$lab.txt")"
done
# 3. nothing of a reference solution in the student tree
echo "student tree: $(find "$S" -path '*/solution/*' | wc -l) files under solution/, $(find "$S" -path '*/teacher/*' | wc -l) under teacher/, tests/graders there: $(ls -d "$S/tests/graders" 2>/dev/null | wc -l)"
for s in 'wait_for_move' 'ml_probe_migrate' 'ml_watch_descends(struct' 'ml_cmd_watch_tree(const' \
	'ML_MIGRATIONS,' 'atomic_fetch_add_explicit(&counter' '"median_ns": 1036.03' \
	'madvise(pages, pages_len, MADV_NOHUGEPAGE)' 'Model answer'; do
	echo "grep -rF '$s' in the student tree: $(grep -rlF "$s" "$S" --exclude-dir=.git | wc -l) files"
done
# 4. ten hand-ins and the teacher's regrade
. labs/tree.sh
cheat() {	# cheat LAB NAME: the cheat suite's hand-in, as its runner makes it
	local c=$G/$1/$2 w=$D/cheats/$1-$2 base
	base=$(cat "$c/base")
	mkdir -p "$w"
	case $base in
	starter) lab_starter "labs/$1" "$w" ;;
	solution) cp -R "labs/$1/solution/." "$w/" ;;
	dir:*) cp -R "$G/$1/${base#dir:}/." "$w/" ;;
	esac
	[ ! -d "$c/files" ] || cp -R "$c/files/." "$w/"
	[ ! -f "$c/edit.sh" ] || (cd "$w" && CHEAT_DIR=$c bash "$c/edit.sh")
}
pack() {	# pack STUDENT LAB WORK
	HANDIN_USER=$1 HANDIN_OUT=$D/out GRADE_OUT=$D/g WORK=$3 sh scripts/handin.sh "$2" > "$D/$1-$2.handin.txt" 2>&1
	mv "$D"/out/*.tar.gz "$D/in/" && rm -rf "$D/out"
	echo "$1 hands in $2: the student side says $(grep '^Score:' "$D/$1-$2.handin.txt")"
}
pack alice lab7-daemon "$H/lab7-daemon"
pack bob lab4-allowlist "$H/lab4-allowlist"
pack carol lab6-ring "$H/lab6-ring"
pack dave lab1-measure "$H/lab1-measure"
cheat lab7-daemon lazy-daemon-made-up-reaper && pack eve lab7-daemon "$D/cheats/lab7-daemon-lazy-daemon-made-up-reaper"
cheat lab4-allowlist errno-355 && pack frank lab4-allowlist "$D/cheats/lab4-allowlist-errno-355"
cheat lab6-ring racy-serial-joins && pack grace lab6-ring "$D/cheats/lab6-ring-racy-serial-joins"
cheat lab1-measure native-jq-lorem && pack heidi lab1-measure "$D/cheats/lab1-measure-native-jq-lorem"
cheat lab1-measure reference-copy && pack judy lab1-measure "$D/cheats/lab1-measure-reference-copy"
# ivan: the lab 4 starter, its grade files edited to full marks, MANIFEST made again
lab_starter labs/lab4-allowlist "$D/cheats/ivan" && pack ivan lab4-allowlist "$D/cheats/ivan"
t=$(ls "$D"/in/lab4-allowlist-ivan-*.tar.gz)
rm -rf "$D/e" && mkdir "$D/e" && tar xzf "$t" -C "$D/e" && d=$(echo "$D"/e/*)
jq '.score = .max | .full_marks = true | .checks[] |= (.earned = .points | .ok = true | .message = null)' "$d/grade.json" > "$d/g" && mv "$d/g" "$d/grade.json"
sed -i 's/FAIL \[0\/\([0-9]*\)\]: .*/ok [\1\/\1]/; s/^Score: .*/Score: 95\/95/' "$d/grade.txt"
(cd "$d" && { grep '^#' MANIFEST | sed 's/Score: [0-9]*\/95/Score: 95\/95/'; find . -type f ! -name MANIFEST | sed 's|^\./||' | sort | xargs sha256sum; } > "$D/M" &&
	mv "$D/M" MANIFEST && sha256sum --quiet -c MANIFEST && echo "ivan: grade.txt and grade.json edited to 95/95, MANIFEST made again: it checks")
tar -czf "$t" -C "$D/e" "$(basename "$d")"
make -s regrade DIR="$D/in" OUT="$D/grades.csv"
cut -d, -f1-7 "$D/grades.csv"
