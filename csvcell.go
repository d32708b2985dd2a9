package observatory

import "strings"

// Cells of the CSV files the observatory exports are opened in
// spreadsheets, and a cell that begins with =, +, -, @, a tab or a
// carriage return is read there as a formula (CWE-1236, "CSV injection"):
// an outlet's or an actor's name typed by a coordinator, or copied from a
// web page, could run one on an analyst's machine. SpreadsheetCell
// defuses such a cell the way OWASP recommends, with a leading
// apostrophe, and PlainCell undoes it on import, so that exporting and
// importing a file changes nothing.

// formulaStart reports whether a spreadsheet reads s as a formula once
// the apostrophes SpreadsheetCell may have added are taken away.
func formulaStart(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// SpreadsheetCell returns s as a CSV cell that a spreadsheet shows as
// text: with a leading apostrophe if it would start a formula (or if it
// is such a cell already defused, so that PlainCell gives it back).
func SpreadsheetCell(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// PlainCell undoes SpreadsheetCell: it drops the apostrophe it added.
func PlainCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && formulaStart(rest) {
		return rest
	}
	return s
}
