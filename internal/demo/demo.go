// Package demo loads the demo commune into an empty database: the province, Xã Yên Từ
// with its twelve villages, the sample procedure catalog, and one user per role with
// the password "xaso-demo". Later
// capabilities add their demo data here, so `xaso serve --demo` shows a working commune.
//
// The codes are illustrative: a real commune enters its own from the statistics office's
// list and Decision 20/2020/QĐ-TTg.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// Password is every demo user's password.
const Password = "xaso-demo"

// User is one demo login.
type User struct {
	Username string
	FullName string
	Role     auth.Role
	// AtProvince puts the membership on the province (the system administrator).
	AtProvince bool
}

// Users are the demo logins, one per role.
var Users = []User{
	{"admin", "Quản trị hệ thống", auth.RoleSystemAdmin, true},
	{"quantri", "Phạm Văn Quản", auth.RoleUnitAdmin, false},
	{"motcua", "Trần Thị Bình", auth.RoleCounter, false},
	{"chuyenvien", "Lê Văn Cường", auth.RoleSpecialist, false},
	{"lanhdao", "Nguyễn Văn Dũng", auth.RoleLeader, false},
	{"vanthu", "Hoàng Thị Hoa", auth.RoleClerk, false},
	{"ketoan", "Vũ Thị Lan", auth.RoleAccountant, false},
	{"vanhoa", "Lý Thị Mai", auth.RoleCulture, false},
	{"tramyte", "Đào Thị Thu", auth.RoleHealth, false},
	{"tocongnghe", "Đinh Văn Minh", auth.RoleDigitalTeam, false},
	{"congdan", "Nguyễn Văn An", auth.RoleCitizen, false},
}

// ProvinceOrgan and CommuneOrgan are the demo units' organ ids on the document exchange.
const (
	ProvinceOrgan = "000.00.00.H45"
	CommuneOrgan  = "000.31.37.H45"
)

// ExchangeUsers are the second unit's logins (Options.Exchange): the clerk and the leader
// of the province's office, so that the commune and the province exchange documents
// through the demo's exchange platform.
var ExchangeUsers = []User{
	{"vanthutinh", "Đỗ Thị Thu", auth.RoleClerk, true},
	{"lanhdaotinh", "Bùi Văn Hải", auth.RoleLeader, true},
}

// Villages of the demo commune (illustrative names).
var Villages = []string{
	"Thôn Quảng Từ", "Thôn Yên Thổ", "Thôn Yên Lạc", "Thôn Ngọc Lâm", "Thôn Đông Thôn", "Thôn Bắc Thôn",
	"Thôn Nam Thôn", "Thôn Đoài Thôn", "Thôn Yên Phong", "Thôn Yên Hòa", "Thôn Tân Thành", "Thôn Phú Thịnh",
}

// CommuneCode is the demo commune's (illustrative) statistics code.
const CommuneCode = "14731"

// Load creates the demo data when the database has no unit yet; it reports whether it
// did. Everything is created in the order a real administrator would, through the same
// store methods, so the audit log shows it too.
func Load(ctx context.Context, st *store.Store, hasher *auth.Hasher) (bool, error) {
	return LoadWith(ctx, st, hasher, Options{History: true, Payments: true, Signing: true, Documents: true, Telehealth: true})
}

// Options select what the demo loads.
type Options struct {
	// History loads the 2,094 dossiers of 2021. Tests that only need a working commune
	// leave it out: under the race detector it is most of a test's time.
	History bool
	// Payments sets an illustrative collection account and receipt series.
	Payments bool
	// Signing makes a test CA (a trust anchor) and sealed keys for the leader (personal)
	// and the clerk (the commune's seal), unlocked with the demo password.
	Signing bool
	// Documents registers a few incoming and outgoing official documents.
	Documents bool
	// Exchange gives the province (the second unit, organ id ProvinceOrgan) its own clerk
	// and leader (ExchangeUsers), so the two exchange documents (`xaso serve --demo`).
	Exchange bool
	// Telehealth publishes the health station's slots for the next working days, with a
	// few bookings and three past consultations (demo/telehealth.go).
	Telehealth bool
	// PaymentService takes the demo's payments and installs its receipt key, with the
	// deployment's receipt signer and key-encryption key (nil: a service without them).
	PaymentService *payment.Service
}

// LoadWith is Load with options.
func LoadWith(ctx context.Context, st *store.Store, hasher *auth.Hasher, opt Options) (bool, error) {
	n, err := st.CountUnits(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	ctx = audit.WithActor(ctx, "demo")
	pay := opt.PaymentService
	if pay == nil {
		pay = &payment.Service{Store: st, Now: time.Now}
	}
	province, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình",
		IdentCode: ProvinceOrgan, ValidFrom: "2025-07-01"})
	if err != nil {
		return false, fmt.Errorf("demo: province: %w", err)
	}
	commune, err := st.CreateUnit(ctx, unit.Unit{Code: CommuneCode, Level: unit.Commune, ParentID: &province, Name: "Xã Yên Từ",
		IdentCode: CommuneOrgan, ValidFrom: "2025-07-01"})
	if err != nil {
		return false, fmt.Errorf("demo: commune: %w", err)
	}
	// Illustrative, like the unit codes: the desk's address, hotline and e-mail.
	if err := st.SetUnitContact(ctx, commune, unit.Contact{Address: "Trung tâm Phục vụ hành chính công xã Yên Từ, thôn Quảng Từ, xã Yên Từ, tỉnh Ninh Bình",
		Hotline: "0229 3888 123", Email: "motcua.yentu@example.vn"}); err != nil {
		return false, fmt.Errorf("demo: contact: %w", err)
	}
	for _, v := range Villages {
		if _, err := st.AddVillage(ctx, commune, v); err != nil {
			return false, fmt.Errorf("demo: village: %w", err)
		}
	}
	sample, err := catalog.Sample()
	if err != nil {
		return false, fmt.Errorf("demo: sample catalog: %w", err)
	}
	if _, err := st.ImportCatalog(ctx, commune, sample, true); err != nil {
		return false, fmt.Errorf("demo: sample catalog: %w", err)
	}
	hash, err := hasher.Hash(Password)
	if err != nil {
		return false, err
	}
	principals := map[auth.Role]*auth.Principal{}
	for _, u := range Users {
		unitID := commune
		if u.AtProvince {
			unitID = province
		}
		ms := []auth.Membership{{UnitID: unitID, Role: u.Role}}
		id, err := st.CreateUser(ctx, auth.User{Username: u.Username, FullName: u.FullName, PasswordHash: hash}, ms)
		if err != nil {
			return false, fmt.Errorf("demo: user %s: %w", u.Username, err)
		}
		principals[u.Role] = &auth.Principal{UserID: id, Username: u.Username, FullName: u.FullName, Memberships: ms}
	}
	if opt.Exchange {
		for _, u := range ExchangeUsers {
			if _, err := st.CreateUser(ctx, auth.User{Username: u.Username, FullName: u.FullName, PasswordHash: hash},
				[]auth.Membership{{UnitID: province, Role: u.Role}}); err != nil {
				return false, fmt.Errorf("demo: user %s: %w", u.Username, err)
			}
		}
	}
	// The demo citizen has agreed that the demo volunteer files for them, so that the
	// volunteer's journey (and the assisted dossier below) works from the start.
	if _, _, err := st.GrantConsent(ctx, consent.Consent{CitizenID: principals[auth.RoleCitizen].UserID,
		VolunteerID: principals[auth.RoleDigitalTeam].UserID, UnitID: commune, Purpose: consent.AssistedFiling,
		Text: consent.Text(consent.AssistedFiling)}); err != nil {
		return false, fmt.Errorf("demo: consent: %w", err)
	}
	if err := demoCommunity(ctx, st, commune, principals[auth.RoleDigitalTeam], hash); err != nil {
		return false, fmt.Errorf("demo: community: %w", err)
	}
	if err := demoQRForms(ctx, st, commune, principals[auth.RoleCulture]); err != nil {
		return false, err
	}
	if err := demoFloor(ctx, st, commune, principals[auth.RoleCounter].UserID); err != nil {
		return false, err
	}
	if err := demoProducts(ctx, st, commune, principals[auth.RoleLeader], time.Now()); err != nil {
		return false, err
	}
	if opt.Telehealth {
		if err := demoTelehealth(ctx, st, commune, principals[auth.RoleHealth], principals[auth.RoleCitizen], time.Now()); err != nil {
			return false, err
		}
	}
	if opt.Payments {
		if err := demoPayments(ctx, pay, commune); err != nil {
			return false, err
		}
	}
	var ca *democa.CA
	if opt.Signing {
		if ca, err = demoSigning(ctx, st, commune, principals); err != nil {
			return false, err
		}
	}
	if opt.Payments {
		if err := demoReceiptKey(ctx, st, pay, commune, ca); err != nil {
			return false, err
		}
	}
	cals := workcal.New(st)
	cal, err := cals.For(ctx, commune)
	if err != nil {
		return false, err
	}
	if opt.History {
		recs, err := History2021(CommuneCode, sample.Procedures, cal, 1)
		if err != nil {
			return false, err
		}
		if _, err := dossier.Import(ctx, st, recs); err != nil {
			return false, fmt.Errorf("demo: 2021 dossiers: %w", err)
		}
		if _, err := dossier.MeasureProcessing(ctx, st, cals, false); err != nil {
			return false, fmt.Errorf("demo: 2021 dossiers: %w", err)
		}
	}
	proc, err := st.PublishedProcedure(ctx, commune, CurrentProcedure)
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	svc := &dossier.Service{Store: st, Calendars: cals, Now: time.Now}
	ds, err := current(ctx, svc, commune, principals, proc.Procedure, cal, time.Now())
	if err != nil {
		return false, err
	}
	if opt.Payments {
		if err := demoRequests(ctx, st, pay, ds, proc.Procedure.Fees, principals[auth.RoleAccountant], time.Now()); err != nil {
			return false, err
		}
	}
	if opt.Documents {
		if err := demoDocuments(ctx, st, cals, commune, principals, time.Now()); err != nil {
			return false, fmt.Errorf("demo: documents: %w", err)
		}
	}
	return true, nil
}

// demoDocuments registers a few documents of the commune this year: incoming ones on
// paper (one hỏa tốc, one directed to the specialist), outgoing ones issued on paper and
// a draft waiting for the leader.
func demoDocuments(ctx context.Context, st *store.Store, cals *workcal.Service, commune int64, principals map[auth.Role]*auth.Principal, now time.Time) error {
	svc := &document.Service{Store: st, Calendars: cals, Now: func() time.Time { return now }}
	clerk, leader := principals[auth.RoleClerk], principals[auth.RoleLeader]
	day := func(back int) string { return now.In(locale.Zone).AddDate(0, 0, -back).Format(time.DateOnly) }
	type in struct{ sender, notation, typ, subject, urgency string }
	var first document.Document
	for i, d := range []in{
		{"UBND tỉnh Ninh Bình", "152/QĐ-UBND", "quyet_dinh", "Về việc giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm " + day(0)[:4], "normal"},
		{"Sở Nội vụ tỉnh Ninh Bình", "88/SNV-CCHC", document.CongVan, "Về việc đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính", "khan"},
		{"Ban Chỉ huy Phòng thủ dân sự tỉnh", "12/CĐ-BCH", "cong_dien", "Về việc chủ động ứng phó với mưa lớn, lũ quét", "hoa_toc"},
	} {
		doc, err := svc.RegisterIncoming(ctx, clerk, document.IncomingInput{UnitID: commune, Source: document.Paper, Sender: d.sender,
			NumberNotation: d.notation, TypeCode: d.typ, IssuedOn: day(3 - i), Subject: d.subject, Urgency: d.urgency,
			ReceivedAt: now.Add(-time.Duration(3-i) * time.Hour)})
		if err != nil {
			return err
		}
		if i == 0 {
			first = doc
		}
	}
	if _, err := svc.Direct(ctx, leader, first.ID, document.DirectionInput{HandlerID: principals[auth.RoleSpecialist].UserID,
		Supporting: "Văn phòng HĐND và UBND", Instruction: "Giao chuyên viên tham mưu kế hoạch triển khai.", WorkingDays: 5}); err != nil {
		return err
	}
	for _, d := range []struct{ typ, drafting, subject string }{
		{"quyet_dinh", "", "Về việc kiện toàn Tổ công nghệ số cộng đồng xã"},
		{document.CongVan, "VP", "Về việc rà soát hộ nghèo, hộ cận nghèo"},
	} {
		doc, err := svc.CreateOutgoing(ctx, clerk, document.OutgoingInput{UnitID: commune, TypeCode: d.typ, DraftingUnit: d.drafting,
			Subject: d.subject, Recipients: []string{"Các thôn trong xã", "Lưu: VT"}})
		if err != nil {
			return err
		}
		if _, err := svc.Issue(ctx, clerk, doc.ID, document.IssueInput{Paper: true}); err != nil {
			return err
		}
	}
	_, err := svc.CreateOutgoing(ctx, principals[auth.RoleSpecialist], document.OutgoingInput{UnitID: commune, TypeCode: "bao_cao",
		Subject: "Báo cáo kết quả triển khai kế hoạch phát triển kinh tế - xã hội", Recipients: []string{"UBND tỉnh Ninh Bình"},
		ReplyTo: &first.ID})
	return err
}

// CurrentProcedure is the procedure of the demo's current dossiers: Xác nhận tình trạng
// hôn nhân, three working days, five workflow steps.
const CurrentProcedure = "1.004873"

// demoPayments sets an illustrative collection account and receipt series, so the demo
// shows VietQR codes and issues receipts; a real commune enters its own.
func demoPayments(ctx context.Context, pay *payment.Service, commune int64) error {
	if _, err := pay.SetAccount(ctx, payment.Account{UnitID: commune, BIN: "970405", Number: "3700205012345",
		Name: "UBND XA YEN TU"}); err != nil {
		return fmt.Errorf("demo: collection account: %w", err)
	}
	if _, err := pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: commune, Template: "EBL01",
		Series:    fmt.Sprintf("%02dT", time.Now().Year()%100),
		Collector: payment.Party{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "2700123456", Address: "Xã Yên Từ, tỉnh Ninh Bình"}}); err != nil {
		return fmt.Errorf("demo: receipt series: %w", err)
	}
	return nil
}

// demoRequests bills the fees of a few of the current dossiers, so that the accountant's
// page has something to do: the dossiers received today and yesterday wait for their
// money, and the one resolved and waiting to be returned was paid in cash at the counter
// (its receipt is issued, as for a real payment).
func demoRequests(ctx context.Context, st *store.Store, pay *payment.Service, ds []dossier.Dossier, fees []catalog.Fee, accountant *auth.Principal, now time.Time) error {
	by := payment.Actor{ID: accountant.UserID, Name: accountant.FullName}
	for _, d := range ds {
		pending := d.Status == dossier.StatusReceived || d.Applicant.FullName == "Lê Văn Hùng"
		paid := d.Status == dossier.StatusResolved
		if !pending && !paid {
			continue
		}
		req, ev, err := payment.NewRequest(d.Code, fees, d.Channel.Electronic(), now)
		if err != nil {
			return fmt.Errorf("demo: payment request of %s: %w", d.Code, err)
		}
		req.UnitID, ev.By = d.CompetentUnitID, by
		pr, err := st.CreatePaymentRequest(ctx, d.ID, req, ev)
		if err != nil {
			return fmt.Errorf("demo: payment request of %s: %w", d.Code, err)
		}
		if !paid {
			continue
		}
		if _, _, err := pay.Do(ctx, accountant, pr.Reference, pr.UnitID, payment.Act{Action: payment.ActConfirm, Version: pr.Version,
			Method: payment.MethodCash, Amount: pr.Amount, PaidAt: now}); err != nil {
			return fmt.Errorf("demo: cash payment of %s: %w", d.Code, err)
		}
	}
	return nil
}
