package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
)

// home is where a role lands after login, and the heading it sees there. It is written
// here independently of the server's code, so a change of either shows up.
var home = map[auth.Role]struct{ path, h1 string }{
	auth.RoleSystemAdmin: {"/admin", "Quản trị"},
	auth.RoleUnitAdmin:   {"/admin", "Quản trị"},
	auth.RoleCounter:     {"/office", "Trang làm việc"},
	auth.RoleSpecialist:  {"/office", "Trang làm việc"},
	auth.RoleLeader:      {"/office/tong-quan", "Tổng quan"},
	auth.RoleClerk:       {"/office", "Trang làm việc"},
	auth.RoleAccountant:  {"/office/payments", "Thu phí, lệ phí"}, // the queue of money not in or not matched
	auth.RoleCulture:     {"/office/truyen-thanh", "Truyền thanh cơ sở"},
	auth.RoleHealth:      {"/tram-y-te", "Trạm y tế: khám từ xa"},     // the station's staff: tele-health only
	auth.RoleDigitalTeam: {"/cong-dong", "Tổ công nghệ số cộng đồng"}, // a volunteer, not an official: their village's page
	auth.RoleCitizen:     {"/account", "Xin chào, Nguyễn Văn An"},
}

// homeOf is the home path of a demo user.
func homeOf(t *testing.T, username string) string {
	t.Helper()
	for _, u := range demo.Users {
		if u.Username == username {
			return home[u.Role].path
		}
	}
	t.Fatalf("no demo user %q", username)
	return ""
}

// A journey is one person's path through xaso, run end to end in a tab of its own on a
// fresh demo site at 360×740. Later features add theirs to journeys (the citizen files
// online and follows; the counter receives and prints; the specialist and the leader
// process; the accountant confirms a payment; the administrator edits a procedure).
type journey struct {
	name string
	run  func(b *tab)
}

// journeys lists them all; TestJourneys runs each as a subtest, in parallel.
func journeys() []journey {
	js := []journey{
		{"anonymous/home-login-wrong-password", anonymousWrongPassword},
		{"office-tabs/quantri", officeTabs},
		{"accountant/confirms-a-payment", accountantConfirms},
		{"dossier/online-filing-to-result", onlineDossierToResult},
		{"admin/edit-procedure", adminEditsProcedure},
		{"leader-stats/lanhdao", leaderStats},
		{"citizen/pays-the-fee", citizenPaysTheFee},
		{"admin/manages-an-account", adminManagesAnAccount},
		{"counter/form-01-under-csp", formPrintsUnderCSP},
		{"clerk/registers-an-e-mail", clerkRegistersMail},
		{"broadcast/operator", broadcastOperator},
		{"citizen/app-offline", citizenAppOffline},
		{"citizen/offline-filing", citizenOfflineFiling},
		{"citizen/register-and-hear", citizenRegistersAndHears},
		{"citizen/app-counts-its-install", citizenAppCountsInstall},
		{"community/help-request", communityHelpRequest},
		{"community/offline-visit", volunteerOfflineVisit},
		{"qrform/health-declaration", visitorAnswersHealthForm},
		{"telehealth/book-by-phone", telehealthBookByPhone},
	}
	for _, u := range demo.Users {
		js = append(js, journey{"login-logout/" + u.Username, func(b *tab) { loginLogout(b, u) }})
	}
	return js
}

func TestJourneys(t *testing.T) {
	needBrowser(t)
	for _, j := range journeys() {
		t.Run(j.name, func(t *testing.T) {
			t.Parallel()
			j.run(newSite(t).newTab(t, false))
		})
	}
}

// loginLogout: a demo user logs in through the form, lands on the role's home page, which
// fits the phone, and logs out with the header's button.
func loginLogout(b *tab, u demo.User) {
	h, ok := home[u.Role]
	if !ok {
		b.t.Fatalf("role %s of demo user %s has no home in the e2e table: add it", u.Role, u.Username)
	}
	b.logIn(u.Username, demo.Password, h.path)
	b.step("see the home page", hasText("main h1", h.h1), hasText("header nav a", u.FullName),
		noSideScroll(), b.keep("home"))
	b.step("photograph the home page at 360 and 1280 pixels", b.tour(u.Username))
	b.logOut(h.path)
}

// anonymousWrongPassword: a visitor opens the portal, follows the login link and mistypes
// the password; the answer is the generic message, with the username kept.
func anonymousWrongPassword(b *tab) {
	b.step("open the portal", b.open("/"), hasText("main h1", "Cổng dịch vụ công Xã Yên Từ"), noSideScroll(),
		b.keep("portal"), b.tour("portal"))
	b.step("follow the login link", follow(`main a[href="/login"]`), atPath("/login"), hasText("main h1", "Đăng nhập"))
	b.step("type a wrong password", typeInto("#username", "motcua"), typeInto("#password", "sai-mat-khau"))
	b.step("submit the login form", follow(`main form button[type="submit"]`), atPath("/login"))
	b.step("see the generic error", hasText(`main [role="alert"]`, "Tên đăng nhập hoặc mật khẩu không đúng."),
		hasValue("#username", "motcua"), hasValue("#password", ""), noSideScroll(), b.keep("login-error"))
}

// officeTabs: the unit administrator walks through the office tabs; each page fits the
// phone and its tab is marked as the current one.
func officeTabs(b *tab) {
	b.logIn("quantri", demo.Password, "/admin")
	for _, tb := range []struct{ path, label, h1 string }{
		{"/office", "Trang làm việc", "Trang làm việc"},
		{"/admin/procedures", "Thủ tục", "Danh mục thủ tục"},
		{"/admin/calendar", "Lịch làm việc", "Lịch làm việc"},
		{"/admin/payments", "Tài khoản thu", "Tài khoản thu và biên lai"},
		{"/admin/signing", "Chữ ký số", "Chữ ký số"},
		{"/office/certifications", "Chứng thực", "Sổ chứng thực"},
		{"/office/payments", "Thu phí", "Thu phí, lệ phí"},
		{"/admin/audit", "Nhật ký", "Nhật ký kiểm tra"},
		{"/admin", "Quản trị", "Quản trị"},
	} {
		b.step("open the tab "+tb.label, follow(`header nav.tabs a[href="`+tb.path+`"]`), atPath(tb.path),
			hasTextPrefix("main h1", tb.h1), hasText(`header nav.tabs a[aria-current="page"]`, tb.label),
			noSideScroll(), b.keep(strings.TrimPrefix(tb.path, "/")))
	}
}

// TestWorksWithoutJavaScript: with the pages' scripts off, the portal shows its heading,
// and a citizen logs in with the form and out with the header's button.
func TestWorksWithoutJavaScript(t *testing.T) {
	needBrowser(t)
	s := newSite(t)
	b := s.newTab(t, true)
	// Proof that scripts are really off: a page that renames itself keeps its name.
	b.step("scripts are off", chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			title, err := chromedp.Title()(ctx, t)
			if err == nil && title != "off" {
				err = fmt.Errorf("the page's script ran (title %q): JavaScript is not disabled", title)
			}
			return err
		}))
	b.step("open the portal", b.open("/"), chromedp.WaitVisible(chromedp.CSS("main h1")),
		hasText("main h1", "Cổng dịch vụ công Xã Yên Từ"))
	b.step("follow the login link", follow(`main a[href="/login"]`), atPath("/login"))
	b.logIn("congdan", demo.Password, "/account")
	b.step("see the account page", hasText("main h1", "Xin chào, Nguyễn Văn An"), noSideScroll())
	b.logOut("/account")
}

// disableScripts turns off the JavaScript of the pages of the tab (not the test's own
// evaluations, which come through the DevTools protocol).
func disableScripts() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
}
