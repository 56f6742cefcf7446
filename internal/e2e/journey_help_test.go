package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// communityHelpRequest (issue 21): the leader prints the first village's poster, whose
// QR code links /ho-tro?thon=CODE; an anonymous phone user opens that link, asks for
// help with their phone number and gets the request's code and look-up secret; the
// village's volunteer logs in, finds it assigned on /cong-dong, starts it and marks it
// done; the citizen opens /ho-tro/{code}?ma=SECRET and confirms it, and the history
// shows each step. A second request left past its deadline (filed through the store with
// its deadline gone: the site runs on the real clock) appears on the leader's dashboard
// tile #help-overdue.
func communityHelpRequest(b *tab) {
	s := b.site
	village := demo.CommuneCode + "-01"
	leader := s.newTab(b.t, false)
	leader.logInWithin(time.Minute, "lanhdao", demo.Password, "/office/tong-quan")
	overdueBefore := leader.text("#help-overdue")
	leader.step("open the village's poster", leader.open("/office/thon/"+village+"/ap-phich"),
		hasText("main h1", "Cần giúp dùng điện thoại, nộp hồ sơ trực tuyến?"), chromedp.WaitVisible(chromedp.CSS("#poster-qr svg")),
		leader.keep("poster"))
	link := leader.text("section.poster p strong")
	u, err := url.Parse(link)
	if err != nil || u.Path != "/ho-tro" || u.Query().Get("thon") != village {
		b.t.Fatalf("the poster's link %q, want /ho-tro?thon=%s", link, village)
	}
	var qrPNG []byte
	leader.step("take the poster's QR code", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		qrPNG, err = chromedp.Screenshot(chromedp.CSS("#poster-qr"), chromedp.NodeVisible)(ctx, t)
		return err
	}))

	// The citizen's phone, from the poster's link.
	b.step("open the poster's link", b.open(u.RequestURI()), hasText("main h1", "Nhờ tổ công nghệ số hỗ trợ"),
		hasValue("#ht-village", village), noSideScroll(), b.keep("form"))
	b.step("ask for help with a phone number", chromedp.Click(chromedp.CSS(`input[name="topic"][value="install_app"]`)),
		typeInto("#ht-phone", "0912 345 678"), typeInto("#ht-description", "Nhờ cài ứng dụng VNeID cho bà"),
		follow(`#help-form button[type="submit"]`), hasTextPrefix("#filed", "Đã gửi yêu cầu."),
		hasText("#help-status", "Đã giao tổ công nghệ số"), noSideScroll(), b.keep("filed"))
	code, secret := b.text("#help-code"), b.text("#help-secret")
	if !community.ValidCode(code) || secret == "" {
		b.t.Fatalf("code %q, secret %q", code, secret)
	}

	// The village's volunteer works it.
	v := s.newTab(b.t, false)
	v.logIn("tocongnghe", demo.Password, "/cong-dong")
	item := fmt.Sprintf(`#requests li:has(form[action="/cong-dong/ho-tro/%s/start"])`, code)
	v.step("see it assigned", chromedp.WaitVisible(chromedp.CSS(item)), hasTextContaining(item, code),
		hasTextContaining(item+" .status", "Đã giao tổ công nghệ số"), hasTextContaining(item, "0912345678"), noSideScroll(), v.keep("assigned"))
	v.step("start it", follow(item+" form[action$=\"/start\"] button"), atPath("/cong-dong"),
		hasTextContaining("p.flash", code+": Đang hỗ trợ"))
	done := fmt.Sprintf(`form[action="/cong-dong/ho-tro/%s/done"]`, code)
	v.step("mark it done", typeInto(done+` input[name="note"]`, "Đã cài xong VNeID"), follow(done+" button"), atPath("/cong-dong"),
		hasTextContaining("p.flash", code+": Đã hỗ trợ xong"), noSideScroll(), v.keep("done"))

	// The citizen confirms with the secret.
	b.step("open the request with its secret", b.open("/ho-tro/"+code+"?ma="+url.QueryEscape(secret)),
		hasText("#help-status", "Đã hỗ trợ xong, chờ xác nhận"), chromedp.WaitVisible(chromedp.CSS(`form[action="/ho-tro/`+code+`/dong"]`)))
	b.step("confirm and close it", follow(`form[action="/ho-tro/`+code+`/dong"] button`), hasText("#help-status", "Đã đóng"),
		hasTextContaining("#history li:nth-child(1)", "Đã tiếp nhận"), hasTextContaining("#history li:nth-child(2)", "Đã giao tổ công nghệ số"),
		hasTextContaining("#history li:nth-child(3)", "Đang hỗ trợ"), hasTextContaining("#history li:nth-child(4)", "Đã hỗ trợ xong"),
		hasTextContaining("#history li:nth-child(5)", "Đã đóng"), noSideScroll(), b.keep("closed"))

	// A second request, in the second village, left past its deadline.
	ctx := context.Background()
	unit, err := s.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		b.t.Fatal(err)
	}
	vs, err := s.st.CommunityVillages(ctx, unit.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	filed := time.Now().Add(-10 * 24 * time.Hour)
	if _, err := s.st.CreateHelpRequest(ctx, community.HelpRequest{Code: community.NewHelpCode(), UnitID: unit.ID, VillageID: vs[1].ID,
		Topic: community.TopicInternet, Phone: "0987654321", SecretHash: community.HashSecret("X"), ClientHash: "e2e",
		Status: community.StatusAssigned, FiledAt: filed, DueAt: filed.Add(72 * time.Hour),
		Events: []community.Event{{Status: community.StatusReceived, At: filed}, {Status: community.StatusAssigned, At: filed}}}, nil); err != nil {
		b.t.Fatal(err)
	}
	var before int
	fmt.Sscan(overdueBefore, &before)
	leader.stepWithin(time.Minute, "the leader's dashboard counts it overdue", leader.open("/office/tong-quan"),
		hasText("#help-overdue", fmt.Sprint(before+1)), noSideScroll(), leader.keep("dashboard"))

	// Last, since it skips where zbarimg is missing: the poster's QR code decodes to the
	// link the citizen followed.
	zbar := testtool.Path(b.t, "zbarimg", "apt-get install zbar-tools")
	f := filepath.Join(b.t.TempDir(), "poster-qr.png")
	if err := os.WriteFile(f, qrPNG, 0o600); err != nil {
		b.t.Fatal(err)
	}
	raw, err := exec.Command(zbar, "--raw", "-q", f).Output()
	if err != nil {
		b.t.Fatalf("zbarimg on the poster's QR code: %v", err)
	}
	if got := strings.TrimRight(string(raw), "\r\n"); got != link {
		b.t.Fatalf("the poster's QR code holds %q, its printed link %q", got, link)
	}
}
