package locale

import (
	"strconv"
	"strings"
)

// Number writes n with a dot between each group of three digits, as Vietnamese does
// (1.205.000): the comma is the decimal separator in Vietnam.
func Number(n int64) string {
	digits := strconv.FormatUint(magnitude(n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, d := range []byte(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(d)
	}
	return b.String()
}

// Money writes an amount of Vietnamese đồng in figures: "50.000 đồng". The đồng has no
// subunit in use, so amounts are whole numbers.
func Money(n int64) string {
	return Number(n) + " đồng"
}

// MoneyWords writes an amount of đồng in words, capitalised, as receipts and fee slips
// repeat it under the figures: "Năm mươi nghìn đồng".
func MoneyWords(n int64) string {
	return Words(n) + " đồng"
}

// Words reads n out in Vietnamese, capitalised: 15 → "Mười lăm", 21 → "Hai mươi mốt",
// 105 → "Một trăm linh năm", 1.205.000 → "Một triệu hai trăm linh năm nghìn".
//
// The reading is the written standard of accounting and administrative documents:
//   - "linh" (not the southern "lẻ") for a zero tens digit before a unit: linh is the form
//     used nationwide on invoices, treasury and fee documents, while lẻ is colloquial;
//   - "nghìn" (not "ngàn") and "tỷ" for the scales; above a tỷ the scales repeat
//     (một nghìn tỷ, một tỷ tỷ);
//   - "mốt" for a unit 1 after "mươi" (hai mươi mốt) but "một" after "mười" and "linh";
//     "tư" for a unit 4 after "mươi" (hai mươi tư) but "bốn" after "mười" and "linh" (the
//     northern reading DOMAIN.md §13 prescribes for the loudspeakers; one reading serves
//     them and the receipts' amounts in words);
//     "lăm" for a unit 5 after mười or mươi but "năm" after linh;
//   - a group of three digits that follows a higher one says its zeros: 1.005.000 is
//     "một triệu không trăm linh năm nghìn"; a group that is all zeros is skipped.
func Words(n int64) string {
	var w []string
	if n < 0 {
		w = append(w, "âm")
	}
	if n == 0 {
		w = append(w, "không")
	}
	w = append(w, read(magnitude(n), false)...)
	return capitalise(strings.Join(w, " "))
}

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// read returns the words for n > 0 (none for 0). full says that a higher group has been
// read already, so this one must say its zero hundreds and zero tens.
func read(n uint64, full bool) []string {
	const billion = 1_000_000_000
	if n >= billion {
		w := append(read(n/billion, full), "tỷ")
		return append(w, read(n%billion, true)...)
	}
	var w []string
	for _, scale := range []struct {
		size uint64
		word string
	}{{1_000_000, "triệu"}, {1_000, "nghìn"}, {1, ""}} {
		g := int(n / scale.size % 1000)
		if g == 0 {
			continue
		}
		w = append(w, group(g, full)...)
		if scale.word != "" {
			w = append(w, scale.word)
		}
		full = true
	}
	return w
}

// group reads 0 < g < 1000.
func group(g int, full bool) []string {
	h, t, u := g/100, g/10%10, g%10
	var w []string
	if h > 0 || full {
		w = append(w, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u == 0:
	case t == 0:
		if h > 0 || full {
			w = append(w, "linh")
		}
		w = append(w, digitWords[u])
	case t == 1:
		w = append(w, "mười")
		w = append(w, unitAfterTens(u, "một", "bốn")...)
	default:
		w = append(w, digitWords[t], "mươi")
		w = append(w, unitAfterTens(u, "mốt", "tư")...)
	}
	return w
}

// unitAfterTens reads the unit digit after mười or mươi; one and four are how 1 and 4
// are said there.
func unitAfterTens(u int, one, four string) []string {
	switch u {
	case 0:
		return nil
	case 1:
		return []string{one}
	case 4:
		return []string{four}
	case 5:
		return []string{"lăm"}
	}
	return []string{digitWords[u]}
}

// magnitude returns |n| without overflowing on math.MinInt64.
func magnitude(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// Decimal writes f the Vietnamese way, the one formatter of figures with a fraction on
// every page: dots between thousands, a comma before the decimals (2.094,5; 26,1).
// digits is the number of decimals; negative: as few as f needs (5,5; 7,33; 12).
func Decimal(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil { // beyond int64: no grouping rather than a wrong one
		n = -1
	}
	out := whole
	if n >= 0 {
		out = Number(n)
	}
	if frac != "" {
		out += "," + frac
	}
	if neg && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return out
}

// Percent writes a rate in percent with one decimal: 26,1%.
func Percent(f float64) string {
	return Decimal(f, 1) + "%"
}
