package certify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Finish completes an entry once its number is taken, inside the transaction that
// stores it: the certification text, and the payment request of its fee (nil when the
// fee is nothing) with that request's first event.
type Finish func(e Entry) (Entry, *payment.Request, payment.Event, error)

// Query selects lines of the register: a unit's, of one kind (or every kind when
// empty), of one year (0: any) or one day (zero: any).
type Query struct {
	UnitID        int64
	Kind          Kind
	Year          int
	Day           calendar.Date
	Limit, Offset int
}

// Store is what the register needs from storage.
type Store interface {
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	UserByUsername(ctx context.Context, username string) (auth.User, error)
	Memberships(ctx context.Context, userID int64) ([]auth.Membership, error)
	// RecordCertification takes the next number of e's book (unit, kind, year), runs
	// finish, and stores the entry, its fee's payment request with its event and the
	// audit record — one transaction. Concurrent calls never get the same number.
	RecordCertification(ctx context.Context, e Entry, finish Finish) (Entry, error)
	// Certifications lists the lines q selects, by kind then number, with their total.
	Certifications(ctx context.Context, q Query) ([]Entry, int, error)
	// Certification is one line (ErrNotFound).
	Certification(ctx context.Context, id int64) (Entry, error)
	// CertificationDay is a unit's lines of a day, each with its fee's payment request.
	CertificationDay(ctx context.Context, unitID int64, day calendar.Date) ([]DayLine, error)
	// PaymentRequestsByReference finds a fee's payment request (its receipt).
	PaymentRequestsByReference(ctx context.Context, ref string) ([]payment.StoredRequest, error)
}

// ReceiptID is the fee receipt issued for entry e's fee (0: none yet, or no fee). e is
// an entry its reader was given (Service.Entry).
func (s *Service) ReceiptID(ctx context.Context, e Entry) (int64, error) {
	if e.PaymentReference == "" {
		return 0, nil
	}
	prs, err := s.Store.PaymentRequestsByReference(ctx, e.PaymentReference)
	if err != nil {
		return 0, err
	}
	for _, pr := range prs {
		if pr.CertificationID == e.ID {
			return pr.ReceiptID, nil
		}
	}
	return 0, nil
}

// Roles that record certifications (the desk's counter officers) and that read and
// print the register (the desk, the justice officer, the leaders who sign, the
// accountant who reconciles, the unit's administrator).
var (
	RecordRoles = []auth.Role{auth.RoleCounter}
	ReadRoles   = []auth.Role{auth.RoleCounter, auth.RoleSpecialist, auth.RoleLeader, auth.RoleAccountant, auth.RoleUnitAdmin}
	// CertifierRoles may certify: the commune's leaders (Chủ tịch, Phó Chủ tịch) and
	// the justice and civil-status officer (công chức tư pháp - hộ tịch), who is a
	// specialist here.
	CertifierRoles = []auth.Role{auth.RoleLeader, auth.RoleSpecialist}
)

var certifierTitles = map[auth.Role]string{
	auth.RoleLeader:     "lãnh đạo Ủy ban nhân dân",
	auth.RoleSpecialist: "công chức Tư pháp - Hộ tịch",
}

// Service keeps the register: it checks the desk's request, computes the fee, chooses
// the book, and stores the entry with its number, its text and its fee's payment request
// in one transaction.
type Service struct {
	Store Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Record enters r in unit unitID's register for p, a counter officer of that unit.
func (s *Service) Record(ctx context.Context, p *auth.Principal, unitID int64, r Request) (Entry, error) {
	if !p.Can(unitID, RecordRoles...) {
		return Entry{}, apperr.ErrForbidden
	}
	r, err := Check(r)
	if err != nil {
		return Entry{}, err
	}
	u, err := s.Store.UnitByID(ctx, unitID)
	if err != nil {
		return Entry{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	e := Entry{UnitID: unitID, Kind: r.Kind, Year: YearOf(now), At: now, Day: calendar.DateOf(now),
		Document: r.Document, Requester: r.Requester, Pages: r.Pages, Copies: r.Copies,
		Fee: Fee(r.Kind, r.Pages, r.Copies), RecordedBy: p.UserID, RecorderName: nameOf(p)}
	e.Book = Book(e.Kind, e.Year)
	if r.Certifier != "" {
		if e.CertifierID, e.CertifierName, e.CertifierTitle, err = s.certifier(ctx, unitID, r.Certifier); err != nil {
			return Entry{}, err
		}
	}
	by := payment.ActorOf(p)
	return s.Store.RecordCertification(ctx, e, func(e Entry) (Entry, *payment.Request, payment.Event, error) {
		e.Statement = Statement(e, u.Name)
		ref, err := payment.CertificationReference(e.UnitID, string(e.Kind), e.Year, e.Number)
		if err != nil {
			return e, nil, payment.Event{}, err
		}
		e.PaymentReference = ref
		req, ev, err := payment.NewCertificationRequest(e.UnitID, ref, payment.Item{Name: FeeName(e.Kind), Amount: e.Fee}, by, e.At)
		if err != nil {
			return e, nil, payment.Event{}, err
		}
		return e, &req, ev, nil
	})
}

// FeeName is the name of a kind's fee on its payment request and receipt.
func FeeName(k Kind) string {
	return map[Kind]string{
		KindCopy:      "Phí chứng thực bản sao từ bản chính",
		KindSignature: "Phí chứng thực chữ ký",
		KindContract:  "Phí chứng thực hợp đồng, giao dịch",
	}[k]
}

// certifier finds the official named username who may certify in unit unitID.
func (s *Service) certifier(ctx context.Context, unitID int64, username string) (int64, string, string, error) {
	bad := &FieldError{Problems: map[string]*apperr.Error{"certifier": ErrCertifier}}
	u, err := s.Store.UserByUsername(ctx, username)
	if errors.Is(err, auth.ErrUserNotFound) {
		return 0, "", "", bad
	}
	if err != nil {
		return 0, "", "", err
	}
	if u.Disabled {
		return 0, "", "", bad
	}
	ms, err := s.Store.Memberships(ctx, u.ID)
	if err != nil {
		return 0, "", "", err
	}
	for _, role := range CertifierRoles {
		if slices.ContainsFunc(ms, func(m auth.Membership) bool { return m.UnitID == unitID && m.Role == role }) {
			name := u.FullName
			if name == "" {
				name = u.Username
			}
			return u.ID, name, certifierTitles[role], nil
		}
	}
	return 0, "", "", bad
}

func nameOf(p *auth.Principal) string {
	if p.FullName != "" {
		return p.FullName
	}
	return p.Username
}

// Register lists unit unitID's lines of kind (every kind when empty) in year, for p.
func (s *Service) Register(ctx context.Context, p *auth.Principal, unitID int64, kind Kind, year int) ([]Entry, error) {
	if !p.Can(unitID, ReadRoles...) {
		return nil, apperr.ErrForbidden
	}
	if kind != "" {
		if _, ok := ParseKind(string(kind)); !ok {
			return nil, ErrKind
		}
	}
	if year < 2000 || year > 2100 {
		return nil, ErrBadYear
	}
	var out []Entry
	for offset := 0; ; offset += 500 {
		es, total, err := s.Store.Certifications(ctx, Query{UnitID: unitID, Kind: kind, Year: year, Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
		if len(es) == 0 || len(out) >= total {
			return out, nil
		}
	}
}

// List is one page of unit unitID's lines of kind (every kind when empty) in year,
// with their total, for p.
func (s *Service) List(ctx context.Context, p *auth.Principal, unitID int64, kind Kind, year, limit, offset int) ([]Entry, int, error) {
	if !p.Can(unitID, ReadRoles...) {
		return nil, 0, apperr.ErrForbidden
	}
	if kind != "" {
		if _, ok := ParseKind(string(kind)); !ok {
			return nil, 0, ErrKind
		}
	}
	if year < 2000 || year > 2100 {
		return nil, 0, ErrBadYear
	}
	return s.Store.Certifications(ctx, Query{UnitID: unitID, Kind: kind, Year: year, Limit: limit, Offset: offset})
}

// Entry is one line, for p who may read the unit's register; others get ErrNotFound.
func (s *Service) Entry(ctx context.Context, p *auth.Principal, id int64) (Entry, error) {
	e, err := s.Store.Certification(ctx, id)
	if err != nil {
		return e, err
	}
	if !p.Can(e.UnitID, ReadRoles...) {
		return Entry{}, ErrNotFound
	}
	return e, nil
}

// Reconcile is the reconciliation of unit unitID's register on day with the payments
// of its fees, for p.
func (s *Service) Reconcile(ctx context.Context, p *auth.Principal, unitID int64, day calendar.Date) (Reconciliation, error) {
	if !p.Can(unitID, ReadRoles...) {
		return Reconciliation{}, apperr.ErrForbidden
	}
	lines, err := s.Store.CertificationDay(ctx, unitID, day)
	if err != nil {
		return Reconciliation{}, fmt.Errorf("certify: day %s of unit %d: %w", day, unitID, err)
	}
	return Reconcile(day, lines), nil
}

// Today is the current date in Vietnam, by the service's clock.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now()) }
