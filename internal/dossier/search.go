package dossier

import (
	"context"
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
)

// Finding a dossier (tìm hồ sơ): an official types what the citizen at the desk says — a
// code read from the receipt, a name without its accents, a CCCD or a phone number — and
// narrows by procedure, status, channel and the day it was filed. The answer holds only
// what the caller may open (Service.Access's rule, as a query), newest first, a page at
// a time by a key (the last row's filing time and id), never by skipping rows.

// Search is what is asked, as parsed from a request.
type Search struct {
	// Text is what was typed: a dossier code (or its end), a CCCD or phone number, or
	// words of the applicant's name, accents optional.
	Text          string
	ProcedureCode string
	Statuses      []Status
	Channel       Channel
	// From and To bound the local day of filing; zero: open.
	From, To calendar.Date
	// UnitID narrows an official's search to one of their units; 0: all of them.
	UnitID int64
	Limit  int
	// After is the cursor of the previous page's last row ("" for the first page).
	After string
}

// SearchScope is who may be seen: the union of its parts. Service.Search builds it from
// the principal; the store turns each part into one branch of the query.
type SearchScope struct {
	All   bool    // the system administrator: every dossier
	Units []int64 // an official's units: dossiers they receive or decide
	// OwnerID: the citizen's own dossiers.
	OwnerID int64
	// AssistedBy: the dossiers this volunteer filed in AssistUnits (where they still
	// serve on the digital team) under a consent that still stands.
	AssistedBy  int64
	AssistUnits []int64
}

// SearchFilter is a search ready for the store: the text sorted into what it can be.
type SearchFilter struct {
	Scope SearchScope
	// Words are the folded words of a name: each must begin a word of the applicant's
	// folded name (catalog.Matches), the rule of the procedure search too.
	Words []string
	// Code matches a dossier code exactly or by its end ("260126-0007"); without a
	// hyphen it is the sequence at the end ("0007").
	Code string
	// Numbers match the applicant's identity number or phone exactly, in each of the
	// forms Phones gives.
	Numbers       []string
	ProcedureCode string
	Statuses      []Status
	Channel       Channel
	// FromAt and ToAt bound the filing instant: FromAt <= submitted_at < ToAt; zero: open.
	FromAt, ToAt time.Time
	Limit        int
	// After: only rows before this key in the order (submitted_at DESC, id DESC).
	After *SearchKey
}

// SearchKey is a row's place in the search order, and the count of the first page
// (Total, Capped), which the following pages carry instead of counting again.
type SearchKey struct {
	SubmittedAt time.Time
	ID          int64
	Total       int
	Capped      bool
}

// SearchPage is one page of results; Next is the cursor of the following page, "" at
// the end. Total counts every match, up to SearchCountCap (Capped says it stopped there).
type SearchPage struct {
	Items  []Dossier
	Total  int
	Capped bool
	Next   string
}

// SearchCountCap bounds the count of matches: beyond it a page says "more than".
const SearchCountCap = 10000

// Limits of a search as typed.
const (
	searchTextMax  = 100
	searchDefault  = 20
	searchLimitMax = 100
)

// Errors of a search's parameters.
var (
	ErrSearchText   = apperr.New(apperr.Invalid, "invalid_search", "Nội dung tìm kiếm quá dài (tối đa 100 ký tự).")
	ErrSearchDates  = apperr.New(apperr.Invalid, "invalid_search_dates", "Khoảng ngày không hợp lệ: ngày dạng YYYY-MM-DD, từ ngày không sau đến ngày.")
	ErrSearchCursor = apperr.New(apperr.Invalid, "invalid_cursor", "Tham số trang tiếp theo (after) không hợp lệ.")
	ErrSearchLimit  = apperr.New(apperr.Invalid, "invalid_pagination", "Tham số limit phải là số nguyên từ 1 đến 100.")
	ErrSearchStatus = apperr.New(apperr.Invalid, "invalid_status", "status không hợp lệ; dùng các giá trị submitted, received, processing, supplement_requested, resolved, returned, refused, stopped, withdrawn, cách nhau bằng dấu phẩy.")
)

// Searcher is what searching needs from storage.
type Searcher interface {
	// SearchDossiers answers a page; it counts the matches (up to SearchCountCap) only
	// on a first page (f.After nil), else total is -1.
	SearchDossiers(ctx context.Context, f SearchFilter) (items []Dossier, total int, capped bool, err error)
}

// Search finds the dossiers p may open that match q.
func (s *Service) Search(ctx context.Context, p *auth.Principal, q Search) (SearchPage, error) {
	f, err := Filter(p, q)
	if err != nil {
		return SearchPage{}, err
	}
	f.Limit++ // one more tells whether a next page exists
	items, total, capped, err := s.Store.SearchDossiers(ctx, f)
	if err != nil {
		return SearchPage{}, err
	}
	if f.After != nil {
		total, capped = f.After.Total, f.After.Capped
	}
	page := SearchPage{Items: items, Total: total, Capped: capped}
	if len(items) == f.Limit {
		page.Items = items[:f.Limit-1]
		last := page.Items[len(page.Items)-1]
		page.Next = EncodeCursor(SearchKey{SubmittedAt: last.SubmittedAt, ID: last.ID, Total: total, Capped: capped})
	}
	return page, nil
}

// Filter checks q and sorts its text; the scope is what p may see (Service.Access's
// rule): the system administrator everything; an official the dossiers their units
// receive or decide (UnitID narrows to one of them); a volunteer those they filed under
// a standing consent while still on that unit's team; a citizen their own.
func Filter(p *auth.Principal, q Search) (SearchFilter, error) {
	if p == nil {
		return SearchFilter{}, apperr.ErrUnauthenticated
	}
	f := SearchFilter{ProcedureCode: strings.TrimSpace(q.ProcedureCode), Statuses: q.Statuses, Channel: q.Channel, Limit: q.Limit}
	switch {
	case f.Limit == 0:
		f.Limit = searchDefault
	case f.Limit < 0 || f.Limit > searchLimitMax:
		return f, ErrSearchLimit
	}
	if len([]rune(q.Text)) > searchTextMax {
		return f, ErrSearchText
	}
	var zero calendar.Date
	if q.From != zero && q.To != zero && q.To.Before(q.From) {
		return f, ErrSearchDates
	}
	if q.From != zero {
		f.FromAt = q.From.Time().UTC()
	}
	if q.To != zero {
		f.ToAt = q.To.AddDays(1).Time().UTC()
	}
	if q.After != "" {
		k, err := DecodeCursor(q.After)
		if err != nil {
			return f, err
		}
		f.After = &k
	}
	f.Code, f.Numbers, f.Words = SortText(q.Text)

	switch {
	case p.IsSystemAdmin():
		f.Scope.All = true
		if q.UnitID != 0 {
			f.Scope = SearchScope{Units: []int64{q.UnitID}}
		}
	case p.HasRole(auth.OfficeRoles...):
		for _, m := range p.Memberships {
			if slices.Contains(auth.OfficeRoles, m.Role) && !slices.Contains(f.Scope.Units, m.UnitID) {
				f.Scope.Units = append(f.Scope.Units, m.UnitID)
			}
		}
		if q.UnitID != 0 {
			if !slices.Contains(f.Scope.Units, q.UnitID) {
				return f, apperr.ErrForbidden
			}
			f.Scope.Units = []int64{q.UnitID}
		}
	default:
		f.Scope.OwnerID = p.UserID
		for _, m := range p.Memberships {
			if m.Role == auth.RoleDigitalTeam && !slices.Contains(f.Scope.AssistUnits, m.UnitID) {
				f.Scope.AssistedBy = p.UserID
				f.Scope.AssistUnits = append(f.Scope.AssistUnits, m.UnitID)
			}
		}
	}
	return f, nil
}

// minNumber is the fewest digits of an identity or phone number (an old identity card
// has 9, a CCCD 12, a phone 10); fewer digits are the sequence at a code's end.
const minNumber = 9

// SortText reads what was typed: a dossier code or the end of one (letters, digits and
// dots with a hyphen: "000.00.12.H45-260126-0007", "260126-0007"); digits alone (spaces,
// dots and a leading + dropped) — from 9 digits a CCCD, an old identity card number or a
// phone number, found exactly; fewer, the sequence at a code's end; else the words of a
// name, folded.
func SortText(text string) (code string, numbers []string, words []string) {
	t := strings.TrimSpace(text)
	if t == "" {
		return "", nil, nil
	}
	if strings.Contains(t, "-") && strings.IndexFunc(t, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '.' || r == '-')
	}) < 0 {
		return strings.ToUpper(t), nil, nil
	}
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '+' {
			return -1
		}
		return r
	}, t)
	if digits != "" && strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		if len(digits) < minNumber {
			return digits, nil, nil // the sequence at a code's end
		}
		return "", Phones(digits), nil
	}
	return "", nil, catalog.SearchTerms(t)
}

// Phones returns the forms a Vietnamese number may be stored in: as typed, and a mobile
// number both with its leading 0 and with the country code 84 ("0912345678",
// "84912345678", "+84912345678").
func Phones(digits string) []string {
	out := []string{digits}
	switch {
	case strings.HasPrefix(digits, "84") && len(digits) == 11:
		out = append(out, "0"+digits[2:], "+"+digits)
	case strings.HasPrefix(digits, "0") && len(digits) == 10:
		out = append(out, "84"+digits[1:], "+84"+digits[1:])
	}
	return out
}

// EncodeCursor writes a row's place as an opaque cursor.
func EncodeCursor(k SearchKey) string {
	total := int64(k.Total)
	if k.Capped {
		total = -total - 1
	}
	raw := strconv.FormatInt(k.SubmittedAt.UTC().UnixMicro(), 36) + "." + strconv.FormatInt(k.ID, 36) + "." + strconv.FormatInt(total, 36)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor reads a cursor EncodeCursor wrote.
func DecodeCursor(s string) (SearchKey, error) {
	if len(s) > 64 {
		return SearchKey{}, ErrSearchCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return SearchKey{}, ErrSearchCursor
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 {
		return SearchKey{}, ErrSearchCursor
	}
	us, err1 := strconv.ParseInt(parts[0], 36, 64)
	id, err2 := strconv.ParseInt(parts[1], 36, 64)
	total, err3 := strconv.ParseInt(parts[2], 36, 64)
	if err1 != nil || err2 != nil || err3 != nil || id <= 0 || total > SearchCountCap || total < -SearchCountCap-1 {
		return SearchKey{}, ErrSearchCursor
	}
	k := SearchKey{SubmittedAt: time.UnixMicro(us).UTC(), ID: id, Total: int(total)}
	if total < 0 {
		k.Total, k.Capped = int(-total-1), true
	}
	return k, nil
}

var (
	ErrSearchChannel = apperr.New(apperr.Invalid, "invalid_channel", "channel không hợp lệ; dùng counter, online, national_portal, post hoặc assisted.")
	ErrSearchDay     = apperr.New(apperr.Invalid, "invalid_search_dates", "from và to là ngày dạng YYYY-MM-DD.")
)

// ParseSearch reads a search from a query string, the parameters of the API's
// GET /api/v1/dossiers and of the office's search page: q, procedure, status
// (comma-separated), channel, from, to (YYYY-MM-DD), limit, after.
func ParseSearch(q url.Values) (Search, error) {
	s := Search{Text: q.Get("q"), ProcedureCode: q.Get("procedure"), After: q.Get("after")}
	if v := q.Get("status"); v != "" {
		for _, part := range strings.Split(v, ",") {
			st, ok := ParseStatus(part)
			if !ok {
				return s, ErrSearchStatus
			}
			s.Statuses = append(s.Statuses, st)
		}
	}
	if v := q.Get("channel"); v != "" {
		ch, ok := ParseChannel(v)
		if !ok {
			return s, ErrSearchChannel
		}
		s.Channel = ch
	}
	for _, d := range []struct {
		name string
		dst  *calendar.Date
	}{{"from", &s.From}, {"to", &s.To}} {
		if v := q.Get(d.name); v != "" {
			date, err := calendar.ParseDate(v)
			if err != nil {
				return s, ErrSearchDay
			}
			*d.dst = date
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, ErrSearchLimit
		}
		s.Limit = n
	}
	return s, nil
}
