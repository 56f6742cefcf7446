package document

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/signing"
)

// Settings are a unit's document settings.
type Settings struct {
	UnitID int64 `json:"unit_id"`
	// Abbreviation is the body's abbreviation in symbols ("UBND").
	Abbreviation string `json:"abbreviation"`
	// Groups maps a type's code to the outgoing sequence it shares (the head of the
	// body's choice); types absent share "hanh_chinh".
	Groups map[string]string `json:"groups"`
}

// IssueTx is what issuing reads and takes inside the transaction that stores the issue.
type IssueTx interface {
	// Settings are the unit's document settings (defaults when none were saved).
	Settings(ctx context.Context, unitID int64) (Settings, error)
	// NextNumber takes the next number of a unit's sequence in a year, from 1; its row
	// stays locked until the transaction ends, so numbers are gap-free and unique.
	NextNumber(ctx context.Context, unitID int64, year int, sequence string) (int, error)
}

// Issuer numbers d inside the store's transaction and returns it issued, with the
// recipients owed a dispatch.
type Issuer func(ctx context.Context, tx IssueTx, d Document) (Document, error)

// Change is a change of a document other than its numbering, stored under its version.
type Change struct {
	Doc    Document
	Action string   // audit action, e.g. "document.directed"
	Fields []string // fields changed (names, never values)
}

// Query selects documents.
type Query struct {
	UnitID    int64
	Direction Direction
	// Text matches the folded subject, sender, and number-and-symbol.
	Text      string
	Number    string // number-and-symbol, exact (or the arrival number for incoming)
	TypeCode  string
	Status    Status
	HandlerID int64
	Year      int
	From, To  string // dates (YYYY-MM-DD) of issue (outgoing) or arrival (incoming)
	Limit     int
	Offset    int
}

// Store is what the document service needs from storage.
type Store interface {
	// CreateDocument stores a new outgoing draft with its audit record.
	CreateDocument(ctx context.Context, d Document) (Document, error)
	// RegisterIncoming stores an incoming document with the next arrival number of its
	// unit and year (sequence IncomingSequence) in one transaction; a document with the
	// same duplicate key is ErrDuplicate.
	RegisterIncoming(ctx context.Context, d Document, dupKey string) (Document, error)
	// IssueDocument loads the document, runs issue on it and stores the result, the
	// dispatch rows (one per recipient, kind "document_dispatch") and the audit record
	// in one transaction; ErrChanged when version is not the stored one.
	IssueDocument(ctx context.Context, id int64, version int, issue Issuer) (Document, error)
	// SaveDocument stores a change under the version it was made from.
	SaveDocument(ctx context.Context, ch Change) (Document, error)
	Document(ctx context.Context, id int64) (Document, error)
	Documents(ctx context.Context, q Query) ([]Document, int, error)
	DocumentSettings(ctx context.Context, unitID int64) (Settings, error)
	SetDocumentSettings(ctx context.Context, s Settings) error
	// UnitOfficialName is the full name of an official (any office role) of the unit
	// (ErrHandler when not one).
	UnitOfficialName(ctx context.Context, unitID, userID int64) (string, error)
	CreateDocumentFile(ctx context.Context, f File) (File, error)
	DocumentFiles(ctx context.Context, unitID int64) ([]File, error)
	// EndDocumentFile records the day a file's work ended.
	EndDocumentFile(ctx context.Context, unitID, fileID int64, endedOn string) error
}

// Calendars gives a unit's working-day calendar (workcal.Service).
type Calendars interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
}

// Service runs the document rules.
type Service struct {
	Store     Store
	Blobs     blob.Store
	Calendars Calendars
	// Verify verifies a signed PDF (signing.VerifyPDF with the trust anchors); nil
	// refuses every electronic issue.
	Verify func(ctx context.Context, pdf []byte) (*signing.Report, error)
	Now    func() time.Time
}

// Role groups.
var (
	// RegisterRoles register incoming documents and issue outgoing ones: the clerk.
	RegisterRoles = []auth.Role{auth.RoleClerk}
	// DraftRoles draft outgoing documents.
	DraftRoles = []auth.Role{auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader}
	// DirectRoles write directions and approve drafts: the leader.
	DirectRoles = []auth.Role{auth.RoleLeader}
	// ReadRoles see a unit's registers.
	ReadRoles = []auth.Role{auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin}
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is the current day in Vietnam (YYYY-MM-DD).
func (s *Service) Today() string { return s.now().In(locale.Zone).Format(time.DateOnly) }

// UnitFor is the unit where p holds one of roles (the first one); 0 when none.
func UnitFor(p *auth.Principal, roles ...auth.Role) int64 {
	if p == nil {
		return 0
	}
	for _, m := range p.Memberships {
		if slices.Contains(roles, m.Role) {
			return m.UnitID
		}
	}
	if p.IsSystemAdmin() && len(p.Memberships) > 0 {
		return p.Memberships[0].UnitID
	}
	return 0
}

func can(p *auth.Principal, unitID int64, roles ...auth.Role) bool {
	return p != nil && unitID != 0 && p.Can(unitID, roles...)
}

// OutgoingInput is a new outgoing draft.
type OutgoingInput struct {
	UnitID       int64
	TypeCode     string
	Subject      string
	DraftingUnit string
	Urgency      string
	Recipients   []string
	Confidential bool
	Legal        bool
	ReplyTo      *int64
	FileID       *int64
}

func cleanText(s string, max int) (string, bool) {
	s = strings.TrimSpace(s)
	return s, s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= max
}

// CreateOutgoing stores a draft.
func (s *Service) CreateOutgoing(ctx context.Context, p *auth.Principal, in OutgoingInput) (Document, error) {
	if !can(p, in.UnitID, DraftRoles...) {
		return Document{}, ErrForbidden
	}
	t, ok := TypeByCode(in.TypeCode)
	if !ok {
		return Document{}, ErrType
	}
	subject, ok := cleanText(in.Subject, 1000)
	if !ok {
		return Document{}, ErrSubject
	}
	urg, err := ParseUrgency(in.Urgency)
	if err != nil {
		return Document{}, err
	}
	drafting := strings.TrimSpace(in.DraftingUnit)
	if drafting != "" && !validSymbolPart(drafting) || drafting == "" && t.Code == CongVan {
		return Document{}, ErrDraftingUnit
	}
	if len(in.Recipients) == 0 || len(in.Recipients) > 200 {
		return Document{}, ErrRecipients
	}
	recips := make([]string, 0, len(in.Recipients))
	for _, r := range in.Recipients {
		r, ok := cleanText(r, 300)
		if !ok {
			return Document{}, ErrRecipients
		}
		recips = append(recips, r)
	}
	if in.ReplyTo != nil {
		orig, err := s.Store.Document(ctx, *in.ReplyTo)
		if err != nil || orig.UnitID != in.UnitID || orig.Direction != Incoming {
			return Document{}, ErrNotFound
		}
	}
	d := Document{UnitID: in.UnitID, Direction: Outgoing, TypeCode: t.Code, Subject: subject, Recipients: recips,
		DraftingUnit: drafting, Urgency: urg, Confidential: in.Confidential, Legal: in.Legal, Status: Draft,
		ReplyTo: in.ReplyTo, FileID: in.FileID, CreatedAt: s.now().UTC().Truncate(time.Microsecond),
		Year: Year(s.now())}
	return s.Store.CreateDocument(ctx, d)
}

// IncomingInput is an incoming document to register. Intake from the exchange or e-mail
// (G2's) passes Source exchange or email and the stored files' blob keys.
type IncomingInput struct {
	UnitID         int64
	Source         Source
	TypeCode       string // optional; when given, checked against the symbol
	Sender         string
	NumberNotation string
	IssuedOn       string
	Subject        string
	Urgency        string
	ReceivedAt     time.Time // zero: now
	// Attachments are the blob keys of the document's stored PDF and attachments.
	Attachments []string
	FileID      *int64
	// MessageID is an e-mail's Message-ID: a message whose subject names no
	// number-and-symbol is registered without one, and it is what makes it the same
	// document twice.
	MessageID string
}

// RegisterIncoming registers an incoming document and returns it with its arrival
// number. actor nil is the system intake (exchange, e-mail), allowed for those sources
// only; a person must be the unit's clerk.
func (s *Service) RegisterIncoming(ctx context.Context, actor *auth.Principal, in IncomingInput) (Document, error) {
	switch in.Source {
	case Paper, Email, Exchange:
	case "":
		in.Source = Paper
	default:
		return Document{}, ErrSource
	}
	if actor == nil && in.Source == Paper || actor != nil && !can(actor, in.UnitID, RegisterRoles...) || in.UnitID == 0 {
		return Document{}, ErrForbidden
	}
	var tp *Type
	if in.TypeCode != "" {
		t, ok := TypeByCode(in.TypeCode)
		if !ok {
			return Document{}, ErrType
		}
		tp = &t
	}
	sender, ok := cleanText(in.Sender, 300)
	if !ok {
		return Document{}, ErrSender
	}
	number, dupNotation := 0, in.NumberNotation
	if in.NumberNotation != "" || in.Source != Email {
		n, _, err := ParseNotation(in.NumberNotation, tp)
		if err != nil {
			return Document{}, err
		}
		number = n
	} else if in.MessageID != "" {
		dupNotation = "message-id:" + in.MessageID
	}
	subject, ok := cleanText(in.Subject, 1000)
	if !ok {
		return Document{}, ErrSubject
	}
	urg, err := ParseUrgency(in.Urgency)
	if err != nil {
		return Document{}, err
	}
	now := s.now()
	issued, err := time.Parse(time.DateOnly, in.IssuedOn)
	if err != nil || in.IssuedOn > now.In(locale.Zone).Format(time.DateOnly) || issued.Year() < 1945 {
		return Document{}, ErrIssuedOn
	}
	at := in.ReceivedAt
	if at.IsZero() {
		at = now
	}
	if at.After(now.Add(5*time.Minute)) || at.Before(issued.Add(-24*time.Hour)) {
		return Document{}, ErrReceivedAt
	}
	at = at.UTC().Truncate(time.Microsecond)
	code := in.TypeCode
	d := Document{UnitID: in.UnitID, Direction: Incoming, TypeCode: code, Subject: subject, Sender: sender,
		Number: number, NumberNotation: in.NumberNotation, Urgency: urg, IssuedOn: in.IssuedOn, ReceivedAt: &at,
		Source: in.Source, Status: Registered, Paper: in.Source == Paper, Attachments: in.Attachments,
		FileID: in.FileID, CreatedAt: now.UTC().Truncate(time.Microsecond), Year: Year(at)}
	dup := DuplicateKey(catalog.Fold(sender), dupNotation, in.IssuedOn)
	if dupNotation == "" {
		dup = "" // an e-mail without a number or a Message-ID: nothing to compare
	}
	return s.Store.RegisterIncoming(ctx, d, dup)
}

// IssueInput is how an outgoing document is issued: signed on paper, or an electronic
// PDF carrying the leader's and the body's (seal) signatures.
type IssueInput struct {
	Paper     bool
	SignedPDF []byte
	Version   int // 0: the current one
}

// MaxSignedPDF bounds an issued PDF's size.
const MaxSignedPDF = 20 << 20

// Issue numbers and issues an outgoing document: the next number of its sequence in the
// unit and year, in the transaction that stores it, and one dispatch row per recipient.
// The clerk issues; a paper-signed document needs no approval in xaso (it happened on
// paper), an electronic one must be approved and carry at least two valid signatures.
func (s *Service) Issue(ctx context.Context, p *auth.Principal, id int64, in IssueInput) (Document, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return Document{}, err
	}
	if !can(p, d.UnitID, RegisterRoles...) {
		if can(p, d.UnitID, ReadRoles...) {
			return Document{}, ErrForbidden
		}
		return Document{}, ErrNotFound
	}
	if d.Direction != Outgoing || d.Status == Issued {
		return Document{}, ErrState
	}
	var key string
	if !in.Paper {
		if d.Status != Approved {
			return Document{}, ErrState
		}
		if len(in.SignedPDF) == 0 || len(in.SignedPDF) > MaxSignedPDF || s.Verify == nil {
			return Document{}, ErrSignatures
		}
		rep, err := s.Verify(ctx, in.SignedPDF)
		if err != nil {
			return Document{}, ErrSignatures.With(err)
		}
		valid := 0
		for _, sg := range rep.Signatures {
			if sg.Valid {
				valid++
			}
		}
		if valid < 2 || rep.ModifiedAfterSigning {
			return Document{}, ErrSignatures
		}
		if s.Blobs == nil {
			return Document{}, errors.New("document: no blob store")
		}
		key, _, err = s.Blobs.Put(ctx, bytes.NewReader(in.SignedPDF), MaxSignedPDF)
		if err != nil {
			return Document{}, err
		}
	}
	version := in.Version
	if version == 0 {
		version = d.Version
	}
	now := s.now()
	return s.Store.IssueDocument(ctx, id, version, func(ctx context.Context, tx IssueTx, d Document) (Document, error) {
		if d.Direction != Outgoing || d.Status == Issued || !in.Paper && d.Status != Approved {
			return d, ErrState
		}
		t, ok := TypeByCode(d.TypeCode)
		if !ok {
			return d, ErrType
		}
		set, err := tx.Settings(ctx, d.UnitID)
		if err != nil {
			return d, err
		}
		d.Year = Year(now)
		d.Sequence = Sequence(d.TypeCode, d.Legal, d.Confidential, set.Groups)
		n, err := tx.NextNumber(ctx, d.UnitID, d.Year, d.Sequence)
		if err != nil {
			return d, err
		}
		d.Number, d.NumberNotation = n, Notation(n, t, set.Abbreviation, d.DraftingUnit)
		d.IssuedOn = now.In(locale.Zone).Format(time.DateOnly)
		d.Status, d.Paper, d.SignedBlob = Issued, in.Paper, key
		return d, nil
	})
}

// Approve approves a draft (the leader).
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64, version int) (Document, error) {
	d, err := s.load(ctx, p, id, version, DirectRoles)
	if err != nil {
		return d, err
	}
	if d.Direction != Outgoing || d.Status != Draft {
		return d, ErrState
	}
	d.Status = Approved
	return s.Store.SaveDocument(ctx, Change{Doc: d, Action: "document.approved", Fields: []string{"status"}})
}

func (s *Service) load(ctx context.Context, p *auth.Principal, id int64, version int, roles []auth.Role) (Document, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return d, err
	}
	if !can(p, d.UnitID, roles...) {
		if can(p, d.UnitID, ReadRoles...) {
			return d, ErrForbidden
		}
		return d, ErrNotFound
	}
	if version != 0 && version != d.Version {
		return d, ErrChanged
	}
	return d, nil
}

// DirectionInput is the leader's direction on an incoming document (Decree 30 Art. 24).
type DirectionInput struct {
	Version     int
	HandlerID   int64  // the lead handler (chủ trì)
	Supporting  string // supporting units or people (phối hợp)
	Instruction string
	// Deadline: a date, or WorkingDays after today on the unit's calendar.
	Deadline    string
	WorkingDays int
}

// Direct writes the leader's direction; it may be written again (re-assignment).
func (s *Service) Direct(ctx context.Context, p *auth.Principal, id int64, in DirectionInput) (Document, error) {
	d, err := s.load(ctx, p, id, in.Version, DirectRoles)
	if err != nil {
		return d, err
	}
	if d.Direction != Incoming || d.Status == Done {
		return d, ErrState
	}
	name, err := s.Store.UnitOfficialName(ctx, d.UnitID, in.HandlerID)
	if err != nil {
		return d, err
	}
	deadline, err := s.deadline(ctx, d.UnitID, in.Deadline, in.WorkingDays)
	if err != nil {
		return d, err
	}
	sup, _ := cleanText(in.Supporting, 500)
	ins, _ := cleanText(in.Instruction, 2000)
	h := in.HandlerID
	d.HandlerID, d.HandlerName, d.Supporting, d.Instruction, d.Deadline, d.Status = &h, name, sup, ins, deadline, Directed
	return s.Store.SaveDocument(ctx, Change{Doc: d, Action: "document.directed",
		Fields: []string{"handler", "supporting", "instruction", "deadline", "status"}})
}

func (s *Service) deadline(ctx context.Context, unitID int64, date string, days int) (string, error) {
	today := s.Today()
	switch {
	case date != "" && days != 0:
		return "", ErrDeadline
	case date != "":
		if _, err := time.Parse(time.DateOnly, date); err != nil || date < today {
			return "", ErrDeadline
		}
		return date, nil
	case days == 0:
		return "", nil
	case days < 1 || days > 365:
		return "", ErrDeadline
	}
	if s.Calendars == nil {
		return "", ErrDeadline
	}
	cal, err := s.Calendars.For(ctx, unitID)
	if err != nil {
		return "", err
	}
	t, err := cal.AddWorkingDays(s.now(), days)
	if err != nil {
		return "", ErrDeadline.With(err)
	}
	return t.In(locale.Zone).Format(time.DateOnly), nil
}

// Report records the handler's progress; done ends the handling.
func (s *Service) Report(ctx context.Context, p *auth.Principal, id int64, version int, progress string, done bool) (Document, error) {
	d, err := s.load(ctx, p, id, version, ReadRoles)
	if err != nil {
		return d, err
	}
	if d.Direction != Incoming || d.Status != Directed {
		return d, ErrState
	}
	if (d.HandlerID == nil || *d.HandlerID != p.UserID) && !p.Can(d.UnitID, DirectRoles...) {
		return d, ErrForbidden
	}
	d.Progress, _ = cleanText(progress, 2000)
	fields := []string{"progress"}
	if done {
		d.Status = Done
		fields = append(fields, "status")
	}
	return s.Store.SaveDocument(ctx, Change{Doc: d, Action: "document.progress", Fields: fields})
}

// Get returns a document the caller may read (its unit's officials).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Document, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return d, err
	}
	if !can(p, d.UnitID, ReadRoles...) && !(d.HandlerID != nil && p != nil && *d.HandlerID == p.UserID) {
		return Document{}, ErrNotFound
	}
	return d, nil
}

// List lists a unit's documents for a caller who may read them; urgent ones first.
func (s *Service) List(ctx context.Context, p *auth.Principal, q Query) ([]Document, int, error) {
	if !can(p, q.UnitID, ReadRoles...) {
		return nil, 0, ErrForbidden
	}
	switch q.Direction {
	case "", Incoming, Outgoing:
	default:
		return nil, 0, ErrDirection
	}
	if q.From != "" {
		if _, err := time.Parse(time.DateOnly, q.From); err != nil {
			return nil, 0, ErrSearch
		}
	}
	if q.To != "" {
		if _, err := time.Parse(time.DateOnly, q.To); err != nil {
			return nil, 0, ErrSearch
		}
	}
	if len(q.Text) > 200 || len(q.Number) > 100 {
		return nil, 0, ErrSearch
	}
	q.Text = catalog.Fold(q.Text)
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 50
	}
	return s.Store.Documents(ctx, q)
}

// Settings returns a unit's settings.
func (s *Service) Settings(ctx context.Context, unitID int64) (Settings, error) {
	return s.Store.DocumentSettings(ctx, unitID)
}

// SetSettings saves a unit's settings (its administrator or the leader).
func (s *Service) SetSettings(ctx context.Context, p *auth.Principal, set Settings) error {
	if !can(p, set.UnitID, auth.RoleUnitAdmin, auth.RoleLeader) {
		return ErrForbidden
	}
	if !validSymbolPart(set.Abbreviation) {
		return ErrUnitSymbol
	}
	for code, g := range set.Groups {
		if _, ok := TypeByCode(code); !ok {
			return ErrType
		}
		if err := CheckSequenceName(g); err != nil {
			return err
		}
	}
	return s.Store.SetDocumentSettings(ctx, set)
}

// CreateFile opens a file (hồ sơ công việc) with its retention class.
func (s *Service) CreateFile(ctx context.Context, p *auth.Principal, f File) (File, error) {
	if !can(p, f.UnitID, ReadRoles...) {
		return f, ErrForbidden
	}
	title, ok := cleanText(f.Title, 500)
	if !ok {
		return f, ErrFileTitle
	}
	if f.RetentionYears < 0 || f.RetentionYears > 70 {
		return f, ErrRetention
	}
	if f.Year == 0 {
		f.Year = Year(s.now())
	}
	f.Title = title
	return s.Store.CreateDocumentFile(ctx, f)
}

// HandOver lists a unit's files due for hand-over to the current archive in year y.
func (s *Service) HandOver(ctx context.Context, p *auth.Principal, unitID int64, y int) ([]File, error) {
	if !can(p, unitID, ReadRoles...) {
		return nil, ErrForbidden
	}
	fs, err := s.Store.DocumentFiles(ctx, unitID)
	if err != nil {
		return nil, err
	}
	out := []File{}
	for _, f := range fs {
		if f.DueForHandOver(y) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Files lists a unit's files.
func (s *Service) Files(ctx context.Context, p *auth.Principal, unitID int64) ([]File, error) {
	if !can(p, unitID, ReadRoles...) {
		return nil, ErrForbidden
	}
	return s.Store.DocumentFiles(ctx, unitID)
}

// MaxRegisterRows bounds one printed register.
const MaxRegisterRows = 5000

// Register returns the documents of a register (q's unit, year and filters; the kind
// sets the direction) in register order, and for the tracking register the
// number-and-symbol of each incoming document's reply.
func (s *Service) Register(ctx context.Context, p *auth.Principal, kind string, q Query) ([]Document, map[int64]string, error) {
	if _, ok := RegisterColumns[kind]; !ok {
		return nil, nil, ErrSearch
	}
	q.Direction = Outgoing
	if kind != RegisterOutgoing {
		q.Direction = Incoming
	}
	if kind == RegisterOutgoing && q.Status == "" {
		q.Status = Issued
	}
	q.Limit, q.Offset = MaxRegisterRows, 0
	docs, _, err := s.List(ctx, p, q)
	if err != nil {
		return nil, nil, err
	}
	if kind == RegisterTracking {
		docs = slices.DeleteFunc(docs, func(d Document) bool { return d.HandlerID == nil })
	}
	// A register runs in number order, urgency aside.
	slices.SortStableFunc(docs, func(a, b Document) int {
		if a.Year != b.Year {
			return a.Year - b.Year
		}
		return a.ArrivalNumber + a.Number - b.ArrivalNumber - b.Number
	})
	replies := map[int64]string{}
	if kind == RegisterTracking {
		out, _, err := s.Store.Documents(ctx, Query{UnitID: q.UnitID, Direction: Outgoing, Limit: MaxRegisterRows})
		if err != nil {
			return nil, nil, err
		}
		for _, o := range out {
			if o.ReplyTo != nil && o.NumberNotation != "" {
				replies[*o.ReplyTo] = o.NumberNotation
			}
		}
	}
	return docs, replies, nil
}
