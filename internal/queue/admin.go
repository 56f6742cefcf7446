package queue

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The unit administrator sets up the floor from the pages: service groups, desks (and
// who holds them), kiosks (their key and whether they give tickets). Each change is
// one transaction with its audit record (internal/store/queue.go).

// AdminRoles set up a unit's floor.
var AdminRoles = []auth.Role{auth.RoleUnitAdmin, auth.RoleSystemAdmin}

// Errors of the floor's set-up; each is drawn at its field.
var (
	ErrGroupCode    = apperr.New(apperr.Invalid, "invalid_group_code", "Mã nhóm gồm 1–40 chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ chung-thuc.")
	ErrGroupLetter  = apperr.New(apperr.Invalid, "invalid_group_letter", "Chữ đầu số thứ tự là một chữ cái in hoa từ A đến Z.")
	ErrLetterTaken  = apperr.New(apperr.Conflict, "group_letter_taken", "Chữ đầu số này đã dùng cho nhóm khác của đơn vị.")
	ErrGroupName    = apperr.New(apperr.Invalid, "invalid_group_name", "Tên nhóm dài 1–100 ký tự.")
	ErrGroupSlots   = apperr.New(apperr.Invalid, "invalid_group_slots", "Mỗi khung giờ đặt lịch dài 5–240 phút, nhận 1–100 lượt; thứ tự từ 0 đến 999.")
	ErrDeskNumber   = apperr.New(apperr.Invalid, "invalid_desk_number", "Số quầy từ 1 đến 99.")
	ErrDeskName     = apperr.New(apperr.Invalid, "invalid_desk_name", "Tên quầy tối đa 60 ký tự.")
	ErrDeskHolder   = apperr.New(apperr.Invalid, "invalid_desk_holder", "Người giữ quầy phải là cán bộ một cửa của đơn vị.")
	ErrKioskCode    = apperr.New(apperr.Invalid, "invalid_kiosk", "Mã máy lấy số gồm 1–32 chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ k1.")
	ErrKioskName    = apperr.New(apperr.Invalid, "invalid_kiosk_name", "Tên máy lấy số tối đa 60 ký tự.")
	ErrKioskPrinter = apperr.New(apperr.Invalid, "invalid_printer", "Máy in ghi dạng địa chỉ:cổng, ví dụ 192.168.1.50:9100, hoặc để trống.")
	ErrKioskOff     = apperr.New(apperr.Forbidden, "kiosk_disabled", "Máy lấy số này đang tạm ngừng. Vui lòng lấy số ở máy khác hoặc hỏi cán bộ.")
	ErrKioskKey     = apperr.New(apperr.Forbidden, "kiosk_key", "Địa chỉ của máy lấy số này thiếu hoặc sai khóa. Quản trị đơn vị mở lại địa chỉ ghi ở trang cài đặt quầy.")
)

// AdminStore is what the floor's set-up needs from storage besides Store.
type AdminStore interface {
	SetQueueGroup(ctx context.Context, g Group) error
	SetQueueDesk(ctx context.Context, d Desk) error
	SetQueueKiosk(ctx context.Context, k Kiosk) error
	QueueKiosks(ctx context.Context, unitID int64) ([]Kiosk, error)
	ReleaseDesk(ctx context.Context, unitID int64, desk int) error
	// Memberships lists a user's roles (to check a desk's holder).
	Memberships(ctx context.Context, userID int64) ([]auth.Membership, error)
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (s *Service) admin(p *auth.Principal, unitID int64) (AdminStore, error) {
	if !p.Can(unitID, AdminRoles...) {
		return nil, apperr.ErrForbidden
	}
	st, ok := s.Store.(AdminStore)
	if !ok {
		return nil, apperr.ErrForbidden
	}
	return st, nil
}

// SaveGroup creates or changes a service group.
func (s *Service) SaveGroup(ctx context.Context, p *auth.Principal, g Group) error {
	st, err := s.admin(p, g.UnitID)
	if err != nil {
		return err
	}
	g.Code, g.Letter, g.Name = strings.TrimSpace(g.Code), strings.ToUpper(strings.TrimSpace(g.Letter)), strings.TrimSpace(g.Name)
	switch {
	case len(g.Code) > 40 || !codeRE.MatchString(g.Code):
		return ErrGroupCode
	case len(g.Letter) != 1 || g.Letter[0] < 'A' || g.Letter[0] > 'Z':
		return ErrGroupLetter
	case g.Name == "" || utf8.RuneCountInString(g.Name) > 100 || strings.ContainsFunc(g.Name, isControl):
		return ErrGroupName
	case g.SlotMinutes < 5 || g.SlotMinutes > 240 || g.SlotCapacity < 1 || g.SlotCapacity > 100 || g.Position < 0 || g.Position > 999:
		return ErrGroupSlots
	}
	return st.SetQueueGroup(ctx, g)
}

// SaveDesk creates or changes a desk: its name, the groups it serves (none: all) and
// who holds it (0: nobody; else a counter officer of the unit).
func (s *Service) SaveDesk(ctx context.Context, p *auth.Principal, d Desk) error {
	st, err := s.admin(p, d.UnitID)
	if err != nil {
		return err
	}
	d.Name = strings.TrimSpace(d.Name)
	if d.Number < 1 || d.Number > 99 {
		return ErrDeskNumber
	}
	if utf8.RuneCountInString(d.Name) > 60 || strings.ContainsFunc(d.Name, isControl) {
		return ErrDeskName
	}
	groups, err := s.Store.QueueGroups(ctx, d.UnitID)
	if err != nil {
		return err
	}
	for _, c := range d.Groups {
		if !slices.ContainsFunc(groups, func(g Group) bool { return g.Code == c }) {
			return ErrUnknownGroup
		}
	}
	if d.HolderID != 0 {
		ms, err := st.Memberships(ctx, d.HolderID)
		if err != nil {
			return ErrDeskHolder
		}
		if !slices.ContainsFunc(ms, func(m auth.Membership) bool { return m.UnitID == d.UnitID && m.Role == auth.RoleCounter }) {
			return ErrDeskHolder
		}
	}
	if err := st.SetQueueDesk(ctx, d); err != nil {
		return err
	}
	if d.HolderID != 0 {
		return s.Store.HoldDesk(ctx, d.UnitID, d.Number, d.HolderID)
	}
	return st.ReleaseDesk(ctx, d.UnitID, d.Number)
}

// Kiosks lists a unit's kiosks for its administrator (with their keys).
func (s *Service) Kiosks(ctx context.Context, p *auth.Principal, unitID int64) ([]Kiosk, error) {
	st, err := s.admin(p, unitID)
	if err != nil {
		return nil, err
	}
	return st.QueueKiosks(ctx, unitID)
}

// SaveKiosk creates or changes a kiosk. A new kiosk gets a key; newKey gives an existing
// one a new key (its old address stops working).
func (s *Service) SaveKiosk(ctx context.Context, p *auth.Principal, k Kiosk, newKey bool) (Kiosk, error) {
	st, err := s.admin(p, k.UnitID)
	if err != nil {
		return k, err
	}
	k.Code, k.Name, k.Printer = strings.TrimSpace(k.Code), strings.TrimSpace(k.Name), strings.TrimSpace(k.Printer)
	if len(k.Code) > 32 || !codeRE.MatchString(k.Code) {
		return k, ErrKioskCode
	}
	if utf8.RuneCountInString(k.Name) > 60 || strings.ContainsFunc(k.Name, isControl) {
		return k, ErrKioskName
	}
	if k.Printer != "" {
		host, port, err := net.SplitHostPort(k.Printer)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 || len(k.Printer) > 255 {
			return k, ErrKioskPrinter
		}
	}
	old, err := s.Store.QueueKiosk(ctx, k.UnitID, k.Code)
	switch {
	case err == nil && !newKey:
		k.Token = old.Token
	case err == nil || apperr.KindOf(err) == apperr.NotFound:
		k.Token = newKioskKey()
	default:
		return k, err
	}
	return k, st.SetQueueKiosk(ctx, k)
}

// newKioskKey is 130 random bits, lower-case base 32 (26 characters): part of a URL.
func newKioskKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// CheckKiosk says whether the kiosk of unit u named code takes tickets with key: nil
// for none named, an unknown one (tickets then go without a printer) or one that does;
// else why not (ErrKioskOff, ErrKioskKey).
func (s *Service) CheckKiosk(ctx context.Context, u unit.Unit, code, key string) error {
	if code == "" {
		return nil
	}
	k, err := s.Store.QueueKiosk(ctx, u.ID, code)
	if apperr.KindOf(err) == apperr.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return k.admits(key)
}

// admits refuses a ticket asked at kiosk k with key: a disabled kiosk, or a key that is
// not its own.
func (k Kiosk) admits(key string) error {
	if k.Disabled {
		return ErrKioskOff
	}
	if k.Token != "" && subtle.ConstantTimeCompare([]byte(key), []byte(k.Token)) != 1 {
		return ErrKioskKey
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
