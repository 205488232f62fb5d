#!/bin/bash
# tests/host/docs.sh - the documentation holds together: every relative
# link in every Markdown file of the tree (README, docs/, labs/) names a
# file that exists, and every #anchor a heading of that file, spelled as
# GitHub spells heading anchors (lower case, punctuation dropped, spaces
# to hyphens, "-1", "-2" for repeats).  Web links are not fetched.
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

summary
