package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s as search compares it: decomposed (NFD) with the combining marks
// dropped, đ and Đ read as d, lower case, and every run of spaces and punctuation made
// one space, trimmed. "Đăng ký  khai-sinh!" folds to "dang ky khai sinh".
//
// The store keeps Fold of [Procedure.SearchText] in a column, because neither SQLite's
// FTS5 nor PostgreSQL's unaccent fold đ, and because Vietnamese typed on a phone often
// comes without diacritics or in decomposed form.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	// Invalid UTF-8 would stop the decomposition of what follows it, leaving marks
	// that a second folding would drop: read it as a separator.
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case unicode.Is(unicode.M, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SearchTerms returns the folded words of a query, the unit [Matches] compares.
func SearchTerms(query string) []string {
	return strings.Fields(Fold(query))
}

// Matches reports whether every term of query is the beginning of a word of text, both
// folded: "khai sinh", "KHAI  SINH", "dang ky khai sinh" and "đăng ký kh" all match
// "Đăng ký khai sinh"; "inh" does not. An empty query matches everything.
//
// Prefixes of words rather than substrings, because that is what FTS5 prefix queries
// ("term*") and PostgreSQL prefix tsqueries ("term:*") do, so the store returns what
// this function would; and because a substring match lets "an" find every "thanh",
// "toan", "quan" in the catalog.
func Matches(query, text string) bool {
	words := strings.Fields(Fold(text))
	for _, term := range SearchTerms(query) {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, term) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
