#!/bin/bash
# tests/host/docs.sh - the documentation holds together: every relative
# link in every Markdown file of the tree (README, docs/, labs/) names a
# file that exists, and every #anchor a heading of that file, spelled as
# GitHub spells heading anchors (lower case, punctuation dropped, spaces
# to hyphens, "-1", "-2" for repeats).  Web links are not fetched.
# The front pages stay short and lead everywhere: README.md at most about
# 200 lines, README.zh-CN.md beside it, every chapter of docs/ reachable
# from each by following links, each chapter opening with its title, and
# every docs/ chapter that 'modelab help' names existing.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh

# anchors FILE: the anchor of each heading of FILE, one per line.  Fenced
# code is skipped: a '#' line there is a comment, not a heading.
anchors() {
	awk '/^```/ { fence = !fence; next } !fence && /^#+ / { print }' "$1" |
		sed -E 's/^#+ +//; s/ +#+ *$//' |
		sed -E 's/`//g; s/\[([^]]*)\]\([^)]*\)/\1/g' |
		tr 'A-Z' 'a-z' |
		sed -E 's/[][!"#$%&'\''()*+,./:;<=>?@\\^{|}~]//g' |
		sed -E 's/（|）|，|：|、|。|？|！|“|”|《|》|；//g' |
		sed -E 's/ /-/g' |
		awk '{ n = seen[$0]++; print (n ? $0 "-" n : $0) }'
}

# links FILE: each relative link target of FILE (path#anchor), one a line.
links() {
	awk '/^```/ { fence = !fence; next } !fence' "$1" |
		grep -oE '\]\([^) ]+\)' | sed -E 's/^\]\(//; s/\)$//' |
		grep -vE '^(https?|mailto|ftp):'
}

broken=0
files=0
count=0
while IFS= read -r md; do
	files=$((files + 1))
	dir=$(dirname "$md")
	while IFS= read -r target; do
		[ -n "$target" ] || continue
		count=$((count + 1))
		path=${target%%#*}
		anchor=
		case $target in *'#'*) anchor=${target#*#} ;; esac
		if [ -z "$path" ]; then
			file=$md
		else
			file=$dir/$path
		fi
		if [ ! -e "$file" ]; then
			fail "$md: link to $target" "no file $file"
			broken=$((broken + 1))
		elif [ -n "$anchor" ] && [ -f "$file" ] &&
			! anchors "$file" | grep -qxF -- "$anchor"; then
			fail "$md: link to $target" "no heading with anchor #$anchor in $file"
			broken=$((broken + 1))
		fi
	done < <(links "$md")
done < <(git ls-files '*.md')
check "every relative link of $files Markdown files resolves ($count links, $broken broken)" \
	test "$broken" -eq 0

# reachable START: every Markdown file reached from START by relative links.
reachable() {
	local todo=("$1") seen=" $1 " md target file
	while [ ${#todo[@]} -gt 0 ]; do
		md=${todo[0]}
		todo=("${todo[@]:1}")
		while IFS= read -r target; do
			target=${target%%#*}
			case $target in *.md) ;; *) continue ;; esac
			file=$(realpath -m --relative-to=. "$(dirname "$md")/$target")
			[ -f "$file" ] || continue
			case $seen in *" $file "*) continue ;; esac
			seen="$seen$file "
			todo+=("$file")
		done < <(links "$md")
	done
	echo "$seen" | tr ' ' '\n' | grep .
}

for front in README.md README.zh-CN.md; do
	if [ ! -f "$front" ]; then
		check "$front exists" false
		continue
	fi
	reached=$(reachable "$front")
	missing=$(git ls-files 'docs/*.md' | grep -vxF -f <(echo "$reached") | tr '\n' ' ')
	check "every docs/ chapter is reachable from $front${missing:+ (not: $missing)}" \
		test -z "$missing"
done
lines=$(wc -l < README.md)
check "README.md is a front page: $lines lines, at most 220" test "$lines" -le 220

untitled=
for md in $(git ls-files 'docs/*.md'); do
	head -1 "$md" | grep -q '^# ' || untitled="$untitled $md"
done
check "every docs/ chapter opens with its title${untitled:+ (not:$untitled)}" \
	test -z "$untitled"

# The chapters 'modelab help' and the man page send a reader to.
named=$(grep -ohE 'docs/[A-Za-z0-9_.-]+\.md' user/*/*.c docs/modelab.1 | sort -u)
absent=
for f in $named; do [ -f "$f" ] || absent="$absent $f"; done
check "every chapter modelab's help names exists ($(echo "$named" | wc -w) named)${absent:+ (absent:$absent)}" \
	test -z "$absent"

summary
