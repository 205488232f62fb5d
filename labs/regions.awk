# labs/regions.awk - the regions of a lab's files: what the student writes
# is marked, in the reference, by a line holding "BEGIN SOLUTION" and one
# holding "END SOLUTION" (for a lab done in the project's own tree, the
# lab's name follows: "BEGIN SOLUTION lab3-command:"), in the file's own
# comment syntax.  The student's copy has "TODO" and "END TODO" there:
#
#	/* BEGIN SOLUTION: the goal */      ->   /* TODO: the goal */
#	...the reference's code...               (the student's code)
#	/* END SOLUTION */                  ->   /* END TODO */
#
#   awk -v mode=strip [-v tag=LAB] -f regions.awk FILE
#	FILE in the student's form: every region (of LAB only, when tag is
#	set) emptied, its markers turned into TODO and END TODO.  A marker
#	unbalanced or nested: a line on stderr, exit 3.
#
#   awk -v mode=splice [-v tag=LAB] -v report=R -v name=PATH -f regions.awk BASE STUDENT
#	BASE (the grader's copy, either form) with each region's body taken
#	from STUDENT's region of the same rank (PATH: the file's name, whose
#	suffix says whether it is C): everything outside the
#	regions comes from BASE.  STUDENT's regions are found by their
#	opening markers (by their text when STUDENT added other "TODO:"
#	lines); R gets one line per finding:
#	    outside N      N lines outside the regions differ from BASE's
#	    markers WHY    STUDENT's markers are not BASE's: every region empty
#	    directive K L  region K held the preprocessor line L: emptied
#	    empty K        region K is empty (nothing written there)
#	    regions N      BASE has N regions
#	A region's body may not hold #define, #undef, #include, #pragma or
#	#line, nor an #if it does not close: a region is code in its place,
#	never a change to the code around it.
function open_re() { return tag == "" ? "(BEGIN SOLUTION|TODO):" : "(BEGIN SOLUTION|TODO) " tag ":" }
function close_re() { return tag == "" ? "END (SOLUTION|TODO)([^A-Za-z:]|$)" : "END (SOLUTION|TODO) " tag "([^a-z0-9-]|$)" }
function student_form(s) {
	sub(/BEGIN SOLUTION/, "TODO", s)
	sub(/END SOLUTION/, "END TODO", s)
	return s
}
function norm(s) { s = student_form(s); gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
function fail(msg) { print FILENAME ":" FNR ": " msg > "/dev/stderr"; bad = 1; exit 3 }

# (strip reads the reference: its markers say SOLUTION; a TODO there is text)
function strip_open_re() { return tag == "" ? "BEGIN SOLUTION:" : "BEGIN SOLUTION " tag ":" }
function strip_close_re() { return tag == "" ? "END SOLUTION([^A-Za-z:]|$)" : "END SOLUTION " tag "([^a-z0-9-]|$)" }
mode == "strip" {
	if ($0 ~ strip_open_re()) {
		if (inreg) fail("BEGIN SOLUTION inside another")
		inreg = 1
		print student_form($0)
		next
	}
	if ($0 ~ strip_close_re()) {
		if (!inreg) fail("END SOLUTION without BEGIN")
		inreg = 0
		print student_form($0)
		next
	}
	if (!inreg) print
	next
}
END {
	if (mode == "strip") {
		if (inreg && !bad) { print FILENAME ": BEGIN SOLUTION never ended" > "/dev/stderr"; exit 3 }
		exit bad ? 3 : 0
	}
}

# ---- splice: read both files, then merge in END ---------------------------
mode == "splice" && FNR == 1 { file++ }
mode == "splice" && file == 1 { base[++nb] = $0; next }
mode == "splice" && file == 2 { stu[++ns] = $0; next }

function report_line(s) { print s > report }
# parse_base: base regions' open/close line numbers; nbr the count
function parse_base(   i, in_r) {
	for (i = 1; i <= nb; i++) {
		if (!in_r && base[i] ~ open_re()) { nbr++; bopen[nbr] = i; in_r = 1 }
		else if (in_r && base[i] ~ close_re()) { bclose[nbr] = i; in_r = 0 }
	}
}
# parse_student BYTEXT: sopen[k], sclose[k] for k = 1..nbr, or a reason
function parse_student(bytext,   i, k, in_r) {
	k = 0
	for (i = 1; i <= ns; i++) {
		if (!in_r && stu[i] ~ open_re()) {
			if (bytext && (k >= nbr || norm(stu[i]) != norm(base[bopen[k + 1]])))
				continue
			if (++k > nbr) return "more TODO markers than the " nbr " given"
			sopen[k] = i
			in_r = 1
		} else if (in_r && stu[i] ~ close_re()) {
			sclose[k] = i
			in_r = 0
		}
	}
	if (in_r) return "TODO region " k " never ends: its END TODO line is gone"
	if (k < nbr) return k " TODO regions found, " nbr " given: a marker line was changed or removed"
	return ""
}
function is_c_file(f) { return f ~ /\.[ch]$/ }
# other_lab(LINE): 1 when LINE opens another lab's region (in a file
# shared by two labs), -1 when it closes one; those lines and their bodies
# are another lab's, compared by nobody here
function other_lab(l) {
	if (tag == "") return 0
	if (l ~ /(BEGIN SOLUTION|TODO) lab[0-9]+-[a-z0-9-]+:/ && l !~ open_re()) return 1
	if (l ~ /END (SOLUTION|TODO) lab[0-9]+-[a-z0-9-]+/ && l !~ close_re()) return -1
	return 0
}
END {
	if (mode != "splice") exit
	parse_base()
	report_line("regions " nbr)
	why = parse_student(0)
	if (why != "") { delete sopen; delete sclose; why2 = parse_student(1); if (why2 == "") why = "" }
	if (why != "") {
		report_line("markers " why)
		for (k = 1; k <= nbr; k++) { sopen[k] = 0; sclose[k] = -1 }
	}
	# outside lines: base's and student's, region bodies left out
	# (the markers left out too: their text may change between versions)
	nbo = 0; k = 1; other = 0
	for (i = 1; i <= nb; i++) {
		if (k <= nbr && i >= bopen[k] && i < bclose[k]) continue
		if (k <= nbr && i == bclose[k]) { k++; continue }
		o = other_lab(base[i]); if (o == 1) other = 1; if (o || other) { if (o == -1) other = 0; continue }
		bo[++nbo] = norm(base[i])
	}
	if (why == "") {
		nso = 0; k = 1; other = 0
		for (i = 1; i <= ns; i++) {
			if (k <= nbr && i >= sopen[k] && i < sclose[k]) continue
			if (k <= nbr && i == sclose[k]) { k++; continue }
			o = other_lab(stu[i]); if (o == 1) other = 1; if (o || other) { if (o == -1) other = 0; continue }
			so[++nso] = norm(stu[i])
		}
		diff = nso > nbo ? nso - nbo : nbo - nso
		for (i = 1; i <= (nso < nbo ? nso : nbo); i++) diff += so[i] != bo[i]
		if (diff) report_line("outside " diff)
	}
	# the regions' bodies: the student's, each checked
	for (k = 1; k <= nbr; k++) {
		ok[k] = 1
		depth = 0
		lines = 0
		for (i = sopen[k] + 1; i < sclose[k]; i++) {
			if (stu[i] ~ /[^ \t]/) lines++
			if (!is_c_file(name)) continue
			l = stu[i]
			if (l ~ /^[ \t]*#[ \t]*(define|undef|include|include_next|pragma|line|import)([^A-Za-z_]|$)/) {
				report_line("directive " k " " l); ok[k] = 0; break
			}
			if (l ~ /^[ \t]*#[ \t]*if/) depth++
			if (l ~ /^[ \t]*#[ \t]*endif/) depth--
			if (depth < 0) { report_line("directive " k " " l); ok[k] = 0; break }
		}
		if (ok[k] && depth != 0) { report_line("directive " k " an #if the region does not close"); ok[k] = 0 }
		if (!ok[k] || !lines || why != "") report_line("empty " k)
	}
	k = 1
	for (i = 1; i <= nb; i++) {
		if (k <= nbr && i == bopen[k]) {
			print student_form(base[i])
			if (ok[k])
				for (j = sopen[k] + 1; j < sclose[k]; j++) print stu[j]
			continue
		}
		if (k <= nbr && i > bopen[k] && i < bclose[k]) continue
		if (k <= nbr && i == bclose[k]) { print student_form(base[i]); k++; continue }
		print base[i]
	}
}
