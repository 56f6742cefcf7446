package speech

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Reading written Vietnamese aloud. A synthesiser reads "1.250.000đ", "14/02/2026",
// "7h30" or "UBND" wrongly or not at all; Normalize writes them as they are said, the
// northern way (DOMAIN.md §13): numbers with locale.Words — the one reading of numbers,
// which the receipts' amounts in words use too (linh, nghìn, tỷ, mốt, tư, lăm) — dates,
// times, money, percentages, measures, phone numbers digit by digit, and abbreviations
// from an editable table. The result is one line in lower case.

//go:embed abbreviations.tsv
var abbreviationsTSV string

// ErrAbbreviations: an abbreviation table that cannot be read.
var ErrAbbreviations = apperr.New(apperr.Invalid, "speech_abbreviations_invalid",
	"Bảng chữ viết tắt không đúng dạng: mỗi dòng một chữ viết tắt, một dấu tab, rồi cách đọc.")

// Limits of an abbreviation table an administrator supplies.
const (
	maxAbbreviations    = 2000
	maxAbbreviationLine = 300
)

// ParseAbbreviations reads a table of abbreviations: one per line, the abbreviation, a
// tab, and how it is read ("UBND\tủy ban nhân dân"); empty lines and lines starting with
// # are skipped. It reads at most 2,000 entries of 300 bytes a line.
func ParseAbbreviations(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxAbbreviationLine+1), maxAbbreviationLine+1)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		abbr, reading, ok := strings.Cut(text, "\t")
		abbr, reading = strings.TrimSpace(abbr), strings.TrimSpace(reading)
		if !ok || abbr == "" || reading == "" || strings.ContainsAny(abbr, " \t") || !utf8.ValidString(text) {
			return nil, ErrAbbreviations.With(fmt.Errorf("line %d", line))
		}
		if len(out) == maxAbbreviations {
			return nil, ErrAbbreviations.With(fmt.Errorf("more than %d entries", maxAbbreviations))
		}
		out[locale.NFC(abbr)] = strings.ToLower(locale.NFC(reading))
	}
	if err := sc.Err(); err != nil {
		return nil, ErrAbbreviations.With(fmt.Errorf("line %d: %w", line+1, err))
	}
	return out, nil
}

// DefaultAbbreviations returns the table xaso ships (abbreviations.tsv).
func DefaultAbbreviations() map[string]string {
	t, err := ParseAbbreviations(strings.NewReader(abbreviationsTSV))
	if err != nil {
		panic("speech: abbreviations.tsv: " + err.Error()) // the embedded file is tested
	}
	return t
}

// Reader normalises text with an abbreviation table.
type Reader struct {
	abbr map[string]string
}

// NewReader returns a Reader with xaso's table, extended (or overridden) by extra.
func NewReader(extra map[string]string) *Reader {
	t := DefaultAbbreviations()
	for k, v := range extra {
		t[k] = v
	}
	return &Reader{abbr: t}
}

// Normalize writes text as it is read aloud, in one line, lower case. A text over
// MaxText characters is refused before any work.
func (rd *Reader) Normalize(text string) (string, error) {
	if len(text) > 4*MaxText || utf8.RuneCountInString(text) > MaxText {
		return "", ErrTooLong
	}
	s := locale.NFC(strings.ToValidUTF8(text, " "))
	// Lines are sentences.
	s = strings.NewReplacer("\r\n", ". ", "\n", ". ", "\r", ". ").Replace(s)
	for _, p := range passes {
		s = p.re.ReplaceAllStringFunc(s, func(m string) string {
			sub := p.re.FindStringSubmatch(m)
			// A pass whose pattern starts with a group (^|…) took the character before
			// the match to know what it follows (Go's expressions look behind nowhere):
			// it is given back.
			lead := ""
			if p.lead {
				lead, sub = sub[1], append(sub[:1:1], sub[2:]...)
			}
			out, ok := p.read(sub)
			if !ok {
				return m
			}
			return lead + " " + out + " "
		})
	}
	s = rd.words(s)
	return tidy(s), nil
}

// Normalize is Reader.Normalize with xaso's own table.
func Normalize(text string) (string, error) { return defaultReader.Normalize(text) }

var defaultReader = NewReader(nil)

type pass struct {
	re   *regexp.Regexp
	lead bool                            // the pattern's first group is the character before the match
	read func(m []string) (string, bool) // false: leave the match as it was
}

// notAfterNumber starts a pattern that must not continue a number, a date or a code
// (000.000.000 inside 3.000.000.000 is no phone number, 02/2026 inside 31/02/2026 no month).
const notAfterNumber = `(^|[^\d.,/-])`

// A number as written in Vietnamese: thousands separated by dots, a decimal comma.
const num = `\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?`

// passes run in order over the whole text; each writes words without digits, so a
// later pass never reads an earlier one's output.
var passes = []pass{
	// Phone numbers and other digit strings that start with 0 or +84: digit by digit,
	// their groups kept as pauses. Before dates and numbers (0912.345.678 is no number).
	{regexp.MustCompile(notAfterNumber + `(?:\+84|\b0)\d{2,3}(?:[ .]?\d{3}){2}\d?\b|\b(?:1800|1900)[ .]?\d{3,4}\b`), true, func(m []string) (string, bool) {
		return digits(strings.ReplaceAll(m[0], "+84", "0")), true
	}},
	// Dates: 14/02/2026, 14-02-2026, 14.02.2026.
	{regexp.MustCompile(notAfterNumber + `(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})\b`), true, func(m []string) (string, bool) {
		if m[2] != m[4] {
			return "", false
		}
		d, mo, y := atoi(m[1]), atoi(m[3]), atoi(m[5])
		if !validDay(d, mo) {
			return "", false
		}
		return "ngày " + dayWords(d) + " tháng " + monthWords(mo) + " năm " + words(int64(y)), true
	}},
	// A month and a year: 02/2026.
	{regexp.MustCompile(notAfterNumber + `(\d{1,2})/(\d{4})\b`), true, func(m []string) (string, bool) {
		mo := atoi(m[1])
		if mo < 1 || mo > 12 {
			return "", false
		}
		return "tháng " + monthWords(mo) + " năm " + words(int64(atoi(m[2]))), true
	}},
	// A day and a month: 14/02 (a fraction is rare in what a commune announces).
	{regexp.MustCompile(notAfterNumber + `(\d{1,2})/(\d{1,2})\b`), true, func(m []string) (string, bool) {
		d, mo := atoi(m[1]), atoi(m[2])
		if !validDay(d, mo) {
			return "", false
		}
		return "ngày " + dayWords(d) + " tháng " + monthWords(mo), true
	}},
	// Times: 7h30, 7h, 07:30, 17g00, 7h30p.
	{regexp.MustCompile(`\b(\d{1,2})(?:\s?[hH](\d{2})?|[gG](\d{2})|:(\d{2}))(?:ph|p|')?\b`), false, func(m []string) (string, bool) {
		h, mins := atoi(m[1]), m[2]+m[3]+m[4]
		if h > 24 {
			return "", false
		}
		out := words(int64(h)) + " giờ"
		if mins != "" {
			mi := atoi(mins)
			if mi > 59 {
				return "", false
			}
			if mi > 0 {
				out += " " + words(int64(mi)) + " phút"
			}
		}
		return out, true
	}},
	// Ranges between two numbers: 7-9, 2025 – 2030.
	{regexp.MustCompile(`(` + num + `)\s?[-–]\s?(` + num + `)`), false, func(m []string) (string, bool) {
		a, ok1 := number(m[1])
		b, ok2 := number(m[2])
		return a + " đến " + b, ok1 && ok2
	}},
	// "thứ 2" … "thứ 7" (the weekdays) and "thứ 1", "thứ 4" as ordinals are said nhất, tư.
	{regexp.MustCompile(`(?i)\b(thứ)\s+(\d{1,2})\b`), false, func(m []string) (string, bool) {
		switch m[2] {
		case "1":
			return m[1] + " nhất", true
		case "4":
			return m[1] + " tư", true
		}
		return m[1] + " " + words(int64(atoi(m[2]))), true
	}},
	// Numbers with what follows them: money, percent, measures.
	{regexp.MustCompile(`(` + num + `)(\s?(?:%|đồng|đ|VNĐ|VND|vnđ|vnd|km/h|km²|km2|km|kg|ha|mm|cm|m²|m2|m³|m3|°C|độ C|m|tấn|lít|l)(?:[^\p{L}\d]|$))?`), false, func(m []string) (string, bool) {
		n, ok := number(m[1])
		if !ok {
			return "", false
		}
		unit := strings.TrimSpace(m[2])
		tail := ""
		if unit != "" {
			// The character after the unit, which the pattern had to take.
			if last, size := utf8.DecodeLastRuneInString(unit); !unicode.IsLetter(last) && !unicode.IsDigit(last) &&
				!strings.HasSuffix(unit, "%") && !strings.HasSuffix(unit, "²") && !strings.HasSuffix(unit, "³") && !strings.HasSuffix(unit, "/h") {
				unit, tail = strings.TrimSpace(unit[:len(unit)-size]), string(last)
			}
		}
		if unit == "" {
			return n + tail, true
		}
		if tail == "/" { // 200.000 đồng/bản: "đồng một bản"
			tail = " một"
		}
		return n + " " + unitWords[unit] + tail, true
	}},
}

var unitWords = map[string]string{
	"%": "phần trăm", "đồng": "đồng", "đ": "đồng", "VNĐ": "đồng", "VND": "đồng", "vnđ": "đồng", "vnd": "đồng",
	"km/h": "ki lô mét một giờ", "km²": "ki lô mét vuông", "km2": "ki lô mét vuông", "km": "ki lô mét",
	"kg": "ki lô gam", "ha": "héc ta", "mm": "mi li mét", "cm": "xăng ti mét", "m²": "mét vuông", "m2": "mét vuông",
	"m³": "mét khối", "m3": "mét khối", "°C": "độ xê", "độ C": "độ xê", "m": "mét", "tấn": "tấn", "lít": "lít", "l": "lít",
}

// number reads a written number: 1.250.000 → một triệu hai trăm năm mươi nghìn,
// 3,5 → ba phẩy năm, 3,05 → ba phẩy không năm. Digits past int64 are read one by one.
func number(s string) (string, bool) {
	whole, frac, hasFrac := strings.Cut(s, ",")
	whole = strings.ReplaceAll(whole, ".", "")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return digits(whole), true
	}
	out := words(n)
	if len(whole) > 1 && whole[0] == '0' {
		out = digits(whole)
	}
	if hasFrac {
		if f, err := strconv.ParseInt(frac, 10, 64); err == nil && frac[0] != '0' && len(frac) <= 3 {
			out += " phẩy " + words(f)
		} else {
			out += " phẩy " + digits(frac)
		}
	}
	return out, true
}

// words is locale.Words in lower case.
func words(n int64) string { return strings.ToLower(locale.Words(n)) }

// digits reads each digit of s by its name, other signs as pauses.
func digits(s string) string {
	var w []string
	for _, r := range s {
		if r >= '0' && r <= '9' {
			w = append(w, digitNames[r-'0'])
		}
	}
	return strings.Join(w, " ")
}

// dayWords: the first ten days of a month are said with "mùng" (mùng một, mùng mười).
func dayWords(d int) string {
	if d <= 10 {
		return "mùng " + words(int64(d))
	}
	return words(int64(d))
}

// monthWords: tháng tư, not tháng bốn.
func monthWords(m int) string {
	if m == 4 {
		return "tư"
	}
	return words(int64(m))
}

var monthDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func validDay(d, m int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= monthDays[m] }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// words reads the abbreviations of the table and spells the rest that a voice cannot
// read: codes mixing letters and digits (A012, 3A) and capitals not in the table.
func (rd *Reader) words(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		core := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if core == "" {
			continue
		}
		lead := f[:strings.Index(f, core)]
		trail := f[len(lead)+len(core):]
		fields[i] = lead + rd.word(core) + trail
	}
	return strings.Join(fields, " ")
}

func (rd *Reader) word(w string) string {
	if r, ok := rd.abbr[w]; ok {
		return r
	}
	// NĐ-CP, QĐ-UBND, GD&ĐT: each part.
	if strings.ContainsAny(w, "-/&") {
		parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '/' || r == '&' })
		for i, p := range parts {
			parts[i] = rd.word(p)
		}
		return strings.Join(parts, " ")
	}
	hasDigit, hasUpper, allUpper := false, false, true
	for _, r := range w {
		switch {
		case unicode.IsDigit(r):
			hasDigit = true
		case unicode.IsUpper(r):
			hasUpper = true
		case unicode.IsLetter(r):
			allUpper = false
		}
	}
	if hasDigit || (hasUpper && allUpper && utf8.RuneCountInString(w) >= 2) {
		return Spell(w)
	}
	return w
}

var saidTwice = regexp.MustCompile(`(?i)\b(?:(ngày) ngày|(tháng) tháng) `)

// tidy makes one line: lines become sentences, spaces are single, and punctuation sits
// against the word before it.
func tidy(s string) string {
	// A slash left between words (30/2020/NĐ-CP) is a pause.
	s = strings.NewReplacer("/", ", ", "\t", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{",", ".", ";", ":", "!", "?"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	// "ngày 14/02/2026" is said once "ngày", "tháng 02/2026" once "tháng".
	s = saidTwice.ReplaceAllString(s, "$1$2 ")
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	return strings.ToLower(strings.Trim(s, " ."))
}
