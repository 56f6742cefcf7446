package unit

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
)

// Contact is how citizens reach a unit's one-stop desk (Trung tâm Phục vụ hành chính
// công): its address, hotline and e-mail, shown on the portal's home page. Office hours
// are the working calendar's (workcal).
type Contact struct {
	Address string `json:"address"`
	Hotline string `json:"hotline"`
	Email   string `json:"email"`
}

// ContactError names each wrong field of a contact with its message.
type ContactError struct{ Fields map[string]string }

func (e *ContactError) Error() string { return "unit: invalid contact" }

// Unwrap makes a ContactError an apperr of kind Invalid (422, invalid_contact).
func (e *ContactError) Unwrap() error { return ErrContact }

// ErrContact is the kind and code of a contact refused.
var ErrContact = apperr.New(apperr.Invalid, "invalid_contact", "Thông tin liên hệ chưa hợp lệ.")

// Check trims c and says what is wrong with it: every part may be empty (not shown), an
// address is at most 300 characters, a hotline is digits with spaces, dots, hyphens or a
// leading + (8 to 15 digits), an e-mail is one address.
func (c Contact) Check() (Contact, error) {
	c = Contact{Address: strings.TrimSpace(c.Address), Hotline: strings.TrimSpace(c.Hotline), Email: strings.TrimSpace(c.Email)}
	bad := map[string]string{}
	if utf8.RuneCountInString(c.Address) > 300 || !utf8.ValidString(c.Address) {
		bad["address"] = "Địa chỉ dài tối đa 300 ký tự."
	}
	if c.Hotline != "" {
		digits := 0
		ok := true
		for i, r := range c.Hotline {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == ' ' || r == '.' || r == '-' || (r == '+' && i == 0):
			default:
				ok = false
			}
		}
		if !ok || digits < 8 || digits > 15 {
			bad["hotline"] = "Số điện thoại gồm 8–15 chữ số, có thể cách bằng dấu cách, dấu chấm hoặc gạch ngang, ví dụ 0229 3888 123."
		}
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 {
			bad["email"] = "Địa chỉ thư điện tử không hợp lệ, ví dụ motcua.yentu@ninhbinh.gov.vn."
		}
	}
	if len(bad) > 0 {
		return c, &ContactError{Fields: bad}
	}
	return c, nil
}

// ContactStore is what contacts need from storage.
type ContactStore interface {
	UnitContact(ctx context.Context, unitID int64) (Contact, error)
	// SetUnitContact stores c and its audit record in one transaction.
	SetUnitContact(ctx context.Context, unitID int64, c Contact) error
}

// Contacts reads and sets units' contacts: who may change one is decided here.
type Contacts struct{ Store ContactStore }

// Get returns a unit's contact (empty parts when never set).
func (s Contacts) Get(ctx context.Context, unitID int64) (Contact, error) {
	return s.Store.UnitContact(ctx, unitID)
}

// Set checks c and stores it for unitID, which p must administer (its unit
// administrator, or the system administrator).
func (s Contacts) Set(ctx context.Context, p *auth.Principal, unitID int64, c Contact) (Contact, error) {
	if !p.Can(unitID, auth.RoleUnitAdmin, auth.RoleSystemAdmin) {
		return c, apperr.ErrForbidden
	}
	c, err := c.Check()
	if err != nil {
		return c, err
	}
	return c, s.Store.SetUnitContact(ctx, unitID, c)
}
