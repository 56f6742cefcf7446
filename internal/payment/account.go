package payment

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
)

// Account is a unit's collection account (tài khoản thu phí, lệ phí), set by the
// administrator: the account the VietQR codes of the unit's payment requests pay into
// and whose bank notifications the unit receives.
type Account struct {
	UnitID int64 `json:"unit_id"`
	// BIN is the bank's 6-digit NAPAS identification number (970415 for VietinBank).
	BIN string `json:"bin"`
	// Number is the account number, or the card number when Card is set: 1–19 letters
	// or digits, since virtual accounts carry letters.
	Number string `json:"number"`
	// Name is the account holder's name as the bank shows it to the payer before they
	// confirm ("UBND XA YEN TU"); the portal prints it next to the QR code so that a
	// citizen can check they pay the commune.
	Name string `json:"name"`
	// Card says that Number is a card number (NAPAS service QRIBFTTC).
	Card bool `json:"card"`
}

// maxAccountName bounds the holder's name; banks show at most a few dozen characters.
const maxAccountName = 100

// Validate checks the account by the same rules vietqr.Encode applies to the
// beneficiary of a payload, so that every valid account gives a valid QR code.
func (a Account) Validate() error {
	if _, err := vietqr.Encode(vietqr.Payload{BIN: a.BIN, Account: a.Number, Card: a.Card}); err != nil {
		var qe *vietqr.Error
		msg := "Số tài khoản hoặc số thẻ phải gồm 1–19 chữ cái hoặc chữ số."
		if errors.As(err, &qe) && qe.Tag == "38.01.00" {
			msg = "Mã ngân hàng (BIN) phải gồm đúng 6 chữ số, ví dụ 970415."
		}
		return accountErr(msg, err)
	}
	name := strings.TrimSpace(a.Name)
	switch {
	case name == "":
		return accountErr("Cần ghi tên chủ tài khoản.", nil)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		return accountErr("Tên chủ tài khoản có ký tự không hợp lệ.", nil)
	case utf8.RuneCountInString(name) > maxAccountName:
		return accountErr("Tên chủ tài khoản quá dài.", nil)
	case a.UnitID <= 0:
		return accountErr("Tài khoản thu phải thuộc một đơn vị.", nil)
	}
	return nil
}

// Normalized returns the account as storage keeps it: the name trimmed and in NFC, the
// letters of the number in upper case (banks' statements print them so).
func (a Account) Normalized() Account {
	a.Name = locale.NFC(strings.TrimSpace(a.Name))
	a.Number = strings.ToUpper(a.Number)
	return a
}

// Receives reports whether a transfer credited to bank bin and account number went to
// this account. Letters in account numbers compare without regard to case.
func (a Account) Receives(bin, number string) bool {
	return a.BIN == bin && strings.EqualFold(a.Number, number)
}

func accountErr(msg string, cause error) error {
	return &apperr.Error{Kind: ErrInvalidAccount.Kind, Code: ErrInvalidAccount.Code, Message: msg, Err: cause}
}

// knownBanks names some NAPAS BINs (../shared/DOMAIN.md §7); other BINs are accepted.
var knownBanks = map[string]string{
	"970436": "Vietcombank", "970415": "VietinBank", "970418": "BIDV", "970405": "Agribank", "970422": "MB", "970407": "Techcombank",
}

// BankName is the name of the bank with NAPAS BIN bin, shown to payers and to the
// administrator; for a BIN it does not know, "ngân hàng mã <bin>".
func BankName(bin string) string {
	if n, ok := knownBanks[bin]; ok {
		return n
	}
	return "ngân hàng mã " + bin
}

// KnownBank reports whether BankName knows bin's bank by name.
func KnownBank(bin string) bool {
	_, ok := knownBanks[bin]
	return ok
}
